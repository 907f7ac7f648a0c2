"""The stack-capture harness: runs real programs under the mock monitor, as the engine would."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

pytest.importorskip("pulumi_aws")

from pulumi_policy import EnforcementLevel, StackValidationPolicy
from pulumi_policy.policy import _PolicyAnalyzerServicer
from pulumi_policy.proxy import UnknownValueError

from policypack.harness import (
    SECRET_SIG,
    SIG_KEY,
    UNKNOWN,
    CapturedResource,
    CaptureError,
    capture_program,
    capture_program_detailed,
    capture_source,
    to_analyze_stack_request,
)

COMPONENT = '''
import pulumi
import pulumi_aws as aws


class Web(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("test:web:Web", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.fn = aws.lambda_.Function(
            f"{name}-fn", role="arn:aws:iam::123456789012:role/r", runtime="python3.12", handler="h.h",
            code=pulumi.AssetArchive({"h.py": pulumi.StringAsset("def h(e, c): return {}")}), opts=child)
        self.api = aws.apigateway.RestApi(f"{name}-api", opts=child)
        self.method = aws.apigateway.Method(
            f"{name}-method", rest_api=self.api.id, resource_id=self.api.root_resource_id,
            http_method="POST", authorization="NONE", opts=child)
        self.integration = aws.apigateway.Integration(
            f"{name}-int", rest_api=self.api.id, resource_id=self.api.root_resource_id,
            http_method=self.method.http_method, type="AWS_PROXY", integration_http_method="POST",
            uri=self.fn.invoke_arn, opts=child)
        self.deployment = aws.apigateway.Deployment(
            f"{name}-deploy", rest_api=self.api.id,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.method, self.integration]))
        self.register_outputs({"invokeArn": self.fn.invoke_arn, "marker": "%(marker)s"})
'''

MAIN = '''
import pulumi
import pulumi_aws as aws
from components.web import Web

config = pulumi.Config()
password = config.require_secret("dbPassword")
east = aws.Provider("east", region="us-east-1")
web = Web("web", opts=pulumi.ResourceOptions(provider=east))
autonamed = aws.rds.ParameterGroup("pg", family="postgres17")
named = aws.rds.ParameterGroup("pg-named", name="app-pg", family="postgres17")
db = aws.rds.Instance(
    "db", engine="postgres", engine_version="17.5", instance_class="db.t4g.micro", allocated_storage=20,
    parameter_group_name=autonamed.name, username="app", password=password)
by_id = aws.rds.Instance(
    "db-by-id", engine="postgres", engine_version="17.5", instance_class="db.t4g.micro", allocated_storage=20,
    parameter_group_name=autonamed.id, manage_master_user_password=True, username="app")
zones = aws.get_availability_zones()
account = aws.get_caller_identity()
pulumi.export("zones", zones.names)
pulumi.export("account", account.account_id)
pulumi.export("invokeArn", web.fn.invoke_arn)
'''

CONFIG = {"aws:region": "eu-west-1", "proj:dbPassword": "s3cr3t-value"}
PREFIX = "urn:pulumi:dev::proj::"


def write_program(root: Path, marker: str = "one") -> Path:
    (root / "components").mkdir(parents=True)
    (root / "components" / "__init__.py").write_text("")
    (root / "components" / "web.py").write_text(COMPONENT % {"marker": marker})
    (root / "__main__.py").write_text(MAIN)
    (root / "Pulumi.yaml").write_text("name: proj\nruntime: python\n")
    return root


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_program(tmp_path_factory.mktemp("prog"))


@pytest.fixture(scope="module")
def deployed(program: Path):
    return capture_program_detailed(program, config=CONFIG, secret_keys=["proj:dbPassword"])


@pytest.fixture(scope="module")
def previewed(program: Path):
    return capture_program_detailed(program, config=CONFIG, secret_keys=["proj:dbPassword"], preview=True)


def by_name(resources: list[CapturedResource]) -> dict[str, CapturedResource]:
    return {r.name: r for r in resources}


def test_stack_resource_is_captured_and_roots_the_tree(deployed):
    stack = deployed.stack
    assert stack.urn == PREFIX + "pulumi:pulumi:Stack::proj-dev"
    assert stack.parent is None and not stack.custom
    rs = by_name(deployed.resources)
    assert rs["web"].parent == stack.urn
    assert rs["db"].parent == stack.urn
    assert rs["east"].type == "pulumi:providers:aws" and rs["east"].parent == stack.urn


def test_urns_qualify_children_with_the_parent_type(deployed):
    rs = by_name(deployed.resources)
    assert rs["web"].urn == PREFIX + "test:web:Web::web"
    assert rs["web-fn"].urn == PREFIX + "test:web:Web$aws:lambda/function:Function::web-fn"
    assert rs["web-fn"].parent == rs["web"].urn
    assert rs["db"].urn == PREFIX + "aws:rds/instance:Instance::db"
    assert rs["web-fn"].custom and not rs["web"].custom


def test_dependencies_and_property_dependencies(deployed):
    rs = by_name(deployed.resources)
    integration = rs["web-int"]
    assert integration.property_dependencies["uri"] == (rs["web-fn"].urn,)
    assert integration.property_dependencies["restApi"] == (rs["web-api"].urn,)
    assert integration.property_dependencies["type"] == ()
    deployment = rs["web-deploy"]
    assert {rs["web-method"].urn, rs["web-int"].urn, rs["web-api"].urn} <= set(deployment.dependencies)
    assert rs["db"].property_dependencies["parameterGroupName"] == (rs["pg"].urn,)


def test_explicit_provider_is_referenced_by_children(deployed):
    rs = by_name(deployed.resources)
    assert rs["web-fn"].provider is not None
    assert rs["web-fn"].provider.startswith(rs["east"].urn + "::")
    assert rs["db"].provider is None  # default provider: the engine, not the program, creates it


def test_outputs_are_realistic(deployed):
    rs = by_name(deployed.resources)
    fn_name = rs["web-fn"].inputs.get("name")
    uri = rs["web-int"].inputs["uri"]
    assert uri.startswith("arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/"
                          "arn:aws:lambda:eu-west-1:123456789012:function:web-fn-")
    assert uri.endswith("/invocations")
    assert fn_name is None  # autonamed by the provider, not by the program
    assert rs["db"].inputs["parameterGroupName"].startswith("pg-")
    assert len(rs["db"].inputs["parameterGroupName"]) == len("pg-") + 7
    outputs = deployed.stack_outputs
    assert outputs["zones"] == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert outputs["account"] == "123456789012"
    assert outputs["invokeArn"] == uri


def test_autonames_are_deterministic(program: Path, deployed):
    again = by_name(capture_program(program, config=CONFIG))
    assert again["db"].inputs["parameterGroupName"] == by_name(deployed.resources)["db"].inputs[
        "parameterGroupName"]


def test_component_outputs_are_recorded(deployed):
    web = by_name(deployed.resources)["web"]
    assert deployed.registered_outputs[web.urn]["marker"] == "one"


def test_preview_marks_provider_computed_inputs_unknown(previewed):
    rs = by_name(previewed.resources)
    integration = rs["web-int"]
    assert integration.inputs["uri"] == UNKNOWN
    assert integration.inputs["restApi"] == UNKNOWN
    assert integration.inputs["type"] == "AWS_PROXY"
    assert integration.property_dependencies["uri"] == (rs["web-fn"].urn,)
    # An autonamed `name` is computed in the provider's Check, so it is known during preview;
    # an id only exists after create.
    assert rs["db"].inputs["parameterGroupName"].startswith("pg-")
    assert rs["db-by-id"].inputs["parameterGroupName"] == UNKNOWN
    assert rs["db-by-id"].property_dependencies["parameterGroupName"] == (rs["pg"].urn,)
    assert rs["web-fn"].provider == rs["east"].urn + "::" + UNKNOWN


def test_secret_config_is_sent_as_a_secret_and_never_shown(deployed):
    db = by_name(deployed.resources)["db"]
    assert db.inputs["password"] == {SIG_KEY: SECRET_SIG, "value": "s3cr3t-value"}
    assert "s3cr3t-value" not in repr(db)
    assert "s3cr3t-value" not in repr(deployed)


def test_runs_are_isolated(tmp_path: Path):
    first = write_program(tmp_path / "a", marker="first")
    second = write_program(tmp_path / "b", marker="second")
    cwd, path = os.getcwd(), list(sys.path)
    one = capture_program_detailed(first, config=CONFIG)
    two = capture_program_detailed(second, config=CONFIG)
    assert one.registered_outputs[PREFIX + "test:web:Web::web"]["marker"] == "first"
    assert two.registered_outputs[PREFIX + "test:web:Web::web"]["marker"] == "second"
    assert len(one.resources) == len(two.resources)
    assert os.getcwd() == cwd and sys.path == path
    assert not any(name == "components" or name.startswith("components.") for name in sys.modules)


def test_program_runs_with_its_directory_as_cwd(tmp_path: Path):
    (tmp_path / "data.txt").write_text("from-file")
    (tmp_path / "__main__.py").write_text(
        "import pulumi\npulumi.export('text', open('data.txt').read())\n")
    capture = capture_program_detailed(tmp_path)
    assert capture.stack_outputs == {"text": "from-file"}


def test_program_error_becomes_capture_error(tmp_path: Path):
    (tmp_path / "__main__.py").write_text("import pulumi\nraise ValueError('bad subnet count')\n")
    with pytest.raises(CaptureError) as info:
        capture_program(tmp_path)
    assert str(tmp_path) in str(info.value)
    assert "ValueError: bad subnet count" in str(info.value)
    assert "Traceback" not in str(info.value)


def test_program_error_never_shows_a_secret(tmp_path: Path):
    (tmp_path / "__main__.py").write_text(
        "import pulumi\n"
        "value = pulumi.runtime.get_config('proj:token')\n"
        "raise RuntimeError(f'bad token {value}')\n")
    with pytest.raises(CaptureError) as info:
        capture_program(tmp_path, config={"proj:token": "tok-123456"}, secret_keys=["proj:token"])
    assert "tok-123456" not in str(info.value)
    assert "bad token [secret]" in str(info.value)


def test_resource_references_are_sent_as_ids():
    source = (
        "import pulumi, pulumi_aws as aws\n"
        "fn = aws.lambda_.Function('fn', role='arn:aws:iam::123456789012:role/r', runtime='python3.12',\n"
        "    handler='h.h', code=pulumi.AssetArchive({}))\n"
        "aws.lambda_.Permission('perm', action='lambda:InvokeFunction', function=fn,\n"
        "    principal='apigateway.amazonaws.com')\n")
    after_deploy = by_name(capture_source(source))
    assert after_deploy["perm"].inputs["function"].startswith("fn-")  # a function's id is its name
    previewed = by_name(capture_source(source, preview=True))
    assert previewed["perm"].inputs["function"] == UNKNOWN
    assert previewed["perm"].property_dependencies["function"] == (previewed["fn"].urn,)


def test_missing_config_becomes_capture_error(program: Path):
    with pytest.raises(CaptureError, match="dbPassword"):
        capture_program(program, config={"aws:region": "eu-west-1"})


def test_missing_program_becomes_capture_error(tmp_path: Path):
    with pytest.raises(CaptureError, match="no such program"):
        capture_program(tmp_path / "nope")


def test_capture_source_and_stack_config_file(tmp_path: Path):
    resources = capture_source(
        "import pulumi_aws as aws\naws.s3.Bucket('logs')\n", project="demo", stack="prod")
    bucket = by_name(resources)["logs"]
    assert bucket.urn == "urn:pulumi:prod::demo::aws:s3/bucket:Bucket::logs"
    (tmp_path / "Pulumi.yaml").write_text("name: cfg\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  cfg:size: 3\n  aws:region: ap-south-1\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi, pulumi_aws as aws\n"
        "pulumi.export('size', pulumi.Config().require_int('size'))\n"
        "pulumi.export('region', aws.get_region().name)\n")
    assert capture_program_detailed(tmp_path).stack_outputs == {"size": 3, "region": "ap-south-1"}


def analyze(resources: list[CapturedResource]):
    seen: dict[str, object] = {}

    def validate(args, report_violation):
        seen["resources"] = list(args.resources)

    policy = StackValidationPolicy(name="record", description="records what it sees", validate=validate)
    servicer = _PolicyAnalyzerServicer("capture-test", "0.0.1", [policy], EnforcementLevel.ADVISORY)
    response = servicer.AnalyzeStack(to_analyze_stack_request(resources), None)
    return {r.name: r for r in seen["resources"]}, response


def test_analyzer_sees_the_captured_graph(deployed):
    policy_resources, response = analyze(deployed.resources)
    rs = by_name(deployed.resources)
    assert not response.diagnostics
    integration = policy_resources["web-int"]
    assert integration.parent.urn == rs["web"].urn
    assert integration.parent.parent.resource_type == "pulumi:pulumi:Stack"
    assert [d.urn for d in integration.property_dependencies["uri"]] == [rs["web-fn"].urn]
    deployment = policy_resources["web-deploy"]
    assert {rs["web-method"].urn, rs["web-int"].urn} <= {d.urn for d in deployment.dependencies}
    assert integration.props["type"] == "AWS_PROXY"
    assert integration.props["uri"].endswith("/invocations")
    assert policy_resources["web-fn"].provider.urn == rs["east"].urn
    assert policy_resources["db"].props["allocatedStorage"] == 20


def test_analyzer_raises_unknown_value_error_on_preview_unknowns(previewed):
    policy_resources, _ = analyze(previewed.resources)
    integration = policy_resources["web-int"]
    assert integration.props["type"] == "AWS_PROXY"
    with pytest.raises(UnknownValueError):
        _ = integration.props["uri"]
    assert [d.name for d in integration.property_dependencies["uri"]] == ["web-fn"]


def test_load_balancer_dns_name_is_known_after_deploy(tmp_path: Path):
    # Programs export f"http://{alb.dns_name}" (Output.concat fails on None).
    (tmp_path / "__main__.py").write_text(
        "import pulumi\nimport pulumi_aws as aws\n"
        "alb = aws.lb.LoadBalancer('web', load_balancer_type='application', subnets=['subnet-1'])\n"
        "pulumi.export('url', pulumi.Output.concat('http://', alb.dns_name))\n")
    capture = capture_program_detailed(tmp_path, config={"aws:region": "eu-west-1"})
    assert capture.stack_outputs["url"].startswith("http://web-")
    assert capture.stack_outputs["url"].endswith(".eu-west-1.elb.amazonaws.com")


def test_resources_passed_as_inputs_do_not_hang_and_keep_their_dependencies():
    # `deployment=dep` passes the resource itself; the SDK must not try to rehydrate it.
    resources = capture_source(
        "import pulumi_aws as aws\n"
        "api = aws.apigateway.RestApi('api')\n"
        "dep = aws.apigateway.Deployment('dep', rest_api=api)\n"
        "aws.apigateway.Stage('prod', rest_api=api, deployment=dep, stage_name='prod')\n"
        "aws.lambda_.Permission('p', action='lambda:InvokeFunction', function='f',\n"
        "                       principal='apigateway.amazonaws.com')\n",
        timeout=60,
    )
    stage = next(r for r in resources if r.name == "prod")
    dep = next(r for r in resources if r.name == "dep")
    assert dep.urn in stage.property_dependencies["deployment"]
    assert isinstance(stage.inputs["deployment"], str)


def test_a_program_that_never_finishes_is_a_clear_error():
    with pytest.raises(CaptureError, match="did not finish within 1 s under mocks"):
        capture_source("import time\ntime.sleep(5)\n", timeout=1)


def test_string_outputs_the_provider_always_sets_are_known_after_deploy(tmp_path: Path):
    (tmp_path / "__main__.py").write_text(
        "import pulumi\nimport pulumi_aws as aws\n"
        "repo = aws.ecr.Repository('repo')\n"
        "pulumi.export('image', pulumi.Output.concat(repo.repository_url, ':latest'))\n")
    image = capture_program_detailed(tmp_path).stack_outputs["image"]
    assert isinstance(image, str) and image.endswith(":latest") and len(image) > len(":latest")


@pytest.mark.parametrize("stack, message", [
    ("../../etc/x", "a stack name may only contain alphanumeric, hyphens, underscores, or periods"),
    ("", "a stack name may not be empty"),
    ("s" * 101, "a stack name cannot exceed 100 characters"),
])
def test_stack_names_are_checked_like_the_engine(tmp_path: Path, stack: str, message: str):
    # The stack name becomes a URN segment and the name of Pulumi.<stack>.yaml.
    (tmp_path / "__main__.py").write_text("import pulumi\n")
    with pytest.raises(CaptureError, match=message):
        capture_program(tmp_path, stack=stack)


def test_project_names_are_checked_like_the_engine(tmp_path: Path):
    (tmp_path / "__main__.py").write_text("import pulumi\n")
    (tmp_path / "Pulumi.yaml").write_text("name: 'evil::aws:rds/instance:Instance'\nruntime: python\n")
    with pytest.raises(CaptureError, match="project names may only contain alphanumerics, hyphens, underscores, "
                                           "and periods"):
        capture_program(tmp_path)


def test_duplicate_urns_fail_like_the_engine():
    source = "import pulumi_aws as aws\naws.s3.Bucket('b')\naws.s3.Bucket('b')\n"
    with pytest.raises(CaptureError) as info:
        capture_source(source)
    assert str(info.value) == ("<source>: Duplicate resource URN "
                               "'urn:pulumi:dev::stack::aws:s3/bucket:Bucket::b'; try giving it a unique name")


def test_names_with_urn_delimiters_keep_their_urns_and_children():
    source = (
        "import pulumi, pulumi_aws as aws\n"
        "class C(pulumi.ComponentResource):\n"
        "    def __init__(self, name):\n"
        "        super().__init__('test:c:C', name)\n"
        "        aws.s3.Bucket('b::x\\ny', opts=pulumi.ResourceOptions(parent=self))\n"
        "C('a::pulumi:pulumi:Stack::z')\n")
    found = by_name(capture_source(source))
    assert found["a::pulumi:pulumi:Stack::z"].urn == "urn:pulumi:dev::stack::test:c:C::a::pulumi:pulumi:Stack::z"
    assert found["b::x\ny"].urn == "urn:pulumi:dev::stack::test:c:C$aws:s3/bucket:Bucket::b::x\ny"
    assert found["b::x\ny"].parent == found["a::pulumi:pulumi:Stack::z"].urn
