"""SG501 lambda-function-outside-limits."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from policypack.graph import UNKNOWN, Resource, ResourceGraph
from policypack.knowledge import lambda_limits, tokens
from policypack.knowledge.lambda_limits import Limit
from policypack.rules.base import Detector, Example, Rule, Severity, Violation


def _number(function: Resource, limit: Limit) -> float | None:
    """The setting's value when it is known to be a number, else None (absent, unknown, computed)."""
    top = limit.path[0]
    if top in function.unresolved:
        return None  # written where the analyzer could not follow: it may hold something else
    value: Any = function.prop(top)
    for key in limit.path[1:]:
        value = value.get(key) if isinstance(value, Mapping) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _on_managed_instances(function: Resource) -> bool:
    """Set (or possibly set) to run on a capacity provider, whose ceilings are not the default ones."""
    prop = lambda_limits.CAPACITY_PROVIDER_PROP
    value = function.prop(prop)
    return value is UNKNOWN or prop in function.unresolved or bool(value)


def _shown(function: Resource, limit: Limit, value: float) -> str:
    if limit.path[0] in function.secret_props:
        return "[secret]"
    return str(int(value)) if float(value).is_integer() else str(value)  # the engine sends 900 as 900.0


def check(graph: ResourceGraph, options: Mapping[str, Any]) -> Iterator[Violation]:
    for function in graph.of_type(tokens.LAMBDA_FUNCTION):
        managed = _on_managed_instances(function)
        wrong = []
        for limit in lambda_limits.LIMITS:
            value = _number(function, limit)
            if value is not None and lambda_limits.outside(limit, value, managed_instances=managed):
                wrong.append(f"{limit.argument} to {_shown(function, limit, value)} {limit.unit} "
                             f"(AWS allows {limit.range_text()})")
        if wrong:
            settings = wrong[0] if len(wrong) == 1 else f"{', '.join(wrong[:-1])} and {wrong[-1]}"
            yield RULE.violation(
                function,
                f"Lambda function '{function.name}' sets {settings}. AWS refuses a function with "
                "these values, so it never deploys: `pulumi up` (or, for the settings pulumi-aws "
                "checks itself, `pulumi preview`) fails at this resource. Bring each setting inside "
                "its range.",
            )


_FUNCTION = '''
import pulumi
import pulumi_aws as aws

role = aws.iam.Role(
    "worker-role",
    assume_role_policy="""{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}""",
)
code = pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(e, c): return {}")})
'''

RULE = Rule(
    code="SG501",
    family='AWS Lambda: function settings outside what the service accepts',
    name="lambda-function-outside-limits",
    severity=Severity.ERROR,
    tags=("correctness", "lambda"),
    summary=(
        "Checks that a Lambda function's timeout (1–900 seconds), memory size (128–10,240 MB) and "
        "ephemeral storage (512–10,240 MB) are inside the limits AWS accepts."
    ),
    why=(
        "These are fixed Lambda quotas, not account settings that a support case can raise. A value "
        "outside them is refused when the function is created or updated (depending on the setting "
        "and the pulumi-aws version, by the provider's input check during `pulumi preview` or by the "
        "Lambda API during `pulumi up`), so the function never deploys. The usual cause is a unit "
        "slip (a timeout in minutes, memory in GB written as MB) or a limit remembered from "
        "another service, e.g. a one-hour timeout for a batch job."
    ),
    fix=(
        "Keep each setting inside its range (timeouts are in seconds, sizes in MB). Work that needs "
        "more than 15 minutes belongs in Step Functions (split into steps) or a container service. "
        "The limits, each with its source, live in `policypack/knowledge/lambda_limits.py`. A "
        "function on Lambda Managed Instances (`capacity_provider_config`) has limits of its own: "
        "it is only held to the floors and to the ephemeral storage range."
    ),
    bad=(
        Example(_FUNCTION + '''
aws.lambda_.Function(
    "nightly-export",
    role=role.arn,
    runtime="python3.12",
    handler="index.handler",
    code=code,
    timeout=3600,
    memory_size=16384,
)
''', flagged=("nightly-export",),
            note="an hour-long timeout and 16 GB of memory: one finding naming both settings"),
        Example(_FUNCTION + '''
MB = 1024
SCRATCH_GB = 20


class Thumbnails(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:media:Thumbnails", name, None, opts)
        aws.lambda_.Function(
            "thumbnailer",
            role=role.arn,
            runtime="python3.12",
            handler="index.handler",
            code=code,
            memory_size=2 * MB,
            ephemeral_storage=aws.lambda_.FunctionEphemeralStorageArgs(size=SCRATCH_GB * MB),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({})


Thumbnails("media")
''', flagged=("thumbnailer",),
            note="inside a component; 20 GB of /tmp computed from module constants"),
        Example(_FUNCTION + '''
JOBS = {"daily": 10, "monthly": 20}  # minutes

for job, minutes in JOBS.items():
    aws.lambda_.Function(
        f"{job}-rollup",
        role=role.arn,
        runtime="python3.12",
        handler="index.handler",
        code=code,
        timeout=minutes * 60,
    )
''', flagged=("monthly-rollup",),
            note="names and timeouts computed in a loop: 20 minutes is over the 15-minute limit"),
        Example(_FUNCTION + '''
aws.lambda_.Function(
    "ping",
    role=role.arn,
    runtime="python3.12",
    handler="index.handler",
    code=code,
    timeout=0,
    memory_size=64,
    ephemeral_storage={"size": 256},
)
''', flagged=("ping",), note="below every floor, ephemeral storage in the dict form"),
    ),
    good=(
        Example(_FUNCTION + '''
aws.lambda_.Function(
    "largest",
    role=role.arn,
    runtime="python3.12",
    handler="index.handler",
    code=code,
    timeout=900,
    memory_size=10240,
    ephemeral_storage=aws.lambda_.FunctionEphemeralStorageArgs(size=10240),
)
aws.lambda_.Function(
    "smallest",
    role=role.arn,
    runtime="python3.12",
    handler="index.handler",
    code=code,
    timeout=1,
    memory_size=128,
    ephemeral_storage={"size": 512},
)
''', note="exactly at the bounds"),
        Example(_FUNCTION + '''
MINUTE = 60


class Api(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:web:Api", name, None, opts)
        aws.lambda_.Function(
            "api-handler",
            role=role.arn,
            runtime="python3.12",
            handler="index.handler",
            code=code,
            timeout=15 * MINUTE,
            memory_size=1769,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({})


Api("web")
''', note="inside a component, the timeout computed from a constant: exactly 15 minutes"),
        Example(_FUNCTION + '''
config = pulumi.Config()
aws.lambda_.Function(
    "importer",
    role=role.arn,
    runtime="python3.12",
    handler="index.handler",
    code=code,
    timeout=config.require_int("importTimeout"),
    memory_size=config.require_int("importMemory"),
)
''', detectors=frozenset({Detector.STATIC}),
            note="values from stack config are unknown to the analyzer (the policy pack sees them)"),
        Example(_FUNCTION + '''
aws.lambda_.Function(
    "inference",
    role=role.arn,
    runtime="python3.12",
    handler="index.handler",
    code=code,
    memory_size=16384,
    capacity_provider_config=aws.lambda_.FunctionCapacityProviderConfigArgs(
        lambda_managed_instances_capacity_provider_config=(
            aws.lambda_.FunctionCapacityProviderConfigLambdaManagedInstancesCapacityProviderConfigArgs(
                capacity_provider_arn="arn:aws:lambda:us-east-1:123456789012:capacity-provider:gpu",
            )
        ),
    ),
)
''', note="on Lambda Managed Instances: the 10,240 MB ceiling of default Lambda compute is not applied"),
    ),
    references=(
        "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/configuration-ephemeral-storage.html",
    ),
    check=check,
    no_autofix=(
        "clamping the value would silently change what the function can do (a job cut off at 15 "
        "minutes, less memory and so less CPU); whether to shorten the work, split it or move it to "
        "another service is a design decision."
    ),
)
