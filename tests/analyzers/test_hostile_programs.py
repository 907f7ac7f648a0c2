"""Property: no program, however adversarial its shape, costs the run its other files' findings.

Generated files nest every kind of expression and block to random depths
(within and far past the limits), hold huge literals and odd identifiers, or
use syntax only newer Pythons accept. Linted next to a file with a known
fault, through the command line in this process: a defined exit code, JSON
on stdout, no traceback, at most one SG000 for the hostile file (a file
within the nesting limit is analyzed), and the other file's finding intact.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analyzers.cli import main
from analyzers.extract.limits import MAX_NESTING
from tests.support.hostile_code import BRACKETED, FAULTY_FILE, LEVELS, NESTED, blocks, elif_chain

_IDENTIFIERS = st.sampled_from([
    "x", "ñandú", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "_" * 300, "a" * 5000, "print", "pulumi", "aws", "__builtins__", "self", "ǅ",
])


@st.composite
def nested_expressions(draw: st.DrawFn) -> tuple[str, int]:
    """An expression and its nesting in syntax-tree levels."""
    kind = draw(st.sampled_from(sorted(NESTED)))
    most = 190 if kind in BRACKETED else 10_000
    steps = draw(st.one_of(st.integers(1, 60), st.integers(1, 250), st.integers(1, most)))
    return NESTED[kind](steps), steps * LEVELS[kind]


@st.composite
def huge_literals(draw: st.DrawFn) -> tuple[str, int]:
    """A literal that is wide, not deep, and its nesting."""
    size = draw(st.integers(1, 20_000))
    return draw(st.sampled_from([
        ("[" + ", ".join(str(i) for i in range(size)) + "]", 1),
        ("{" + ", ".join(f"'k{i}': {i}" for i in range(size)) + "}", 1),
        (repr("x" * (size * 50)), 0),
        ("(" + " ".join(repr(f"line {i}") for i in range(size // 10 + 1)) + ")", 0),
        (" + ".join(["'a'"] * min(size, 150)), min(size, 150)),
        ("f'" + "{a}" * size + "'", 2),
    ]))


@st.composite
def hostile_files(draw: st.DrawFn) -> tuple[str, int]:
    """A whole file and (about) its deepest nesting."""
    name = draw(_IDENTIFIERS)
    expression, depth = draw(st.one_of(nested_expressions(), huge_literals()))
    header = draw(st.sampled_from(["import pulumi\nimport pulumi_aws as aws\n", "import pulumi\ntype T = int\n", ""]))
    shape = draw(st.sampled_from(["assign", "blocks", "elif", "argument"]))
    if shape == "blocks":
        indent = draw(st.integers(1, 90))
        return header + blocks(indent, f"{name} = {expression}"), depth + indent + 1
    if shape == "elif":
        branches = draw(st.integers(1, 600))
        return header + elif_chain(branches) + f"{name} = {expression}\n", max(branches + 2, depth + 2)
    if shape == "argument":
        return header + f"{name} = aws.s3.Bucket('b', tags={expression})\n", depth + 4
    return header + f"{name} = {expression}\n", depth + 2


def lint(directory: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["lint", "--format", "json", "--no-cache", "--select", "SG000,SG201", str(directory)])
    return code, out.getvalue(), err.getvalue()


# The reported faults: a 10,000-link chain crashed the process, 3,000 subscripts took minutes.
@example(("import pulumi\ntype T = int\nx = " + NESTED["attribute"](10_000) + "\n", 10_002))
@example(("import pulumi\nx = " + NESTED["subscript"](3_000) + "\n", 3_002))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(hostile_files())
def test_a_hostile_file_never_costs_the_other_files_findings(file: tuple[str, int]) -> None:
    text, depth = file
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "Pulumi.yaml").write_text("name: hostile\n")
        (root / "faulty.py").write_text(FAULTY_FILE)
        (root / "hostile.py").write_text(text, encoding="utf-8")
        started = time.monotonic()
        code, out, err = lint(root)
        assert time.monotonic() - started < 10
    assert code == 1, err
    assert "Traceback" not in err and "internal error" not in err, err
    found = json.loads(out)["findings"]
    faulty = [(f["code"], f["message"]) for f in found if f["path"].endswith("faulty.py")]
    assert [code for code, _ in faulty] == ["SG201"], faulty
    hostile = [f for f in found if f["path"].endswith("hostile.py")]
    assert len(hostile) <= 1, hostile
    for finding in hostile:
        assert "internal error" not in finding["message"] and "crashed" not in finding["message"], finding
    if depth + 10 < MAX_NESTING and "type T" not in text:  # within the limit: analyzed
        assert hostile == [], (depth, hostile)
