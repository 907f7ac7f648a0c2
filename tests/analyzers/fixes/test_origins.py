"""Where a value was written: the literals behind a prop, and how to respell it."""

from __future__ import annotations

from analyzers import project as front_end
from analyzers.fixes.model import apply_edits
from analyzers.fixes.origins import WrittenValue, respell, written_value
from analyzers.fixes.workspace import Workspace


def workspace(files: dict[str, str]) -> Workspace:
    summaries = [front_end.summarize_file(path, text.encode()) for path, text in sorted(files.items())]
    return Workspace(files, front_end.analyze_with_graph(summaries)[1])


def family(files: dict[str, str], name: str = "params") -> tuple[Workspace, WrittenValue | None]:
    space = workspace(files)
    [group] = [r for r in space.graph if r.name == name]
    return space, written_value(space, group, "family")


def respelled(files: dict[str, str], wanted: str) -> dict[str, str]:
    _, written = family(files)
    assert written is not None
    edits = respell(written, wanted)
    assert edits is not None
    out = dict(files)
    for edit in edits:
        out[edit.path] = apply_edits(out[edit.path], [edit])
    return out


GROUP = 'import pulumi_aws as aws\n{head}\nparams = aws.rds.ParameterGroup("params", family={family})\n'


def test_a_literal_keeps_its_quotes_and_prefix() -> None:
    files = {"__main__.py": GROUP.format(head="", family="'postgres14'")}
    assert respelled(files, "postgres17")["__main__.py"].endswith("family='postgres17')\n")
    files = {"__main__.py": GROUP.format(head="", family='u"postgres14"')}
    assert 'family=u"postgres17"' in respelled(files, "postgres17")["__main__.py"]


def test_a_constant_imported_from_another_module_is_rewritten_there() -> None:
    files = {"__main__.py": GROUP.format(head="from config.db import FAMILY as GROUP_FAMILY",
                                         family="GROUP_FAMILY"),
             "config/__init__.py": "", "config/db.py": 'FAMILY = "postgres14"  # keep\n'}
    out = respelled(files, "postgres16")
    assert out["config/db.py"] == 'FAMILY = "postgres16"  # keep\n'
    assert out["__main__.py"] == files["__main__.py"]


def test_a_module_attribute_and_an_fstring_major() -> None:
    files = {"__main__.py": GROUP.format(head="import versions as v", family='f"postgres{v.MAJOR}"'),
             "versions.py": "MAJOR = 14\n"}
    _, written = family(files)
    assert written is not None and [part.kind for part in written.parts] == ["text", "int"]
    assert respelled(files, "postgres17")["versions.py"] == "MAJOR = 17\n"


def test_implicit_concatenation_changes_the_part_that_differs() -> None:
    files = {"__main__.py": GROUP.format(head="", family='("postgres" "14")')}
    assert '("postgres" "16")' in respelled(files, "postgres16")["__main__.py"]


def test_nothing_when_the_literal_is_not_certainly_the_value() -> None:
    twice = GROUP.format(head='FAMILY = "postgres14"\nFAMILY = "postgres14"', family="FAMILY")
    assert family({"__main__.py": twice})[1] is None
    rebound = GROUP.format(head='FAMILY = "postgres14"\ndef bump():\n    global FAMILY\n    FAMILY = "x"',
                           family="FAMILY")
    assert family({"__main__.py": rebound})[1] is None
    formatted = GROUP.format(head="MAJOR = 14", family='f"postgres{MAJOR:d}"')
    assert family({"__main__.py": formatted})[1] is None
    local_shadow = ('import pulumi_aws as aws\nFAMILY = "postgres14"\n\ndef make(FAMILY):\n'
                    '    return aws.rds.ParameterGroup("params", family=FAMILY)\n\nmake("postgres15")\n')
    _, written = family({"__main__.py": local_shadow})
    assert written is None  # a parameter, not the module constant of the same name


def test_respell_refuses_what_one_literal_cannot_say() -> None:
    files = {"__main__.py": GROUP.format(head="MAJOR = 14", family='f"postgres{MAJOR}"')}
    _, written = family(files)
    assert written is not None
    assert respell(written, "mysql8.0") is None  # the f-string's text would have to change too
    assert respell(written, 'postgres"17') is None  # no quoting games
