"""IAM: the Lambda execution role with least-privilege permissions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

# AWS managed policies: CloudWatch Logs writes, and the ENI calls a function in a VPC needs.
MANAGED_POLICIES = {
    "basic-execution": "service-role/AWSLambdaBasicExecutionRole",
    "vpc-access": "service-role/AWSLambdaVPCAccessExecutionRole",
}

ASSUME_ROLE_POLICY = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }],
})


@dataclass(frozen=True)
class LambdaRoleArgs:
    # Secrets the function may read (e.g. the database's RDS-managed credentials).
    readable_secret_arns: Sequence[pulumi.Input[str]] = field(default_factory=list)


def _read_secrets_policy(secret_arns: list[str]) -> str:
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "ReadAppSecrets",
            "Effect": "Allow",
            "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            "Resource": secret_arns,
        }],
    })


class LambdaRole(pulumi.ComponentResource):
    """An execution role for Lambda functions in a VPC."""

    arn: pulumi.Output[str]
    role_name: pulumi.Output[str]

    def __init__(self, name: str, args: LambdaRoleArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("stackguard:iam:LambdaRole", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        role = aws.iam.Role(
            f"{name}-role",
            assume_role_policy=ASSUME_ROLE_POLICY,
            description="Execution role of the API's Lambda functions",
            opts=child,
        )

        # Managed policy ARNs carry the partition (aws, aws-cn, aws-us-gov): never hard-code "aws".
        partition = aws.get_partition_output(opts=pulumi.InvokeOutputOptions(parent=self)).partition
        for suffix, policy in MANAGED_POLICIES.items():
            aws.iam.RolePolicyAttachment(
                f"{name}-{suffix}",
                role=role.name,
                policy_arn=partition.apply(lambda p, policy=policy: f"arn:{p}:iam::aws:policy/{policy}"),
                opts=child,
            )

        if args.readable_secret_arns:
            aws.iam.RolePolicy(
                f"{name}-read-secrets",
                role=role.id,
                policy=pulumi.Output.all(*args.readable_secret_arns).apply(_read_secrets_policy),
                opts=child,
            )

        self.arn = role.arn
        self.role_name = role.name
        self.register_outputs({"arn": self.arn, "name": self.role_name})
