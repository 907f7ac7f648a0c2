"""Nesting limits of phase 1: deep files within the limit are analyzed, past it they are one SG000."""

from __future__ import annotations

import pytest

from analyzers.extract.limits import MAX_NESTING, MAX_OPERAND_NESTING
from analyzers.extract.newer_syntax import nesting_in_tokens
from analyzers.project import analyze, summarize_file
from tests.analyzers.extract.sources import graph_of
from tests.support.hostile_code import BRACKETED, LEVELS, NESTED, blocks, elif_chain, pulumi_file

TOO_DEEP = "This file is too deeply nested to analyze ("


def sg000_messages(path: str, source: str) -> list[tuple[int, str]]:
    return [(f.line, f.message) for f in analyze([summarize_file(path, source.encode())]) if f.code == "SG000"]


def within(kind: str) -> int:
    """A nesting just under the limit (and under CPython's 200 brackets)."""
    steps = (MAX_NESTING - 20) // LEVELS[kind]
    return min(steps, 150) if kind in BRACKETED else steps


@pytest.mark.parametrize("kind", sorted(NESTED))
def test_nesting_within_the_limit_is_analyzed(kind: str) -> None:
    summary = summarize_file("__main__.py", pulumi_file(NESTED[kind](within(kind))).encode())
    assert summary.problems == ()
    assert [call.span.line for call in summary.calls if "Bucket" in str(call.call.func)] == [5]


@pytest.mark.parametrize("kind", sorted(set(NESTED) - {"and"}))  # and/or chains: a bound of their own
def test_nesting_past_the_limit_is_one_sg000_at_its_line(kind: str) -> None:
    # 60 blocks, then an expression 160 levels deep: brackets stay under CPython's 200
    source = "import pulumi\n" + blocks(60, f"x = {NESTED[kind](160 // LEVELS[kind])}")
    [(line, message)] = sg000_messages("__main__.py", source)
    assert line == 62
    assert message.startswith(f"[SG000] {TOO_DEEP}more than {MAX_NESTING} levels of nesting at line 62")
    assert message.endswith("); it was not analyzed.")


def test_a_limit_reads_differently_from_a_syntax_error() -> None:
    [(_, syntax)] = sg000_messages("__main__.py", "import pulumi\nx = (1 +\n")
    assert syntax.startswith("[SG000] Cannot parse this file: ") and TOO_DEEP not in syntax
    [(_, deep)] = sg000_messages("__main__.py", pulumi_file(NESTED["unary"](300)))
    assert deep.startswith(f"[SG000] {TOO_DEEP}") and "Cannot parse" not in deep


def test_elif_chains_nest_like_blocks() -> None:
    assert sg000_messages("__main__.py", "import pulumi\n" + elif_chain(150)) == []
    [(line, message)] = sg000_messages("__main__.py", "import pulumi\n" + elif_chain(400))
    assert TOO_DEEP in message and 300 < line < 500


def test_each_and_or_operand_counts_toward_a_bound_of_its_own() -> None:
    wide = " and ".join(f"(a{i} or b{i})" for i in range(MAX_OPERAND_NESTING - 50))
    assert sg000_messages("__main__.py", f"import pulumi\nx = {wide}\n") == []
    wider = " and ".join(["a"] * (MAX_OPERAND_NESTING + 10))
    [(_, message)] = sg000_messages("__main__.py", f"import pulumi\nx = {wider}\n")
    assert f"more than {MAX_OPERAND_NESTING} levels of nesting, counting each and/or operand" in message


def test_a_long_implicit_concatenation_is_one_literal() -> None:
    # an embedded document as adjacent literals: libcst nests them one level per literal
    lines = "\n".join(f"    'line {i} '" for i in range(3000))
    graph = graph_of(f"import pulumi_aws as aws\nDOC = (\n{lines}\n)\naws.s3.Bucket('b', bucket=DOC)\n")
    [bucket] = graph.of_type("aws:s3/bucket:Bucket")
    assert bucket.props["bucket"] == "".join(f"line {i} " for i in range(3000))


def test_files_without_pulumi_past_the_limit_lend_no_constants_but_are_not_findings() -> None:
    deep = "x = " + NESTED["attribute"](500) + "\nNAME = 'n'\n"
    assert summarize_file("helpers.py", deep.encode()).problems == ()
    assert summarize_file("helpers.py", elif_chain(400).encode()).problems == ()


def test_nesting_is_measured_from_tokens_for_newer_syntax() -> None:
    newer = "import pulumi\ntype Name = str\n"  # Python 3.12 syntax: libcst alone reads the file
    assert summarize_file("__main__.py", (newer + "x = " + NESTED["call"](150) + "\n").encode()).problems == ()
    for kind in ("attribute", "subscript", "call", "lambda_with_parameters", "fstring", "and"):
        summary = summarize_file("__main__.py", (newer + "x = " + NESTED[kind](MAX_NESTING + 5) + "\n").encode())
        [problem] = summary.problems
        assert problem.kind == "limit" and problem.line == 3, kind


def test_the_token_measure_ends_chains_at_separators_and_brackets() -> None:
    # a long flat display of calls and attributes is wide, not deep
    wide = "x = [" + ", ".join(f"f(a.b{i})" for i in range(1000)) + "]\n"
    assert nesting_in_tokens(wide, MAX_NESTING) is None
    assert nesting_in_tokens("x = {" + ", ".join(f"'k{i}': c.d" for i in range(1000)) + "}\n", MAX_NESTING) is None
    # but lambdas' parameters do not end the chain of the lambdas around them
    assert nesting_in_tokens("x = " + NESTED["lambda_with_parameters"](300) + "\n", MAX_NESTING) is not None
    assert nesting_in_tokens("x = 'a' 'b'\n" + "y = (" + "'a' " * 300 + ")\n", MAX_NESTING)[1] == 2
    with pytest.raises(ValueError):
        nesting_in_tokens("x = (1,\n", MAX_NESTING)


def test_a_deep_caller_stack_leaves_the_analysis_its_room() -> None:
    # the walks get room for the nesting they allow, wherever the caller stands
    source = pulumi_file(NESTED["list"](150)).encode()

    def from_deep(levels: int):
        return summarize_file("__main__.py", source) if levels == 0 else from_deep(levels - 1)

    summary = from_deep(700)
    assert summary.problems == ()
    analyze([summary])
