"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
Artifact URIs are relative to ``%SRCROOT%`` (the git work tree holding the
CWD, given in ``originalUriBaseIds``); regions are 1-based with an exclusive
end column, counted in code points. A URI percent-encodes the file name's real
bytes, so a non-UTF-8 name still points at its file (escaping.py). Rule
descriptors, including ``help``, are rendered from the rule catalog, the one
place the docs live.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from functools import lru_cache
from importlib import metadata
from typing import Any
from urllib.parse import quote

from analyzers.findings import Finding
from analyzers.reporters import Report
from analyzers.reporters.escaping import original_bytes, utf8_safe
from policypack.rules import all_rules
from policypack.rules.base import Rule

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "stackguardFingerprint/v1"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


@lru_cache(maxsize=1)
def project_urls() -> dict[str, str]:
    """The distribution's ``[project.urls]`` (lower-cased labels); {} when it declares none."""
    try:
        entries = metadata.metadata("stackguard").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return {}
    urls = {}
    for entry in entries:
        label, _, url = entry.partition(",")
        if url.strip():
            urls[label.strip().lower()] = url.strip()
    return urls


def _camel_case(kebab: str) -> str:
    return "".join(part.capitalize() for part in kebab.split("-"))


def _help_text(rule: Rule) -> str:
    return _plain_text(f"{rule.summary}\n\nWhy: {rule.why}\n\nFix: {rule.fix}")


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": _camel_case(rule.name),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "help": {"text": _help_text(rule), "markdown": rule.markdown()},
        "defaultConfiguration": {"level": _LEVEL[rule.severity.value]},
        "properties": {"tags": ["pulumi", rule.name, *rule.tags], "precision": "high"},
    }
    if rule.security_severity is not None:
        # GitHub code scanning reads this (a string) to rank security alerts.
        descriptor["properties"]["security-severity"] = f"{rule.security_severity:.1f}"
    docs = project_urls().get("documentation")
    if docs:
        descriptor["helpUri"] = f"{docs.rstrip('/')}/rules.md#{rule.code.lower()}-{rule.name}"
    return descriptor


def _plain_text(text: str) -> str:
    return re.sub(r"`([^`]*)`", r"\1", text)


def _location(report: Report, finding: Finding) -> dict[str, Any]:
    path = report.path_from_source_root(finding)
    outside_root = path.startswith("/")
    uri = quote(original_bytes(path))
    artifact = {"uri": "file://" + uri} if outside_root else {"uri": uri, "uriBaseId": SRCROOT}
    end_line = max(finding.end_line, finding.line)
    end_column = finding.end_column
    if end_line == finding.line and end_column <= finding.column:
        end_column = finding.column + 1
    return {
        "physicalLocation": {
            "artifactLocation": artifact,
            "region": {
                "startLine": finding.line,
                "startColumn": finding.column,
                "endLine": end_line,
                "endColumn": end_column,
            },
        }
    }


def _artifact(report: Report, finding: Finding, path: str) -> dict[str, Any]:
    shown = report.path_from_source_root(replace(finding, path=path))
    uri = quote(original_bytes(shown))
    return {"uri": "file://" + uri} if shown.startswith("/") else {"uri": uri, "uriBaseId": SRCROOT}


def _fixes(report: Report, finding: Finding) -> list[dict[str, Any]]:
    """SARIF ``fixes``: the finding's automatic fix as replacements (none when it has no fix)."""
    info = report.fixes.get(finding)
    if info is None:
        return []
    changes: dict[str, list[dict[str, Any]]] = {}
    for edit in info.replacements:
        changes.setdefault(edit.path, []).append({
            "deletedRegion": {"startLine": edit.start_line, "startColumn": edit.start_column,
                              "endLine": edit.end_line, "endColumn": edit.end_column},
            "insertedContent": {"text": utf8_safe(edit.text)},
        })
    label = "safe fix" if info.safety == "safe" else "unsafe fix (--unsafe-fixes)"
    return [{
        "description": {"text": utf8_safe(f"{info.description} [{label}]")},
        "artifactChanges": [{"artifactLocation": _artifact(report, finding, path), "replacements": replacements}
                            for path, replacements in changes.items()],
        "properties": {"applicability": info.safety},
    }]


def _json_safe(value: Any) -> Any:
    """Repository text inside properties, with lone surrogates escaped (escaping.py)."""
    if isinstance(value, str):
        return utf8_safe(value)
    if isinstance(value, (list, tuple)):
        return [_json_safe(item) for item in value]
    return value


def render(report: Report) -> str:
    rules = [rule for rule in all_rules() if rule.static]  # what was checked, for viewers
    index = {rule.code: position for position, rule in enumerate(rules)}
    results = []
    for finding in report.findings:
        result: dict[str, Any] = {
            "ruleId": finding.code,
            "level": _LEVEL[finding.severity.value],
            "message": {"text": utf8_safe(finding.message)},
            "locations": [_location(report, finding)],
            "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        }
        if finding.code in index:
            result["ruleIndex"] = index[finding.code]
        fixes = _fixes(report, finding)
        if fixes:
            result["fixes"] = fixes
        extra = finding.report_properties()
        if extra:
            result["properties"] = {key: _json_safe(value) for key, value in extra.items()}
        results.append(result)
    driver: dict[str, Any] = {
        "name": "stackguard",
        "version": report.tool_version,
        "semanticVersion": report.tool_version,
        "rules": [_rule_descriptor(rule) for rule in rules],
    }
    homepage = project_urls().get("homepage") or project_urls().get("repository")
    if homepage:
        driver["informationUri"] = homepage
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "originalUriBaseIds": {SRCROOT: {"uri": report.source_root.resolve().as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "invocations": [{"executionSuccessful": True}],
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
