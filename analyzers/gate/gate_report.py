"""What a gate report holds (the findings shown, and what the gate decided about the
others), and the phrases every format of it shares; ``reports`` renders and writes
the formats, ``summary`` the Markdown one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from analyzers.gate.baseline import Key
from analyzers.gate.merge import GateFinding, counts
from analyzers.reporters import Report
from analyzers.reporters.escaping import printable
from policypack.rules import rule_by_code_or_name

TOP_FINDINGS = 20


@dataclass(frozen=True)
class RuntimeSummary:
    source: str  # "pulumi preview (stack dev)" or "results file x.json"
    violations: int
    mapped: int
    ambiguous: int
    unmapped: int


@dataclass(frozen=True)
class GateReport(Report):
    """A Report plus what the gate decided about everything it did not show."""

    baselined: Sequence[GateFinding] = ()
    fixed: Sequence[tuple[Key, int]] = ()
    suppressed: int = 0
    suppressed_with_reason: int = 0
    refused_suppressions: Mapping[str, int] = field(default_factory=dict)
    outside_diff: int = 0
    diff_base: str | None = None
    baseline_file: str | None = None
    runtime: RuntimeSummary | None = None

    @property
    def passed(self) -> bool:
        return not any(self.failing(finding) for finding in self.findings)


def context_phrases(report: GateReport) -> list[str]:
    phrases = []
    if report.baseline_file is not None:
        phrases.append(f"{len(report.baselined)} baselined, {sum(n for _, n in report.fixed)} fixed since the "
                       f"baseline")
    if report.suppressed:
        phrases.append(f"{report.suppressed} suppressed inline ({report.suppressed_with_reason} with a reason)")
    refused = sum(report.refused_suppressions.values())
    if refused:
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(report.refused_suppressions.items()))
        phrases.append(f"{refused} suppressions not applied ({kinds})")
    if report.diff_base is not None:
        phrases.append(f"{report.outside_diff} outside the lines changed since {printable(report.diff_base)}")
    if report.runtime is not None:
        runtime = report.runtime
        phrases.append(f"runtime: {runtime.violations} violations from {printable(runtime.source)}, "
                       f"{runtime.mapped} mapped to source, {runtime.ambiguous} ambiguous, "
                       f"{runtime.unmapped} unmapped")
        found = counts([f for f in report.findings if isinstance(f, GateFinding)])
        phrases.append(f"new findings by detector: {found['both']} static and runtime, {found['static']} static "
                       f"only, {found['runtime']} runtime only")
    return phrases


def rule_link(code: str) -> str:
    """The rule's docs as a Markdown link when the distribution names a docs URL, else its code."""
    from analyzers.reporters.sarif import project_urls

    rule = rule_by_code_or_name(code)
    docs = project_urls().get("documentation")
    if rule is None or not docs:
        return code
    return f"[{code}]({docs.rstrip('/')}/rules.md#{rule.code.lower()}-{rule.name})"
