"""A Markdown table, for pull request comments and job summaries."""

from __future__ import annotations

from analyzers.reporters import Report, count_phrase, message_without_code


def _cell(text: str) -> str:
    """One table cell: no line breaks, no column breaks, no emphasis or HTML from the message."""
    for char in ("\\", "|", "*", "_", "`"):
        text = text.replace(char, "\\" + char)
    return text.replace("<", "&lt;").replace("\r", " ").replace("\n", " ")


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
            f"{_cell(finding.path)}:{finding.line}:{finding.column} | "
            f"{_cell(message_without_code(finding))} |"
        )
    return "\n".join(lines) + "\n"
