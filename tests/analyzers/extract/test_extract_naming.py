"""Python SDK names → engine names, checked against the installed pulumi_aws.

The analyzer never imports pulumi_aws; its mapping is mechanical. These tests
(which may import the SDK) prove the mechanics for every type the rules know
(policypack.knowledge.tokens) and every property of those types.
"""

from __future__ import annotations

import importlib
import inspect

import pytest

from analyzers.extract import naming
from policypack.knowledge import tokens

pulumi_aws = pytest.importorskip("pulumi_aws")

TYPE_TOKENS = sorted(
    value for name, value in vars(tokens).items() if name.isupper() and isinstance(value, str)
)


def _sdk_class(token: str) -> tuple[str, type]:
    """``aws:rds/instance:Instance`` → ("pulumi_aws.rds.Instance", the class)."""
    _, middle, class_name = token.split(":")
    module = middle.split("/")[0]
    for candidate in (module, f"{module}_"):
        try:
            package = importlib.import_module(f"pulumi_aws.{candidate}")
        except ImportError:
            continue
        if hasattr(package, class_name):
            return f"pulumi_aws.{candidate}.{class_name}", getattr(package, class_name)
    raise AssertionError(f"no SDK class for {token}")


def test_the_catalog_knows_some_types() -> None:
    assert len(TYPE_TOKENS) >= 20


@pytest.mark.parametrize("token", TYPE_TOKENS)
def test_type_token_matches_the_sdk(token: str) -> None:
    path, cls = _sdk_class(token)
    found = naming.resource_class(path)
    assert found is not None and found.kind == naming.CUSTOM
    assert found.token == token
    # the SDK registers the resource under exactly this token
    assert f"'{token}'" in inspect.getsource(cls._internal_init)


@pytest.mark.parametrize("token", TYPE_TOKENS)
def test_every_property_camel_cases_like_the_sdk(token: str) -> None:
    _, cls = _sdk_class(token)
    args_class = getattr(importlib.import_module(cls.__module__), f"{cls.__name__}Args")
    checked = 0
    for python_name, member in inspect.getmembers(args_class):
        if isinstance(member, property) and hasattr(member.fget, "_pulumi_name"):
            assert naming.camel_case(python_name) == member.fget._pulumi_name, python_name
            checked += 1
    assert checked > 0


def test_rule_properties_are_sdk_properties() -> None:
    """The camelCase props the rules read exist on the SDK types (as the engine names them)."""
    read = {
        tokens.RDS_INSTANCE: ["engine", "engineVersion", "parameterGroupName", "optionGroupName",
                              "replicateSourceDb", "snapshotIdentifier"],
        tokens.RDS_CLUSTER: ["engine", "engineVersion", "dbClusterParameterGroupName",
                             "dbInstanceParameterGroupName", "clusterIdentifier"],
        tokens.RDS_CLUSTER_INSTANCE: ["dbParameterGroupName", "clusterIdentifier", "engine", "engineVersion"],
        tokens.RDS_OPTION_GROUP: ["engineName", "majorEngineVersion"],
        tokens.REST_INTEGRATION: ["restApi", "type", "uri", "credentials"],
        tokens.V2_INTEGRATION: ["apiId", "integrationType", "integrationUri", "credentialsArn"],
        tokens.V2_API: ["protocolType", "target", "credentialsArn"],
        tokens.V2_STAGE: ["apiId", "autoDeploy"],
        tokens.REST_DEPLOYMENT: ["restApi", "triggers"],
        tokens.REST_STAGE: ["restApi", "deployment", "stageName"],
        tokens.LAMBDA_PERMISSION: ["action", "function", "principal", "sourceArn", "sourceAccount", "qualifier"],
    }
    for token, props in read.items():
        _, cls = _sdk_class(token)
        args_class = getattr(importlib.import_module(cls.__module__), f"{cls.__name__}Args")
        engine_names = {
            member.fget._pulumi_name for _, member in inspect.getmembers(args_class)
            if isinstance(member, property) and hasattr(member.fget, "_pulumi_name")
        }
        assert set(props) <= engine_names, (token, set(props) - engine_names)


@pytest.mark.parametrize(("snake", "camel"), [
    ("engine_version", "engineVersion"),
    ("parameter_group_name", "parameterGroupName"),
    ("source_arn", "sourceArn"),
    ("rest_api", "restApi"),
    ("integration_uri", "integrationUri"),
    ("db_cluster_parameter_group_name", "dbClusterParameterGroupName"),
    ("ipv6_cidr_block", "ipv6CidrBlock"),
    ("type_", "type"),
    ("name", "name"),
])
def test_camel_case(snake: str, camel: str) -> None:
    assert naming.camel_case(snake) == camel


@pytest.mark.parametrize(("path", "token", "kind"), [
    ("pulumi_aws.lambda_.Function", "aws:lambda/function:Function", naming.CUSTOM),
    ("pulumi_aws.Provider", "pulumi:providers:aws", naming.PROVIDER),
    ("pulumi_awsx.ec2.Vpc", "awsx:ec2:Vpc", naming.COMPONENT),
    ("pulumi_aws_apigateway.RestAPI", "aws-apigateway:index:RestAPI", naming.COMPONENT),
    ("pulumi_eks.Cluster", "eks:index:Cluster", naming.COMPONENT),
    ("pulumi_aws_native.s3.Bucket", "aws-native:s3:Bucket", naming.CUSTOM),
    ("pulumi_kubernetes.apps.v1.Deployment", "kubernetes:apps/v1:Deployment", naming.CUSTOM),
    ("pulumi_random.RandomPassword", "random:index/randomPassword:RandomPassword", naming.CUSTOM),
])
def test_resource_classes(path: str, token: str, kind: str) -> None:
    found = naming.resource_class(path)
    assert found == naming.ResourceClass(token, kind)


@pytest.mark.parametrize("path", [
    "pulumi_aws.rds.InstanceArgs",  # an input type
    "pulumi_aws.rds.InstanceArgsDict",
    "pulumi_aws.ec2.InstanceType",  # an enum
    "pulumi_aws.rds.get_instance",  # an invoke
    "pulumi_aws.rds.outputs.InstanceBlueGreenUpdate",  # an output type
    "pulumi.ResourceOptions",  # the SDK, not a provider
    "boto3.Session",
    "pulumi_policy.PolicyPack",
])
def test_not_resource_classes(path: str) -> None:
    assert naming.resource_class(path) is None


def test_known_enums_are_the_sdk_enums() -> None:
    import enum
    from pathlib import Path

    root = Path(pulumi_aws.__file__).parent
    found = set()
    for enums_file in root.rglob("_enums.py"):
        package = enums_file.parent.relative_to(root).as_posix()
        module_name = "" if package == "." else package
        module = importlib.import_module(f"pulumi_aws.{module_name + '.' if module_name else ''}_enums")
        for class_name, member in vars(module).items():
            if inspect.isclass(member) and issubclass(member, enum.Enum) and member.__module__ == module.__name__:
                found.add((module_name, class_name))
    assert found == naming.AWS_ENUMS
    assert {member.name: member.value for member in pulumi_aws.rds.EngineType}.items() >= (
        naming.RDS_ENGINE_TYPES.items())
