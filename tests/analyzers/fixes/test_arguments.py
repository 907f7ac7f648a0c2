"""SG401 and SG402 fixes: where they stand back, how safe they are, and the CLI's patch of them.

The golden before/after programs are in tests/fixtures/fixes/SG401 and SG402;
here, the shapes no fix may touch (the finding is there, ``--fix`` changes
nothing), and the fixes as ``stackguard lint --diff`` prints them.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from analyzers import cli
from policypack.rules import rule_by_code_or_name
from tests.support.fixing import findings, fix, fixer

MAIN = "__main__.py"
HEAD = "import pulumi\nimport pulumi_aws as aws\n\nlogs = aws.s3.Bucket(\"logs\")\n"
REST = HEAD + 'api = aws.apigateway.RestApi("api", body="{}")\n'


def _codes(source: str) -> set[str]:
    return {f.code for f in findings({MAIN: source})}


def unfixed(source: str, code: str) -> bool:
    """Whether ``source`` has a ``code`` finding that ``--fix --unsafe-fixes`` leaves as it is."""
    assert code in _codes(source), source
    return fix({MAIN: source}, {code}).fixed == {}


@pytest.mark.parametrize("program", [
    # the options are a variable: other resources may share them
    HEAD + 'shared = pulumi.ResourceOptions(protect=True)\n'
           'aws.s3.Bucket("b", depends_on=[logs], opts=shared)\n',
    # the option is in the options already: which one is meant is a choice
    HEAD + 'aws.s3.Bucket("b", depends_on=[logs], opts=pulumi.ResourceOptions(depends_on=[]))\n',
    # a merge (the merged options may set the option too), positional options, a spread in them
    HEAD + 'base = pulumi.ResourceOptions()\n'
           'aws.s3.Bucket("b", protect=True, opts=pulumi.ResourceOptions.merge(base, pulumi.ResourceOptions()))\n',
    HEAD + 'aws.s3.Bucket("b", depends_on=[logs], opts=pulumi.ResourceOptions(None))\n',
    HEAD + 'extra = {"protect": False}\n'
           'aws.s3.Bucket("b", depends_on=[logs], opts=pulumi.ResourceOptions(**extra))\n',
    # a **spread in the call: it may carry the options, or the same keyword
    HEAD + 'extra = {"force_destroy": True}\naws.s3.Bucket("b", depends_on=[logs], **extra)\n',
    HEAD + 'def bucket(name, **kwargs):\n    return aws.s3.Bucket(name, protect=True, **kwargs)\n\n'
           'bucket("b", force_destroy=True)\n',
    # the options passed positionally (after an Args object)
    HEAD + 'aws.s3.Bucket("b", aws.s3.BucketArgs(), None, protect=True)\n',
    # `id` names an argument as often as the option that reads an existing resource
    HEAD + 'aws.s3.Bucket("b", id="assets")\n',
])
def test_no_option_moves_where_the_options_cannot_be_edited_with_certainty(program: str) -> None:
    assert unfixed(program, "SG401")


@pytest.mark.parametrize("program", [
    # two close arguments: the message names both, the fix picks none
    HEAD + 'aws.autoscaling.Group("g", max_sizes=3, min_size=1, availability_zones=["us-east-1a"])\n',
    # the argument is given already
    REST + 'aws.apigateway.Deployment("d", rest_api=api.id, rest_api_id=api.id)\n',
    # a resource object where the suggested argument may take only its ID
    HEAD + 'vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")\n'
           'aws.ec2.Subnet("subnet", vpc=vpc, cidr_block="10.0.1.0/24")\n',
    # a literal of a kind the suggested argument never takes
    REST + 'aws.apigateway.Deployment("d", rest_api_id=["abc"])\n',
    # no close argument at all
    HEAD + 'aws.s3.Bucket("b", colour="blue")\n',
])
def test_no_rename_unless_the_one_close_argument_keeps_the_meaning(program: str) -> None:
    assert unfixed(program, "SG401")


def test_a_subnet_gets_its_vpc_id_when_the_value_is_an_id() -> None:
    program = HEAD + 'vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")\n' \
                     'aws.ec2.Subnet("subnet", vpc=vpc.id, cidr_block="10.0.1.0/24")\n'
    fixed = fix({MAIN: program}, {"SG401"}).fixed[MAIN]
    assert 'aws.ec2.Subnet("subnet", vpc_id=vpc.id, cidr_block="10.0.1.0/24")' in fixed
    assert "SG401" not in _codes(fixed)


def test_secret_outputs_and_a_helper_called_twice() -> None:
    """What the analyzer reads of a moved option may change (the secrets), and a fix at a call
    changes every run of it."""
    program = HEAD + (
        'SECRET = ["password"]\n'
        'db = aws.rds.Instance(\n'
        '    "db", engine="postgres", engine_version="17.5", instance_class="db.t4g.micro",\n'
        '    allocated_storage=20, db_name="app", username="app", password=pulumi.Config().require("pw"),\n'
        '    additional_secret_outputs=SECRET,\n'
        ')\n\n\n'
        'def bucket(name):\n    return aws.s3.Bucket(name, protect=True)\n\n\n'
        'bucket("a")\nbucket("b")\n')
    outcome = fix({MAIN: program}, {"SG401"})
    fixed = outcome.fixed[MAIN]
    assert "    opts=pulumi.ResourceOptions(additional_secret_outputs=SECRET),\n" in fixed
    assert 'return aws.s3.Bucket(name, opts=pulumi.ResourceOptions(protect=True))' in fixed
    assert not outcome.rejected and "SG401" not in _codes(fixed)


@pytest.mark.parametrize("program", [
    # not assigned to a name the Stage could refer to
    REST + 'aws.apigateway.Deployment("d", rest_api=api.id, stage_name="prod")\n',
    REST + 'deployments = {}\n'
           'deployments["prod"] = aws.apigateway.Deployment("d", rest_api=api.id, stage_name="prod")\n',
    # the REST API is written as a call: copied, it would run twice
    HEAD + 'def make_api():\n    return aws.apigateway.RestApi("api", body="{}")\n\n\n'
           'd = aws.apigateway.Deployment("d", rest_api=make_api().id, stage_name="prod")\n',
    # the stage name is computed by a call: moved, it would run later
    REST + 'd = aws.apigateway.Deployment("d", rest_api=api.id, stage_name=pulumi.Config().require("stage"))\n',
    # no stage name at all
    REST + 'd = aws.apigateway.Deployment("d", rest_api=api.id, stage_name=None)\n',
    # the statement rebinds the name the REST API is read from
    REST + 'api = aws.apigateway.Deployment("d", rest_api=api.id, stage_name="prod")\n',
    # a Stage serves the deployment already: which one carries the name is a choice
    REST + 'd = aws.apigateway.Deployment("d", rest_api=api.id, stage_name="prod")\n'
           'aws.apigateway.Stage("s", rest_api=api.id, deployment=d.id, stage_name="live")\n',
    # a **spread in the call
    REST + 'extra = {"description": "v1"}\n'
           'd = aws.apigateway.Deployment("d", rest_api=api.id, stage_name="prod", **extra)\n',
    # another removed argument: only stage_name has a fix
    REST + 'd = aws.apigateway.Deployment("d", rest_api=api.id, stage_description="the stage")\n',
])
def test_no_stage_where_the_deployment_or_its_arguments_cannot_be_referred_to(program: str) -> None:
    assert unfixed(program, "SG402")


def test_the_stage_is_an_unsafe_fix_and_the_option_moves_are_safe() -> None:
    program = REST + 'd = aws.apigateway.Deployment("d", rest_api=api.id, stage_name="prod", depends_on=[logs])\n'
    safe = fixer({MAIN: program}, {"SG401", "SG402"}, unsafe=False).run()
    assert [f.finding.code for f in safe.applied] == ["SG401"]
    assert '    stage_name="prod",\n    opts=pulumi.ResourceOptions(depends_on=[logs]),\n' in safe.fixed[MAIN]
    both = fix({MAIN: program}, {"SG401", "SG402"})
    assert sorted(f.finding.code for f in both.applied) == ["SG401", "SG402"]
    assert not {"SG401", "SG402"} & _codes(both.fixed[MAIN])


def test_sg303_leaves_the_stage_to_sg402_when_the_deployment_names_one() -> None:
    """Without ``stage_name`` read as a prop, the API has no stage (SG303) too; its fix would add a
    second "prod" stage and leave ``stage_name`` behind."""
    program = REST + 'd = aws.apigateway.Deployment("d", rest_api=api.id, stage_name="live")\n'
    assert {"SG303", "SG402"} <= _codes(program)
    fixed = fix({MAIN: program}, {"SG303", "SG402"}).fixed[MAIN]
    assert fixed.count("aws.apigateway.Stage(") == 1 and '    stage_name="live",\n' in fixed
    assert not {"SG303", "SG402"} & _codes(fixed)


COMPONENT = """import pulumi
import pulumi_aws as aws


class Site(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:web:Site", name, None, opts)
        logs = aws.s3.Bucket(f"{name}-logs", opts=pulumi.ResourceOptions(parent=self))
        self.content = aws.s3.Bucket(
            f"{name}-content",
            parent=self,
            force_destroy=True,
        )
        self.register_outputs({"content": self.content.id})


Site("site")
"""


@pytest.mark.parametrize(("program", "code", "option"), [
    (COMPONENT, "SG103", "parent=self"),
    (rule_by_code_or_name("SG401").bad[0].code, "SG304", "depends_on=[integration]"),
])
def test_a_misplaced_option_is_moved_by_sg401_not_added_again(program: str, code: str, option: str) -> None:
    """SG103 (no parent) and SG304 (no dependency) are reported too, as the keyword never applies;
    their fixes would add a second ``opts=`` or leave the keyword behind."""
    assert {code, "SG401"} <= _codes(program)
    fixed = fix({MAIN: program}, {code, "SG401"}).fixed[MAIN]
    compile(fixed, MAIN, "exec", dont_inherit=True)  # no keyword given twice
    assert fixed.count(option) == program.count(option) and not {code, "SG401"} & _codes(fixed)


# --- the CLI ---------------------------------------------------------------------------------------

PROGRAM = '''import json

import pulumi
import pulumi_aws as aws

body = json.dumps({"openapi": "3.0.1", "info": {"title": "site", "version": "1"}, "paths": {}})
api = aws.apigateway.RestApi("site-api", body=body)
deployment = aws.apigateway.Deployment(
    "site-deployment",
    rest_api=api.id,
    stage_name="prod",  # the public stage
    triggers={"body": body},
)
logs = aws.s3.Bucket("logs", protect=True)  # audit trail
assets = aws.s3.Bucket(
    "assets",
    depends_on=[logs],
    opts=pulumi.ResourceOptions(retain_on_delete=True),
)
aws.lambda_.Permission("invoke", action="lambda:InvokeFunction", function_name="site", principal="s3.amazonaws.com",
                       source_arn=assets.arn)
'''


def lint(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["lint", "--no-cache", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _argument_findings(capsys) -> list[str]:
    _, out, _ = lint(capsys, "--format", "json", ".")
    return [f["code"] for f in json.loads(out)["findings"] if f["code"] in ("SG401", "SG402")]


def test_the_diff_applies_with_git_apply_and_the_patched_program_lints_clean(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    (tmp_path / ".git").mkdir()
    project = tmp_path / "stack"
    project.mkdir()
    (project / MAIN).write_text(PROGRAM, encoding="utf-8")
    monkeypatch.chdir(project)
    assert sorted(_argument_findings(capsys)) == ["SG401", "SG401", "SG401", "SG402"]

    code, diff, err = lint(capsys, "--diff", "--unsafe-fixes", ".")
    assert code == 1 and "would fix 4" in err and (project / MAIN).read_text() == PROGRAM
    copy = tmp_path / "patched"
    copy.mkdir()
    (copy / MAIN).write_text(PROGRAM, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=copy, check=True, timeout=60)
    for command in (["git", "apply", "--check"], ["git", "apply"]):
        done = subprocess.run(command, input=diff, cwd=copy, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr

    code, _, err = lint(capsys, "--fix", "--unsafe-fixes", ".")
    assert "fixed 4 finding(s) in 1 file(s)" in err
    fixed = (project / MAIN).read_text()
    assert (copy / MAIN).read_text() == fixed
    assert _argument_findings(capsys) == []
    assert '    stage_name="prod",  # the public stage\n' in fixed and "# audit trail" in fixed
    assert lint(capsys, "--diff", "--unsafe-fixes", ".")[:2] == (0, "")  # nothing left to fix
