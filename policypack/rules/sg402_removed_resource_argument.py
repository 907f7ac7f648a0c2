"""SG402 removed-resource-argument (static only: implemented in
analyzers.static_rules.sg402_removed_resource_argument)."""

from __future__ import annotations

from policypack.rules import apigateway_examples as ex
from policypack.rules.base import AutoFix, Detector, Example, FixSafety, Rule, Severity

_STATIC = frozenset({Detector.STATIC})

RULE = Rule(
    code="SG402",
    name="removed-resource-argument",
    severity=Severity.ERROR,
    tags=("correctness", "provider-schema"),
    detectors=_STATIC,
    summary=(
        "Checks for arguments an older major of the provider SDK accepted and the major the project "
        "uses no longer does (e.g. `stage_name` on `aws.apigateway.Deployment`, removed in "
        "pulumi-aws 7)."
    ),
    why=(
        "Examples, blog posts and generated code still use arguments a provider removed in its last "
        "major release; with the current SDK `pulumi preview` stops with \"TypeError: "
        "_internal_init() got an unexpected keyword argument\". The older SDK's deprecation message "
        "said what replaces it, and the message repeats it. Static only: the engine never sees the "
        "resource."
    ),
    fix=(
        "Do what the message says replaces the argument: usually a separate resource (an "
        "`aws.apigateway.Stage` for a Deployment's `stage_name`, `aws.s3.BucketVersioning` for a "
        "bucket's versioning) or a renamed argument (`db_name` for an RDS instance's `name`, "
        "`domain=\"vpc\"` for an Elastic IP's `vpc`)."
    ),
    bad=(
        Example(ex.LAMBDA + ex.REST_ROUTE + '''
deployment = aws.apigateway.Deployment(
    "deployment",
    rest_api=api.id,
    stage_name="prod",
    opts=pulumi.ResourceOptions(depends_on=[integration]),
)
''' + ex.REST_PERMISSION, flagged=("deployment",), detectors=_STATIC,
                note="`stage_name` on a Deployment (15 of 40 sampled AI-written API Gateway programs)"),
        Example('''
import pulumi_aws as aws

db = aws.rds.Instance(
    "db", engine="postgres", engine_version="17.5", instance_class="db.t4g.micro",
    allocated_storage=20, name="app", username="app", manage_master_user_password=True,
)
''', flagged=("db",), detectors=_STATIC, note="`name` on an RDS instance (now `db_name`)"),
        Example('''
from pulumi_aws import ec2

nat_ip = ec2.Eip("nat-ip", vpc=True)
''', flagged=("nat-ip",), detectors=_STATIC, note="`vpc=True` on an Elastic IP (now `domain=\"vpc\"`)"),
    ),
    good=(
        Example(ex.REST_COMPLETE, detectors=_STATIC, note="a separate Stage"),
        Example('''
import pulumi_aws as aws

db = aws.rds.Instance(
    "db", engine="postgres", engine_version="17.5", instance_class="db.t4g.micro",
    allocated_storage=20, db_name="app", username="app", manage_master_user_password=True,
)
''', detectors=_STATIC),
        Example('''
from pulumi_aws import ec2

nat_ip = ec2.Eip("nat-ip", domain="vpc")
''', detectors=_STATIC),
    ),
    references=(
        "https://www.pulumi.com/registry/packages/aws/how-to-guides/7-0-migration/",
    ),
    autofix=AutoFix(
        FixSafety.UNSAFE,
        "Only for `stage_name` on an `aws.apigateway.Deployment`: it is removed, and an `aws.apigateway.Stage` "
        "with that "
        "`stage_name`, the deployment's `rest_api` and `deployment=<its variable>.id` is inserted after "
        "the deployment (named after it + `-stage`; `parent=self` inside a component). Unsafe: it adds a "
        "resource.",
        "for the other removed arguments (the message says what replaces them: a renamed argument such as "
        "an RDS instance's `db_name`, or a separate resource such as the S3 bucket settings' "
        "`aws.s3.BucketVersioning`, whose adoption changes the stack's state: move those by hand); when "
        "the deployment isn't assigned to a plain variable, its name is computed at run time or a Stage "
        "already serves it; or when its `rest_api` isn't a name or an attribute, or its `stage_name` isn't "
        "a string, a name or an attribute (copied or moved, a call would run twice or later).",
    ),
    static_check="analyzers.static_rules.sg402_removed_resource_argument:findings",
)
