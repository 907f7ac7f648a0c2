"""Values only partly known: containers changed where the analyzer can't follow become unknown;
elements it can't resolve are unknown, never absent; literal parts of concatenations stay known."""

from __future__ import annotations

from tests.analyzers.extract.sources import findings_of

LAMBDA = '''
import pulumi
import pulumi_aws as aws

handler = aws.lambda_.Function("handler", role="arn:aws:iam::123456789012:role/r", runtime="python3.12",
                               handler="index.handler", code=pulumi.FileArchive("app"))
'''

ROUTES_COMPONENT = LAMBDA + '''

class Routes(pulumi.ComponentResource):
    def __init__(self, name, function, paths, opts=None):
        super().__init__("acme:Routes", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        api = aws.apigateway.RestApi(name, opts=child)
        integrations = []

        def add_route(path):
            res = aws.apigateway.Resource(f"{name}-{path}", rest_api=api.id, parent_id=api.root_resource_id,
                                          path_part=path, opts=child)
            method = aws.apigateway.Method(f"{name}-{path}", rest_api=api.id, resource_id=res.id,
                                           http_method="GET", authorization="NONE", opts=child)
            integrations.append(aws.apigateway.Integration(
                f"{name}-{path}", rest_api=api.id, resource_id=res.id, http_method=method.http_method,
                integration_http_method="POST", type="AWS_PROXY", uri=function.invoke_arn, opts=child))

        for path in paths:
            add_route(path)
        deployment = aws.apigateway.Deployment(
            f"{name}-deploy", rest_api=api.id, opts=pulumi.ResourceOptions(parent=self, depends_on=integrations))
        aws.apigateway.Stage(f"{name}-stage", rest_api=api.id, deployment=deployment.id, stage_name="prod",
                             opts=child)
        aws.lambda_.Permission(f"{name}-invoke", action="lambda:InvokeFunction", function=function.name,
                               principal="apigateway.amazonaws.com",
                               source_arn=api.execution_arn.apply(lambda arn: f"{arn}/*/*"), opts=child)
        self.register_outputs({})


Routes("shop", handler, ["orders", "items"])
'''


def _codes(code: str, rule: str) -> list[int]:
    return [f.line for f in findings_of(code) if f.code == rule]


def test_depends_on_list_filled_by_a_nested_function_is_not_the_empty_display() -> None:
    assert _codes(ROUTES_COMPONENT, "SG304") == []


def test_nonlocal_rebinding_in_a_nested_function_opens_the_value() -> None:
    code = ROUTES_COMPONENT.replace("            integrations.append(aws.apigateway.Integration(",
                                    "            nonlocal integrations\n"
                                    "            integrations = integrations + [aws.apigateway.Integration(")
    code = code.replace("uri=function.invoke_arn, opts=child))\n\n        for",
                        "uri=function.invoke_arn, opts=child)]\n\n        for")
    assert "nonlocal integrations" in code and "opts=child)]" in code
    assert _codes(code, "SG304") == []


def test_a_list_emptied_nowhere_still_reports_the_missing_dependency() -> None:
    # the same component with the nested function not touching the list: the list is []
    code = ROUTES_COMPONENT.replace("            integrations.append(aws.apigateway.Integration(",
                                    "            aws.apigateway.Integration(").replace(
        "uri=function.invoke_arn, opts=child))", "uri=function.invoke_arn, opts=child)")
    assert "integrations.append" not in code
    assert len(_codes(code, "SG304")) == 1


def test_a_resource_class_called_through_an_alias_is_unresolved_not_absent() -> None:
    code = LAMBDA + '''
api = aws.apigateway.RestApi("api")
res = aws.apigateway.Resource("r", rest_api=api.id, parent_id=api.root_resource_id, path_part="x")
method = aws.apigateway.Method("m", rest_api=api.id, resource_id=res.id, http_method="GET",
                               authorization="NONE")
make_integration = aws.apigateway.Integration
aws.apigateway.Integration("i", rest_api=api.id, resource_id=res.id, http_method=method.http_method,
                           integration_http_method="POST", type="AWS_PROXY", uri=handler.invoke_arn)
second = make_integration("j", rest_api=api.id, resource_id=res.id, http_method=method.http_method,
                          integration_http_method="POST", type="AWS_PROXY", uri=handler.invoke_arn)
deployment = aws.apigateway.Deployment("d", rest_api=api.id, opts=pulumi.ResourceOptions(depends_on=[second]))
'''
    assert _codes(code, "SG304") == []


SOURCE_ARN = LAMBDA + '''
region = aws.get_region()
api = aws.apigateway.RestApi("api")
aws.lambda_.Permission("invoke", action="lambda:InvokeFunction", function=handler.name,
                       principal="apigateway.amazonaws.com",
                       source_arn={source})
'''


def test_concatenated_source_arn_with_a_literal_wildcard_account() -> None:
    code = SOURCE_ARN.format(
        source='pulumi.Output.concat("arn:aws:execute-api:", region.name, ":*:", api.id, "/*")')
    findings = [f for f in findings_of(code) if f.code == "SG305"]
    assert len(findings) == 1 and "a wildcard account" in findings[0].message


def test_fstring_and_format_source_arns_keep_their_literal_parts() -> None:
    for source in ('f"arn:aws:execute-api:{region.name}:*:{api.id}/*"',
                   'pulumi.Output.format("arn:aws:execute-api:{0}:*:{1}/*", region.name, api.id)'):
        findings = [f for f in findings_of(SOURCE_ARN.format(source=source)) if f.code == "SG305"]
        assert len(findings) == 1, source


def test_concatenated_source_arn_with_unknown_account_is_fine() -> None:
    code = SOURCE_ARN.format(
        source='pulumi.Output.concat("arn:aws:execute-api:", region.name, ":", aws.get_caller_identity()'
               '.account_id, ":", api.id, "/*")')
    assert _codes(code, "SG305") == []
    # an unknown part that may hold colons: its fields can't be told, so no finding
    code = SOURCE_ARN.format(source='pulumi.Output.concat(api.execution_arn, ":*:/*")')
    assert _codes(code, "SG305") == []
