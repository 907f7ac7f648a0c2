"""GitHub Actions workflow commands: each finding becomes an annotation on the diff.

https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands
Properties and message are escaped as the spec says (escaping.py), so text from the
linted repository can't end the command or start another one.
"""

from __future__ import annotations

from analyzers.reporters import Report, message_without_code
from analyzers.reporters.escaping import workflow_data, workflow_property

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


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
        rendered = ",".join(f"{key}={workflow_property(str(value))}" for key, value in properties.items())
        message = workflow_data(f"{finding.code} [{finding.severity.value}] {message_without_code(finding)}")
        lines.append(f"::{_COMMAND[finding.severity.value]} {rendered}::{message}")
    return "".join(f"{line}\n" for line in lines)
