"""API membership, invocation edges and source ARN scope, on hand-built graphs."""

import json
from dataclasses import replace

from policypack.graph import UNKNOWN
from policypack.knowledge import tokens
from policypack.knowledge.apigateway import (
    ApiIndex,
    api_id,
    depends_transitively,
    invocation_edges,
    parse_arn,
    source_may_be_api,
)
from tests.support.graphs import graph, res, urn

FN_ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders"
INVOKE = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{FN_ARN}/invocations"


def on(prop: str, *targets) -> dict:
    return {prop: tuple(t.urn for t in targets)}


def api(logical: str = "api", /, **props):
    return res(tokens.REST_API, logical, **props)


def member(type_: str, logical: str, parent_api, prop: str = "restApi", /, **props):
    return res(type_, logical, prop_deps=on(prop, parent_api), **{prop: UNKNOWN}, **props)


def test_members_by_dependency_literal_id_and_stage_through_deployment() -> None:
    rest = api(id="abc123")
    method = member(tokens.REST_METHOD, "m", rest)
    integration = res(tokens.REST_INTEGRATION, "i", restApi="abc123")  # literal id of a known API
    deployment = member(tokens.REST_DEPLOYMENT, "d", rest)
    stage = res(tokens.REST_STAGE, "s", restApi=UNKNOWN, deployment=UNKNOWN, prop_deps=on("deployment", deployment))
    index = ApiIndex(graph(rest, method, integration, deployment, stage))
    members = index.members(rest)
    assert [m.name for m in members.methods] == ["m"]
    assert [i.name for i in members.integrations] == ["i"]
    assert [d.name for d in members.deployments] == ["d"]
    assert [s.name for s in members.stages] == ["s"]
    assert not index.has_unattributed(tokens.REST_STAGE)


def test_unknown_api_relation_is_unattributed_literal_of_other_api_is_not() -> None:
    rest = api()
    unknown = res(tokens.REST_DEPLOYMENT, "d1", restApi=UNKNOWN)
    elsewhere = res(tokens.REST_STAGE, "s1", restApi="zzz999", deployment="dep")
    index = ApiIndex(graph(rest, unknown, elsewhere))
    assert index.has_unattributed(tokens.REST_DEPLOYMENT)
    assert not index.has_unattributed(tokens.REST_STAGE)
    assert index.apis_of(elsewhere) == []
    assert index.members(rest).deployments == [] and index.members(rest).stages == []


def test_unresolved_prop_without_target_is_unattributed() -> None:
    rest = api()
    stage = replace(res(tokens.REST_STAGE, "s", restApi="abc"), unresolved=frozenset({"restApi"}))
    assert ApiIndex(graph(rest, stage)).has_unattributed(tokens.REST_STAGE)


def test_api_id_from_id_execution_arn_or_arn() -> None:
    assert api_id(api(id="a1")) == "a1"
    assert api_id(api(executionArn="arn:aws:execute-api:us-east-1:123456789012:b2")) == "b2"
    assert api_id(api(arn="arn:aws:apigateway:us-east-1::/restapis/c3")) == "c3"
    assert api_id(api(id=UNKNOWN, executionArn=7)) is None


def test_parse_arn() -> None:
    arn = parse_arn("arn:aws:execute-api:us-east-1:*:*/*/GET/items")
    assert arn is not None and arn.account == "*" and arn.api_id == "*"
    assert parse_arn("arn:aws:execute-api:*") is None
    assert parse_arn("nope") is None


def test_transitive_dependencies_follow_apigateway_resources_and_components() -> None:
    integration = res(tokens.REST_INTEGRATION, "i")
    response = res("aws:apigateway/integrationResponse:IntegrationResponse", "r", deps=(integration.urn,))
    component = res("my:api:Routes", "routes")
    child = res(tokens.REST_INTEGRATION, "child", parent=component.urn)
    function = res(tokens.LAMBDA_FUNCTION, "f", deps=(res(tokens.REST_INTEGRATION, "hidden").urn,))
    deployment = res(tokens.REST_DEPLOYMENT, "d", deps=(response.urn, component.urn, function.urn))
    g = graph(integration, response, component, child, function, deployment)
    seen = depends_transitively(g, deployment, "aws:apigateway/")
    assert {integration.urn, response.urn, child.urn} <= seen
    assert urn(tokens.REST_INTEGRATION, "hidden") not in seen  # not followed through a Function


def names(edges) -> list[tuple[str, str, bool]]:
    return sorted((e.source.name, e.function.label, e.via_role) for e in edges)


def test_v1_integration_edges_by_type_uri_and_credentials() -> None:
    handler = res(tokens.LAMBDA_FUNCTION, "handler")
    rest = api()

    def integ(logical, type_, uri, deps=True, **props):
        prop_deps = {**on("restApi", rest), **(on("uri", handler) if deps else {})}
        return res(tokens.REST_INTEGRATION, logical, restApi=UNKNOWN, type=type_, uri=uri,
                   prop_deps=prop_deps, **props)

    g = graph(handler, rest,
              integ("proxy", "AWS_PROXY", UNKNOWN),
              integ("aws", "aws", UNKNOWN, credentials=UNKNOWN),
              integ("literal", "AWS_PROXY", INVOKE, deps=False),
              integ("http", "HTTP_PROXY", UNKNOWN),
              integ("type-unknown", UNKNOWN, UNKNOWN),
              integ("s3", "AWS", "arn:aws:apigateway:us-east-1:s3:path/b/k", deps=False),
              integ("garbage", ["AWS_PROXY"], {"uri": 1}, deps=False))
    edges = invocation_edges(g)
    assert names(edges) == [("aws", "'handler'", True), ("literal", "'orders'", False),
                            ("proxy", "'handler'", False)]
    assert all(e.api is rest for e in edges)


def openapi(uri, **integration) -> str:
    return json.dumps({"openapi": "3.0.1", "paths": {"/x": {
        "get": {"x-amazon-apigateway-integration": {"type": "aws_proxy", "uri": uri, **integration}},
        "post": {"x-amazon-apigateway-integration": {"type": "http_proxy", "uri": "https://example.com"}},
        "parameters": [],
    }}})


def test_body_edges_from_json_yaml_and_unknown_body() -> None:
    handler = res(tokens.LAMBDA_FUNCTION, "handler", name="orders")
    role = res("aws:iam/role:Role", "role")
    json_api = api("json", body=openapi(INVOKE), prop_deps=on("body", handler))
    creds_api = api("creds", body=openapi(INVOKE, credentials="arn:aws:iam::123456789012:role/x"))
    yaml_api = api("yaml", body=f"paths:\n  /x:\n    get:\n      x-amazon-apigateway-integration:\n"
                                f"        type: aws_proxy\n        uri: \"{INVOKE}\"\n")
    unknown_api = api("unknown", body=UNKNOWN, prop_deps=on("body", handler))
    unknown_role_api = api("unknown-role", body=UNKNOWN, prop_deps=on("body", handler, role))
    odd = [api("not-openapi", body="{\"paths\": []}"), api("garbage", body=12), api("none")]
    edges = invocation_edges(graph(handler, role, json_api, creds_api, yaml_api, unknown_api,
                                   unknown_role_api, *odd))
    assert names(edges) == [("creds", "'orders'", True), ("json", "'handler'", False),
                            ("unknown", "'handler'", False), ("unknown-role", "'handler'", True),
                            ("yaml", "'orders'", False)]
    json_edge = next(e for e in edges if e.source.name == "json")
    assert json_edge.function.functions == (handler,)  # tied to the Function named in the ARN


def test_v2_integration_and_quick_create_edges() -> None:
    handler = res(tokens.LAMBDA_FUNCTION, "handler")
    http = res(tokens.V2_API, "http", protocolType="HTTP")
    quick = res(tokens.V2_API, "quick", protocolType="HTTP", target=UNKNOWN, prop_deps=on("target", handler))
    quick_literal = res(tokens.V2_API, "quick-literal", protocolType="HTTP", target=FN_ARN,
                        credentialsArn="arn:aws:iam::123456789012:role/r")
    quick_http = res(tokens.V2_API, "quick-http", protocolType="HTTP", target="https://example.com")
    by_arn = res(tokens.V2_INTEGRATION, "by-arn", apiId=UNKNOWN, integrationType="AWS_PROXY",
                 integrationUri=FN_ARN, prop_deps=on("apiId", http))
    by_dep = res(tokens.V2_INTEGRATION, "by-dep", apiId=UNKNOWN, integrationType="aws_proxy",
                 integrationUri=UNKNOWN, prop_deps={**on("apiId", http), **on("integrationUri", handler)})
    sqs = res(tokens.V2_INTEGRATION, "sqs", integrationType="AWS_PROXY", integrationSubtype="SQS-SendMessage",
              integrationUri=UNKNOWN, prop_deps=on("integrationUri", handler))
    edges = invocation_edges(graph(handler, http, quick, quick_literal, quick_http, by_arn, by_dep, sqs))
    assert names(edges) == [("by-arn", "'orders'", False), ("by-dep", "'handler'", False),
                            ("quick", "'handler'", False), ("quick-literal", "'orders'", True)]
    assert {e.source.name: e.api.name for e in edges}["by-arn"] == "http"


def permission(source_arn, *targets):
    return res(tokens.LAMBDA_PERMISSION, "p", sourceArn=source_arn,
               prop_deps=on("sourceArn", *targets) if targets else None)


def test_source_arn_graph_first() -> None:
    a = api("a")
    b = api("b")
    stage_a = member(tokens.REST_STAGE, "stage-a", a)
    deployment_b = member(tokens.REST_DEPLOYMENT, "dep-b", b)
    orphan_stage = res(tokens.REST_STAGE, "orphan", restApi=UNKNOWN)
    function = res(tokens.LAMBDA_FUNCTION, "f")
    index = ApiIndex(graph(a, b, stage_a, deployment_b, orphan_stage, function))
    assert source_may_be_api(index, permission(UNKNOWN, a), a)
    assert source_may_be_api(index, permission(UNKNOWN, stage_a), a)
    assert not source_may_be_api(index, permission(UNKNOWN, b), a)
    assert not source_may_be_api(index, permission(UNKNOWN, deployment_b), a)
    assert source_may_be_api(index, permission(UNKNOWN, b, orphan_stage), a)  # the orphan may be a's
    assert source_may_be_api(index, permission(UNKNOWN, function), a)  # tells nothing about APIs
    assert source_may_be_api(index, permission(None), a)
    assert source_may_be_api(index, permission(UNKNOWN, b), None)  # edge's API not known
    unresolved = replace(permission(UNKNOWN, b), unresolved=frozenset({"sourceArn"}))
    assert source_may_be_api(index, unresolved, a)


def test_literal_source_arn_against_known_api_id() -> None:
    known = api("known", executionArn="arn:aws:execute-api:us-east-1:123456789012:abc123")
    unknown = api("unknown")
    index = ApiIndex(graph(known, unknown))
    cases = {
        "arn:aws:execute-api:us-east-1:123456789012:abc123/*/*": True,
        "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/items": True,
        "arn:aws:execute-api:us-east-1:123456789012:*/*/*": True,
        "arn:aws:execute-api:us-east-1:123456789012:abc*": True,
        "arn:aws:execute-api:*:*:*": True,
        "arn:aws:execute-api:us-east-1:123456789012:zzz999/*/*": False,
        "arn:aws:execute-api:eu-west-1:123456789012:abc123/*/*": False,
        "arn:aws:execute-api:us-east-1:999999999999:abc123/*/*": False,
        "arn:aws:s3:::bucket": False,
        "not an arn": True,
    }
    for text, expected in cases.items():
        assert source_may_be_api(index, permission(text), known) is expected, text
    assert source_may_be_api(index, permission("arn:aws:execute-api:us-east-1:1:zzz/*/*"), unknown)
    assert source_may_be_api(index, permission(["garbage"]), known)


AUTHORIZER_INVOKE = INVOKE.replace("function:orders", "function:authorize")


def test_lambda_authorizers_are_invocation_edges() -> None:
    rest = api()
    function = res(tokens.LAMBDA_FUNCTION, "authorize", name="authorize")
    token = res(tokens.REST_AUTHORIZER, "token", prop_deps={**on("restApi", rest), **on("authorizerUri", function)},
                restApi=UNKNOWN, authorizerUri=UNKNOWN)
    request = member(tokens.REST_AUTHORIZER, "request", rest, type="REQUEST", authorizerUri=AUTHORIZER_INVOKE)
    cognito = member(tokens.REST_AUTHORIZER, "cognito", rest, type="COGNITO_USER_POOLS")
    with_role = member(tokens.REST_AUTHORIZER, "role", rest, authorizerUri=AUTHORIZER_INVOKE,
                       authorizerCredentials="arn:aws:iam::123456789012:role/invoke")
    http = res(tokens.V2_API, "http", protocolType="HTTP")
    v2 = member(tokens.V2_AUTHORIZER, "v2", http, "apiId", authorizerType="REQUEST",
                authorizerUri=AUTHORIZER_INVOKE)
    jwt = member(tokens.V2_AUTHORIZER, "jwt", http, "apiId", authorizerType="JWT")
    edges = {e.source.name: e for e in invocation_edges(graph(rest, function, token, request, cognito, with_role,
                                                               http, v2, jwt))}
    assert set(edges) == {"token", "request", "role", "v2"}
    assert edges["token"].function.functions == (function,) and edges["token"].api == rest
    assert edges["role"].via_role and not edges["request"].via_role
    assert edges["v2"].api == http


def test_openapi_authorizer_in_a_body_is_an_invocation_edge() -> None:
    document = {
        "openapi": "3.0.1",
        "paths": {},
        "components": {"securitySchemes": {
            "token": {"type": "apiKey", "x-amazon-apigateway-authorizer": {
                "type": "token", "authorizerUri": AUTHORIZER_INVOKE}},
            "pool": {"type": "apiKey", "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools"}},
        }},
    }
    edges = invocation_edges(graph(api(body=json.dumps(document))))
    assert [sorted(e.function.names) for e in edges] == [["authorize"]]
    yaml_body = (f"paths: {{}}\ncomponents:\n  securitySchemes:\n    token:\n"
                 f"      x-amazon-apigateway-authorizer:\n        authorizerUri: {AUTHORIZER_INVOKE}\n"
                 f"        authorizerCredentials: arn:aws:iam::123456789012:role/r\n")
    (edge,) = invocation_edges(graph(api(body=yaml_body)))
    assert edge.via_role


def test_hostile_bodies_cost_linear_time_and_raise_nothing() -> None:
    import time

    deep = "[" * 100_000 + "]" * 100_000  # json.loads: a RecursionError
    blank_lines = "\n" * 400_000 + "x"  # a quadratic YAML scan with ``^\s*``
    yaml_crlf = f"paths:\r\n  /x:\r\n    get:\r\n      x-amazon-apigateway-integration:\r\n        uri: {INVOKE}  \r\n"
    started = time.monotonic()
    edges = invocation_edges(graph(api("deep", body=deep), api("blank", body=blank_lines),
                                   api("crlf", body=yaml_crlf)))
    assert time.monotonic() - started < 5
    assert names(edges) == [("crlf", "'orders'", False)]
