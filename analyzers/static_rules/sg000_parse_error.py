"""SG000 parse-error: a file that cannot be analysed, at the line and column of the problem."""

from __future__ import annotations

from collections.abc import Iterator

from analyzers.findings import Finding
from analyzers.static_rules import SourceContext
from policypack.rules.sg000_parse_error import RULE


def findings(context: SourceContext) -> Iterator[Finding]:
    for summary in context.summaries:
        for problem in summary.problems:
            yield Finding(
                code=RULE.code,
                name=RULE.name,
                severity=RULE.severity,
                path=summary.path,
                line=problem.line,
                column=problem.column,
                end_line=problem.line,
                end_column=problem.column,
                message=f"[{RULE.code}] Cannot parse this file: {problem.message} "
                        f"(line {problem.line}, column {problem.column}); it was not analyzed.",
                subject=f"line {problem.line}",
            )
