"""A Markdown table, for pull request comments and job summaries.

Paths and messages come from the linted repository, so each is one code span
(escaping.markdown_code): links, images, HTML and @mentions in it stay inert,
and it can't break the table.
"""

from __future__ import annotations

from analyzers.reporters import Report, count_phrase, message_without_code
from analyzers.reporters.escaping import markdown_code


def _files(count: int) -> str:
    return f"{count} file{'' if count == 1 else 's'} checked"


def render(report: Report) -> str:
    if not report.findings:
        return f"## stackguard\n\nAll checks passed ({_files(report.files_checked)}).\n"
    lines = [
        "## stackguard",
        "",
        f"Found {count_phrase(report.findings)} in {_files(report.files_checked)}.",
        "",
        "| severity | code | rule | location | message |",
        "|---|---|---|---|---|",
    ]
    for finding in report.findings:
        lines.append(
            f"| {finding.severity.value} | {finding.code} | {finding.name} | "
            f"{markdown_code(f'{finding.path}:{finding.line}:{finding.column}')} | "
            f"{markdown_code(message_without_code(finding))} |"
        )
    return "\n".join(lines) + "\n"
