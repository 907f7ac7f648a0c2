"""The front end's contract: pure, picklable summaries; lean imports; exact locations."""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from analyzers.extract.positions import cst_spans
from analyzers.project import SUMMARY_FORMAT_VERSION, analyze, project_name, summarize_file
from policypack.rules import all_rules

REPO = Path(__file__).resolve().parents[2]
_SEED = textwrap.dedent('''
    import pulumi_aws as aws

    params = aws.rds.ParameterGroup("params", family="postgres14")
    db = aws.rds.Instance(
        "db",
        engine="postgres",
        engine_version="17.5",
        parameter_group_name=params.name,
    )
''').encode()


def _corpus() -> list[tuple[str, bytes]]:
    files = [(p.relative_to(REPO).as_posix(), p.read_bytes())
             for root in ("reference_stack", "tests/fixtures/faulty_stack", "tests/fixtures/faulty_variants")
             for p in sorted((REPO / root).rglob("*.py"))]
    for rule in all_rules():
        for index, example in enumerate(rule.bad + rule.good):
            files.append((f"{rule.code}-{index}.py", example.code.encode()))
    return files


def test_summaries_are_pure_and_picklable() -> None:
    assert isinstance(SUMMARY_FORMAT_VERSION, int)
    for path, source in _corpus():
        first = summarize_file(path, source)
        assert summarize_file(path, source) == first
        assert pickle.loads(pickle.dumps(first)) == first


def test_findings_point_at_the_constructor_call() -> None:
    [finding] = [f for f in analyze([summarize_file("infra/db.py", _SEED)]) if f.code == "SG201"]
    assert (finding.path, finding.line, finding.column, finding.end_line, finding.end_column) == (
        "infra/db.py", 5, 6, 10, 2)
    assert finding.subject == "db"
    assert finding.message.startswith("[SG201]")


def test_spans_from_ast_agree_with_libcst_positions() -> None:
    import libcst as cst

    from analyzers.extract.cst_statements import StatementWalker
    from analyzers.extract.cst_summary import _spans
    from analyzers.extract.positions import AstSpans
    from analyzers.extract.source import check_syntax, split_lines

    checked = 0
    for _, source in _corpus():
        text = source.decode()
        tree, problem = check_syntax(text)
        if problem is not None or "pulumi" not in text:
            continue
        module = cst.parse_module(text)
        walker = StatementWalker()
        walker.walk_module(module)
        fast_calls, fast_classes = _spans(module, walker, AstSpans(tree, split_lines(text)))
        exact = cst_spans(module, [p.node for p in walker.pending_calls])
        assert fast_calls == exact
        assert [s.line for s in fast_classes] == [s.line for s in cst_spans(
            module, [b.node.name for b in walker.classes.values()])]
        checked += len(exact)
    assert checked > 500


def test_spans_count_characters_not_bytes() -> None:
    source = "import pulumi_aws as aws\nx = 'é'; aws.s3.Bucket('b')\n".encode()
    [call] = [c for c in summarize_file("m.py", source).calls if "Bucket" in repr(c.call.func)]
    assert (call.span.line, call.span.column) == (2, 10)


def test_lean_imports() -> None:
    """analyzers never imports pulumi, pulumi_policy or pulumi_aws; cached summaries need no libcst."""
    code = textwrap.dedent(f'''
        import pickle, sys
        from analyzers.project import analyze, summarize_file
        blob = pickle.dumps([summarize_file("settings.py", b"X = 1\\n")])
        assert "libcst" not in sys.modules, "a file without pulumi was parsed with libcst"
        summary = summarize_file("__main__.py", {_SEED!r})
        assert "libcst" in sys.modules
        findings = analyze([summary])
        assert any(f.code == "SG201" for f in findings)
        for name in ("pulumi", "pulumi_aws", "pulumi_policy"):
            assert name not in sys.modules, name
    ''')
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
    cached = textwrap.dedent(f'''
        import pickle, sys
        from analyzers.project import summarize_file
        blob = pickle.dumps([summarize_file("__main__.py", {_SEED!r})])
        print(blob.hex())
    ''')
    blob = subprocess.run([sys.executable, "-c", cached], cwd=REPO, check=True, capture_output=True,
                          text=True).stdout.strip()
    warm = textwrap.dedent(f'''
        import pickle, sys
        from analyzers.project import analyze
        findings = analyze(pickle.loads(bytes.fromhex("{blob}")))
        assert any(f.code == "SG201" for f in findings)
        assert "libcst" not in sys.modules, "a cached run imported libcst"
    ''')
    subprocess.run([sys.executable, "-c", warm], cwd=REPO, check=True)


@pytest.mark.parametrize(("text", "expected"), [
    ("name: shop\nruntime: python\n", "shop"),
    ("runtime:\n  name: python\nname: 'quoted'  # comment\n", "quoted"),
    ("description: no name\n", "somewhere"),
])
def test_project_name(tmp_path: Path, text: str, expected: str) -> None:
    directory = tmp_path / "somewhere"
    directory.mkdir()
    (directory / "Pulumi.yaml").write_text(text)
    assert project_name(directory) == expected


def test_options_reach_the_rules() -> None:
    source = textwrap.dedent('''
        import pulumi_aws as aws
        aws.s3.Bucket("root-bucket")
    ''').encode()
    summaries = [summarize_file("__main__.py", source)]
    assert [f.code for f in analyze(summaries)] == ["SG101"]
    assert analyze(summaries, {"SG101": {"allowedTypes": ["aws:s3/*"]}}) == []


def test_project_name_does_not_wait_on_a_fifo(tmp_path: Path) -> None:
    """The gate names projects from their Pulumi.yaml; one that is a FIFO must not hang it."""
    import os
    import subprocess
    import sys

    project = tmp_path / "infra"
    project.mkdir()
    os.mkfifo(project / "Pulumi.yaml")
    probe = "import sys; from pathlib import Path; from analyzers.project import project_name; " \
            "print(project_name(Path(sys.argv[1])))"
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", probe, str(project)], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(repo)})
    assert done.returncode == 0 and done.stdout.strip() == "infra", done.stderr
