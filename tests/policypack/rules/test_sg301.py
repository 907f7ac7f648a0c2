"""Focused cases for SG301: preview unknowns, literal ARNs, qualifiers, silence on the unknowable."""

from dataclasses import replace

from policypack.graph import UNKNOWN
from policypack.knowledge import tokens
from policypack.rules.sg301_apigateway_lambda_permission_missing import RULE
from tests.support.graphs import graph, res, urn

FN_ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders"


def invoke_arn(function_arn: str) -> str:
    return f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{function_arn}/invocations"


def on(prop: str, *targets) -> dict:
    return {prop: tuple(t if isinstance(t, str) else t.urn for t in targets)}


def api(logical: str = "api", /, **props):
    return res(tokens.REST_API, logical, **props)


def handler(logical: str = "handler", /, **props):
    return res(tokens.LAMBDA_FUNCTION, logical, **props)


def integration(rest, function=None, /, logical: str = "integration", uri=UNKNOWN, **props):
    deps = {**on("restApi", rest), **(on("uri", function) if function is not None else {})}
    props = {"restApi": UNKNOWN, "type": "AWS_PROXY", **props}
    return res(tokens.REST_INTEGRATION, logical, uri=uri, prop_deps=deps, **props)


def permission(function=None, /, logical: str = "invoke", source=None, *, function_value=UNKNOWN, **props):
    deps = {}
    if function is not None:
        deps.update(on("function", function))
    if source is not None:
        deps.update(on("sourceArn", source))
        props.setdefault("sourceArn", UNKNOWN)
    props = {"action": "lambda:InvokeFunction", "principal": "apigateway.amazonaws.com", **props}
    return res(tokens.LAMBDA_PERMISSION, logical, function=function_value, prop_deps=deps, **props)


def flagged(*resources) -> list[str]:
    return sorted(v.resource.name for v in RULE.run(graph(*resources)))


def test_preview_unknown_uri_and_function_related_by_dependency() -> None:
    rest, fn = api(), handler()
    edge = integration(rest, fn)
    assert flagged(rest, fn, edge) == ["integration"]
    assert flagged(rest, fn, edge, permission(fn, source=rest)) == []


def test_message_names_function_api_symptom_and_fix() -> None:
    rest, fn = api(), handler()
    [violation] = RULE.run(graph(rest, fn, integration(rest, fn)))
    assert violation.message.startswith("[SG301] Integration 'integration' invokes Lambda function 'handler'")
    assert "from API 'api'" in violation.message
    assert "HTTP 500 \"Invalid permissions on Lambda function\"" in violation.message
    assert "source_arn" in violation.message and "credentials" in violation.message


def test_source_arn_scoped_to_other_api_does_not_cover() -> None:
    rest, other, fn = api(), api("other"), handler()
    edge = integration(rest, fn)
    assert flagged(rest, other, fn, edge, permission(fn, source=other)) == ["integration"]
    other_stage = res(tokens.REST_STAGE, "other-stage", restApi=UNKNOWN, prop_deps=on("restApi", other))
    assert flagged(rest, other, other_stage, fn, edge, permission(fn, source=other_stage)) == ["integration"]
    own_stage = res(tokens.REST_STAGE, "stage", restApi=UNKNOWN, prop_deps=on("restApi", rest))
    assert flagged(rest, own_stage, fn, edge, permission(fn, source=own_stage)) == []


def test_wrong_principal_or_action_does_not_cover() -> None:
    rest, fn = api(), handler()
    edge = integration(rest, fn)
    assert flagged(rest, fn, edge, permission(fn, principal="lambda.amazonaws.com")) == ["integration"]
    assert flagged(rest, fn, edge, permission(fn, action="lambda:GetFunction")) == ["integration"]
    assert flagged(rest, fn, edge, permission(fn, action="lambda:invokeFunction")) == []
    assert flagged(rest, fn, edge, permission(fn, action="lambda:*")) == []


def test_permission_for_another_function_does_not_cover() -> None:
    rest, fn, other = api(), handler(), handler("other")
    assert flagged(rest, fn, other, integration(rest, fn), permission(other)) == ["integration"]


def test_literal_arns_and_qualifiers() -> None:
    rest = api()
    live = integration(rest, uri=invoke_arn(f"{FN_ARN}:live"))
    plain = integration(rest, logical="plain", uri=invoke_arn(FN_ARN))
    unqualified = permission(function_value="orders")
    for_live = permission(logical="invoke-live", function_value="orders", qualifier="live")
    by_qualified_arn = permission(function_value=f"{FN_ARN}:live")
    assert flagged(rest, live, plain, unqualified) == ["integration"]
    assert flagged(rest, live, plain, for_live) == ["plain"]
    assert flagged(rest, live, plain, by_qualified_arn) == ["plain"]
    assert flagged(rest, live, plain, unqualified, for_live) == []
    assert flagged(rest, plain, permission(function_value="payments")) == ["plain"]


def test_literal_function_name_matches_function_resource_of_that_name() -> None:
    rest, fn = api(), handler(name="orders")
    edge = integration(rest, uri=invoke_arn(FN_ARN))
    assert flagged(rest, fn, edge, permission(fn)) == []
    assert flagged(rest, fn, integration(rest, fn), permission(function_value="orders")) == []
    renamed = handler(name="payments")
    assert flagged(rest, renamed, integration(rest, renamed), permission(function_value="orders")) == [
        "integration"]


def test_alias_edge_needs_alias_permission() -> None:
    rest, fn = api(), handler(name="orders")
    alias = res(tokens.LAMBDA_ALIAS, "live", name="live", functionName=UNKNOWN, prop_deps=on("functionName", fn))
    edge = integration(rest, alias)
    assert flagged(rest, fn, alias, edge, permission(function_value="orders")) == ["integration"]
    assert flagged(rest, fn, alias, edge, permission(alias)) == []
    assert flagged(rest, fn, alias, edge, permission(function_value="orders", qualifier="live")) == []


def test_unknowable_permission_fields_keep_silent() -> None:
    rest, fn = api(), handler()
    edge = integration(rest, fn)
    assert flagged(rest, fn, edge, permission()) == []  # function unknown, no dependency
    assert flagged(rest, fn, edge, permission(fn, principal=UNKNOWN, action=UNKNOWN)) == []
    assert flagged(rest, fn, edge, permission(fn, sourceArn=UNKNOWN)) == []
    other = api("other")
    unresolved = replace(permission(fn, source=other), unresolved=frozenset({"sourceArn"}))
    assert flagged(rest, other, fn, edge, unresolved) == []
    wrong_fn = replace(permission(handler("x"), function_value="x"), unresolved=frozenset({"function"}))
    assert flagged(rest, fn, edge, wrong_fn) == []


def test_credentials_exempt_the_edge() -> None:
    rest, fn = api(), handler()
    assert flagged(rest, fn, integration(rest, fn, credentials="arn:aws:iam::123456789012:role/r")) == []
    assert flagged(rest, fn, integration(rest, fn, credentials=UNKNOWN)) == []
    quick = res(tokens.V2_API, "quick", protocolType="HTTP", target=UNKNOWN, credentialsArn=UNKNOWN,
                prop_deps=on("target", fn))
    assert flagged(fn, quick) == []


def test_body_api_reported_once_listing_each_function() -> None:
    a, b = handler("a"), handler("b")
    rest = api(body=UNKNOWN, prop_deps=on("body", a, b))
    [violation] = RULE.run(graph(a, b, rest))
    assert violation.resource is rest and "'a', 'b'" in violation.message
    assert flagged(a, b, rest, permission(a, source=rest)) == ["api"]
    assert flagged(a, b, rest, permission(a, source=rest), permission(b, "invoke-b", source=rest)) == []


def test_v2_integration_and_quick_create() -> None:
    fn = handler()
    http = res(tokens.V2_API, "http", protocolType="HTTP")
    v2 = res(tokens.V2_INTEGRATION, "v2", apiId=UNKNOWN, integrationType="AWS_PROXY", integrationUri=UNKNOWN,
             prop_deps={**on("apiId", http), **on("integrationUri", fn)})
    quick = res(tokens.V2_API, "quick", protocolType="HTTP", target=UNKNOWN, prop_deps=on("target", fn))
    assert flagged(fn, http, v2, quick) == ["quick", "v2"]
    assert flagged(fn, http, v2, quick, permission(fn, source=http)) == ["quick"]
    assert flagged(fn, http, v2, quick, permission(fn)) == []  # unscoped: SG305's business


def test_dangling_urns_do_not_crash() -> None:
    rest = api()
    gone_fn = urn(tokens.LAMBDA_FUNCTION, "gone")
    edge = integration(rest, gone_fn)
    assert flagged(rest, edge) == []  # the function is not in the graph: no edge
    fn = handler()
    dangling_perm = permission(gone_fn)  # may name any function
    assert flagged(rest, fn, integration(rest, fn), dangling_perm) == []
    orphan = integration(urn(tokens.REST_API, "gone-api"), fn)
    assert flagged(fn, orphan) == ["integration"]


def test_garbage_values_do_not_crash() -> None:
    rest, fn = api(), handler()
    garbage = [
        integration(rest, logical="g1", uri=42, type="AWS_PROXY"),
        integration(rest, logical="g2", uri=["x"], type={"t": 1}),
        res(tokens.V2_INTEGRATION, "g3", integrationType=7, integrationUri={"a": 1}),
        res(tokens.V2_API, "g4", target=3.5),
        api("g5", body={"paths": {}}),
        api("g6", body="paths: [unterminated"),
        res(tokens.LAMBDA_PERMISSION, "g7", function=["orders"], action=None, principal=5, sourceArn={"x": 1}),
        res(tokens.LAMBDA_PERMISSION, "g8"),
        res(tokens.LAMBDA_ALIAS, "g9", name=5, functionName=7),
    ]
    assert flagged(rest, fn, integration(rest, fn), *garbage) == ["integration"]


def test_literal_function_from_a_secret_value_is_not_printed() -> None:
    rest = api()
    edge = replace(integration(rest, uri=invoke_arn(f"{FN_ARN}:live")), secret_props=frozenset({"uri"}))
    [violation] = RULE.run(graph(rest, edge))
    assert "orders" not in violation.message and "live" not in violation.message
    assert "[secret]" in violation.message
