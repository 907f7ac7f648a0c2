"""Fake AWS names and ids: the one table of autonamed properties, physical ids and the fake account.

Both fakes of the AWS provider use it: the mock monitor's
:class:`policypack.harness.fake_aws.RealisticMocks` and the e2e stand-in
provider (tests/e2e/stand_in_provider), so a program gets the same autonamed
names under either. Standard library only: the stand-in imports it without
the SDK's heavy modules.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
from collections.abc import Mapping
from typing import Any

__all__ = [
    "ACCOUNT_ID", "AUTONAME_PROPERTY", "ID_PREFIX", "autoname", "autoname_property", "autoname_value",
    "caller_identity", "digest", "physical_id", "resource_class", "token_parts",
]

ACCOUNT_ID = "123456789012"

# Resource type -> the property the AWS provider autonames when the program
# leaves it out. A type not listed is autonamed by its `name` property when
# its pulumi_aws class has one (see autoname_property).
AUTONAME_PROPERTY = {
    "aws:apigateway/restApi:RestApi": "name",
    "aws:autoscaling/group:Group": "name",
    "aws:cloudwatch/logGroup:LogGroup": "name",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "name",
    "aws:dynamodb/table:Table": "name",
    "aws:ec2/launchTemplate:LaunchTemplate": "name",
    "aws:ec2/securityGroup:SecurityGroup": "name",
    "aws:ecr/repository:Repository": "name",
    "aws:ecs/cluster:Cluster": "name",
    "aws:efs/fileSystem:FileSystem": "creationToken",
    "aws:elasticache/subnetGroup:SubnetGroup": "name",
    "aws:iam/instanceProfile:InstanceProfile": "name",
    "aws:iam/policy:Policy": "name",
    "aws:iam/role:Role": "name",
    "aws:iam/rolePolicy:RolePolicy": "name",
    "aws:kinesis/stream:Stream": "name",
    "aws:lambda/function:Function": "name",
    "aws:lambda/layerVersion:LayerVersion": "layerName",
    "aws:lb/loadBalancer:LoadBalancer": "name",
    "aws:lb/targetGroup:TargetGroup": "name",
    "aws:rds/cluster:Cluster": "clusterIdentifier",
    "aws:rds/clusterInstance:ClusterInstance": "identifier",
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": "name",
    "aws:rds/instance:Instance": "identifier",
    "aws:rds/optionGroup:OptionGroup": "name",
    "aws:rds/parameterGroup:ParameterGroup": "name",
    "aws:rds/subnetGroup:SubnetGroup": "name",
    "aws:s3/bucket:Bucket": "bucket",
    "aws:s3/bucketV2:BucketV2": "bucket",
    "aws:secretsmanager/secret:Secret": "name",
    "aws:sns/topic:Topic": "name",
    "aws:sqs/queue:Queue": "name",
}
# AWS requires lower-case names for these, so the provider lower-cases the autoname.
LOWERCASE_AUTONAME = ("aws:rds/", "aws:s3/", "aws:elasticache/")

ID_PREFIX = {
    "aws:ec2/vpc:Vpc": "vpc-",
    "aws:ec2/subnet:Subnet": "subnet-",
    "aws:ec2/securityGroup:SecurityGroup": "sg-",
    "aws:ec2/internetGateway:InternetGateway": "igw-",
    "aws:ec2/natGateway:NatGateway": "nat-",
    "aws:ec2/routeTable:RouteTable": "rtb-",
    "aws:ec2/eip:Eip": "eipalloc-",
    "aws:ec2/instance:Instance": "i-",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce-",
    "aws:ec2/securityGroupRule:SecurityGroupRule": "sgrule-",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr-",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr-",
}


def digest(*parts: str, length: int = 7) -> str:
    """Deterministic hex: the same program gets the same fake names on every run."""
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:length]


def token_parts(token: str) -> tuple[str, str, str]:
    """("aws", "rds", "Instance") for "aws:rds/instance:Instance"."""
    pieces = token.split(":")
    if len(pieces) != 3:
        return token, "", token
    package, module, member = pieces
    return package, module.split("/")[0], member


def resource_class(token: str) -> type | None:
    """The pulumi_aws class for a type token, to learn which properties it has (None without pulumi_aws)."""
    package, module, member = token_parts(token)
    if package != "aws":
        return None
    python_module = "pulumi_aws" if module == "index" else f"pulumi_aws.{module}"
    for candidate in (python_module, python_module + "_"):  # lambda → lambda_
        try:  # imported only when asked: this module itself needs no third-party package
            return getattr(importlib.import_module(candidate), member, None)
        except ImportError:
            continue
    return None


@functools.cache
def autoname_property(token: str) -> str | None:
    """The property the provider autonames: the table's, else ``name`` where the class has one."""
    if token in AUTONAME_PROPERTY:
        return AUTONAME_PROPERTY[token]
    cls = resource_class(token)
    return "name" if cls is not None and isinstance(getattr(cls, "name", None), property) else None


def autoname_value(token: str, logical: str, prefix: str | None = None) -> str:
    """The name the provider generates: ``<prefix or logical->`` plus 7 hex characters."""
    value = f"{prefix or logical + '-'}{digest(token, logical)}"
    return value.lower() if token.startswith(LOWERCASE_AUTONAME) else value


def autoname(token: str, logical: str, inputs: Mapping[str, Any], prop: str) -> str | None:
    """The value of autonamed ``prop`` when the program left it out (None when it set it)."""
    if inputs.get(prop) is not None:
        return None
    prefix = inputs.get(prop + "Prefix")
    return autoname_value(token, logical, prefix if isinstance(prefix, str) else None)


def physical_id(token: str, logical: str, inputs: Mapping[str, Any]) -> str:
    """The id a deployed resource gets: AWS's id shape where it has one, else its name."""
    if token in ID_PREFIX:
        return ID_PREFIX[token] + digest(token, logical, length=17)
    prop = AUTONAME_PROPERTY.get(token, "name")
    if isinstance(inputs.get(prop), str):
        return inputs[prop]
    if token.startswith("aws:apigateway/"):  # API Gateway ids are short lower-case strings
        return digest(token, logical, length=10)
    return f"{logical}-{digest(token, logical, length=8)}"


def caller_identity(account_id: str = ACCOUNT_ID, partition: str = "aws") -> dict[str, str]:
    """``aws.get_caller_identity()``'s answer for the fake account."""
    return {"accountId": account_id, "id": account_id,
            "arn": f"arn:{partition}:iam::{account_id}:user/stackguard",
            "userId": "AIDA" + digest(account_id, length=17).upper()}
