"""Focused cases for SG303: REST and HTTP/WebSocket stages, quick-create, unknown relations."""

from dataclasses import replace

from policypack.graph import UNKNOWN
from policypack.knowledge import tokens
from policypack.rules.sg303_apigateway_missing_stage import RULE
from tests.support.graphs import graph, res


def on(prop: str, target) -> dict:
    return {prop: (target.urn,)}


def of(type_: str, logical: str, api, /, **props):
    prop = "apiId" if type_.startswith("aws:apigatewayv2/") else "restApi"
    return res(type_, logical, prop_deps=on(prop, api), **{prop: UNKNOWN}, **props)


def flagged(*resources) -> list[str]:
    return sorted(v.resource.name for v in RULE.run(graph(*resources)))


def test_rest_api_deployed_without_stage() -> None:
    rest = res(tokens.REST_API, "api")
    deployment = of(tokens.REST_DEPLOYMENT, "d", rest)
    assert flagged(rest, deployment) == ["api"]
    [violation] = RULE.run(graph(rest, deployment))
    assert violation.message.startswith("[SG303] RestApi 'api' is deployed but has no aws.apigateway.Stage")
    assert "nothing is callable" in violation.message
    assert flagged(rest, deployment, of(tokens.REST_STAGE, "s", rest)) == []


def test_stage_belongs_to_its_deployments_api_when_rest_api_is_unknown() -> None:
    rest = res(tokens.REST_API, "api")
    deployment = of(tokens.REST_DEPLOYMENT, "d", rest)
    stage = res(tokens.REST_STAGE, "s", restApi=UNKNOWN, deployment=UNKNOWN, prop_deps=on("deployment", deployment))
    assert flagged(rest, deployment, stage) == []


def test_rest_content_and_shell() -> None:
    assert flagged(res(tokens.REST_API, "body", body=UNKNOWN)) == ["body"]
    rest = res(tokens.REST_API, "api")
    assert flagged(rest, of(tokens.REST_METHOD, "m", rest)) == ["api"]
    assert flagged(res(tokens.REST_API, "shell")) == []


def test_http_and_websocket_apis() -> None:
    http = res(tokens.V2_API, "http", protocolType="HTTP")
    socket = res(tokens.V2_API, "socket", protocolType="websocket")
    routes = [of(tokens.V2_ROUTE, "r1", http), of(tokens.V2_ROUTE, "r2", socket)]
    assert flagged(http, socket, *routes) == ["http", "socket"]
    assert flagged(http, socket, *routes, of(tokens.V2_STAGE, "s", http)) == ["socket"]
    [violation] = RULE.run(graph(http, routes[0]))
    assert violation.message.startswith("[SG303] HTTP API 'http' has routes but no aws.apigatewayv2.Stage")


def test_quick_create_unknown_protocol_and_shell_are_exempt() -> None:
    quick = res(tokens.V2_API, "quick", protocolType="HTTP", target=UNKNOWN)
    unknown = res(tokens.V2_API, "unknown", protocolType=UNKNOWN)
    shell = res(tokens.V2_API, "shell", protocolType="HTTP")
    members = [of(tokens.V2_ROUTE, "r1", quick), of(tokens.V2_ROUTE, "r2", unknown)]
    assert flagged(quick, unknown, shell, *members) == []


def test_unattributed_stage_silences_its_api_family_only() -> None:
    rest = res(tokens.REST_API, "api")
    http = res(tokens.V2_API, "http", protocolType="HTTP")
    members = [of(tokens.REST_DEPLOYMENT, "d", rest), of(tokens.V2_INTEGRATION, "i", http)]
    orphan_v2 = res(tokens.V2_STAGE, "orphan", apiId=UNKNOWN)
    assert flagged(rest, http, *members, orphan_v2) == ["api"]
    orphan_v1 = replace(res(tokens.REST_STAGE, "orphan-v1", restApi="x"), unresolved=frozenset({"restApi"}))
    assert flagged(rest, http, *members, orphan_v1) == ["http"]


def test_garbage_values_do_not_crash() -> None:
    http = res(tokens.V2_API, "http", protocolType=["HTTP"])
    weird = res(tokens.V2_API, "weird", protocolType=7, body=3)
    assert flagged(http, weird, of(tokens.V2_ROUTE, "r", http), res(tokens.V2_STAGE, "s", apiId=5)) == []


def test_deployment_stage_name_of_older_provider_versions_counts_as_a_stage() -> None:
    # pulumi-aws 6 and older: Deployment(stage_name="prod") creates the stage itself.
    rest = res(tokens.REST_API, "api")
    assert flagged(rest, of(tokens.REST_DEPLOYMENT, "d", rest, stageName="prod")) == []
    assert flagged(rest, of(tokens.REST_DEPLOYMENT, "d", rest, stageName=UNKNOWN)) == []
    # stage_name="" asked for no implicit stage.
    assert flagged(rest, of(tokens.REST_DEPLOYMENT, "d", rest, stageName="")) == ["api"]
