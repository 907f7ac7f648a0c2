"""GitHub Actions workflow commands: each finding becomes an annotation on the diff.

https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands
"""

from __future__ import annotations

from analyzers.reporters import Report, message_without_code

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    lines = []
    for finding in report.findings:
        properties = {
            "file": finding.path,
            "line": finding.line,
            "col": finding.column,
            "endLine": finding.end_line,
            "endColumn": finding.end_column,
            "title": f"{finding.code} {finding.name}",
        }
        rendered = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
        message = escape_data(f"{finding.code} [{finding.severity.value}] {message_without_code(finding)}")
        lines.append(f"::{_COMMAND[finding.severity.value]} {rendered}::{message}")
    return "".join(f"{line}\n" for line in lines)
