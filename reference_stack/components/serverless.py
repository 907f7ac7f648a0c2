"""Serverless: a Lambda function in the VPC behind an API Gateway REST API."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class ServerlessApiArgs:
    role_arn: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]
    security_group_ids: Sequence[pulumi.Input[str]]
    code_directory: str = "app"  # relative to the project directory (the program's cwd)
    handler: str = "handler.handler"
    runtime: str = "python3.12"
    memory_size: int = 256
    timeout: int = 10
    environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    route: str = "items"
    http_method: str = "POST"
    # "NONE" for a public endpoint; put a Cognito or Lambda authorizer in front for real users.
    authorization: str = "AWS_IAM"
    stage_name: str = "v1"
    log_retention_days: int = 30


def _redeployment_hash(*values: object) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


class ServerlessApi(pulumi.ComponentResource):
    """Function, REST API route, invoke permission, deployment and stage, wired in order."""

    function_name: pulumi.Output[str]
    function_arn: pulumi.Output[str]
    rest_api_id: pulumi.Output[str]
    url: pulumi.Output[str]

    def __init__(self, name: str, args: ServerlessApiArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("stackguard:serverless:ServerlessApi", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        # Created first so the function logs there with a retention, not to an unbounded default group.
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=f"/aws/lambda/{pulumi.get_project()}-{pulumi.get_stack()}-{name}",
            retention_in_days=args.log_retention_days,
            opts=child,
        )
        function = aws.lambda_.Function(
            f"{name}-function",
            runtime=args.runtime,
            handler=args.handler,
            code=pulumi.FileArchive(args.code_directory),
            role=args.role_arn,
            memory_size=args.memory_size,
            timeout=args.timeout,
            architectures=["arm64"],
            vpc_config=aws.lambda_.FunctionVpcConfigArgs(
                subnet_ids=list(args.subnet_ids),
                security_group_ids=list(args.security_group_ids),
            ),
            environment=aws.lambda_.FunctionEnvironmentArgs(variables=dict(args.environment)),
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(log_format="JSON", log_group=log_group.name),
            opts=child,
        )

        api = aws.apigateway.RestApi(
            f"{name}-api",
            description=f"{name} API",
            endpoint_configuration=aws.apigateway.RestApiEndpointConfigurationArgs(types="REGIONAL"),
            opts=child,
        )
        resource = aws.apigateway.Resource(
            f"{name}-{args.route}",
            rest_api=api.id,
            parent_id=api.root_resource_id,
            path_part=args.route,
            opts=child,
        )
        method = aws.apigateway.Method(
            f"{name}-{args.route}-{args.http_method.lower()}",
            rest_api=api.id,
            resource_id=resource.id,
            http_method=args.http_method,
            authorization=args.authorization,
            opts=child,
        )
        integration = aws.apigateway.Integration(
            f"{name}-{args.route}-integration",
            rest_api=api.id,
            resource_id=resource.id,
            http_method=method.http_method,
            type="AWS_PROXY",
            integration_http_method="POST",  # Lambda is always invoked with POST
            uri=function.invoke_arn,
            opts=child,
        )

        # Without this API Gateway gets "Invalid permissions on Lambda function" (HTTP 500).
        # Scoped to this API: any stage, method and path of it, nothing else.
        aws.lambda_.Permission(
            f"{name}-invoke-permission",
            action="lambda:InvokeFunction",
            function=function.name,
            principal="apigateway.amazonaws.com",
            source_arn=pulumi.Output.concat(api.execution_arn, "/*/*"),
            opts=child,
        )

        # depends_on: the deployment snapshots the API's methods, so it must come after them
        # ("The REST API doesn't contain any methods" otherwise). triggers: a new deployment
        # whenever the route, method or integration changes, or the stage keeps serving the old one.
        deployment = aws.apigateway.Deployment(
            f"{name}-deployment",
            rest_api=api.id,
            description=f"{name} API deployment",
            triggers={
                "redeployment": pulumi.Output.all(
                    resource.id, method.id, method.authorization, integration.id, integration.uri
                ).apply(lambda values: _redeployment_hash(*values)),
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[method, integration]),
        )
        stage = aws.apigateway.Stage(
            f"{name}-stage",
            rest_api=api.id,
            deployment=deployment.id,
            stage_name=args.stage_name,
            opts=child,
        )

        self.function_name = function.name
        self.function_arn = function.arn
        self.rest_api_id = api.id
        self.url = pulumi.Output.concat(stage.invoke_url, "/", args.route)
        self.register_outputs({
            "functionName": self.function_name,
            "functionArn": self.function_arn,
            "restApiId": self.rest_api_id,
            "url": self.url,
        })
