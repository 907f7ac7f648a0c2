"""One result from two detectors: runtime violations as findings, merged with static ones.

A runtime violation becomes a finding at the site ``source_map`` found (or at
the project's ``Pulumi.yaml`` when it found none, or several), carrying its
URN. A runtime finding on a resource the static analyzer flagged for the same
rule is reported once, marked as found by both: the static finding at the same
call with the same code absorbs it when it names the same resource, or when
its resource name is computed (one call that creates several resources, e.g.
in a loop over values the analyzer can't see, is one static finding holding
every URN).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from typing import TypedDict

from analyzers.findings import FILE_START, Finding
from analyzers.folding import folded_note
from analyzers.gate.runtime_results import RuntimeViolation
from analyzers.gate.source_map import AMBIGUOUS, MAPPED, UNMAPPED, Mapping
from policypack.rules.base import Severity

STATIC, RUNTIME = "static", "runtime"
_SEVERITY = {"mandatory": Severity.ERROR, "advisory": Severity.WARNING}
# graph_builder's label for a resource whose logical name is computed at run time
COMPUTED_NAME = re.compile(r"^\S+ at .+:\d+$")
MAX_LISTED_CANDIDATES = 5


@dataclass(frozen=True)
class GateFinding(Finding):
    """A finding of the gate: which detectors found it, and the resources (URNs) it is about."""

    detectors: tuple[str, ...] = (STATIC,)
    urns: tuple[str, ...] = ()
    location: str = MAPPED  # for runtime-only findings: MAPPED, AMBIGUOUS or UNMAPPED
    stable_fingerprint: str = ""  # the baseline key's fingerprint (baseline.py), once computed

    @property
    def fingerprint(self) -> str:
        return self.stable_fingerprint or super().fingerprint

    def report_properties(self) -> dict[str, object]:
        properties: dict[str, object] = {**super().report_properties(), "detectors": list(self.detectors)}
        if self.urns:
            properties["urns"] = list(self.urns)
        if RUNTIME in self.detectors and STATIC not in self.detectors:
            properties["sourceLocation"] = self.location
        return properties


def from_static(finding: Finding) -> GateFinding:
    if isinstance(finding, GateFinding):
        return finding
    return GateFinding(**{field.name: getattr(finding, field.name) for field in fields(Finding)})


class _RuntimeFields(TypedDict, total=False):
    """What every runtime finding of one violation has, wherever it points."""

    severity: Severity
    subject: str
    detectors: tuple[str, ...]
    urns: tuple[str, ...]
    site_key: str
    instances: tuple[str, ...]


def runtime_finding(violation: RuntimeViolation, mapping: Mapping, project_file: str) -> GateFinding:
    # The name is the catalog's (runtime_results drops codes it does not know); the severity
    # is the enforcement level the engine ran the policy at.
    common = _RuntimeFields(severity=_SEVERITY[violation.enforcement], subject=violation.urn.name,
                            detectors=(RUNTIME,), urns=(violation.raw_urn,))
    site = mapping.site
    if mapping.status == MAPPED and site is not None:
        if site.function and site.subject:
            # a call that may run several times: keyed by the call, like static findings (folding.py)
            common["site_key"], common["instances"] = site.subject, (violation.urn.name,)
        message = violation.message
        if mapping.via_parent is not None:
            message += (f" (Created inside {site.type} {site.shown_name()!r}, which the analyzer can't see "
                        "into; this is where that component is created.)")
        return GateFinding.with_message(violation.code, site.path, site, message, location=MAPPED, **common)
    if mapping.status == AMBIGUOUS:
        shown = [f"{c.path}:{c.line}" for c in mapping.candidates[:MAX_LISTED_CANDIDATES]]
        more = len(mapping.candidates) - len(shown)
        where = ", ".join(shown) + (f" and {more} more" if more > 0 else "")
        note = f"created at one of {where}; the source can't tell which"
    else:
        note = "no construction site of this type and name in the analysed source"
    return GateFinding.with_message(violation.code, project_file, FILE_START,
                                    f"{violation.message} (Resource {violation.raw_urn}: {note}.)",
                                    location=mapping.status if mapping.status in (AMBIGUOUS, UNMAPPED) else UNMAPPED,
                                    **common)


def merge(findings: Iterable[Finding]) -> list[GateFinding]:
    """Static and runtime findings (after selection and suppressions) as one list."""
    static: list[GateFinding] = []
    runtime: list[GateFinding] = []
    for finding in findings:
        gate = from_static(finding)
        (runtime if RUNTIME in gate.detectors and STATIC not in gate.detectors else static).append(gate)
    at: dict[tuple[str, str, int, int], list[int]] = {}
    for position, finding in enumerate(static):
        at.setdefault((finding.code, finding.path, finding.line, finding.column), []).append(position)
    separate: list[GateFinding] = []
    folded: dict[tuple[str, str, int, int], int] = {}  # runtime-only findings at one call: one finding
    for finding in runtime:
        where = (finding.code, finding.path, finding.line, finding.column)
        target = None
        if finding.location == MAPPED:
            target = _absorbing(static, at.get(where, ()), finding.subject, finding.site_key)
        if target is None:
            if finding.location == MAPPED and where in folded:
                position = folded[where]
                separate[position] = _fold_runtime(separate[position], finding)
                continue
            if finding.location == MAPPED:
                folded[where] = len(separate)
            separate.append(finding)
            continue
        host = static[target]
        static[target] = replace(
            host,
            detectors=(STATIC, RUNTIME),
            urns=(*host.urns, *finding.urns),
            severity=max(host.severity, finding.severity, key=lambda s: s.rank),
            instances=_union(host.instances, finding.instances),
        )
    return sorted([*static, *(_with_note(f) for f in separate)], key=Finding.sort_key)


def _union(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    return (*first, *(name for name in second if name not in first))


def _fold_runtime(host: GateFinding, finding: GateFinding) -> GateFinding:
    """Two runtime violations mapped to one call: one finding holding both URNs (folding.py)."""
    names = _union(host.instances or (host.subject,), finding.instances or (finding.subject,))
    return replace(host, urns=(*host.urns, *finding.urns), instances=names,
                   severity=max(host.severity, finding.severity, key=lambda s: s.rank))


def _with_note(finding: GateFinding) -> GateFinding:
    if len(finding.instances) > 1 and RUNTIME in finding.detectors and STATIC not in finding.detectors:
        return replace(finding, message=finding.message + folded_note(finding.instances))
    return finding


def _absorbing(static: Sequence[GateFinding], positions: Iterable[int], name: str, site_key: str = ""
               ) -> int | None:
    positions = list(positions)
    for position in positions:
        host = static[position]
        if host.subject == name or name in host.instances or (site_key and host.site_key == site_key):
            return position
    computed = [p for p in positions if COMPUTED_NAME.match(static[p].subject)]
    return computed[0] if len(computed) == 1 else None


def counts(findings: Sequence[GateFinding]) -> dict[str, int]:
    """How many findings each detector combination holds, for summaries."""
    result = {"static": 0, "runtime": 0, "both": 0}
    for finding in findings:
        both = STATIC in finding.detectors and RUNTIME in finding.detectors
        result["both" if both else (RUNTIME if RUNTIME in finding.detectors else STATIC)] += 1
    return result

