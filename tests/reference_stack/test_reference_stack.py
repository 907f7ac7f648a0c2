"""The reference stack runs under capture and has the shape the rule catalog asks for."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

pytest.importorskip("pulumi_aws")

from policypack.harness import (
    UNKNOWN,
    CapturedResource,
    StackCapture,
    capture_program_detailed,
    to_analyze_stack_request,
)

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "reference_stack"
PROJECT = "stackguard-reference"
STACK_TYPE = "pulumi:pulumi:Stack"


def load_database_module():
    spec = importlib.util.spec_from_file_location("reference_database", REFERENCE / "components" / "database.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


@pytest.fixture(scope="module", params=[False, True], ids=["deploy", "preview"])
def capture(request) -> StackCapture:
    return capture_program_detailed(REFERENCE, preview=request.param)


@pytest.fixture(scope="module")
def deployed() -> StackCapture:
    return capture_program_detailed(REFERENCE)


def one(capture: StackCapture, type_: str) -> CapturedResource:
    found = [r for r in capture.resources if r.type == type_]
    assert len(found) == 1, f"expected one {type_}, found {[r.name for r in found]}"
    return found[0]


def test_runs_with_the_example_config(capture):
    types = {r.type for r in capture.resources}
    assert {STACK_TYPE, "aws:rds/instance:Instance", "aws:lambda/function:Function",
            "aws:apigateway/stage:Stage", "aws:lambda/permission:Permission"} <= types
    assert capture.stack.name == f"{PROJECT}-dev"
    assert set(capture.stack_outputs) == {"apiUrl", "functionName", "dbEndpoint", "dbSecretArn", "vpcId"}


def test_every_custom_resource_has_a_component_ancestor(capture):
    by_urn = capture.by_urn()
    for resource in capture.resources:
        if not resource.custom:
            continue
        ancestor = by_urn.get(resource.parent or "")
        while ancestor is not None and not ancestor.type.startswith("stackguard:"):
            ancestor = by_urn.get(ancestor.parent or "")
        assert ancestor is not None, f"{resource.type} {resource.name} is not inside a stackguard component"
        assert not ancestor.custom


def test_every_component_registers_outputs(capture):
    components = [r for r in capture.resources if r.type.startswith("stackguard:")]
    assert {c.type for c in components} == {
        "stackguard:network:Network", "stackguard:iam:LambdaRole",
        "stackguard:database:PostgresDatabase", "stackguard:serverless:ServerlessApi",
    }
    for component in components:
        assert capture.registered_outputs.get(component.urn), f"{component.type} registered no outputs"


def test_component_children_are_parented_to_the_component(deployed):
    network = one(deployed, "stackguard:network:Network")
    subnets = [r for r in deployed.resources if r.type == "aws:ec2/subnet:Subnet"]
    assert len(subnets) == 2 and all(s.parent == network.urn for s in subnets)
    assert sorted(s.inputs["availabilityZone"] for s in subnets) == ["us-east-1a", "us-east-1b"]


@pytest.mark.parametrize("version", ["17", "17.5", "16.8"])
def test_parameter_group_family_follows_the_engine_version(version):
    capture = capture_program_detailed(REFERENCE, config={f"{PROJECT}:dbEngineVersion": version})
    instance = one(capture, "aws:rds/instance:Instance")
    group = one(capture, "aws:rds/parameterGroup:ParameterGroup")
    assert instance.inputs["engineVersion"] == version
    assert group.inputs["family"] == f"postgres{version.split('.')[0]}"
    assert instance.property_dependencies["parameterGroupName"] == (group.urn,)


def test_family_function_covers_old_and_new_versions():
    family = load_database_module().postgres_parameter_group_family
    assert family("17.5") == "postgres17"
    assert family("17") == "postgres17"
    assert family("9.6.24") == "postgres9.6"
    with pytest.raises(ValueError):
        family("latest")


def test_database_is_private_encrypted_and_has_no_password(capture):
    instance = one(capture, "aws:rds/instance:Instance")
    inputs = instance.inputs
    assert inputs["engine"] == "postgres"
    assert inputs["publiclyAccessible"] is False
    assert inputs["storageEncrypted"] is True
    assert inputs["manageMasterUserPassword"] is True
    assert "password" not in inputs
    assert inputs["deletionProtection"] is False  # Pulumi.dev.yaml opts out for a dev stack
    subnet_group = one(capture, "aws:rds/subnetGroup:SubnetGroup")
    assert instance.property_dependencies["dbSubnetGroupName"] == (subnet_group.urn,)


def test_defaults_without_a_stack_config_file():
    # No Pulumi.unconfigured.yaml: zones come from getAvailabilityZones, the database is protected.
    capture = capture_program_detailed(REFERENCE, stack="unconfigured", config={"aws:region": "eu-west-1"})
    assert one(capture, "aws:rds/instance:Instance").inputs["deletionProtection"] is True
    zones = sorted(r.inputs["availabilityZone"] for r in capture.resources if r.type == "aws:ec2/subnet:Subnet")
    assert zones == ["eu-west-1a", "eu-west-1b"]


def test_permission_is_scoped_to_the_api_execution_arn(capture):
    api = one(capture, "aws:apigateway/restApi:RestApi")
    function = one(capture, "aws:lambda/function:Function")
    permission = one(capture, "aws:lambda/permission:Permission")
    assert permission.inputs["action"] == "lambda:InvokeFunction"
    assert permission.inputs["principal"] == "apigateway.amazonaws.com"
    assert permission.property_dependencies["sourceArn"] == (api.urn,)
    assert permission.property_dependencies["function"] == (function.urn,)


def test_permission_source_arn_value_after_deploy(deployed):
    permission = one(deployed, "aws:lambda/permission:Permission")
    api_id = deployed.registered_outputs[one(deployed, "stackguard:serverless:ServerlessApi").urn]["restApiId"]
    assert permission.inputs["sourceArn"] == f"arn:aws:execute-api:us-east-1:123456789012:{api_id}/*/*"


def test_integration_invokes_the_function(capture):
    integration = one(capture, "aws:apigateway/integration:Integration")
    function = one(capture, "aws:lambda/function:Function")
    assert integration.inputs["type"] == "AWS_PROXY"
    assert integration.inputs["integrationHttpMethod"] == "POST"
    assert integration.property_dependencies["uri"] == (function.urn,)


def test_deployment_depends_on_method_and_integration(capture):
    method = one(capture, "aws:apigateway/method:Method")
    integration = one(capture, "aws:apigateway/integration:Integration")
    deployment = one(capture, "aws:apigateway/deployment:Deployment")
    assert {method.urn, integration.urn} <= set(deployment.dependencies)
    assert integration.urn in deployment.property_dependencies["triggers"]


def test_stage_serves_the_deployment_of_the_same_api(capture):
    api = one(capture, "aws:apigateway/restApi:RestApi")
    deployment = one(capture, "aws:apigateway/deployment:Deployment")
    stage = one(capture, "aws:apigateway/stage:Stage")
    assert stage.property_dependencies["deployment"] == (deployment.urn,)
    assert stage.property_dependencies["restApi"] == (api.urn,)
    assert deployment.property_dependencies["restApi"] == (api.urn,)
    assert stage.inputs["stageName"] == "v1"


def test_api_url_comes_from_the_stage(deployed, capture):
    url = deployed.stack_outputs["apiUrl"]
    assert re.fullmatch(r"https://[a-z0-9-]+\.execute-api\.us-east-1\.amazonaws\.com/v1/items", url)
    if capture.stack_outputs["apiUrl"] == UNKNOWN:  # preview: the stage isn't created yet
        assert capture.stack_outputs["functionName"] != UNKNOWN  # autonamed in Check


def test_iam_policies_grant_no_wildcard_actions(deployed):
    attachments = [r for r in deployed.resources if r.type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment"]
    assert sorted(a.inputs["policyArn"] for a in attachments) == [
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
    ]
    policy = json.loads(one(deployed, "aws:iam/rolePolicy:RolePolicy").inputs["policy"])
    secret_arn = deployed.stack_outputs["dbSecretArn"]
    for statement in policy["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert not any("*" in action for action in actions)
        assert statement["Resource"] == [secret_arn]


def test_function_runs_in_the_private_subnets(deployed):
    function = one(deployed, "aws:lambda/function:Function")
    subnets = {r.urn for r in deployed.resources if r.type == "aws:ec2/subnet:Subnet"}
    assert set(function.property_dependencies["vpcConfig"]) >= subnets
    assert function.inputs["code"]["path"] == "app"
    assert (REFERENCE / "app" / "handler.py").is_file()


def test_source_has_no_account_ids_or_secrets():
    for path in REFERENCE.rglob("*"):
        if path.suffix not in (".py", ".yaml") or "__pycache__" in path.parts:
            continue
        text = path.read_text()
        assert not re.search(r"\b\d{12}\b", text), f"{path} hard-codes an account id"
        assert "password=" not in text.replace("manage_master_user_password=", ""), path


def test_the_policy_pack_finds_nothing(capture):
    local = pytest.importorskip("policypack.crossguard.local")
    results = local.analyze_stack(to_analyze_stack_request(capture.resources))
    assert [(r.code, r.name) for r in results] == []
