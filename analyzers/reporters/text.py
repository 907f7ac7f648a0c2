"""Ruff-style text: ``path:line:col: SG201 [error] message`` and a summary line.

Paths and messages come from the linted repository: they are shown with control
characters escaped, and a path never lets a line start with ``::`` (escaping.py).
"""

from __future__ import annotations

from collections import Counter

from analyzers.findings import Finding
from analyzers.reporters import Report, count_phrase, message_without_code
from analyzers.reporters.escaping import line_start_path, printable

_FIX_MARK = {"safe": "[fix] ", "unsafe": "[unsafe-fix] "}


def finding_line(finding: Finding, fix: str | None = None) -> str:
    """One finding as one line (also JUnit's failure body); ``fix`` is "safe"/"unsafe" when it has one."""
    return (
        f"{line_start_path(finding.path)}:{finding.line}:{finding.column}: {finding.code} "
        f"[{finding.severity.value}] {_FIX_MARK.get(fix or '', '')}{printable(message_without_code(finding))}"
    )


def _fix_summary(report: Report) -> str | None:
    safe = sum(1 for f in report.findings if (info := report.fixes.get(f)) and info.safety == "safe")
    unsafe = sum(1 for f in report.findings if (info := report.fixes.get(f)) and info.safety == "unsafe")
    parts = []
    if safe:
        parts.append(f"[fix] {safe} fixable with --fix")
    if unsafe:
        parts.append(f"[unsafe-fix] {unsafe} more with --fix --unsafe-fixes")
    return "; ".join(parts) + "." if parts else None


def render(report: Report) -> str:
    lines = []
    if report.statistics:
        counts = Counter((f.code, f.severity.value, f.name) for f in report.findings)
        width = max((len(str(count)) for count in counts.values()), default=1)
        for (code, severity, name), count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            lines.append(f"{count:>{width}}\t{code}\t[{severity}] {name}")
    else:
        lines.extend(finding_line(finding, getattr(report.fixes.get(finding), "safety", None))
                     for finding in report.findings)
    if not report.quiet:
        if report.findings:
            lines.append(f"Found {count_phrase(report.findings)}.")
            summary = _fix_summary(report)
            if summary:
                lines.append(summary)
        else:
            lines.append("All checks passed.")
    return "".join(f"{line}\n" for line in lines)
