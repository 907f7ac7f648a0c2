"""Starts the stackguard policy pack (blocks: it serves the engine over gRPC)."""

from __future__ import annotations

import gc

from pulumi_policy import EnforcementLevel, PolicyPack

from policypack import __version__
from policypack.crossguard.policies import build_policies

GC_THRESHOLD = 100_000

PACK_NAME = "stackguard"


def main() -> None:
    # The pack process only serves analysis requests, which allocate many
    # short-lived objects: collect less often (see local.GC_THRESHOLD).
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    PolicyPack(
        name=PACK_NAME,
        policies=build_policies(),
        enforcement_level=EnforcementLevel.ADVISORY,
        description=(
            f"stackguard {__version__}: component structure, RDS engine/parameter-group "
            "compatibility and API Gateway → Lambda wiring for Pulumi AWS stacks."
        ),
        display_name="stackguard",
        provider="aws",
        tags=["aws", "rds", "apigateway", "lambda", "components"],
    )
