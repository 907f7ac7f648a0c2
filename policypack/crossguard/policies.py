"""One CrossGuard StackValidationPolicy per runtime rule of the catalog."""

from __future__ import annotations

import logging
import os

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    ReportViolation,
    StackValidation,
    StackValidationArgs,
    StackValidationPolicy,
)

from policypack.crossguard import graph_cache, results
from policypack.crossguard.adapter import ConversionError
from policypack.rules import runtime_rules
from policypack.rules.base import Rule, Severity

_ENFORCEMENT = {
    Severity.ERROR: EnforcementLevel.MANDATORY,
    Severity.WARNING: EnforcementLevel.ADVISORY,
    Severity.INFO: EnforcementLevel.ADVISORY,
}

_log = logging.getLogger("stackguard")


def enforcement_level(rule: Rule) -> EnforcementLevel:
    return _ENFORCEMENT[rule.severity]


def config_schema(rule: Rule) -> PolicyConfigSchema | None:
    if not rule.options:
        return None
    return PolicyConfigSchema(
        properties={o.name: {**o.schema, "default": o.default, "description": o.description}
                    for o in rule.options},
    )


def _validator(rule: Rule) -> StackValidation:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        try:
            violations = rule.run(graph_cache.graph_for(args.resources), args.get_config())
        except ConversionError:
            raise  # the stack itself is malformed: the analysis fails, as pulumi-policy's would
        except Exception as error:  # a rule bug must not break the user's deployment
            if os.environ.get("STACKGUARD_STRICT"):
                raise
            _log.exception("stackguard %s failed", rule.code)
            args.not_applicable(f"internal error in {rule.code}: {type(error).__name__}")
            return
        for violation in violations:
            report_violation(violation.message, violation.resource.urn)

    return validate


def build_policy(rule: Rule) -> StackValidationPolicy:
    return graph_cache.register(StackValidationPolicy(
        name=rule.name,
        description=f"[{rule.code}] {rule.summary}",
        validate=_validator(rule),
        enforcement_level=enforcement_level(rule),
        config_schema=config_schema(rule),
        remediation_steps=rule.remediation,
        url=rule.references[0] if rule.references else None,
        tags=[rule.code],
    ))


def build_policies() -> list[Policy]:
    """One policy per runtime rule, then the results-file setting (results.py) and the
    remediations (remediations.py: disabled unless configured)."""
    from policypack.crossguard.remediations import build_remediations

    graph_cache.install()
    # The results policy reads no resources either.
    return [*(build_policy(rule) for rule in runtime_rules()), graph_cache.register(results.results_policy()),
            *build_remediations()]
