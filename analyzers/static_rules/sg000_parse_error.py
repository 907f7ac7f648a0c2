"""SG000 parse-error: a file that cannot be analysed, at the line and column of the problem."""

from __future__ import annotations

from collections.abc import Iterator

from analyzers.extract.summary import ABORTED, LIMIT, ParseProblem
from analyzers.findings import Finding, Position
from analyzers.static_rules import SourceContext
from policypack.rules.sg000_parse_error import RULE


def findings(context: SourceContext) -> Iterator[Finding]:
    for summary in context.summaries:
        for problem in summary.problems:
            where = Position(problem.line, problem.column, problem.line, problem.column)
            yield Finding.at(RULE, summary.path, where, f"{_text(problem)}; it was not analyzed.",
                             subject=f"line {problem.line}")


def _text(problem: ParseProblem) -> str:
    """A syntax error reads differently from an analysis limit: the file may be valid Python."""
    if problem.kind == LIMIT:
        return f"This file is too deeply nested to analyze ({problem.message})"
    if problem.kind == ABORTED:
        return problem.message
    return f"Cannot parse this file: {problem.message} (line {problem.line}, column {problem.column})"
