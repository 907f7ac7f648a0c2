"""Program fragments the API Gateway rules' examples (SG301–SG306) are assembled from.

Every example is a complete pulumi-aws 7.x program. Keeping the common parts
(a Lambda function, one REST route, its deployment, stage and permission) in
one place makes every good example the same correct wiring, and every bad
example differ from it by exactly the fault it shows.
"""

LAMBDA = '''
import json

import pulumi
import pulumi_aws as aws

lambda_role = aws.iam.Role(
    "handler-role",
    assume_role_policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }],
    }),
)
handler = aws.lambda_.Function(
    "handler",
    role=lambda_role.arn,
    runtime="python3.12",
    handler="index.handler",
    code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(e, c): return {}")}),
)
'''

# One GET /items route calling the function (needs LAMBDA).
REST_ROUTE = '''
api = aws.apigateway.RestApi("api")
items = aws.apigateway.Resource("items", rest_api=api.id, parent_id=api.root_resource_id, path_part="items")
method = aws.apigateway.Method(
    "method", rest_api=api.id, resource_id=items.id, http_method="GET", authorization="NONE"
)
integration = aws.apigateway.Integration(
    "integration",
    rest_api=api.id,
    resource_id=items.id,
    http_method=method.http_method,
    integration_http_method="POST",
    type="AWS_PROXY",
    uri=handler.invoke_arn,
)
'''

REST_DEPLOYMENT = '''
deployment = aws.apigateway.Deployment(
    "deployment", rest_api=api.id, opts=pulumi.ResourceOptions(depends_on=[integration])
)
'''

REST_STAGE = '''
stage = aws.apigateway.Stage("stage", rest_api=api.id, deployment=deployment.id, stage_name="prod")
pulumi.export("url", stage.invoke_url)
'''

REST_PERMISSION = '''
aws.lambda_.Permission(
    "invoke",
    action="lambda:InvokeFunction",
    function=handler.name,
    principal="apigateway.amazonaws.com",
    source_arn=api.execution_arn.apply(lambda arn: f"{arn}/*/*"),
)
'''

# The right wiring of a Lambda-backed REST API, end to end.
REST_COMPLETE = LAMBDA + REST_ROUTE + REST_DEPLOYMENT + REST_STAGE + REST_PERMISSION

# A REST API defined by an OpenAPI document (needs LAMBDA).
OPENAPI_API = '''
body = pulumi.Output.json_dumps({
    "openapi": "3.0.1",
    "info": {"title": "orders", "version": "1.0"},
    "paths": {
        "/orders": {
            "get": {
                "x-amazon-apigateway-integration": {
                    "type": "aws_proxy",
                    "httpMethod": "POST",
                    "uri": handler.invoke_arn,
                },
            },
        },
    },
})
api = aws.apigateway.RestApi("api", body=body)
'''

# Redeploys whenever the document changes.
OPENAPI_DEPLOYMENT = '''
deployment = aws.apigateway.Deployment(
    "deployment",
    rest_api=api.id,
    triggers={"body": body},  # a changed document redeploys
)
'''

OPENAPI_STAGE = '''
aws.apigateway.Stage("stage", rest_api=api.id, deployment=deployment.id, stage_name="prod")
'''

# An HTTP API route calling the function (needs LAMBDA).
HTTP_ROUTE = '''
http_api = aws.apigatewayv2.Api("http-api", protocol_type="HTTP")
http_integration = aws.apigatewayv2.Integration(
    "http-integration",
    api_id=http_api.id,
    integration_type="AWS_PROXY",
    integration_uri=handler.arn,
    payload_format_version="2.0",
)
route = aws.apigatewayv2.Route(
    "route",
    api_id=http_api.id,
    route_key="GET /orders",
    target=http_integration.id.apply(lambda id_: f"integrations/{id_}"),
)
'''

HTTP_PERMISSION = '''
aws.lambda_.Permission(
    "invoke",
    action="lambda:InvokeFunction",
    function=handler.name,
    principal="apigateway.amazonaws.com",
    source_arn=http_api.execution_arn.apply(lambda arn: f"{arn}/*/*"),
)
'''

HTTP_COMPLETE = LAMBDA + HTTP_ROUTE + '''
aws.apigatewayv2.Stage("stage", api_id=http_api.id, name="$default", auto_deploy=True)
''' + HTTP_PERMISSION

# A component library's shape: API, Deployment, Stage and one Permission per
# route created as children (needs LAMBDA).
COMPONENT_REST_API = '''
class LambdaRestApi(pulumi.ComponentResource):
    """A REST API from an OpenAPI document, one Permission per route."""

    def __init__(self, name, routes, opts=None):
        super().__init__("example:apigateway:LambdaRestApi", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        paths = {
            path: {"x-amazon-apigateway-any-method": {"x-amazon-apigateway-integration": {
                "type": "aws_proxy", "httpMethod": "POST", "uri": function.invoke_arn,
            }}}
            for path, function in routes.items()
        }
        body = pulumi.Output.json_dumps({"openapi": "3.0.1", "info": {"title": name, "version": "1"},
                                         "paths": paths})
        self.api = aws.apigateway.RestApi(name, body=body, opts=child)
        self.deployment = aws.apigateway.Deployment(
            name, rest_api=self.api.id, triggers={"body": body}, opts=child
        )
        self.stage = aws.apigateway.Stage(
            name, rest_api=self.api.id, deployment=self.deployment.id, stage_name="stage", opts=child
        )
        for index, function in enumerate(routes.values()):
            aws.lambda_.Permission(
                f"{name}-invoke-{index}",
                action="lambda:invokeFunction",
                function=function.name,
                principal="apigateway.amazonaws.com",
                source_arn=pulumi.Output.concat(self.stage.execution_arn, "*/*"),
                opts=child,
            )
        self.register_outputs({"url": self.stage.invoke_url})


orders = LambdaRestApi("orders", {"/orders": handler})
'''


# A component wiring its Deployment one of three ways, chosen by a constant argument
# (needs LAMBDA); the rules' examples instantiate it with different arguments.
WIRED_API_COMPONENT = '''
class WiredApi(pulumi.ComponentResource):
    """GET /items on a REST API; ``wire`` says how the Deployment waits for the route."""

    def __init__(self, name, function, wire="none", opts=None):
        super().__init__("example:api:WiredApi", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        api = aws.apigateway.RestApi(name, opts=child)
        items = aws.apigateway.Resource(
            f"{name}-items", rest_api=api.id, parent_id=api.root_resource_id, path_part="items", opts=child
        )
        method = aws.apigateway.Method(
            f"{name}-get", rest_api=api.id, resource_id=items.id, http_method="GET", authorization="NONE",
            opts=child,
        )
        integration = aws.apigateway.Integration(
            f"{name}-get", rest_api=api.id, resource_id=items.id, http_method=method.http_method,
            integration_http_method="POST", type="AWS_PROXY", uri=function.invoke_arn, opts=child,
        )
        if wire == "depends_on":
            deployment = aws.apigateway.Deployment(
                f"{name}-deploy", rest_api=api.id,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[integration]),
            )
        elif wire == "triggers":
            deployment = aws.apigateway.Deployment(
                f"{name}-deploy", rest_api=api.id, triggers={"integration": integration.id}, opts=child
            )
        else:
            deployment = aws.apigateway.Deployment(f"{name}-deploy", rest_api=api.id, opts=child)
        aws.apigateway.Stage(
            f"{name}-stage", rest_api=api.id, deployment=deployment.id, stage_name="prod", opts=child
        )
        aws.lambda_.Permission(
            f"{name}-invoke", action="lambda:InvokeFunction", function=function.name,
            principal="apigateway.amazonaws.com",
            source_arn=api.execution_arn.apply(lambda arn: f"{arn}/*/*"), opts=child,
        )
        self.register_outputs({})
'''

# A Lambda TOKEN authorizer guarding the REST route (needs LAMBDA and REST_ROUTE).
REST_AUTHORIZER = '''
authorizer_function = aws.lambda_.Function(
    "authorizer-function",
    role=lambda_role.arn,
    runtime="python3.12",
    handler="index.handler",
    code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(e, c): return {}")}),
)
authorizer = aws.apigateway.Authorizer(
    "authorizer",
    rest_api=api.id,
    type="TOKEN",
    authorizer_uri=authorizer_function.invoke_arn,
    identity_source="method.request.header.Authorization",
)
'''

AUTHORIZER_PERMISSION = '''
aws.lambda_.Permission(
    "invoke-authorizer",
    action="lambda:InvokeFunction",
    function=authorizer_function.name,
    principal="apigateway.amazonaws.com",
    source_arn=api.execution_arn.apply(lambda arn: f"{arn}/authorizers/*"),
)
'''
