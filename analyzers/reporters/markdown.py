"""A Markdown table, for pull request comments and job summaries."""

from __future__ import annotations

from analyzers.reporters import Report, count_phrase, message_without_code


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def render(report: Report) -> str:
    if not report.findings:
        return f"## stackguard\n\nAll checks passed ({report.files_checked} files checked).\n"
    lines = [
        "## stackguard",
        "",
        f"Found {count_phrase(report.findings)} in {report.files_checked} files checked.",
        "",
        "| severity | code | rule | location | message |",
        "|---|---|---|---|---|",
    ]
    for finding in report.findings:
        lines.append(
            f"| {finding.severity.value} | {finding.code} | {finding.name} | "
            f"`{_cell(finding.path)}:{finding.line}:{finding.column}` | "
            f"{_cell(message_without_code(finding))} |"
        )
    return "\n".join(lines) + "\n"
