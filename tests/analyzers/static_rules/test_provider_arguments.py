"""SG401–SG404 on the shapes AI-written and hand-written programs get wrong, and the
provider major the arguments are checked against."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from analyzers.project import analyze, project_environment, summarize_file
from analyzers.providers import ProviderKnowledge
from analyzers.providers.versions import Pin
from policypack.rules import apigateway_examples as ex

pytest.importorskip("pulumi_aws")  # the default environment reads the installed SDK's version


def _findings(program: str, environment: ProviderKnowledge | None = None) -> list:
    summary = summarize_file("__main__.py", textwrap.dedent(program).encode())
    if environment is None:
        return analyze([summary])
    return analyze([summary], environment=environment)


def _issues(program: str) -> list:
    """What SG401 found, with the replacement a fix would use."""
    from analyzers.project import analyze_with_graph
    from analyzers.static_rules import SourceContext
    from analyzers.static_rules.sg401_unknown_resource_argument import issues

    summaries = [summarize_file("__main__.py", textwrap.dedent(program).encode())]
    _, project = analyze_with_graph(summaries)
    return list(issues(SourceContext(summaries, project)))


def _by_code(findings: list, code: str) -> list:
    return [finding for finding in findings if finding.code == code]


DEPENDS_ON_AS_ARGUMENT = ex.LAMBDA + ex.REST_ROUTE + '''
deployment = aws.apigateway.Deployment("deployment", rest_api=api.id, depends_on=[integration])
''' + ex.REST_STAGE + ex.REST_PERMISSION


def test_depends_on_passed_as_an_argument_is_reported_and_does_not_hide_sg304() -> None:
    findings = _findings(DEPENDS_ON_AS_ARGUMENT)
    [unknown] = _by_code(findings, "SG401")
    assert unknown.subject == "deployment"
    assert "opts=pulumi.ResourceOptions(depends_on=...)" in unknown.message
    assert "unexpected keyword argument 'depends_on'" in unknown.message
    # the keyword never reaches the engine: the deployment waits for nothing
    assert [f.subject for f in _by_code(findings, "SG304")] == ["deployment"]


def test_stage_name_on_a_deployment_was_removed_in_pulumi_aws_7() -> None:
    findings = _findings(ex.LAMBDA + ex.REST_ROUTE + '''
deployment = aws.apigateway.Deployment(
    "deployment", rest_api=api.id, stage_name="prod", opts=pulumi.ResourceOptions(depends_on=[integration])
)
''' + ex.REST_PERMISSION)
    [removed] = _by_code(findings, "SG402")
    assert removed.subject == "deployment"
    assert "removed from aws.apigateway.Deployment 'deployment' in pulumi-aws 7" in removed.message
    assert "apigateway.Stage resource instead" in removed.message
    assert not _by_code(findings, "SG401")


@pytest.mark.parametrize(("resource", "keyword", "suggestion"), [
    ("aws.apigateway.Deployment", "rest_api_id", "rest_api"),
    ("aws.apigateway.Resource", "rest_api_id", "rest_api"),
    ("aws.apigateway.Method", "rest_api_id", "rest_api"),
    ("aws.apigateway.Integration", "rest_api_id", "rest_api"),
    ("aws.apigateway.Stage", "rest_api_id", "rest_api"),
    ("aws.apigatewayv2.Stage", "rest_api_id", "api_id"),
    ("aws.lambda_.Permission", "function_name", "function"),
])
def test_a_misremembered_argument_gets_the_closest_valid_one(resource: str, keyword: str, suggestion: str) -> None:
    findings = _findings(f"import pulumi_aws as aws\n\nx = {resource}('x', {keyword}='abc')\n")
    [unknown] = _by_code(findings, "SG401")
    assert f"`{keyword}` is not an argument of {resource} 'x'" in unknown.message
    assert f"did you mean `{suggestion}`?" in unknown.message


def test_an_ambiguous_keyword_names_every_close_argument_and_suggests_none() -> None:
    program = "import pulumi_aws as aws\n\ngroup = aws.autoscaling.Group('g', max_sizes=3, min_size=1)\n"
    [unknown] = _by_code(_findings(program), "SG401")
    assert "did you mean `max_size` or `min_size`?" in unknown.message
    [issue] = _issues(program)
    assert issue.keyword == "max_sizes" and issue.replacement is None


def test_inline_s3_bucket_settings_are_deprecated() -> None:
    findings = _findings('''
import pulumi_aws as aws

site = aws.s3.Bucket(
    "site",
    acl="public-read",
    versioning={"enabled": True},
    server_side_encryption_configuration={"rule": {"apply_server_side_encryption_by_default": {
        "sse_algorithm": "AES256"}}},
    website={"index_document": "index.html"},
    lifecycle_rules=[{"enabled": True}],
)
''')
    [deprecated] = _by_code(findings, "SG403")  # one finding per rule and call, stating each argument
    named = sorted(set(deprecated.message.split("`")[1::2]) & {
        "acl", "lifecycle_rules", "server_side_encryption_configuration", "versioning", "website"})
    assert deprecated.message.count("deprecated") >= 5
    assert named == ["acl", "lifecycle_rules", "server_side_encryption_configuration", "versioning", "website"]
    assert deprecated.severity.value == "warning"
    assert "s3.BucketVersioning" in deprecated.message


@pytest.mark.parametrize("program", [
    # **kwargs the analyzer can't see into
    "import pulumi\nimport pulumi_aws as aws\n\ndef make(name, **kw):\n    return aws.s3.Bucket(name, **kw)\n\n"
    "make('b', **pulumi.Config().require_object('bucket'))\n",
    # an Args object built elsewhere
    "import pulumi_aws as aws\nfrom settings import ARGS\n\naws.s3.Bucket('b', ARGS)\n",
    # a subclass of the SDK's class: its own constructor decides
    "import pulumi_aws as aws\n\nclass Logs(aws.s3.Bucket):\n    pass\n\nLogs('b', anything=1)\n",
])
def test_silent_where_the_keywords_are_not_visible(program: str) -> None:
    findings = _findings(program)
    assert not [f for f in findings if f.code.startswith("SG4")], [f.message for f in findings]


@pytest.mark.parametrize("program", [
    "from pulumi_aws.apigateway import Deployment\nDeployment('d', stage_name='prod')\n",
    "from pulumi_aws import apigateway as apigw\napigw.Deployment('d', stage_name='prod')\n",
    "import pulumi_aws.apigateway\npulumi_aws.apigateway.Deployment('d', stage_name='prod')\n",
    "import pulumi_aws as aws\nextra = {'stage_name': 'prod'}\naws.apigateway.Deployment('d', **extra)\n",
    "import pulumi_aws as aws\n"
    "aws.apigateway.Deployment('d', aws.apigateway.DeploymentArgs(rest_api='x', stage_name='prod'))\n",
])
def test_import_styles_dict_unpacking_and_args_objects(program: str) -> None:
    assert [f.subject for f in _by_code(_findings(program), "SG402")] == ["d"]


def test_one_finding_per_call_site_however_many_runs() -> None:
    findings = _findings('''
import pulumi_aws as aws


def bucket(name):
    return aws.s3.Bucket(name, bucket_name=name)


bucket("a")
bucket("b")
''')
    assert len(_by_code(findings, "SG401")) == 1


PINNED_PROGRAM = '''
import pulumi_aws as aws

api = aws.apigateway.RestApi("api")
deployment = aws.apigateway.Deployment("deployment", rest_api=api.id, stage_name="prod")
aws.ec2.Eip("ip", domain="vpc", region="eu-west-1")
'''


def _pinned(tmp_path: Path, requirement: str) -> ProviderKnowledge:
    (tmp_path / "requirements.txt").write_text(f"pulumi>=3\n{requirement}\n")
    return project_environment(tmp_path)


def test_a_project_pinned_to_pulumi_aws_6_is_checked_against_6(tmp_path: Path) -> None:
    findings = _findings(PINNED_PROGRAM, _pinned(tmp_path, "pulumi-aws>=6.0.0,<7.0.0"))
    # stage_name is fine (deprecated) in 6; `region` arrived in 7
    assert not _by_code(findings, "SG402")
    [deprecated] = _by_code(findings, "SG403")
    assert "`stage_name`" in deprecated.message and "pulumi-aws 6 (pinned by requirements.txt" in deprecated.message
    [unknown] = _by_code(findings, "SG401")
    assert "`region`" in unknown.message and unknown.subject == "ip"


def test_a_project_pinned_to_pulumi_aws_7_by_its_lock_file(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("pulumi-aws>=6\n")
    (tmp_path / "poetry.lock").write_text('[[package]]\nname = "pulumi-aws"\nversion = "7.3.0"\n')
    findings = _findings(PINNED_PROGRAM, project_environment(tmp_path))
    [removed] = _by_code(findings, "SG402")
    assert "pinned by poetry.lock: pulumi-aws==7.3.0" in removed.message
    assert not _by_code(findings, "SG401")


def test_without_any_version_the_newest_major_is_assumed_and_said(tmp_path: Path) -> None:
    knowledge = ProviderKnowledge(search_path=[tmp_path])  # no installed SDK, no pins
    [removed] = _by_code(_findings(PINNED_PROGRAM, knowledge), "SG402")
    assert "checked against the newest major stackguard knows" in removed.message


def test_a_major_stackguard_has_no_facts_for_is_not_checked(tmp_path: Path) -> None:
    knowledge = ProviderKnowledge(search_path=[tmp_path], pins={"pulumi-aws": Pin(5, "requirements.txt: ==5.42")})
    findings = _findings(PINNED_PROGRAM, knowledge)
    assert not [f for f in findings if f.code in ("SG401", "SG402", "SG404")]
    assert any("no argument facts for this major" in note for note in knowledge.notes())


def test_the_reference_stack_is_clean() -> None:
    root = Path(__file__).resolve().parents[3] / "reference_stack"
    summaries = [summarize_file(path.relative_to(root).as_posix(), path.read_bytes())
                 for path in sorted(root.rglob("*.py"))]
    findings = analyze(summaries, environment=project_environment(root))
    assert not [f for f in findings if f.code.startswith("SG4")], [f.message for f in findings]


def test_the_resource_options_the_rule_knows_are_the_sdks() -> None:
    pulumi = pytest.importorskip("pulumi")
    import inspect

    from analyzers.static_rules.provider_arguments import RESOURCE_OPTIONS

    parameters = set(inspect.signature(pulumi.ResourceOptions.__init__).parameters) - {"self"}
    assert parameters >= RESOURCE_OPTIONS  # every option the rule names is one (newer SDKs may add more)
