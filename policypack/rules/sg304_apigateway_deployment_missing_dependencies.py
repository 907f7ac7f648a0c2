"""SG304 apigateway-deployment-missing-dependencies."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from policypack.graph import Resource, ResourceGraph
from policypack.knowledge import tokens
from policypack.knowledge.apigateway import ApiIndex, depends_transitively, has_body, is_quick_create
from policypack.rules import apigateway_examples as ex
from policypack.rules.base import AutoFix, Example, FixSafety, Rule, Severity, Violation


def _missing(graph: ResourceGraph, deployment: Resource, needed: list[Resource], prefix: str) -> list[Resource]:
    waits_for = depends_transitively(graph, deployment, prefix)
    return [resource for resource in needed if resource.urn not in waits_for]


def _names(resources: list[Resource]) -> str:
    return ", ".join(f"'{r.name}'" for r in resources)


def _may_auto_deploy(stage: Resource) -> bool:
    return "autoDeploy" in stage.unresolved or stage.prop("autoDeploy") not in (None, False)


@dataclass(frozen=True)
class MissingDependencies:
    """A Deployment and the members of its API it does not wait for."""

    deployment: Resource
    api: Resource
    missing: tuple[Resource, ...]  # Integrations (REST) or Routes (HTTP)


def missing_dependencies(graph: ResourceGraph) -> Iterator[MissingDependencies]:
    apis = ApiIndex.of(graph)
    yield from _rest_missing(graph, apis)
    yield from _http_missing(graph, apis)


def _rest_missing(graph: ResourceGraph, apis: ApiIndex) -> Iterator[MissingDependencies]:
    for deployment in graph.of_type(tokens.REST_DEPLOYMENT):
        if deployment.unresolved:
            continue  # its depends_on/triggers may hold references the graph does not show
        api = apis.api_of(deployment)
        if api is None or has_body(api):
            continue  # a body is imported with the API itself: nothing to wait for
        missing = _missing(graph, deployment, apis.members(api).integrations, "aws:apigateway/")
        if missing:
            yield MissingDependencies(deployment, api, tuple(missing))


def _http_missing(graph: ResourceGraph, apis: ApiIndex) -> Iterator[MissingDependencies]:
    for deployment in graph.of_type(tokens.V2_DEPLOYMENT):
        if deployment.unresolved:
            continue
        api = apis.api_of(deployment)
        if api is None or has_body(api) or is_quick_create(api):
            continue
        members = apis.members(api)
        if apis.has_unattributed(tokens.V2_STAGE) or any(_may_auto_deploy(s) for s in members.stages):
            continue  # auto_deploy publishes every change itself
        missing = _missing(graph, deployment, members.routes, "aws:apigatewayv2/")
        if missing:
            yield MissingDependencies(deployment, api, tuple(missing))


def check(graph: ResourceGraph, options: Mapping[str, Any]) -> Iterator[Violation]:
    for found in missing_dependencies(graph):
        deployment, api, missing = found.deployment, found.api, list(found.missing)
        if deployment.type == tokens.REST_DEPLOYMENT:
            yield RULE.violation(
                deployment,
                f"Deployment '{deployment.name}' of RestApi '{api.name}' does not depend on its "
                f"integration(s) {_names(missing)}. Pulumi may create the deployment first: it "
                f"fails with \"BadRequestException: The REST API doesn't contain any methods\" or "
                f"snapshots the API without them, and later changes to them are never redeployed. "
                f"Add them to depends_on, or put their ids in triggers.",
            )
        else:
            yield RULE.violation(
                deployment,
                f"Deployment '{deployment.name}' of API '{api.name}' does not depend on its "
                f"route(s) {_names(missing)}. Pulumi may create the deployment first, and the "
                f"stage then serves a snapshot without them (404 Not Found). Add them to "
                f"depends_on or triggers, or use a Stage with auto_deploy=True.",
            )


RULE = Rule(
    code="SG304",
    name="apigateway-deployment-missing-dependencies",
    severity=Severity.ERROR,
    tags=("correctness", "apigateway"),
    summary=(
        "Checks that a REST API Deployment depends (through `depends_on` or `triggers`) on every "
        "Integration of its API, and that an HTTP/WebSocket Deployment without an auto-deploying "
        "stage depends on every Route."
    ),
    why=(
        "A deployment snapshots the API as it is when the deployment is created. Nothing ties a "
        "Deployment to the methods it should contain except explicit dependencies, so Pulumi may "
        "create it first (\"BadRequestException: The REST API doesn't contain any methods\", or "
        "a stage serving a snapshot without the new routes), and without `triggers` later "
        "changes to the integrations are never redeployed."
    ),
    fix=(
        "Give the Deployment `opts=pulumi.ResourceOptions(depends_on=[...every integration...])`, "
        "or `triggers` built from the integrations' ids (which also redeploys when they change). "
        "For HTTP APIs, a Stage with `auto_deploy=True` needs no Deployment at all."
    ),
    bad=(
        Example(ex.LAMBDA + ex.REST_ROUTE + '''
deployment = aws.apigateway.Deployment("deployment", rest_api=api.id)
''' + ex.REST_STAGE + ex.REST_PERMISSION, flagged=("deployment",),
                note="no depends_on or triggers (the seed fault)"),
        Example(ex.LAMBDA + ex.REST_ROUTE + '''
deployment = aws.apigateway.Deployment(
    "deployment", rest_api=api.id, opts=pulumi.ResourceOptions(depends_on=[method])
)
''' + ex.REST_STAGE + ex.REST_PERMISSION, flagged=("deployment",),
                note="depending on the Method is not enough: its Integration is created after it"),
        Example(ex.LAMBDA + ex.REST_ROUTE + '''
from pulumi_aws import apigateway as apigw

post = apigw.Method(
    "post", rest_api=api.id, resource_id=items.id, http_method="POST", authorization="NONE"
)
post_integration = apigw.Integration(
    "post-integration",
    rest_api=api.id,
    resource_id=items.id,
    http_method=post.http_method,
    integration_http_method="POST",
    type="AWS_PROXY",
    uri=handler.invoke_arn,
)
deployment = apigw.Deployment(
    "deployment",
    rest_api=api.id,
    triggers={"integrations": integration.id},
)
''' + ex.REST_STAGE + ex.REST_PERMISSION, flagged=("deployment",),
                note="triggers name one integration, a route added later is missing"),
        Example(ex.LAMBDA + ex.HTTP_ROUTE + '''
deployment = aws.apigatewayv2.Deployment("deployment", api_id=http_api.id)
aws.apigatewayv2.Stage("stage", api_id=http_api.id, name="prod", deployment_id=deployment.id)
''' + ex.HTTP_PERMISSION, flagged=("deployment",), note="HTTP API deployed by hand, before its route"),
        Example(ex.LAMBDA + ex.WIRED_API_COMPONENT + '''
WiredApi("dep", handler, wire="depends_on")
WiredApi("trig", handler, "triggers")
WiredApi("plain", handler)
''', flagged=("plain-deploy",),
                note="a component taking another branch per instance: only the default one is unwired"),
    ),
    good=(
        Example(ex.REST_COMPLETE, note="depends_on the integration"),
        Example(ex.LAMBDA + ex.REST_ROUTE + '''
deployment = aws.apigateway.Deployment(
    "deployment",
    rest_api=api.id,
    triggers={
        "redeployment": pulumi.Output.json_dumps([items.id, method.id, integration.id]),
    },
)
''' + ex.REST_STAGE + ex.REST_PERMISSION, note="triggers built from the route's ids (redeploys on change)"),
        Example(ex.LAMBDA + '''
class Routes(pulumi.ComponentResource):
    """GET and POST /orders calling one function."""

    def __init__(self, name, api, function, opts=None):
        super().__init__("example:api:Routes", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        resource = aws.apigateway.Resource(
            f"{name}-orders", rest_api=api.id, parent_id=api.root_resource_id, path_part="orders", opts=child
        )
        for verb in ("GET", "POST"):
            method = aws.apigateway.Method(
                f"{name}-{verb.lower()}", rest_api=api.id, resource_id=resource.id, http_method=verb,
                authorization="NONE", opts=child,
            )
            aws.apigateway.Integration(
                f"{name}-{verb.lower()}", rest_api=api.id, resource_id=resource.id,
                http_method=method.http_method, integration_http_method="POST", type="AWS_PROXY",
                uri=function.invoke_arn, opts=child,
            )
        self.register_outputs({})


api = aws.apigateway.RestApi("api")
routes = Routes("orders", api, handler)
deployment = aws.apigateway.Deployment(
    "deployment", rest_api=api.id, opts=pulumi.ResourceOptions(depends_on=[routes])
)
stage = aws.apigateway.Stage("stage", rest_api=api.id, deployment=deployment.id, stage_name="prod")
''' + ex.REST_PERMISSION, note="depends_on a component waits for all its children"),
        Example(ex.LAMBDA + ex.OPENAPI_API + ex.OPENAPI_DEPLOYMENT + ex.OPENAPI_STAGE + '''
aws.lambda_.Permission(
    "invoke",
    action="lambda:InvokeFunction",
    function=handler.name,
    principal="apigateway.amazonaws.com",
    source_arn=api.execution_arn.apply(lambda arn: f"{arn}/*/*"),
)
''', note="an OpenAPI body is imported with the API: nothing to wait for"),
        Example(ex.HTTP_COMPLETE, note="HTTP API with an auto-deploying stage"),
        Example(ex.LAMBDA + ex.HTTP_ROUTE + '''
deployment = aws.apigatewayv2.Deployment(
    "deployment", api_id=http_api.id, opts=pulumi.ResourceOptions(depends_on=[route])
)
aws.apigatewayv2.Stage("stage", api_id=http_api.id, name="prod", deployment_id=deployment.id)
''' + ex.HTTP_PERMISSION, note="HTTP API deployed by hand after its route"),
        Example(ex.LAMBDA + ex.WIRED_API_COMPONENT + '''
WiredApi("dep", handler, wire="depends_on")
WiredApi("trig", handler, "triggers")
''', note="every instance takes a branch that wires the Deployment"),
        Example(ex.LAMBDA + '''
class Routes(pulumi.ComponentResource):
    """One GET route per path; a nested helper collects the integrations."""

    def __init__(self, name, function, paths, opts=None):
        super().__init__("example:api:Routes", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        api = aws.apigateway.RestApi(name, opts=child)
        integrations = []

        def add_route(path):
            res = aws.apigateway.Resource(
                f"{name}-{path}", rest_api=api.id, parent_id=api.root_resource_id, path_part=path, opts=child
            )
            method = aws.apigateway.Method(
                f"{name}-{path}", rest_api=api.id, resource_id=res.id, http_method="GET",
                authorization="NONE", opts=child,
            )
            integrations.append(aws.apigateway.Integration(
                f"{name}-{path}", rest_api=api.id, resource_id=res.id, http_method=method.http_method,
                integration_http_method="POST", type="AWS_PROXY", uri=function.invoke_arn, opts=child,
            ))

        for path in paths:
            add_route(path)
        deployment = aws.apigateway.Deployment(
            f"{name}-deploy", rest_api=api.id,
            opts=pulumi.ResourceOptions(parent=self, depends_on=integrations),
        )
        aws.apigateway.Stage(
            f"{name}-stage", rest_api=api.id, deployment=deployment.id, stage_name="prod", opts=child
        )
        aws.lambda_.Permission(
            f"{name}-invoke", action="lambda:InvokeFunction", function=function.name,
            principal="apigateway.amazonaws.com",
            source_arn=api.execution_arn.apply(lambda arn: f"{arn}/*/*"), opts=child,
        )
        self.register_outputs({})


Routes("shop", handler, ["orders", "items"])
''', note="depends_on a list a nested function fills with append()"),
        Example(ex.LAMBDA + '''
class Api(pulumi.ComponentResource):
    """The integration is built by a helper method and kept on self."""

    def __init__(self, name, function, opts=None):
        super().__init__("example:api:Api", name, None, opts)
        self.prefix = name
        self.child = pulumi.ResourceOptions(parent=self)
        self.api = aws.apigateway.RestApi(name, opts=self.child)
        self.items = aws.apigateway.Resource(
            f"{name}-items", rest_api=self.api.id, parent_id=self.api.root_resource_id, path_part="items",
            opts=self.child,
        )
        self.method = aws.apigateway.Method(
            f"{name}-get", rest_api=self.api.id, resource_id=self.items.id, http_method="GET",
            authorization="NONE", opts=self.child,
        )
        self.integ = self._create_integration(function)
        self.deployment = aws.apigateway.Deployment(
            f"{name}-deploy", rest_api=self.api.id,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.integ]),
        )
        aws.apigateway.Stage(
            f"{name}-stage", rest_api=self.api.id, deployment=self.deployment.id, stage_name="prod",
            opts=self.child,
        )
        aws.lambda_.Permission(
            f"{name}-invoke", action="lambda:InvokeFunction", function=function.name,
            principal="apigateway.amazonaws.com",
            source_arn=self.api.execution_arn.apply(lambda arn: f"{arn}/*/*"), opts=self.child,
        )
        self.register_outputs({})

    def _create_integration(self, function):
        return aws.apigateway.Integration(
            f"{self.prefix}-get", rest_api=self.api.id, resource_id=self.items.id,
            http_method=self.method.http_method, integration_http_method="POST", type="AWS_PROXY",
            uri=function.invoke_arn, opts=self.child,
        )


Api("orders", handler)
Api("billing", handler)
''', note="depends_on an integration a helper method returned, through an attribute"),
    ),
    references=(
        "https://www.pulumi.com/registry/packages/aws/api-docs/apigateway/deployment/",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-deploy-api.html",
    ),
    check=check,
    autofix=AutoFix(
        FixSafety.SAFE,
        "Adds the integrations (REST) or routes (HTTP) the deployment must wait for to its `depends_on`: "
        "extends an existing `depends_on=[...]`, adds `depends_on` to its `ResourceOptions(...)`, or "
        "adds `opts=pulumi.ResourceOptions(depends_on=[...])`. A member created by a bare expression "
        "statement is first given a variable named after its logical name.",
        "when a missing member isn't created in the deployment's own function (or module), when the "
        "options are a variable shared with other resources, when `depends_on` is built elsewhere, or "
        "when it is passed as an argument (SG401's fix moves it into the options).",
    ),
)
