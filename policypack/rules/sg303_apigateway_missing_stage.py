"""SG303 apigateway-missing-stage."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from policypack.graph import ResourceGraph, known_str
from policypack.knowledge import tokens
from policypack.knowledge.apigateway import ApiIndex, ApiMembers, has_body, is_quick_create, is_set
from policypack.rules import apigateway_examples as ex
from policypack.rules.base import AutoFix, Example, FixSafety, Rule, Severity, Violation

_V2_PROTOCOLS = frozenset({"http", "websocket"})


def _content(members: ApiMembers) -> str | None:
    """What the stack builds on the API; None for an empty shell (filled elsewhere)."""
    if members.deployments:
        return "is deployed"
    if members.methods or members.routes or has_body(members.api):
        return "has routes"
    return "has integrations" if members.integrations else None


def _deployment_creates_stage(members: ApiMembers) -> bool:
    """pulumi-aws 6 and older: ``Deployment(stage_name=...)`` created the stage itself."""
    return any(is_set(deployment, "stageName") for deployment in members.deployments)


def check(graph: ResourceGraph, options: Mapping[str, Any]) -> Iterator[Violation]:
    apis = ApiIndex.of(graph)
    if not apis.has_unattributed(tokens.REST_STAGE):  # an orphan Stage might be any API's
        for api in graph.of_type(tokens.REST_API):
            members = apis.members(api)
            content = _content(members)
            if members.stages or content is None or _deployment_creates_stage(members):
                continue
            yield RULE.violation(
                api,
                f"RestApi '{api.name}' {content} but has no aws.apigateway.Stage: a deployment is "
                f"only callable through a stage, so the API has no invoke URL and nothing is "
                f"callable. Add aws.apigateway.Stage(rest_api=..., deployment=..., stage_name=...).",
            )
    if apis.has_unattributed(tokens.V2_STAGE):
        return
    for api in graph.of_type(tokens.V2_API):
        protocol = known_str(api.prop("protocolType"))
        if protocol is None or protocol.lower() not in _V2_PROTOCOLS or is_quick_create(api):
            continue  # quick-create: AWS creates the $default stage
        members = apis.members(api)
        content = _content(members)
        if members.stages or content is None:
            continue
        yield RULE.violation(
            api,
            f"{protocol.upper()} API '{api.name}' {content} but no aws.apigatewayv2.Stage, so "
            f"nothing is callable. Add aws.apigatewayv2.Stage(api_id=..., name=\"$default\", "
            f"auto_deploy=True) (HTTP APIs) or a stage with a deployment.",
        )


RULE = Rule(
    code="SG303",
    name="apigateway-missing-stage",
    severity=Severity.ERROR,
    tags=("correctness", "apigateway"),
    summary=(
        "Checks that a REST API with routes or a deployment has an `aws.apigateway.Stage`, and "
        "that an HTTP/WebSocket API has an `aws.apigatewayv2.Stage` (quick-create APIs excepted)."
    ),
    why=(
        "Clients call an API through a stage (`https://{id}.execute-api.{region}.amazonaws.com/"
        "{stage}/...`). In pulumi-aws 7.x a REST `Deployment` no longer creates one, so an API "
        "without a Stage deploys cleanly and has no invoke URL: nothing is callable."
    ),
    fix=(
        "Add `aws.apigateway.Stage(rest_api=api.id, deployment=deployment.id, stage_name=...)` "
        "for a REST API, or `aws.apigatewayv2.Stage(api_id=api.id, name=\"$default\", "
        "auto_deploy=True)` for an HTTP API."
    ),
    bad=(
        Example(ex.LAMBDA + ex.REST_ROUTE + ex.REST_DEPLOYMENT + ex.REST_PERMISSION, flagged=("api",),
                note="a Deployment without a Stage (7.x removed Deployment.stage_name)"),
        Example(ex.LAMBDA + ex.HTTP_ROUTE + ex.HTTP_PERMISSION, flagged=("http-api",),
                note="an HTTP API with routes but no stage"),
        Example(ex.LAMBDA + ex.OPENAPI_API + ex.OPENAPI_DEPLOYMENT + '''
aws.lambda_.Permission(
    "invoke",
    action="lambda:InvokeFunction",
    function=handler.name,
    principal="apigateway.amazonaws.com",
    source_arn=api.execution_arn.apply(lambda arn: f"{arn}/*/*"),
)
''', flagged=("api",), note="an OpenAPI-defined API deployed without a stage"),
        Example(ex.LAMBDA + '''
from pulumi_aws import apigatewayv2

socket = apigatewayv2.Api(
    "socket", protocol_type="WEBSOCKET", route_selection_expression="$request.body.action"
)
integration = apigatewayv2.Integration(
    "socket-integration", api_id=socket.id, integration_type="AWS_PROXY", integration_uri=handler.invoke_arn
)
apigatewayv2.Route(
    "connect",
    api_id=socket.id,
    route_key="$connect",
    target=integration.id.apply(lambda id_: f"integrations/{id_}"),
)
aws.lambda_.Permission(
    "invoke",
    action="lambda:InvokeFunction",
    function=handler.name,
    principal="apigateway.amazonaws.com",
    source_arn=socket.execution_arn.apply(lambda arn: f"{arn}/*"),
)
''', flagged=("socket",), note="a WebSocket API without a stage"),
    ),
    good=(
        Example(ex.REST_COMPLETE, note="the Stage serves the Deployment"),
        Example(ex.HTTP_COMPLETE, note="HTTP API with an auto-deployed $default stage"),
        Example(ex.LAMBDA + '''
from pulumi_aws import apigatewayv2 as apigw

api = apigw.Api("quick", protocol_type="HTTP", target=handler.arn)
aws.lambda_.Permission(
    "invoke",
    action="lambda:InvokeFunction",
    function=handler.name,
    principal="apigateway.amazonaws.com",
    source_arn=api.execution_arn.apply(lambda arn: f"{arn}/*/*"),
)
pulumi.export("url", api.api_endpoint)
''', note="quick-create: AWS creates the $default stage"),
        Example('''
import pulumi
import pulumi_aws as aws

# Routes, deployments and stages are added by the stacks that own them.
shell = aws.apigateway.RestApi("shell", description="shared API; routes live in service stacks")
pulumi.export("rest_api_id", shell.id)
''', note="an empty API shell"),
        Example(ex.LAMBDA + ex.COMPONENT_REST_API, note="a component library that creates the stage"),
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-stages.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-stages.html",
        "https://www.pulumi.com/registry/packages/aws/api-docs/apigateway/stage/",
    ),
    check=check,
    autofix=AutoFix(
        FixSafety.UNSAFE,
        "REST API with a Deployment: inserts an `aws.apigateway.Stage` (`stage_name=\"prod\"`) for it "
        "after the deployment; REST API without one: the SG302 fix (Deployment and Stage); HTTP API: "
        "inserts `aws.apigatewayv2.Stage(name=\"$default\", auto_deploy=True)` after the API. Names "
        "are the API's name + `-stage`. Unsafe: it publishes the API.",
        "for WebSocket APIs, HTTP APIs with hand-made deployments, when the API or deployment "
        "isn't a name the fix can refer to, or when the deployment passes `stage_name` (SG402's fix "
        "makes that stage, with the name the author chose).",
    ),
)
