"""SG306 apigateway-stage-deployment-mismatch."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from policypack.graph import Resource, ResourceGraph, known_str
from policypack.knowledge import tokens
from policypack.rules import apigateway_examples as ex
from policypack.rules.base import Example, Rule, Severity, Violation


def _apis(graph: ResourceGraph, resource: Resource) -> tuple[set[str], str | None] | None:
    """(URNs of the RestApis ``restApi`` depends on, its literal id); None when unresolvable."""
    if "restApi" in resource.unresolved:
        return None
    urns = {api.urn for api in graph.prop_targets(resource, "restApi", tokens.REST_API)}
    return urns, known_str(resource.prop("restApi"))


def _mismatch(stage_side: tuple[set[str], str | None], deployment_side: tuple[set[str], str | None]) -> bool:
    stage_urns, stage_id = stage_side
    deployment_urns, deployment_id = deployment_side
    if stage_urns and deployment_urns:
        return not stage_urns & deployment_urns
    # Otherwise the ids themselves, when both are known (after deploy, or literal).
    return stage_id is not None and deployment_id is not None and stage_id != deployment_id


def _label(graph: ResourceGraph, resource: Resource) -> str:
    apis = graph.prop_targets(resource, "restApi", tokens.REST_API)
    if apis:
        return ", ".join(f"'{api.name}'" for api in apis)
    return resource.display("restApi")


def check(graph: ResourceGraph, options: Mapping[str, Any]) -> Iterator[Violation]:
    for stage in graph.of_type(tokens.REST_STAGE):
        if "deployment" in stage.unresolved:
            continue
        stage_side = _apis(graph, stage)
        if stage_side is None:
            continue
        for deployment in graph.prop_targets(stage, "deployment", tokens.REST_DEPLOYMENT):
            deployment_side = _apis(graph, deployment)
            if deployment_side is None or not _mismatch(stage_side, deployment_side):
                continue
            yield RULE.violation(
                stage,
                f"Stage '{stage.name}' serves RestApi {_label(graph, stage)} but its deployment "
                f"'{deployment.name}' belongs to RestApi {_label(graph, deployment)}. AWS rejects "
                f"the stage at deploy time (NotFoundException: Invalid deployment identifier "
                f"specified). Use a Deployment of the same RestApi as the Stage.",
            )
            break


RULE = Rule(
    code="SG306",
    name="apigateway-stage-deployment-mismatch",
    severity=Severity.ERROR,
    tags=("correctness", "apigateway"),
    summary="Checks that a REST API Stage and its Deployment belong to the same RestApi.",
    why=(
        "A stage can only serve a deployment of its own API. With two APIs in one program it is "
        "easy to pair a Stage with the other API's Deployment; `pulumi preview` accepts it and "
        "`pulumi up` fails with \"NotFoundException: Invalid deployment identifier specified\"."
    ),
    fix=(
        "Create the Stage with the same `rest_api` as its `deployment` (e.g. build API, "
        "Deployment and Stage together in one component or helper)."
    ),
    bad=(
        Example('''
import pulumi
import pulumi_aws as aws

apis = {}
deployments = {}
for name in ("public", "admin"):
    api = aws.apigateway.RestApi(name)
    method = aws.apigateway.Method(
        f"{name}-get", rest_api=api.id, resource_id=api.root_resource_id, http_method="GET",
        authorization="NONE",
    )
    integration = aws.apigateway.Integration(
        f"{name}-get", rest_api=api.id, resource_id=api.root_resource_id, http_method=method.http_method,
        type="MOCK", request_templates={"application/json": '{"statusCode": 200}'},
    )
    apis[name] = api
    deployments[name] = aws.apigateway.Deployment(
        f"{name}-deployment", rest_api=api.id, opts=pulumi.ResourceOptions(depends_on=[integration])
    )

aws.apigateway.Stage("public-stage", rest_api=apis["public"].id, deployment=deployments["public"].id,
                     stage_name="prod")
# Copy-paste slip: the admin stage serves the public API's deployment.
aws.apigateway.Stage("admin-stage", rest_api=apis["admin"].id, deployment=deployments["public"].id,
                     stage_name="prod")
''', flagged=("admin-stage",), note="the admin stage points at the public API's deployment"),
        Example(ex.LAMBDA + ex.REST_ROUTE + ex.REST_DEPLOYMENT + ex.REST_PERMISSION + '''
from pulumi_aws import apigateway as apigw

v2 = apigw.RestApi("api-v2")
apigw.Stage("stage", rest_api=v2.id, deployment=deployment.id, stage_name="prod")
''', flagged=("stage",), note="a new API version's stage still using the old API's deployment"),
        Example('''
import pulumi
import pulumi_aws as aws


class PublishedApi(pulumi.ComponentResource):
    def __init__(self, name, api, deployment, opts=None):
        super().__init__("example:api:PublishedApi", name, None, opts)
        self.stage = aws.apigateway.Stage(
            f"{name}-stage", rest_api=api.id, deployment=deployment.id, stage_name="prod",
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"url": self.stage.invoke_url})


orders = aws.apigateway.RestApi("orders")
billing = aws.apigateway.RestApi("billing")
integrations = {}
for name, api in (("orders", orders), ("billing", billing)):
    method = aws.apigateway.Method(
        f"{name}-any", rest_api=api.id, resource_id=api.root_resource_id, http_method="ANY",
        authorization="NONE",
    )
    integrations[name] = aws.apigateway.Integration(
        f"{name}-any", rest_api=api.id, resource_id=api.root_resource_id,
        http_method=method.http_method, type="MOCK",
    )
orders_deployment = aws.apigateway.Deployment(
    "orders-deployment", rest_api=orders.id, opts=pulumi.ResourceOptions(depends_on=[integrations["orders"]])
)
PublishedApi("billing", billing, orders_deployment)
''', flagged=("billing-stage",), note="a component handed the wrong deployment"),
        Example('''
import pulumi_aws as aws

deployment = aws.apigateway.Deployment("deployment", rest_api="f6g7h8i9j0")
aws.apigateway.Stage("imported", rest_api="a1b2c3d4e5", deployment=deployment.id, stage_name="live")
''', flagged=("imported",), note="APIs managed elsewhere, referred to by literal ids"),
    ),
    good=(
        Example(ex.REST_COMPLETE, note="API, Deployment and Stage wired together"),
        Example('''
import pulumi
import pulumi_aws as aws

for name in ("public", "admin"):
    api = aws.apigateway.RestApi(name)
    method = aws.apigateway.Method(
        f"{name}-get", rest_api=api.id, resource_id=api.root_resource_id, http_method="GET",
        authorization="NONE",
    )
    integration = aws.apigateway.Integration(
        f"{name}-get", rest_api=api.id, resource_id=api.root_resource_id, http_method=method.http_method,
        type="MOCK", request_templates={"application/json": '{"statusCode": 200}'},
    )
    deployment = aws.apigateway.Deployment(
        f"{name}-deployment", rest_api=api.id, opts=pulumi.ResourceOptions(depends_on=[integration])
    )
    aws.apigateway.Stage(f"{name}-stage", rest_api=api.id, deployment=deployment.id, stage_name="prod")
'''),
        Example(ex.LAMBDA + ex.COMPONENT_REST_API, note="a component creating its own Deployment and Stage"),
        Example('''
import pulumi_aws as aws

deployment = aws.apigateway.Deployment("deployment", rest_api="a1b2c3d4e5")
aws.apigateway.Stage("imported", rest_api="a1b2c3d4e5", deployment=deployment.id, stage_name="live")
''', note="an API managed elsewhere, referred to by the same literal id"),
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/api/API_CreateStage.html",
        "https://www.pulumi.com/registry/packages/aws/api-docs/apigateway/stage/",
    ),
    check=check,
    no_autofix=(
        "the stage and its deployment name two different APIs; which one the stage should serve "
        "only its author knows."
    ),
)
