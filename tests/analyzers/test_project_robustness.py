"""Bad input never raises: parse errors are SG000 findings with a position, the run goes on."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzers.project import analyze, summarize_file


def _sg000(path: str, source: bytes) -> list[tuple[int, int, str]]:
    findings = analyze([summarize_file(path, source)])
    return [(f.line, f.column, f.message) for f in findings if f.code == "SG000"]


def test_syntax_error_reports_line_and_column() -> None:
    [(line, column, message)] = _sg000("app.py", b"import pulumi\n\nbucket = Bucket('logs'\nx = 1\n")
    assert line in (3, 4) and column >= 1
    assert message.startswith("[SG000] Cannot parse this file")


def test_the_run_goes_on_after_a_broken_file() -> None:
    broken = summarize_file("broken.py", b"def (:\n")
    good = summarize_file("__main__.py", b'''
import pulumi_aws as aws
params = aws.rds.ParameterGroup("params", family="postgres14")
aws.rds.Instance("db", engine="postgres", engine_version="17.5", parameter_group_name=params.name)
''')
    codes = sorted(f.code for f in analyze([broken, good]))
    assert "SG000" in codes and "SG201" in codes


def test_undecodable_bytes_point_at_the_byte() -> None:
    [(line, column, message)] = _sg000("app.py", b"import pulumi\nname = 'caf\xe9'\n")
    assert (line, column) == (2, 12)
    assert "utf-8" in message


def test_declared_encodings_and_bom_are_honoured() -> None:
    latin = "# -*- coding: latin-1 -*-\nimport pulumi_aws as aws\naws.s3.Bucket('café')\n".encode("latin-1")
    assert _sg000("latin.py", latin) == []
    bom = b"\xef\xbb\xbfimport pulumi\nimport pulumi_aws as aws\n\naws.s3.Bucket('b')\n"
    summary = summarize_file("bom.py", bom)
    assert not summary.problems
    assert summary.calls[0].span.line == 4 and summary.calls[0].span.column == 1


def test_null_bytes_and_empty_files() -> None:
    [(line, column, _)] = _sg000("nul.py", b"import pulumi\nx = 1\x00\n")
    assert (line, column) == (2, 6)
    assert _sg000("empty.py", b"") == []
    assert not summarize_file("empty.py", b"").problems


@pytest.mark.parametrize("source", [
    "import pulumi\nx = " + "(" * 5000 + "1" + ")" * 5000 + "\n",
    "import pulumi\nx = " + "+".join(["1"] * 20000) + "\n",
    "import pulumi\nx = " + " and ".join(["a"] * 20000) + "\n",
    "import pulumi\nx = " + "-" * 20000 + "1\n",
    "import pulumi\nx = f" + "()" * 3000 + "\n",
    "import pulumi\nx = " + "[" * 150 + "]" * 150 + "\n",
    "import pulumi\n" + "".join(" " * i + "if a:\n" for i in range(150)) + " " * 150 + "pass\n",
])
def test_deep_nesting_is_a_finding_or_fine_never_a_crash(source: str) -> None:
    summary = summarize_file("deep.py", source.encode())
    for problem in summary.problems:
        assert "internal error" not in problem.message
    analyze([summary])


def test_a_long_left_nested_expression_does_not_overflow_phase_2() -> None:
    source = "import pulumi_aws as aws\nNAME = " + " + ".join(["'a'"] * 900) + "\naws.s3.Bucket('b', bucket=NAME)\n"
    summary = summarize_file("__main__.py", source.encode())
    analyze([summary])  # evaluation depth is bounded: the value may be unknown, never a RecursionError


def test_a_large_generated_program() -> None:
    lines = ["import pulumi", "import pulumi_aws as aws", "FAMILY = 'postgres17'"]
    for index in range(10_000):
        lines.append(f"group_{index} = aws.rds.ParameterGroup('group-{index}', family=FAMILY)")
        lines.append(f"# padding line {index}")
        lines.append(f"VALUE_{index} = {index}")
        lines.append("")
        lines.append(f"def helper_{index}(x):\n    return x + {index}")
    source = "\n".join(lines).encode()
    assert source.count(b"\n") >= 50_000
    summary = summarize_file("generated.py", source)
    assert not summary.problems
    assert len(summary.calls) == 10_000
    assert summary.calls[-1].span.line > 49_000


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400), st.booleans())
def test_summarize_never_raises_on_text(text: str, mention_pulumi: bool) -> None:
    source = ("import pulumi\n" + text) if mention_pulumi else text
    summary = summarize_file("__main__.py", source.encode("utf-8", "surrogatepass"))
    assert all("internal error" not in p.message for p in summary.problems)
    analyze([summary])


_PROGRAM_PIECES = st.sampled_from([
    "import pulumi\n", "import pulumi_aws as aws\n", "x = aws.s3.Bucket('b')\n", "def f(a):\n    return a\n",
    "class C(pulumi.ComponentResource):\n    def __init__(self, n):\n        super().__init__('a:b:C', n)\n",
    "for i in [1, 2]:\n    y = f(i)\n", "if x:\n    z = 1\nelse:\n    z = 2\n", "C('c')\n", "f(x)\n",
    "aws.s3.BucketPolicy('p', bucket=x.id, opts=pulumi.ResourceOptions(parent=x, depends_on=[x]))\n",
    "x = [", "    ", "\n", "(", ")", "'", "lambda q: q", "**{'a': 1}", "match x:\n    case 1:\n        pass\n",
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PROGRAM_PIECES, max_size=12))
def test_summarize_and_analyze_never_raise_on_program_like_text(pieces: list[str]) -> None:
    summary = summarize_file("__main__.py", "".join(pieces).encode())
    assert all("internal error" not in p.message for p in summary.problems)
    analyze([summary])


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_summarize_never_raises_on_bytes(data: bytes) -> None:
    summary = summarize_file("__main__.py", b"import pulumi\n" + data)
    assert all("internal error" not in p.message for p in summary.problems)
    pickle.loads(pickle.dumps(summary))


def test_programs_that_would_run_forever_are_cut_short() -> None:
    from analyzers.extract.contexts import MAX_CONTEXTS
    from analyzers.extract.graph_builder import build

    numbers = ", ".join(str(i) for i in range(30))
    source = f'''
import pulumi_aws as aws
A = [{numbers}]

def make(a, b):
    aws.s3.Bucket(f"b-{{a}}-{{b}}")

def forever(n):
    aws.sqs.Queue(f"q{{n}}")
    return forever(n + 1)

for a in A:
    for b in A:
        for c in A:
            make(a, b)
forever(0)
'''
    project = build([summarize_file("__main__.py", source.encode())], "p")
    buckets = project.graph.of_type("aws:s3/bucket:Bucket")
    assert 1 <= len(buckets) <= MAX_CONTEXTS
    assert any(" at __main__.py:" in b.name for b in buckets)  # calls over budget: a generic run
    assert 1 <= len(project.graph.of_type("aws:sqs/queue:Queue")) <= 20  # recursion is not followed
