"""SG401 unknown-resource-argument (static only: implemented in
analyzers.static_rules.sg401_unknown_resource_argument)."""

from __future__ import annotations

from policypack.rules import apigateway_examples as ex
from policypack.rules.base import AutoFix, Detector, Example, FixSafety, Rule, Severity

_STATIC = frozenset({Detector.STATIC})

RULE = Rule(
    code="SG401",
    family=("the provider schema: arguments a resource's constructor does not take (unknown, removed in "
            "the provider major the project uses), deprecated ones, literals of the wrong kind"),
    name="unknown-resource-argument",
    severity=Severity.ERROR,
    tags=("correctness", "provider-schema"),
    detectors=_STATIC,
    summary=(
        "Checks that every keyword passed to a provider resource's constructor is an argument that "
        "resource takes, in the major version of the provider SDK the project uses."
    ),
    why=(
        "The generated SDK rejects any other keyword: `pulumi preview` stops at the first one with "
        "\"TypeError: _internal_init() got an unexpected keyword argument\" and a Python traceback, "
        "one fault per run. A resource option passed as an argument (`depends_on=[...]` instead of "
        "`opts=pulumi.ResourceOptions(depends_on=[...])`) is the most common case; a misremembered "
        "name (`rest_api_id` on the REST API v1 resources, which take `rest_api`) is the next. The "
        "engine never sees these resources, so the policy pack cannot report them: this rule is "
        "static only. The analyzer also never reads such a keyword as a property or a dependency."
    ),
    fix=(
        "Use the argument the message suggests, or move a resource option into "
        "`opts=pulumi.ResourceOptions(...)`. Arguments are checked against the provider major "
        "pinned in the project's lock file or requirements (else the installed SDK, else the newest "
        "major stackguard knows; the message says which)."
    ),
    bad=(
        Example(ex.LAMBDA + ex.REST_ROUTE + '''
deployment = aws.apigateway.Deployment("deployment", rest_api=api.id, depends_on=[integration])
''' + ex.REST_STAGE + ex.REST_PERMISSION, flagged=("deployment",), detectors=_STATIC,
                note="a resource option passed as an argument (AI-written programs' most frequent fault)"),
        Example('''
import pulumi_aws as aws

api = aws.apigateway.RestApi("api")
deployment = aws.apigateway.Deployment("deployment", rest_api_id=api.id)
''', flagged=("deployment",), detectors=_STATIC, note="`rest_api_id` on a REST API (v1) resource"),
        Example('''
from pulumi_aws.s3 import Bucket as Store

logs = Store("logs", bucket_name="acme-logs")
''', flagged=("logs",), detectors=_STATIC,
                note="`bucket_name` (a Bucket takes `bucket`), through an aliased from-import"),
        Example('''
import pulumi_aws as aws

settings = {"bucket": "acme-assets", "protect": True}
assets = aws.s3.Bucket("assets", **settings)
''', flagged=("assets",), detectors=_STATIC, note="a keyword from a dict the analyzer can read"),
        Example('''
import pulumi_aws as aws

args = aws.s3.BucketArgs(bucket="acme-site", index_document="index.html")
site = aws.s3.Bucket("site", args)
''', flagged=("site",), detectors=_STATIC, note="an Args object"),
    ),
    good=(
        Example(ex.REST_COMPLETE, detectors=_STATIC, note="depends_on inside opts"),
        Example('''
import pulumi
import pulumi_aws as aws


def make_bucket(name, **kwargs):
    return aws.s3.Bucket(name, **kwargs)


make_bucket("logs", **pulumi.Config().require_object("logsBucket"))
''', detectors=_STATIC, note="keywords the analyzer can't see (**kwargs): silent"),
        Example('''
import pulumi_aws as aws

http_api = aws.apigatewayv2.Api("http-api", protocol_type="HTTP")
stage = aws.apigatewayv2.Stage("stage", api_id=http_api.id, name="$default", auto_deploy=True)
''', detectors=_STATIC, note="the v2 resources take `api_id`"),
        Example('''
import pulumi_gcp as gcp

bucket = gcp.storage.Bucket("assets", location="EU", uniform_bucket_level_access=True)
''', detectors=_STATIC, note="a provider indexed without argument schemas: not checked"),
    ),
    references=(
        "https://www.pulumi.com/docs/iac/concepts/options/",
        "https://www.pulumi.com/registry/packages/aws/api-docs/apigateway/deployment/",
    ),
    autofix=AutoFix(
        FixSafety.SAFE,
        "A resource option passed as an argument moves, its value as written, into the call's options: "
        "added to its `opts=pulumi.ResourceOptions(...)`, or a new `opts=` (spelled the way the module "
        "imports `pulumi`) that takes every option the call passes as an argument. A keyword with exactly "
        "one close argument is renamed to it (`rest_api_id=` → `rest_api=`). Safe: the program could not "
        "run before, and the fixed keyword does what it said.",
        "when the options are a variable, a merge or a helper's result, already set that option or are "
        "passed positionally; when the call has a `*`/`**` spread or the keyword comes from a dict or an "
        "Args object; for `id`, `urn` and `version` (more often a misnamed argument than the option); for "
        "a rename, when several arguments are close (the message names them all), the argument is given "
        "already, or the value is a resource object (the argument may take only its ID or ARN) or a literal "
        "of a kind it never takes; and when the fixed program would have a new finding (a renamed "
        "`rest_api` can reveal an API without a stage, SG303).",
    ),
    static_check="analyzers.static_rules.sg401_unknown_resource_argument:findings",
)
