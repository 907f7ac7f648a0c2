"""# noqa directives: parsing with tokenize, span matching, file level, unused codes (SG001)."""

from __future__ import annotations

import pytest

from analyzers.findings import Finding
from analyzers.suppressions import UNUSED_CODE, apply, directives
from policypack.rules.base import Severity


def finding(code: str = "SG201", line: int = 3, end_line: int | None = None, path: str = "a.py") -> Finding:
    return Finding(code, "x", Severity.ERROR, path, line, 1, end_line or line, 9, f"[{code}] m", "db")


def everything_enabled(code: str, path: str) -> bool:
    return True


def run(source: str, findings, enabled=everything_enabled, path: str = "a.py"):
    return apply(findings, {path: source.encode()}, enabled)


@pytest.mark.parametrize(
    ("comment", "codes"),
    [
        ("# noqa: SG201", {"SG201"}),
        ("# noqa:SG201,SG301", {"SG201", "SG301"}),
        ("# NOQA: sg201 sg202", {"SG201", "SG202"}),
        ("# noqa: rds-parameter-group-family-mismatch", {"SG201"}),
        ("# noqa: E501, SG201  explained here", {"SG201"}),
        ("# type: ignore  # noqa: SG201", {"SG201"}),
        ("# noqa", None),
        ("#noqa", None),
    ],
)
def test_directive_codes(comment: str, codes) -> None:
    [directive] = directives(f"x = 1  {comment}\n".encode())
    assert directive.codes == (frozenset(codes) if codes is not None else None)
    assert directive.line == 1 and directive.column == 8 + comment.rfind("#") and not directive.file_level


@pytest.mark.parametrize("text", ["x = 1  # noqa: E501\n", "x = 1  # noqah\n", "x = '# noqa: SG201'\n",
                                  "'''\n# noqa: SG201\n'''\n"])
def test_not_ours_or_not_a_comment(text: str) -> None:
    assert directives(text.encode()) == []


def test_file_level_only_on_its_own_line() -> None:
    source = b"# stackguard: noqa: SG101\nx = 1  # stackguard: noqa: SG201\n    # stackguard: noqa\n"
    own, trailing, bare = directives(source)
    assert own.file_level and own.codes == {"SG101"}
    assert not trailing.file_level and trailing.codes == {"SG201"}
    assert bare.file_level and bare.codes is None


def test_broken_or_binary_files_do_not_raise() -> None:
    # comments before the broken part still count
    assert [d.line for d in directives(b"x = 1  # noqa: SG201\ndef f(:\n  (\n")] == [1]
    directives(b"\xff\xfe# noqa: SG201\x00")  # not UTF-8: must simply not raise
    assert directives(b"# -*- coding: nope -*-\nx = 1  # noqa: SG201\n") == []
    assert directives(b"") == []


def test_any_line_of_the_span_suppresses() -> None:
    source = "import x\n\ndb = Instance(\n    'db',\n    family='p14',  # noqa: SG201\n)\n"
    result = run(source, [finding(line=3, end_line=6)])
    assert result.kept == [] and len(result.suppressed) == 1 and result.unused == []
    # a directive outside the span does not
    result = run("x = 1  # noqa: SG201\n\ndb = Instance()\n", [finding(line=3)])
    assert len(result.kept) == 1
    assert [f.code for f in result.unused] == [UNUSED_CODE]


def test_other_codes_do_not_suppress() -> None:
    result = run("\n\ndb = Instance()  # noqa: SG202, E501\n", [finding(line=3)])
    assert len(result.kept) == 1
    [unused] = result.unused
    assert unused.line == 3 and unused.column == 18 and "SG202" in unused.message
    assert unused.severity is Severity.INFO and unused.name == "unused-suppression"
    assert unused.message.startswith("[SG001] ")


def test_bare_noqa_suppresses_everything_and_is_never_unused() -> None:
    result = run("\n\ndb = Instance()  # noqa\n", [finding(line=3), finding("SG101", line=3)])
    assert result.kept == [] and len(result.suppressed) == 2
    assert run("x = 1  # noqa\n", []).unused == []


def test_file_level_directives() -> None:
    source = "# stackguard: noqa: SG101\n\ndb = Instance()\n"
    result = run(source, [finding(line=3), finding("SG101", line=3)])
    assert [f.code for f in result.kept] == ["SG201"]
    assert run("# stackguard: noqa\n\ndb = Instance()\n", [finding(line=3)]).kept == []
    [unused] = run(source, []).unused
    assert "in this file" in unused.message and unused.line == 1


def test_partly_used_directive_reports_only_the_unused_code() -> None:
    result = run("\n\ndb = Instance()  # noqa: SG201, SG203\n", [finding(line=3)])
    assert result.kept == []
    [unused] = result.unused
    assert unused.subject == "SG203" and "SG201" not in unused.message


def test_unknown_codes_are_reported_and_disabled_rules_are_not() -> None:
    [unused] = run("x = 1  # noqa: SG999\n", []).unused
    assert "SG999 (not a stackguard rule)" in unused.message

    def only_sg2(code: str, path: str) -> bool:
        return code.startswith("SG2")

    # SG101 is not enabled for this file: its directive may be for another configuration
    assert run("x = 1  # noqa: SG101\n", [], enabled=only_sg2).unused == []
    assert len(run("x = 1  # noqa: SG202\n", [], enabled=only_sg2).unused) == 1


def test_unused_findings_can_themselves_be_silenced() -> None:
    assert run("# stackguard: noqa: SG001\nx = 1  # noqa: SG201\n", []).unused == []
    assert run("x = 1  # noqa: SG201, SG001\n", []).unused == []


def test_files_without_noqa_are_not_tokenized(monkeypatch) -> None:
    import tokenize

    def boom(*args, **kwargs):
        raise AssertionError("tokenize called")

    monkeypatch.setattr(tokenize, "tokenize", boom)
    assert run("db = Instance()\n", [finding(line=1)]).kept == [finding(line=1)]


@pytest.mark.parametrize("text", ["x = 1  # noqa E501\n", "x = 1  # noqa E501, W291\n"])
def test_noqa_without_colon_naming_other_tools_codes_is_not_ours(text: str) -> None:
    # Seen in component libraries on argument lines of long constructor calls; read as a
    # bare suppression it would hide an SG201 on the whole call.
    assert directives(text.encode()) == []


def test_noqa_without_colon_naming_a_stackguard_code_counts() -> None:
    [directive] = directives(b"x = 1  # noqa SG201\n")
    assert directive.codes == frozenset({"SG201"})


def test_a_noqa_e501_inside_a_constructor_call_keeps_its_findings() -> None:
    source = "db = aws.rds.Instance(\n    'db',\n    engine_version=version,  # noqa E501\n)\n"
    result = run(source, [finding(line=1, end_line=4)])
    assert len(result.kept) == 1 and not result.suppressed
