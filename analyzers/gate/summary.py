"""The gate's Markdown summary, for ``$GITHUB_STEP_SUMMARY`` and merge request comments.

The verdict first, then counts per rule and severity (new and baselined),
what the baseline, suppressions and the diff filter left out, and the top
findings with links to each rule's docs. Paths and messages come from the
repository: each is one code span (``escaping.markdown_code``), inert in a
table.
"""

from __future__ import annotations

from collections import Counter

from analyzers.gate.gate_report import TOP_FINDINGS, GateReport, context_phrases, rule_link
from analyzers.gate.merge import RUNTIME, STATIC, GateFinding
from analyzers.reporters import count_phrase, message_without_code
from analyzers.reporters.escaping import markdown_code
from policypack.rules import rule_by_code_or_name

_SEVERITIES = ("error", "warning", "info")


def _detectors(finding: GateFinding) -> str:
    if STATIC in finding.detectors and RUNTIME in finding.detectors:
        return "static + runtime"
    return RUNTIME if RUNTIME in finding.detectors else STATIC


def render(report: GateReport) -> str:
    findings = [f for f in report.findings if isinstance(f, GateFinding)]
    verdict = "✅ passed" if report.passed else "❌ failed"
    lines = [f"## stackguard gate: {verdict}", ""]
    files = f"{report.files_checked} file{'' if report.files_checked == 1 else 's'} checked"
    found = count_phrase(findings) if findings else "no new findings"
    lines.append(f"**{found}** in {files}; the gate fails on **{report.fail_on.value}** and above.")
    context = context_phrases(report)
    if context:
        lines += ["", *(f"- {phrase}" for phrase in context)]

    new = Counter((f.code, f.severity.value) for f in findings)
    old = Counter((f.code, f.severity.value) for f in report.baselined)
    if new or old:
        lines += ["", "| rule | severity | new | baselined |", "|---|---|---:|---:|"]
        for code, severity in sorted(set(new) | set(old), key=lambda k: (_SEVERITIES.index(k[1]), k[0])):
            rule = rule_by_code_or_name(code)
            name = rule.name if rule is not None else ""
            lines.append(f"| {rule_link(code)} {name} | {severity} | {new[(code, severity)]} | "
                         f"{old[(code, severity)]} |")

    if findings:
        top = sorted(findings, key=lambda f: (-f.severity.rank, f.path, f.line, f.code))[:TOP_FINDINGS]
        title = "Top findings" if len(findings) > len(top) else "Findings"
        lines += ["", f"### {title}", "", "| severity | rule | location | found by | message |",
                  "|---|---|---|---|---|"]
        for finding in top:
            location = markdown_code(f"{finding.path}:{finding.line}")
            lines.append(f"| {finding.severity.value} | {rule_link(finding.code)} | {location} | "
                         f"{_detectors(finding)} | {markdown_code(message_without_code(finding))} |")
        if len(findings) > len(top):
            lines.append(f"\n…and {len(findings) - len(top)} more in the other reports.")

    if report.fixed:
        lines += ["", "### Fixed since the baseline", "",
                  "Run with `--update-baseline` to lower the baseline's counts.", "",
                  "| rule | file | scope | resource | fixed |", "|---|---|---|---|---:|"]
        for key, count in report.fixed:
            lines.append(f"| {rule_link(key.code)} | {markdown_code(key.path)} | {markdown_code(key.scope or '-')} | "
                         f"{markdown_code(key.subject or '-')} | {count} |")
    return "\n".join(lines) + "\n"
