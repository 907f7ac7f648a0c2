"""One finding per rule and place: the instances a call creates fold into it.

A helper called three times, a loop, or a component instantiated twice runs
one constructor call several times; each run is its own graph node, and a
rule may flag each. Code scanning, baselines and every SARIF consumer expect
one result per rule and location (Ruff and Fixit report the same way), so the
findings at one (code, file, span) become one, whose message names the
instances and which carries their list; several faults of one rule at one
call (two deprecated arguments) become one finding stating each.

Fingerprints must not move when an instance is added (a new call of the
helper is not a new fault at the helper's line). So a finding on a call that
may run more than once (any call inside a function, method or loop) is keyed
by what the source says at that call, never by which instances ran it: its
``subject`` is the literal resource name written there, or ``Type at
file:line`` when the name is computed, and its fingerprint leaves the
(instance-naming) message out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from analyzers.extract import ir
from analyzers.extract.summary import CallSite
from analyzers.findings import Finding

MAX_LISTED = 10


def runs_many(site: CallSite) -> bool:
    """Whether the call may run more than once: anything but straight module-level code."""
    return bool(site.owner)


def site_subject(path: str, site: CallSite, type_token: str) -> str:
    """What identifies a call in the source whichever instances run it."""
    name = site.call.args[0] if site.call.args else dict(
        (k, v) for k, v in site.call.kwargs if k is not None).get("resource_name")
    if isinstance(name, ir.Lit) and isinstance(name.value, str):
        return name.value
    return f"{type_token.rsplit(':', 1)[-1]} at {path}:{site.span.line}"


def fold(findings: Iterable[Finding]) -> list[Finding]:
    """Findings with the same code and span merged into one (sorted, duplicates dropped)."""
    groups: dict[tuple[str, str, int, int, int, int], list[Finding]] = {}
    for finding in findings:
        key = (finding.code, finding.path, finding.line, finding.column, finding.end_line, finding.end_column)
        group = groups.setdefault(key, [])
        if finding not in group:
            group.append(finding)
    return sorted((_merge(group) for group in groups.values()), key=Finding.sort_key)


def _merge(group: Sequence[Finding]) -> Finding:
    if len(group) == 1:
        return group[0]
    first = group[0]
    names: list[str] = []
    for finding in group:
        for name in _names(finding):
            if name not in names:
                names.append(name)
    # Several faults of one rule on one resource (SG403 on two deprecated arguments of one
    # call): one finding stating each.
    faults = list(dict.fromkeys(f.message for f in group if _names(f) == _names(first)))
    message = faults[0]
    if len(faults) > 1:
        prefix = f"[{first.code}] "
        message += " Also: " + " ".join(text.removeprefix(prefix) for text in faults[1:])
    if len(names) > 1:
        message += folded_note(names)
    return replace(first, message=message, instances=tuple(names) if first.instances or len(names) > 1 else ())


def _names(finding: Finding) -> tuple[str, ...]:
    return finding.instances or ((finding.subject,) if finding.subject else ())


def folded_note(names: Sequence[str]) -> str:
    shown = ", ".join(repr(name) for name in names[:MAX_LISTED])
    more = len(names) - MAX_LISTED
    if more > 0:
        shown += f" and {more} more"
    return f" (Reported once for the {len(names)} resources this call creates: {shown}.)"
