"""SG302 apigateway-rest-api-missing-deployment."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from policypack.graph import ResourceGraph
from policypack.knowledge import tokens
from policypack.knowledge.apigateway import ApiIndex, has_body
from policypack.rules import apigateway_examples as ex
from policypack.rules.base import AutoFix, Example, FixSafety, Rule, Severity, Violation


def check(graph: ResourceGraph, options: Mapping[str, Any]) -> Iterator[Violation]:
    apis = ApiIndex.of(graph)
    if apis.has_unattributed(tokens.REST_DEPLOYMENT):
        return  # a Deployment whose API is not known might be any API's
    for api in graph.of_type(tokens.REST_API):
        members = apis.members(api)
        if members.deployments:
            continue
        if members.methods or members.integrations:
            content = "has methods"
        elif has_body(api):
            content = "is defined by an OpenAPI body"
        else:
            continue  # an empty API (e.g. a shell another stack fills) is not published here
        yield RULE.violation(
            api,
            f"RestApi '{api.name}' {content} but no aws.apigateway.Deployment: the API is never "
            f"published, so none of its routes is callable. Add a Deployment(rest_api=...) that "
            f"depends on the API's integrations (depends_on or triggers) and a Stage that uses it.",
        )


RULE = Rule(
    code="SG302",
    name="apigateway-rest-api-missing-deployment",
    severity=Severity.ERROR,
    tags=("correctness", "apigateway"),
    summary=(
        "Checks that a REST API (v1) with methods or an OpenAPI body has an "
        "`aws.apigateway.Deployment`."
    ),
    why=(
        "Methods and integrations are only a draft until a deployment snapshots them. Without "
        "an `aws.apigateway.Deployment` the API is never published: `pulumi up` succeeds, the "
        "stack exports a URL, and nothing behind it is callable."
    ),
    fix=(
        "Add an `aws.apigateway.Deployment(rest_api=api.id)` that depends on every integration "
        "(`depends_on=[...]`, or `triggers` holding their ids so changes redeploy), and an "
        "`aws.apigateway.Stage` that serves it."
    ),
    bad=(
        Example(ex.LAMBDA + ex.REST_ROUTE + ex.REST_PERMISSION, flagged=("api",),
                note="routes and permission, but never deployed (the seed fault)"),
        Example(ex.LAMBDA + ex.OPENAPI_API + '''
aws.lambda_.Permission(
    "invoke",
    action="lambda:InvokeFunction",
    function=handler.name,
    principal="apigateway.amazonaws.com",
    source_arn=api.execution_arn.apply(lambda arn: f"{arn}/*/*"),
)
''', flagged=("api",), note="an OpenAPI-defined API needs a Deployment too"),
        Example('''
import pulumi
from pulumi_aws import apigateway as apigw


def mock_api(name):
    api = apigw.RestApi(name)
    method = apigw.Method(
        f"{name}-get", rest_api=api.id, resource_id=api.root_resource_id, http_method="GET",
        authorization="NONE",
    )
    integration = apigw.Integration(
        f"{name}-get",
        rest_api=api.id,
        resource_id=api.root_resource_id,
        http_method=method.http_method,
        type="MOCK",
        request_templates={"application/json": '{"statusCode": 200}'},
    )
    return api, integration


public, public_integration = mock_api("public")
admin, admin_integration = mock_api("admin")
deployment = apigw.Deployment(
    "deployment", rest_api=public.id, opts=pulumi.ResourceOptions(depends_on=[public_integration])
)
apigw.Stage("stage", rest_api=public.id, deployment=deployment.id, stage_name="prod")
''', flagged=("admin",), note="two APIs, one Deployment: the admin API is never published"),
        Example('''
import pulumi
import pulumi_aws as aws


class MockApi(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("example:api:MockApi", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.api = aws.apigateway.RestApi(f"{name}-api", opts=child)
        method = aws.apigateway.Method(
            f"{name}-method", rest_api=self.api.id, resource_id=self.api.root_resource_id,
            http_method="GET", authorization="NONE", opts=child,
        )
        aws.apigateway.Integration(
            f"{name}-integration", rest_api=self.api.id, resource_id=self.api.root_resource_id,
            http_method=method.http_method, type="MOCK", opts=child,
        )
        self.register_outputs({"id": self.api.id})


MockApi("health")
''', flagged=("health-api",), note="a component that builds routes but never deploys them"),
    ),
    good=(
        Example(ex.REST_COMPLETE, note="deployed after its integration and served by a stage"),
        Example(ex.LAMBDA + ex.OPENAPI_API + ex.OPENAPI_DEPLOYMENT + ex.OPENAPI_STAGE + '''
aws.lambda_.Permission(
    "invoke",
    action="lambda:InvokeFunction",
    function=handler.name,
    principal="apigateway.amazonaws.com",
    source_arn=api.execution_arn.apply(lambda arn: f"{arn}/*/*"),
)
''', note="OpenAPI body, redeployed when the document changes"),
        Example('''
import pulumi
import pulumi_aws as aws

# Routes are added (and deployed) by the stacks that own them.
shell = aws.apigateway.RestApi("shell", description="shared API; routes live in service stacks")
pulumi.export("rest_api_id", shell.id)
pulumi.export("root_resource_id", shell.root_resource_id)
''', note="an empty API shell is not a publishing fault"),
        Example(ex.LAMBDA + ex.COMPONENT_REST_API, note="a component library that deploys its API"),
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-deploy-api.html",
        "https://www.pulumi.com/registry/packages/aws/api-docs/apigateway/deployment/",
    ),
    check=check,
    autofix=AutoFix(
        FixSafety.UNSAFE,
        "Inserts an `aws.apigateway.Deployment` for the API after its last integration, with "
        "`depends_on` every integration (or `triggers` the API's `body` for an OpenAPI API), and an "
        "`aws.apigateway.Stage` (`stage_name=\"prod\"`) serving it; names are the API's name + "
        "`-deployment` / `-stage`, inside a component with `parent=self`. Unsafe: it publishes the API.",
        "when the API's integrations aren't all created in one function (or module) next to names "
        "the fix can refer to, or when the API's call site builds several APIs that differ.",
    ),
)
