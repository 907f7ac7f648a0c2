"""GitLab Code Quality report (a JSON array), shown in merge request widgets.

https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format
Paths are relative to the repository root (the git work tree holding the CWD).
"""

from __future__ import annotations

import json

from analyzers.reporters import Report
from analyzers.reporters.escaping import utf8_safe

# error: AWS rejects or the API never works; warning: advisory; info: housekeeping.
_SEVERITY = {"error": "critical", "warning": "minor", "info": "info"}


def render(report: Report) -> str:
    issues = [
        {
            "type": "issue",
            "check_name": f"{finding.code} {finding.name}",
            "description": utf8_safe(finding.message),
            "severity": _SEVERITY[finding.severity.value],
            "fingerprint": finding.fingerprint,
            "location": {
                "path": utf8_safe(report.path_from_source_root(finding)),
                "lines": {"begin": finding.line, "end": finding.end_line},
            },
        }
        for finding in report.findings
    ]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
