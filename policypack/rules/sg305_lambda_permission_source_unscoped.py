"""SG305 lambda-permission-source-unscoped."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from policypack.graph import UNKNOWN, Resource, ResourceGraph, known_str
from policypack.knowledge import tokens
from policypack.knowledge.apigateway import is_set, parse_arn
from policypack.knowledge.arn_patterns import arn_fields, field_prefix, literal_field
from policypack.rules import apigateway_examples as ex
from policypack.rules.base import AutoFix, Example, FixSafety, Rule, Severity, Violation


def _wildcard_source(permission: Resource) -> str | None:
    """Why a literal source ARN matches sources in any account or any API, else None."""
    text = known_str(permission.prop("sourceArn"))
    if text is None and "sourceArn" in permission.patterns:
        return _wildcard_in_pattern(permission.patterns["sourceArn"])
    if text is None or "sourceArn" in permission.unresolved:
        return None
    arn = parse_arn(text)
    if arn is None:
        # "*" or "arn:aws:execute-api:*": the glob spans the account field.
        return "a wildcard that spans the account" if "*" in text else None
    if "*" in arn.account:
        return "a wildcard account"
    if arn.service == "execute-api" and arn.api_id.startswith("*"):
        return "a wildcard API id"
    return None


def _wildcard_in_pattern(pattern: tuple[str | None, ...]) -> str | None:
    """The same for a source ARN built from unknown parts around literal ones (static only):
    only a wildcard in a literal part counts, whatever the unknown parts turn out to be."""
    fields = arn_fields(pattern)
    account = literal_field(fields, 4)
    if account is not None and "*" in account:
        return "a wildcard account"
    if literal_field(fields, 2) == "execute-api" and (field_prefix(fields, 5) or "").startswith("*"):
        return "a wildcard API id"
    return None


def _public_function_url(permission: Resource) -> bool:
    """The permission AWS requires for a function URL with auth type NONE: public on purpose."""
    action = permission.prop("action")
    auth = permission.prop("functionUrlAuthType")
    may_be_public_auth = (auth is UNKNOWN or "functionUrlAuthType" in permission.unresolved
                          or (isinstance(auth, str) and auth.upper() == "NONE"))
    may_be_url_action = (action is UNKNOWN or "action" in permission.unresolved
                         or (isinstance(action, str) and action.lower() == "lambda:invokefunctionurl"))
    if may_be_url_action and may_be_public_auth:
        return True
    return is_set(permission, "invokedViaFunctionUrl") and permission.prop("invokedViaFunctionUrl") is not False


def _problem(permission: Resource) -> str | None:
    principal = permission.prop("principal")
    if "principal" in permission.unresolved or not isinstance(principal, str):
        return None  # unknown principal: not applicable
    principal = principal.strip().lower()
    wildcard = _wildcard_source(permission)
    if wildcard:
        return (f"has source_arn {permission.display('sourceArn')} with {wildcard}, so "
                f"resources in other accounts or other APIs may invoke the function")
    scoped = is_set(permission, "sourceArn") or is_set(permission, "sourceAccount")
    if principal == "*":
        # Org-wide grants and public function URLs need "*" by AWS's design.
        if is_set(permission, "principalOrgId") or _public_function_url(permission):
            return None
        if scoped:
            return ("grants principal '*' instead of the calling service: only its source "
                    "condition stands between the function and every AWS account")
        return "lets principal '*' invoke the function: anyone in any AWS account may call it"
    if principal.endswith(".amazonaws.com") and not scoped:
        return (f"lets service principal '{principal}' invoke the function without source_arn: "
                f"any {principal.split('.', 1)[0]} resource in any account may call it (confused deputy)")
    return None


def check(graph: ResourceGraph, options: Mapping[str, Any]) -> Iterator[Violation]:
    for permission in graph.of_type(tokens.LAMBDA_PERMISSION):
        problem = _problem(permission)
        if problem:
            yield RULE.violation(
                permission,
                f"Permission '{permission.name}' {problem}. Name the service principal (e.g. "
                f"apigateway.amazonaws.com) and set source_arn to the one caller, e.g. "
                f"api.execution_arn + \"/*/*\" for API Gateway (and source_account for S3).",
            )


RULE = Rule(
    code="SG305",
    name="lambda-permission-source-unscoped",
    severity=Severity.ERROR,
    tags=("security", "apigateway", "lambda"),
    security_severity=7.5,  # high: any API in any account may invoke the function
    summary=(
        "Checks that an `aws.lambda_.Permission` names its caller: no principal `*`, no service "
        "principal without `source_arn`, and no `source_arn` with a wildcard account or API id."
    ),
    why=(
        "A resource policy statement for `apigateway.amazonaws.com` without a source lets any API "
        "in any AWS account invoke the function if it learns the ARN (the confused-deputy "
        "problem); principal `*` lets anyone. The function runs, with its role's permissions, "
        "for callers you never meant to serve."
    ),
    fix=(
        "Grant the calling service's principal, not `*`, and set `source_arn` to the calling "
        "resource: for API Gateway the API's `execution_arn` + "
        "`\"/*/*\"` (or a stage's `execution_arn` + `\"/*\"`), for S3 the bucket's `arn` (with "
        "`source_account`), for EventBridge the rule's `arn`."
    ),
    bad=(
        Example(ex.LAMBDA + ex.REST_ROUTE + ex.REST_DEPLOYMENT + ex.REST_STAGE + '''
aws.lambda_.Permission(
    "invoke",
    action="lambda:InvokeFunction",
    function=handler.name,
    principal="apigateway.amazonaws.com",
)
''', flagged=("invoke",), note="any API in any account may invoke"),
        Example(ex.LAMBDA + '''
from pulumi_aws.lambda_ import Permission

Permission("anyone", action="lambda:InvokeFunction", function=handler.name, principal="*")
''', flagged=("anyone",), note="principal '*' without any condition"),
        Example(ex.LAMBDA + ex.REST_ROUTE + ex.REST_DEPLOYMENT + ex.REST_STAGE + '''
aws.lambda_.Permission(
    "invoke",
    action="lambda:InvokeFunction",
    function=handler.name,
    principal="apigateway.amazonaws.com",
    source_arn="arn:aws:execute-api:us-east-1:*:*/*/*",
)
''', flagged=("invoke",), note="a source ARN with wildcard account and API id"),
        Example(ex.LAMBDA + '''
uploads = aws.s3.Bucket("uploads")
aws.lambda_.Permission(
    "from-s3",
    action="lambda:InvokeFunction",
    function=handler.arn,
    principal="s3.amazonaws.com",
)
aws.s3.BucketNotification(
    "notify",
    bucket=uploads.id,
    lambda_functions=[{"lambda_function_arn": handler.arn, "events": ["s3:ObjectCreated:*"]}],
)
''', flagged=("from-s3",), note="S3 principal without source: any bucket may invoke"),
        Example(ex.LAMBDA + ex.REST_ROUTE + ex.REST_DEPLOYMENT + ex.REST_STAGE + '''
aws.lambda_.Permission(
    "invoke",
    action="lambda:InvokeFunction",
    function=handler.name,
    principal="*",
    source_arn=pulumi.Output.concat(api.execution_arn, "/*/*"),
)
''', flagged=("invoke",), note="principal '*' where the service principal belongs"),
        Example(ex.LAMBDA + ex.REST_ROUTE + ex.REST_DEPLOYMENT + ex.REST_STAGE + '''
aws.lambda_.Permission(
    "invoke",
    action="lambda:InvokeFunction",
    function=handler.name,
    principal="apigateway.amazonaws.com",
    source_arn=pulumi.Output.concat("arn:aws:execute-api:eu-west-1:*:", api.id, "/*/*"),
)
''', flagged=("invoke",), note="built from an unknown API id around a literal wildcard account"),
    ),
    good=(
        Example(ex.REST_COMPLETE, note="scoped to the API's execution ARN"),
        Example(ex.LAMBDA + ex.REST_ROUTE + ex.REST_DEPLOYMENT + ex.REST_STAGE + '''
caller = aws.get_caller_identity()
aws.lambda_.Permission(
    "invoke",
    action="lambda:InvokeFunction",
    function=handler.name,
    principal="apigateway.amazonaws.com",
    source_arn=pulumi.Output.concat("arn:aws:execute-api:eu-west-1:", caller.account_id, ":", api.id, "/*/*"),
)
''', note="built from the account and API id: nothing literal is a wildcard"),
        Example(ex.LAMBDA + '''
ACCOUNT_ID = "123456789012"

uploads = aws.s3.Bucket("uploads")
aws.lambda_.Permission(
    "from-s3",
    action="lambda:InvokeFunction",
    function=handler.arn,
    principal="s3.amazonaws.com",
    source_arn=uploads.arn,
    source_account=ACCOUNT_ID,
)
''', note="S3 scoped to the bucket and the account"),
        Example(ex.LAMBDA + '''
nightly = aws.cloudwatch.EventRule("nightly", schedule_expression="cron(0 3 * * ? *)")
aws.lambda_.Permission(
    "from-events",
    action="lambda:InvokeFunction",
    function=handler.name,
    principal="events.amazonaws.com",
    source_arn=nightly.arn,
)
aws.cloudwatch.EventTarget("nightly-target", rule=nightly.name, arn=handler.arn)
''', note="EventBridge scoped to the rule"),
        Example(ex.LAMBDA + '''
url = aws.lambda_.FunctionUrl("url", function_name=handler.name, authorization_type="NONE")
aws.lambda_.Permission(
    "public-url",
    action="lambda:InvokeFunctionUrl",
    function=handler.name,
    principal="*",
    function_url_auth_type="NONE",
)
pulumi.export("url", url.function_url)
''', note="a public function URL: principal '*' is what AWS requires for auth type NONE"),
        Example(ex.HTTP_COMPLETE, note="HTTP API scoped by execution ARN"),
    ),
    references=(
        "https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html",
    ),
    check=check,
    autofix=AutoFix(
        FixSafety.UNSAFE,
        "Adds `source_arn=<api>.execution_arn.apply(lambda arn: f\"{arn}/*/*\")` to a Permission for "
        "`apigateway.amazonaws.com` without a source, when exactly one API of the stack invokes the "
        "function. Unsafe: it changes who may invoke (callers outside this stack lose access).",
        "for principal `*`, for other services (S3, EventBridge: which bucket or rule is meant?), for a "
        "wildcard `source_arn`, or when no single API of the stack invokes the function.",
    ),
)
