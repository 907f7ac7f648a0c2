"""The gate's reports: several in one run (``--report sarif:out.sarif --report github ...``).

SARIF, JUnit, GitHub and GitLab are the analyzer's own reporters (they show the
new findings, with the gate's stable fingerprints and, in SARIF, detectors and
URNs as result properties). ``json``, ``markdown`` and ``text`` are the gate's:
they also say what was baselined, fixed, suppressed and left outside the diff.
Every piece of repository text goes through ``reporters.escaping``.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from analyzers import reporters
from analyzers.gate.errors import GateError
from analyzers.gate.gate_report import GateReport, context_phrases
from analyzers.gate.merge import RUNTIME, STATIC, GateFinding
from analyzers.reporters import count_phrase, message_without_code
from analyzers.reporters.escaping import line_start_path, printable, utf8_safe
from analyzers.reporters.json import finding_fields, instances_field

STDOUT = "-"


@dataclass(frozen=True)
class ReportSpec:
    format: str
    target: str  # a path, or STDOUT


def parse_spec(text: str) -> ReportSpec:
    name, colon, target = text.partition(":")
    if name not in reporters.FORMATS:
        raise GateError(f"--report {text!r}: unknown format {name!r} (one of: {', '.join(reporters.FORMATS)})")
    if colon and not target:
        raise GateError(f"--report {text!r}: give a file after the colon, or no colon for stdout")
    target = target or STDOUT
    if target != STDOUT:
        parent = Path(target).parent
        if not (parent if str(parent) else Path(".")).is_dir():
            raise GateError(f"--report {text!r}: directory {str(parent)!r} does not exist")
    return ReportSpec(name, target)


def check_specs(specs: Sequence[ReportSpec]) -> None:
    to_stdout = [spec.format for spec in specs if spec.target == STDOUT]
    if len(to_stdout) > 1:
        raise GateError(f"only one report can go to stdout (got {', '.join(to_stdout)}); give the others a file")
    targets = Counter(spec.target for spec in specs if spec.target != STDOUT)
    twice = [target for target, count in targets.items() if count > 1]
    if twice:
        raise GateError(f"two reports would write the same file: {twice[0]}")


def render(format_name: str, report: GateReport) -> str:
    if format_name == "json":
        return render_json(report)
    if format_name == "markdown":
        from analyzers.gate.summary import render as summary

        return summary(report)
    if format_name == "text":
        return render_text(report)
    return reporters.renderer(format_name)(report)


def write(specs: Sequence[ReportSpec], report: GateReport) -> None:
    for spec in specs:
        text = render(spec.format, report)
        if spec.target == STDOUT:
            if spec.format != "text" and isinstance(sys.stdout, io.TextIOWrapper):
                with contextlib.suppress(ValueError):
                    sys.stdout.reconfigure(encoding="utf-8", errors="backslashreplace")
            sys.stdout.write(text)
            sys.stdout.flush()
            continue
        try:
            Path(spec.target).write_text(text, encoding="utf-8", errors="backslashreplace")
        except OSError as error:
            raise GateError(f"--report {spec.format}:{spec.target}: cannot write "
                            f"({error.strerror or type(error).__name__})") from None


def detectors_tag(finding: GateFinding) -> str:
    if RUNTIME not in finding.detectors:
        return ""
    return "[static+runtime] " if STATIC in finding.detectors else "[runtime] "


def render_text(report: GateReport) -> str:
    lines = []
    for finding in report.findings:
        assert isinstance(finding, GateFinding)
        lines.append(
            f"{line_start_path(finding.path)}:{finding.line}:{finding.column}: {finding.code} "
            f"[{finding.severity.value}] {detectors_tag(finding)}{printable(message_without_code(finding))}"
        )
    if not report.quiet:
        lines.extend(summary_lines(report))
    return "".join(f"{line}\n" for line in lines)


def summary_lines(report: GateReport) -> list[str]:
    verdict = "Gate passed" if report.passed else f"Gate failed (--fail-on {report.fail_on.value})"
    found = count_phrase(report.findings) if report.findings else "no new findings"
    lines = [f"{verdict}: {found}."]
    context = context_phrases(report)
    if context:
        lines.append("; ".join(context) + ".")
    return lines


def _finding_json(report: GateReport, finding: GateFinding) -> dict[str, object]:
    return {
        **finding_fields(finding),
        "detectors": list(finding.detectors),
        "urns": [utf8_safe(urn) for urn in finding.urns],
        "source_location": finding.location if RUNTIME in finding.detectors and STATIC not in finding.detectors
        else "mapped",
        **instances_field(finding),
    }


def render_json(report: GateReport) -> str:
    document = {
        "tool": "stackguard",
        "version": report.tool_version,
        "passed": report.passed,
        "fail_on": report.fail_on.value,
        "summary": {
            "new": len(report.findings),
            "baselined": len(report.baselined),
            "fixed": sum(count for _, count in report.fixed),
            "suppressed": report.suppressed,
            "suppressed_with_reason": report.suppressed_with_reason,
            "suppressions_not_applied": dict(sorted(report.refused_suppressions.items())),
            "outside_diff": report.outside_diff,
            "runtime": None if report.runtime is None else {
                "source": utf8_safe(report.runtime.source), "violations": report.runtime.violations,
                "mapped": report.runtime.mapped, "ambiguous": report.runtime.ambiguous,
                "unmapped": report.runtime.unmapped,
            },
        },
        "findings": [_finding_json(report, f) for f in report.findings if isinstance(f, GateFinding)],
        "baselined": [_finding_json(report, f) for f in report.baselined],
        "fixed": [{name: utf8_safe(value) if isinstance(value, str) else value
                   for name, value in key.as_json(count).items()} for key, count in report.fixed],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
