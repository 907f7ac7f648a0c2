"""Focused cases for SG304: what counts as waiting for an integration or route, and silence."""

from dataclasses import replace

from policypack.graph import UNKNOWN
from policypack.knowledge import tokens
from policypack.rules.sg304_apigateway_deployment_missing_dependencies import RULE
from tests.support.graphs import graph, res, urn


def of(type_: str, logical: str, api, /, deps=(), prop_deps=None, **props):
    prop = "apiId" if type_.startswith("aws:apigatewayv2/") else "restApi"
    return res(type_, logical, deps=tuple(d.urn for d in deps),
               prop_deps={prop: (api.urn,), **(prop_deps or {})}, **{prop: UNKNOWN}, **props)


def rest_api():
    rest = res(tokens.REST_API, "api")
    return rest, of(tokens.REST_INTEGRATION, "get", rest), of(tokens.REST_INTEGRATION, "post", rest)


def flagged(*resources) -> list[str]:
    return sorted(v.resource.name for v in RULE.run(graph(*resources)))


def test_deployment_without_dependencies_lists_what_is_missing() -> None:
    rest, get, post = rest_api()
    deployment = of(tokens.REST_DEPLOYMENT, "d", rest, deps=(get,))
    [violation] = RULE.run(graph(rest, get, post, deployment))
    assert violation.resource is deployment
    assert "integration(s) 'post'." in violation.message and "'get'" not in violation.message
    assert "BadRequestException: The REST API doesn't contain any methods" in violation.message
    assert "depends_on" in violation.message and "triggers" in violation.message


def test_depends_on_or_triggers_cover() -> None:
    rest, get, post = rest_api()
    assert flagged(rest, get, post, of(tokens.REST_DEPLOYMENT, "d", rest, deps=(get, post))) == []
    triggers = of(tokens.REST_DEPLOYMENT, "d", rest, triggers=UNKNOWN,
                  prop_deps={"triggers": (get.urn, post.urn)})
    assert flagged(rest, get, post, triggers) == []


def test_transitive_and_component_dependencies_cover() -> None:
    rest, get, post = rest_api()
    response = res("aws:apigateway/integrationResponse:IntegrationResponse", "resp", deps=(get.urn,))
    component = res("example:api:Routes", "routes")
    child_post = replace(post, parent=component.urn)
    deployment = of(tokens.REST_DEPLOYMENT, "d", rest, deps=(response, component))
    assert flagged(rest, get, child_post, response, component, deployment) == []


def test_body_api_unknown_api_and_unresolved_are_silent() -> None:
    rest, get, post = rest_api()
    body_api = replace(rest, props={"body": UNKNOWN})
    assert flagged(body_api, get, post, of(tokens.REST_DEPLOYMENT, "d", body_api)) == []
    unknown_api = res(tokens.REST_DEPLOYMENT, "d", restApi=UNKNOWN)
    assert flagged(rest, get, post, unknown_api) == []
    for prop in ("dependsOn", "triggers"):
        unresolved = replace(of(tokens.REST_DEPLOYMENT, "d", rest), unresolved=frozenset({prop}))
        assert flagged(rest, get, post, unresolved) == [], prop


def test_dangling_dependencies_and_garbage_do_not_crash() -> None:
    rest, get, post = rest_api()
    deployment = res(tokens.REST_DEPLOYMENT, "d", restApi=UNKNOWN, triggers=[1, {"a": 2}],
                     deps=(urn(tokens.REST_INTEGRATION, "gone"), get.urn),
                     prop_deps={"restApi": (rest.urn,), "triggers": (urn("x:y/z:Z", "gone"),)})
    assert flagged(rest, get, post, deployment) == ["d"]


def http_api(**stage_props):
    http = res(tokens.V2_API, "http", protocolType="HTTP")
    route = of(tokens.V2_ROUTE, "route", http)
    stage = of(tokens.V2_STAGE, "stage", http, **stage_props)
    return http, route, stage


def test_http_deployment_needs_routes_unless_auto_deployed() -> None:
    http, route, stage = http_api()
    deployment = of(tokens.V2_DEPLOYMENT, "d", http)
    assert flagged(http, route, stage, deployment) == ["d"]
    [violation] = RULE.run(graph(http, route, stage, deployment))
    assert "route(s) 'route'" in violation.message and "auto_deploy=True" in violation.message
    assert flagged(http, route, stage, of(tokens.V2_DEPLOYMENT, "d", http, deps=(route,))) == []
    for auto in (True, UNKNOWN):
        auto_http, auto_route, auto_stage = http_api(autoDeploy=auto)
        assert flagged(auto_http, auto_route, auto_stage, of(tokens.V2_DEPLOYMENT, "d", auto_http)) == []
    orphan_stage = res(tokens.V2_STAGE, "orphan", apiId=UNKNOWN)
    assert flagged(http, route, stage, deployment, orphan_stage) == []


def test_http_quick_create_is_silent() -> None:
    quick = res(tokens.V2_API, "quick", protocolType="HTTP", target="arn:aws:lambda:us-east-1:1:function:f")
    route = of(tokens.V2_ROUTE, "route", quick)
    assert flagged(quick, route, of(tokens.V2_DEPLOYMENT, "d", quick)) == []
