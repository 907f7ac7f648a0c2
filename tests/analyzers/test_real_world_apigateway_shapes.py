"""API Gateway / Lambda shapes seen in public Pulumi programs that once misled the analyzer."""

from analyzers.runner import lint_sources

ROUTES_FILLED_BY_A_HELPER = '''
import pulumi
import pulumi_aws as aws

integrations = []
resources = {}


def add_route(api, handler, path):
    resource = aws.apigateway.Resource(path, rest_api=api.id, parent_id=api.root_resource_id, path_part=path)
    resources[path] = resource
    method = aws.apigateway.Method(path, rest_api=api.id, resource_id=resource.id, http_method="ANY",
                                   authorization="NONE")
    integrations.append(aws.apigateway.Integration(
        path, rest_api=api.id, resource_id=resource.id, http_method=method.http_method,
        integration_http_method="POST", type="AWS_PROXY", uri=handler.invoke_arn))


handler = aws.lambda_.Function("handler", role="arn:aws:iam::123456789012:role/run", runtime="python3.12",
                               handler="main.handler", code=pulumi.AssetArchive({}))
api = aws.apigateway.RestApi("api")
for path in ("orders", "users"):
    add_route(api, handler, path)
aws.lambda_.Permission("invoke", action="lambda:InvokeFunction", function=handler.name,
                       principal="apigateway.amazonaws.com",
                       source_arn=api.execution_arn.apply(lambda arn: f"{arn}/*/*"))
'''


def sg3(sources: dict[str, str]) -> list[str]:
    return sorted(f.code for f in lint_sources(sources) if f.code.startswith(("SG0", "SG3")))


def test_module_list_filled_by_a_helper_function_is_not_read_as_empty() -> None:
    source = ROUTES_FILLED_BY_A_HELPER + '''
deployment = aws.apigateway.Deployment("deployment", rest_api=api.id,
                                       opts=pulumi.ResourceOptions(depends_on=integrations))
aws.apigateway.Stage("prod", rest_api=api.id, deployment=deployment.id, stage_name="prod")
'''
    assert sg3({"__main__.py": source}) == []


def test_helper_filled_list_read_inside_another_function() -> None:
    source = ROUTES_FILLED_BY_A_HELPER + '''

def publish():
    deployment = aws.apigateway.Deployment(
        "deployment", rest_api=api.id,
        opts=pulumi.ResourceOptions(depends_on=[*resources.values(), *integrations]))
    return aws.apigateway.Stage("prod", rest_api=api.id, deployment=deployment.id, stage_name="prod")


publish()
'''
    assert sg3({"__main__.py": source}) == []


def test_deployment_that_ignores_the_helper_filled_list_is_still_flagged() -> None:
    source = ROUTES_FILLED_BY_A_HELPER + '''
deployment = aws.apigateway.Deployment("deployment", rest_api=api.id)
aws.apigateway.Stage("prod", rest_api=api.id, deployment=deployment.id, stage_name="prod")
'''
    assert sg3({"__main__.py": source}) == ["SG304"]


def test_module_list_changed_only_at_module_level_stays_known() -> None:
    # Only functions' changes are untracked: a list built at module level is still read exactly.
    source = ROUTES_FILLED_BY_A_HELPER + '''
waits_for = []
waits_for.append(api)
deployment = aws.apigateway.Deployment("deployment", rest_api=api.id,
                                       opts=pulumi.ResourceOptions(depends_on=waits_for))
aws.apigateway.Stage("prod", rest_api=api.id, deployment=deployment.id, stage_name="prod")
'''
    assert sg3({"__main__.py": source}) == ["SG304"]
