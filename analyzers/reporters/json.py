"""The JSON contract other tools rely on (design.md): one object, paths relative to the CWD.

The shape is pinned by tests/fixtures/schemas/stackguard-lint.schema.json.
"""

from __future__ import annotations

import json
from typing import Any

from analyzers.findings import Finding
from analyzers.reporters import Report
from analyzers.reporters.escaping import utf8_safe


def _fix(report: Report, finding: Finding) -> dict[str, Any]:
    """``"fix"``, only for a finding ``stackguard lint --fix`` can fix: safe or unsafe, and its edits."""
    info = report.fixes.get(finding)
    if info is None:
        return {}
    return {"fix": {
        "applicability": info.safety,
        "message": utf8_safe(info.description),
        "edits": [
            {"path": utf8_safe(edit.path), "line": edit.start_line, "column": edit.start_column,
             "end_line": edit.end_line, "end_column": edit.end_column, "content": utf8_safe(edit.text)}
            for edit in info.replacements
        ],
    }}


def render(report: Report) -> str:
    document = {
        "tool": "stackguard",
        "version": report.tool_version,
        "findings": [
            {**finding_fields(finding), **_fix(report, finding), **instances_field(finding)}
            for finding in report.findings
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def finding_fields(finding: Finding) -> dict[str, object]:
    """What every JSON report says of a finding (this one and the CI gate's), in this order."""
    return {
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity.value,
        "path": utf8_safe(finding.path),  # non-UTF-8 bytes as \xNN (escaping.py)
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "message": utf8_safe(finding.message),
        "fingerprint": finding.fingerprint,
    }


def instances_field(finding: Finding) -> dict[str, object]:
    """A finding folded from several resources one call creates lists them (analyzers/folding.py)."""
    return {"instances": [utf8_safe(name) for name in finding.instances]} if len(finding.instances) > 1 else {}
