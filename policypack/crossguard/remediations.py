"""Run-time remediation (pulumi-policy's ``remediate``), where it is sound; off by default.

A remediation rewrites one resource's inputs before the engine plans the
change, seeing only that resource. It is sound only where the right value
follows from the resource's own inputs and correcting it replaces nothing the
user did not ask to replace. Of the mandatory rules, one case qualifies:

- SG201 with an AWS default group named on the database itself
  (``parameter_group_name="default.postgres16"`` on PostgreSQL 17): the family
  follows from the database's own engine and version, and changing a
  database's parameter group is an in-place modification.

The others can't be remediated at run time: SG201 on a group of the stack and
SG203 need the other resource's props (and changing a group's family or an
option group's engine replaces it); SG301–SG303 need new resources; SG304 is
about ``depends_on``, which is not a prop; SG305 needs the API's ARN (and
replaces the Permission); SG306 is a choice between two APIs. Their fix is
``stackguard lint --fix`` in the source.

Each remediation is a resource policy named ``<rule name>-remediation``, disabled
unless the pack config sets its enforcement level to ``remediate``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, ResourceValidationArgs, ResourceValidationPolicy

from policypack.knowledge import rds_engines, tokens
from policypack.rules import sg201_rds_parameter_group_family_mismatch as sg201

SUFFIX = "-remediation"
_DEFAULT = "default."
# Database type → props naming a parameter group (the family follows the database's own version).
_GROUP_PROPS = {
    tokens.RDS_INSTANCE: ("parameterGroupName",),
    tokens.RDS_CLUSTER: ("dbClusterParameterGroupName", "dbInstanceParameterGroupName"),
    tokens.RDS_CLUSTER_INSTANCE: ("dbParameterGroupName",),
}


def default_group_names(resource_type: str, props: Mapping[str, Any]) -> dict[str, Any] | None:
    """``props`` with each ``default.<family>`` group name set to the family the database's engine
    version needs, or None when nothing needs (or can be known to need) a change."""
    names = _GROUP_PROPS.get(resource_type)
    if names is None:
        return None
    engine, version = props.get("engine"), props.get("engineVersion")
    expected = rds_engines.expected_family(engine, version) if isinstance(engine, str) and isinstance(
        version, str) else None
    if expected is None:
        return None  # unknown during preview, absent (replicas), or not derivable
    changed = dict(props)
    for prop in names:
        name = props.get(prop)
        if not isinstance(name, str):
            continue
        family = rds_engines.default_group_family(name)
        if family is not None and not rds_engines.same_family(family, expected):
            changed[prop] = name[:len(_DEFAULT)] + expected
    return changed if changed != dict(props) else None


def _remediate_default_group(args: ResourceValidationArgs) -> Mapping[str, Any] | None:
    # The raw inputs: reading through the SDK's proxy raises on every unknown value.
    raw = args.props["__target"]
    return default_group_names(args.resource_type, raw)


def build_remediations() -> list[ResourceValidationPolicy]:
    rule = sg201.RULE
    return [ResourceValidationPolicy(
        name=rule.name + SUFFIX,
        description=(f"[{rule.code}] Remediation: set an AWS default parameter group named on the database "
                     "(default.<family>) to the family of the database's engine version."),
        # pulumi-policy annotates only an awaitable result, but takes a plain mapping too (it checks isawaitable)
        remediate=_remediate_default_group,  # type: ignore[arg-type]
        enforcement_level=EnforcementLevel.DISABLED,
        remediation_steps=rule.remediation,
        url=rule.references[0] if rule.references else None,
        tags=[rule.code],
    )]
