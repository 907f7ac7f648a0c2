"""SG301 apigateway-lambda-permission-missing."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from policypack.graph import ResourceGraph
from policypack.knowledge import apigateway
from policypack.knowledge.apigateway import ApiIndex, InvocationEdge
from policypack.knowledge.lambda_permissions import APIGATEWAY_PRINCIPAL, PermissionIndex
from policypack.rules import apigateway_examples as ex
from policypack.rules.base import AutoFix, Example, FixSafety, Rule, Severity, Violation


def _covered(edge: InvocationEdge, permissions: PermissionIndex, apis: ApiIndex) -> bool:
    return any(
        grant.may_cover(edge.function)
        and grant.may_allow_invoke
        and grant.may_allow_principal(APIGATEWAY_PRINCIPAL)
        and apigateway.source_may_be_api(apis, grant.permission, edge.api)
        for grant in permissions.candidates(edge.function)
    )


def uncovered_edges(graph: ResourceGraph) -> dict[str, list[InvocationEdge]]:
    """Invocation edges no Permission covers, by the URN of the resource reported on."""
    apis = ApiIndex.of(graph)
    permissions = PermissionIndex(graph)
    uncovered: dict[str, list[InvocationEdge]] = {}
    for edge in apigateway.invocation_edges(graph, apis):
        if not edge.via_role and not _covered(edge, permissions, apis):
            uncovered.setdefault(edge.source.urn, []).append(edge)
    return uncovered


def check(graph: ResourceGraph, options: Mapping[str, Any]) -> Iterator[Violation]:
    uncovered = uncovered_edges(graph)
    for edges in uncovered.values():
        source = edges[0].source
        functions = ", ".join(dict.fromkeys(edge.function.label for edge in edges))
        api = edges[0].api
        scope = f"from API '{api.name}'" if api is not None and api is not source else "from this API"
        yield RULE.violation(
            source,
            f"{source.type.rsplit(':', 1)[1]} '{source.name}' invokes Lambda function {functions}, but no "
            f"aws.lambda_.Permission lets principal {APIGATEWAY_PRINCIPAL} call lambda:InvokeFunction "
            f"on it {scope}. Every request then fails with HTTP 500 \"Invalid permissions on Lambda "
            f"function\". Add a Permission for the function with principal "
            f"\"{APIGATEWAY_PRINCIPAL}\" and source_arn set to the API's execution_arn + \"/*/*\", or "
            f"invoke through an IAM role (credentials).",
        )


_BAD_SEED = ex.LAMBDA + ex.REST_ROUTE + ex.REST_DEPLOYMENT + ex.REST_STAGE

RULE = Rule(
    code="SG301",
    family='API Gateway → Lambda wiring',
    name="apigateway-lambda-permission-missing",
    severity=Severity.ERROR,
    tags=("correctness", "apigateway", "lambda"),
    summary=(
        "Checks that every API Gateway integration calling a Lambda function (REST or HTTP "
        "Integration, OpenAPI body, HTTP API quick-create, Lambda authorizer) is allowed to by an "
        "`aws.lambda_.Permission` for principal `apigateway.amazonaws.com` scoped to that API, "
        "unless it invokes through an IAM role (`credentials`)."
    ),
    why=(
        "API Gateway needs a resource-based permission on the function. Without one, `pulumi up` "
        "succeeds and every request fails with HTTP 500 \"Invalid permissions on Lambda "
        "function\"; a Permission scoped to another API, function or alias does not help."
    ),
    fix=(
        "Create an `aws.lambda_.Permission` with `action=\"lambda:InvokeFunction\"`, "
        "`principal=\"apigateway.amazonaws.com\"`, `function=` the function (with `qualifier` "
        "when the integration calls an alias) and `source_arn=` the API's `execution_arn` + "
        "`\"/*/*\"`. Alternatively set the integration's `credentials` to a role API Gateway "
        "may assume that can invoke the function."
    ),
    bad=(
        Example(_BAD_SEED, flagged=("integration",),
                note="REST API wired up without any Permission (the seed fault)"),
        Example(ex.LAMBDA + ex.OPENAPI_API + ex.OPENAPI_DEPLOYMENT + ex.OPENAPI_STAGE, flagged=("api",),
                note="REST API defined by an OpenAPI body: its integrations need a Permission too"),
        Example(ex.LAMBDA + '''
from pulumi_aws import apigatewayv2 as apigw

public = apigw.Api("public", protocol_type="HTTP")
internal = apigw.Api("internal", protocol_type="HTTP")
for name, http_api in (("public", public), ("internal", internal)):
    integration = apigw.Integration(
        f"{name}-integration",
        api_id=http_api.id,
        integration_type="AWS_PROXY",
        integration_uri=handler.invoke_arn,
        payload_format_version="2.0",
    )
    apigw.Route(
        f"{name}-route",
        api_id=http_api.id,
        route_key="GET /orders",
        target=integration.id.apply(lambda id_: f"integrations/{id_}"),
    )
    apigw.Stage(f"{name}-stage", api_id=http_api.id, name="$default", auto_deploy=True)

# Only the public API may invoke: the internal API's calls fail.
aws.lambda_.Permission(
    "invoke",
    action="lambda:InvokeFunction",
    function=handler.name,
    principal="apigateway.amazonaws.com",
    source_arn=pulumi.Output.concat(public.execution_arn, "/*/*"),
)
''', flagged=("internal-integration",), note="one function behind two HTTP APIs, Permission scoped to one"),
        Example(ex.LAMBDA + '''
api = aws.apigatewayv2.Api("api", protocol_type="HTTP", target=handler.arn)
''', flagged=("api",), note="HTTP API quick-create still needs the Permission"),
        Example(ex.LAMBDA + '''
from pulumi_aws.lambda_ import Function, Permission

reports = Function(
    "reports",
    role=lambda_role.arn,
    runtime="python3.12",
    handler="index.handler",
    code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(e, c): return {}")}),
)
api = aws.apigateway.RestApi("api")
routes = {"orders": handler, "reports": reports}
integrations = []
for path, function in routes.items():
    resource = aws.apigateway.Resource(
        f"{path}-resource", rest_api=api.id, parent_id=api.root_resource_id, path_part=path
    )
    method = aws.apigateway.Method(
        f"{path}-method", rest_api=api.id, resource_id=resource.id, http_method="ANY", authorization="NONE"
    )
    integrations.append(aws.apigateway.Integration(
        f"{path}-integration",
        rest_api=api.id,
        resource_id=resource.id,
        http_method=method.http_method,
        integration_http_method="POST",
        type="AWS_PROXY",
        uri=function.invoke_arn,
    ))
    # Copy-paste slip: both Permissions name the orders function.
    Permission(
        f"{path}-invoke",
        action="lambda:InvokeFunction",
        function=handler.name,
        principal="apigateway.amazonaws.com",
        source_arn=api.execution_arn.apply(lambda arn: f"{arn}/*/*"),
    )
deployment = aws.apigateway.Deployment(
    "deployment", rest_api=api.id, opts=pulumi.ResourceOptions(depends_on=integrations)
)
aws.apigateway.Stage("stage", rest_api=api.id, deployment=deployment.id, stage_name="prod")
''', flagged=("reports-integration",), note="Permissions exist, but not for the reports function"),
        Example(ex.REST_COMPLETE + ex.REST_AUTHORIZER, flagged=("authorizer",),
                note="a Lambda authorizer without a Permission of its own (the route's is not enough)"),
        Example(ex.HTTP_COMPLETE + '''
checker = aws.lambda_.Function(
    "checker",
    role=lambda_role.arn,
    runtime="python3.12",
    handler="index.handler",
    code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(e, c): return {}")}),
)
aws.apigatewayv2.Authorizer(
    "http-authorizer",
    api_id=http_api.id,
    authorizer_type="REQUEST",
    authorizer_uri=checker.invoke_arn,
    identity_sources=["$request.header.Authorization"],
    authorizer_payload_format_version="2.0",
)
''', flagged=("http-authorizer",), note="an HTTP API REQUEST authorizer without a Permission"),
    ),
    good=(
        Example(ex.REST_COMPLETE, note="Permission for the function, scoped to the API"),
        Example(ex.REST_COMPLETE + ex.REST_AUTHORIZER + ex.AUTHORIZER_PERMISSION,
                note="the Lambda authorizer has its own Permission"),
        Example(ex.REST_COMPLETE + '''
pool = aws.cognito.UserPool("users")
aws.apigateway.Authorizer(
    "cognito", rest_api=api.id, type="COGNITO_USER_POOLS", provider_arns=[pool.arn]
)
''', note="a Cognito authorizer calls no Lambda function"),
        Example(ex.LAMBDA + ex.OPENAPI_API + ex.OPENAPI_DEPLOYMENT + ex.OPENAPI_STAGE + '''
aws.lambda_.Permission(
    "invoke",
    action="lambda:invokeFunction",
    function=handler.arn,
    principal="apigateway.amazonaws.com",
    source_arn=pulumi.Output.concat(api.execution_arn, "/*/*"),
)
''', note="OpenAPI body; the common lambda:invokeFunction spelling"),
        Example(ex.LAMBDA + '''
from pulumi_aws import apigateway as apigw

invoke_role = aws.iam.Role(
    "apigateway-invoke",
    assume_role_policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "apigateway.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }],
    }),
)
aws.iam.RolePolicy(
    "apigateway-invoke",
    role=invoke_role.id,
    policy=handler.arn.apply(lambda arn: json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": arn}],
    })),
)
api = apigw.RestApi("api")
method = apigw.Method(
    "method", rest_api=api.id, resource_id=api.root_resource_id, http_method="GET", authorization="NONE"
)
integration = apigw.Integration(
    "integration",
    rest_api=api.id,
    resource_id=api.root_resource_id,
    http_method=method.http_method,
    integration_http_method="POST",
    type="AWS_PROXY",
    uri=handler.invoke_arn,
    credentials=invoke_role.arn,
)
deployment = apigw.Deployment("deployment", rest_api=api.id, opts=pulumi.ResourceOptions(depends_on=[integration]))
apigw.Stage("stage", rest_api=api.id, deployment=deployment.id, stage_name="prod")
''', note="the integration invokes through an IAM role: no Permission needed"),
        Example(ex.LAMBDA + '''
from pulumi_aws import apigatewayv2 as apigw
from pulumi_aws.lambda_ import Permission

http_api = apigw.Api("http-api", protocol_type="HTTP")
integration = apigw.Integration(
    "integration",
    api_id=http_api.id,
    integration_type="AWS_PROXY",
    integration_uri=handler.arn,
    payload_format_version="2.0",
)
apigw.Route(
    "route",
    api_id=http_api.id,
    route_key="GET /orders",
    target=integration.id.apply(lambda id_: f"integrations/{id_}"),
)
stage = apigw.Stage("stage", api_id=http_api.id, name="$default", auto_deploy=True)
Permission(
    "invoke",
    action="lambda:InvokeFunction",
    function=handler.name,
    principal="apigateway.amazonaws.com",
    source_arn=stage.execution_arn.apply(lambda arn: f"{arn}/*"),
)
''', note="HTTP API scoped by its stage's execution ARN, import aliases"),
        Example(ex.LAMBDA + '''
api = aws.apigatewayv2.Api("api", protocol_type="HTTP", target=handler.arn)
aws.lambda_.Permission(
    "invoke",
    action="lambda:InvokeFunction",
    function=handler.name,
    principal="apigateway.amazonaws.com",
    source_arn=api.execution_arn.apply(lambda arn: f"{arn}/*/*"),
)
''', note="HTTP API quick-create with its Permission"),
        Example(ex.LAMBDA + ex.COMPONENT_REST_API,
                note="a component library creating API, Deployment, Stage and Permissions as children"),
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html",
        "https://repost.aws/knowledge-center/api-gateway-rest-api-lambda-integrations",
        "https://www.pulumi.com/registry/packages/aws/api-docs/lambda/permission/",
    ),
    check=check,
    autofix=AutoFix(
        FixSafety.UNSAFE,
        "Inserts an `aws.lambda_.Permission` after the integration: action `lambda:InvokeFunction`, "
        "principal `apigateway.amazonaws.com`, the integration's function, and `source_arn` the API's "
        "`execution_arn` + `/*/*`. Inside a component it gets `parent=self`; its name is the "
        "integration's name + `-invoke`. Unsafe: it grants access.",
        "when the function or the API isn't a name the integration's code already uses, for an alias "
        "(`qualifier`) or an OpenAPI body, or when the integration's call site builds several "
        "integrations that differ.",
    ),
)
