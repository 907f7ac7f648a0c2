"""Is a fix right? Compare the project's analysis before and after it.

A fix is accepted only when, after it:

- the finding it targets is gone;
- no other finding appeared (except SG101 on resources it inserts next to
  neighbours that are at the stack root themselves);
- every resource of the graph is still there and exactly as it was (props,
  their references and how well the analyzer knew them, parent, dependencies)
  except for what the fix declares it changes, and the only new resources are
  the ones it declares it inserts.

So a fix can't silently change a value some other resource shares, make
anything less known to the analyzer, or break the program (a parse error is a
new SG000 finding). Resources are matched by type and logical name, which
edits don't move; unnamed ones by their order in their file.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from analyzers.findings import Finding
from analyzers.fixes.model import Fix
from policypack.graph import STACK_TYPE

Identity = tuple[str, ...]
FindingId = tuple[str, str, str]  # (code, path, subject)

RESOURCE_OUTSIDE_COMPONENT = "SG101"
_LINE_SUFFIX = re.compile(r" at (\S+):\d+$")  # labels of resources whose name is computed at run time


def finding_id(finding: Finding) -> FindingId:
    return finding.code, finding.path, _LINE_SUFFIX.sub(r" at \1", finding.subject)


@dataclass(frozen=True)
class Snapshot:
    findings: Counter[FindingId]
    resources: dict[Identity, dict[str, Any]]  # identity → field → value
    # What the source-only rules could not tell (a child's parent, a component's register_outputs):
    # a fix must not make the analyzer unsure where it was sure, or a finding vanishes for that.
    unsure: Counter[tuple[str, ...]]


def identities(project: Any) -> dict[str, Identity]:
    """URN → identity: ("N", type, name) for named resources, ("U", type, path, n) for the others."""
    found: dict[str, Identity] = {}
    counts: Counter[Identity] = Counter()
    nodes = sorted(project.nodes.items(), key=lambda item: (item[1].module.path, item[1].span.line,
                                                           item[1].span.column, item[0]))
    for urn, node in nodes:
        base: Identity = ("N", node.type, node.name) if node.name is not None else ("U", node.type, node.module.path)
        counts[base] += 1
        found[urn] = (*base, str(counts[base])) if counts[base] > 1 or base[0] == "U" else base
    for resource in project.graph:
        if resource.type == STACK_TYPE:
            found[resource.urn] = ("stack",)
    return found


def snapshot(findings: Iterable[Finding], project: Any) -> Snapshot:
    identity_of = identities(project)

    def ids(urns: Iterable[str]) -> frozenset[Identity]:
        return frozenset(identity_of.get(urn, ("?", urn)) for urn in urns)

    resources: dict[Identity, dict[str, Any]] = {}
    for resource in project.graph:
        identity = identity_of.get(resource.urn, ("?", resource.urn))
        fields: dict[str, Any] = {
            "@parent": identity_of.get(resource.parent, resource.parent) if resource.parent else None,
            "@dependencies": (ids(resource.dependencies), "dependsOn" in resource.unresolved),
            "@*": "*" in resource.unresolved,
        }
        names = set(resource.props) | set(resource.property_dependencies) | set(resource.unresolved)
        names |= set(resource.secret_props)
        for name in names - {"dependsOn", "*"}:
            fields[name] = (
                resource.props.get(name, _ABSENT),
                ids(resource.property_dependencies.get(name, ())),
                name in resource.unresolved,
                name in resource.secret_props,
            )
        resources[identity] = fields
    return Snapshot(Counter(finding_id(f) for f in findings), resources, _unsure(project))


def _unsure(project: Any) -> Counter[tuple[str, ...]]:
    found: Counter[tuple[str, ...]] = Counter()
    for child in project.child_sites:
        if child.parented is None:
            found[("parent", child.module.path, child.component[1], child.type, child.name or "")] += 1
    components = project.components
    for key in components.components():
        if components.registers_outputs(key) is None:
            found[("register_outputs", *key)] += 1
    return found


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


_ABSENT = _Absent()


def problem(before: Snapshot, after: Snapshot, fixes: Sequence[Fix]) -> str | None:
    """Why ``after`` is not what ``fixes`` promise over ``before``, or None when it is."""
    targeted: Counter[FindingId] = Counter()
    for fix in fixes:
        finding = fix.finding
        targeted[(finding.code, finding.path, _LINE_SUFFIX.sub(r" at \1", finding.subject))] += 1
    for key, count in targeted.items():
        if after.findings[key] > max(before.findings[key] - count, 0):
            return f"{key[0]} on {key[2]!r} is still reported"
    inserted = {insert for fix in fixes for insert in fix.inserts}
    root_ok = {name for fix in fixes if fix.allow_root_inserts for _, name in fix.inserts}
    for key, count in after.findings.items():
        if count > before.findings[key] and not (key[0] == RESOURCE_OUTSIDE_COMPONENT and key[2] in root_ok):
            return f"new finding {key[0]} on {key[2]!r}"
    for unsure, count in after.unsure.items():
        if count > before.unsure[unsure]:
            return f"the analyzer can no longer tell the {unsure[0]} of {unsure[2:]}"
    allowed = {change for fix in fixes for change in fix.changes}
    for identity, fields in before.resources.items():
        now = after.resources.get(identity)
        if now is None:
            return f"resource {identity} disappeared"
        for name in set(fields) | set(now):
            if fields.get(name, _ABSENT) != now.get(name, _ABSENT) and (identity, name) not in allowed:
                return f"{name} of {identity} changed"
    for identity in set(after.resources) - set(before.resources):
        if identity[0] != "N" or (identity[1], identity[2]) not in inserted:
            return f"unexpected new resource {identity}"
    return None
