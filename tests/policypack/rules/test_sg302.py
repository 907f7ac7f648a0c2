"""Focused cases for SG302: what counts as content, deployments by URN or id, unknown relations."""

from dataclasses import replace

from policypack.graph import UNKNOWN
from policypack.knowledge import tokens
from policypack.rules.sg302_apigateway_rest_api_missing_deployment import RULE
from tests.support.graphs import graph, res, urn


def api(logical: str = "api", /, **props):
    return res(tokens.REST_API, logical, **props)


def of(type_: str, logical: str, rest, /, **props):
    """A member whose restApi depends on ``rest`` (a resource or a URN)."""
    target = rest if isinstance(rest, str) else rest.urn
    return res(type_, logical, restApi=UNKNOWN, prop_deps={"restApi": (target,)}, **props)


def flagged(*resources) -> list[str]:
    return sorted(v.resource.name for v in RULE.run(graph(*resources)))


def test_api_with_methods_needs_a_deployment() -> None:
    rest = api()
    method = of(tokens.REST_METHOD, "get", rest)
    assert flagged(rest, method) == ["api"]
    assert flagged(rest, method, of(tokens.REST_DEPLOYMENT, "d", rest)) == []
    [violation] = RULE.run(graph(rest, method))
    assert violation.message.startswith("[SG302] RestApi 'api' has methods but no aws.apigateway.Deployment")
    assert "never published" in violation.message and "Stage" in violation.message


def test_integrations_or_body_count_empty_shell_does_not() -> None:
    rest = api()
    assert flagged(rest, of(tokens.REST_INTEGRATION, "i", rest)) == ["api"]
    assert flagged(api(body=UNKNOWN)) == ["api"]
    assert flagged(api(body='{"openapi": "3.0.1", "paths": {}}')) == ["api"]
    assert flagged(api(body="")) == []
    assert flagged(api()) == []
    assert flagged(api(body=None, description="shell")) == []


def test_deployment_of_another_api_does_not_count() -> None:
    a, b = api("a"), api("b")
    assert flagged(a, b, of(tokens.REST_METHOD, "ma", a), of(tokens.REST_METHOD, "mb", b),
                   of(tokens.REST_DEPLOYMENT, "da", a)) == ["b"]
    literal_elsewhere = res(tokens.REST_DEPLOYMENT, "d", restApi="zzz999")
    assert flagged(a, of(tokens.REST_METHOD, "ma", a), literal_elsewhere) == ["a"]
    by_known_id = res(tokens.REST_DEPLOYMENT, "d", restApi="abc123")
    known = api("known", id="abc123")
    assert flagged(known, of(tokens.REST_METHOD, "m", known), by_known_id) == []


def test_deployment_with_unknown_api_keeps_every_api_silent() -> None:
    rest = api()
    method = of(tokens.REST_METHOD, "get", rest)
    assert flagged(rest, method, res(tokens.REST_DEPLOYMENT, "d", restApi=UNKNOWN)) == []
    unresolved = replace(res(tokens.REST_DEPLOYMENT, "d", restApi="x"), unresolved=frozenset({"restApi"}))
    assert flagged(rest, method, unresolved) == []
    dangling = of(tokens.REST_DEPLOYMENT, "d", urn(tokens.REST_API, "gone"))
    assert flagged(rest, method, dangling) == []


def test_member_of_api_outside_the_graph_and_garbage_do_not_crash() -> None:
    rest = api()
    assert flagged(rest, of(tokens.REST_METHOD, "orphan", urn(tokens.REST_API, "gone"))) == []
    garbage = [res(tokens.REST_METHOD, "g1", restApi=5), res(tokens.REST_DEPLOYMENT, "g2", restApi=["a"]),
               api("g3", body=12), api("g4", body={"paths": {}})]
    assert flagged(rest, of(tokens.REST_METHOD, "m", rest), *garbage) == ["api"]
