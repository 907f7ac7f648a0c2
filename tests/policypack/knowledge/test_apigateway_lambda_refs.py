"""Lambda function references: parsing, identity across graph and literals, the Permission index."""

from dataclasses import replace

import pytest

from policypack.graph import UNKNOWN
from policypack.knowledge import tokens
from policypack.knowledge.lambda_permissions import (
    ANY_FUNCTION,
    LiteralFunction,
    PermissionIndex,
    function_ref,
    grant_of,
    parse_function_reference,
    parse_invoke_arn,
    parse_lambda_uri,
)
from tests.support.graphs import graph, res

ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders"
INVOKE = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{ARN}/invocations"


@pytest.mark.parametrize(("text", "expected"), [
    ("orders", LiteralFunction("orders", None)),
    ("orders:live", LiteralFunction("orders", "live")),
    ("orders:$LATEST", LiteralFunction("orders", None)),
    ("123456789012:function:orders:7", LiteralFunction("orders", "7")),
    (ARN, LiteralFunction("orders", None)),
    (f"{ARN}:live", LiteralFunction("orders", "live")),
    (f" {ARN} ", LiteralFunction("orders", None)),
    (f"{ARN}:${{stageVariables.alias}}", LiteralFunction("orders", None, qualifier_known=False)),
    ("arn:aws:lambda:us-east-1:123456789012:function:${stageVariables.fn}",
     LiteralFunction(None, None, qualifier_known=False)),
])
def test_parse_function_reference(text, expected) -> None:
    assert parse_function_reference(text) == expected


@pytest.mark.parametrize("text", ["", "arn:aws:s3:::bucket", "a/b", "arn:aws:lambda:us-east-1:1:layer:x"])
def test_parse_function_reference_rejects_other_strings(text) -> None:
    assert parse_function_reference(text) is None


def test_parse_invoke_arn_forms() -> None:
    assert parse_invoke_arn(INVOKE) == LiteralFunction("orders", None)
    assert parse_invoke_arn(INVOKE.replace("orders/", "orders:live/")) == LiteralFunction("orders", "live")
    streaming = (f"arn:aws:apigateway:us-east-1:lambda:path/2021-11-15/functions/{ARN}"
                 "/response-streaming-invocations")
    assert parse_invoke_arn(streaming) == LiteralFunction("orders", None)
    dynamic = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${stageVariables.fn}/invocations"
    assert parse_invoke_arn(dynamic) == LiteralFunction(None, None, qualifier_known=False)
    assert parse_invoke_arn(ARN) is None
    assert parse_invoke_arn("arn:aws:apigateway:us-east-1:s3:path/bucket/key") is None


def test_parse_lambda_uri_takes_function_or_invoke_arn() -> None:
    assert parse_lambda_uri(ARN) == parse_lambda_uri(INVOKE) == LiteralFunction("orders", None)
    assert parse_lambda_uri("https://example.com") is None


def fn(logical: str, /, **props):
    return res(tokens.LAMBDA_FUNCTION, logical, **props)


def integration(logical: str, uri, deps=()):
    return res(tokens.REST_INTEGRATION, logical, uri=uri, prop_deps={"uri": tuple(deps)} if deps else None)


def test_function_ref_by_dependency_while_value_unknown() -> None:
    handler = fn("handler")
    edge = integration("i", UNKNOWN, [handler.urn])
    ref = function_ref(graph(handler, edge), edge, "uri", parse_invoke_arn)
    assert ref is not None and [f.name for f in ref.functions] == ["handler"]
    assert ref.unnamed and not ref.qualifier_known  # f"{fn.arn}:live" would look the same


def test_function_ref_through_alias_takes_alias_name_as_qualifier() -> None:
    handler = fn("handler", name="orders")
    alias = res(tokens.LAMBDA_ALIAS, "live", name="live", functionName=UNKNOWN,
                prop_deps={"functionName": (handler.urn,)})
    edge = integration("i", UNKNOWN, [alias.urn])
    ref = function_ref(graph(handler, alias, edge), edge, "uri", parse_invoke_arn)
    assert ref.functions == (handler,) and ref.names == {"orders"}
    assert ref.qualifier_known and ref.qualifier == "live"


def test_function_ref_alias_of_unknown_function_could_be_any() -> None:
    alias = res(tokens.LAMBDA_ALIAS, "live", name="live", functionName=UNKNOWN)
    edge = integration("i", UNKNOWN, [alias.urn])
    assert function_ref(graph(alias, edge), edge, "uri", parse_invoke_arn) is ANY_FUNCTION


def test_function_ref_literal_and_absent() -> None:
    edge = integration("i", INVOKE.replace("orders/", "orders:3/"))
    ref = function_ref(graph(edge), edge, "uri", parse_invoke_arn)
    assert ref.literal_names == {"orders"} and ref.qualifier == "3" and ref.qualifier_known
    for value in (None, UNKNOWN, 42, ["x"], {"a": 1}, "https://example.com"):
        other = integration("o", value)
        assert function_ref(graph(other), other, "uri", parse_invoke_arn) is None


def test_function_ref_dangling_dependency_is_no_function() -> None:
    edge = integration("i", UNKNOWN, ["urn:pulumi:dev::proj::aws:lambda/function:Function::gone"])
    assert function_ref(graph(edge), edge, "uri", parse_invoke_arn) is None


def permission(logical: str, function, deps=(), /, **props):
    props = {"action": "lambda:InvokeFunction", "principal": "apigateway.amazonaws.com", **props}
    return res(tokens.LAMBDA_PERMISSION, logical, function=function,
               prop_deps={"function": tuple(deps)} if deps else None, **props)


def test_same_function_by_urn_by_name_and_by_unknown_name() -> None:
    named = fn("named", name="orders")
    unnamed = fn("unnamed")
    g = graph(named, unnamed)
    by_urn = grant_of(g, permission("p1", UNKNOWN, [named.urn])).function
    by_name = grant_of(g, permission("p2", "orders")).function
    by_arn = grant_of(g, permission("p3", f"{ARN}")).function
    other_name = grant_of(g, permission("p4", "payments")).function
    to_unnamed = grant_of(g, permission("p5", UNKNOWN, [unnamed.urn])).function
    assert by_urn.may_be_same_function(by_name) and by_name.may_be_same_function(by_arn)
    assert not by_urn.may_be_same_function(other_name)
    assert not by_urn.may_be_same_function(to_unnamed)  # two Function resources are two functions
    assert to_unnamed.may_be_same_function(other_name)  # its generated name is not known


def test_permission_qualifier_from_prop_arn_or_unknown() -> None:
    g = graph()
    assert grant_of(g, permission("p", "orders", qualifier="live")).function.qualifier == "live"
    assert grant_of(g, permission("p", f"{ARN}:7")).function.qualifier == "7"
    assert grant_of(g, permission("p", "orders", qualifier="$LATEST")).function.qualifier is None
    assert not grant_of(g, permission("p", "orders", qualifier=UNKNOWN)).function.qualifier_known
    assert not grant_of(g, permission("p", "orders", qualifier=5)).function.qualifier_known


def test_permission_with_unpinnable_function_could_be_any() -> None:
    g = graph()
    assert grant_of(g, permission("p", UNKNOWN)).function.anything
    assert grant_of(g, permission("p", 42)).function.anything
    unresolved = replace(permission("p", "orders"), unresolved=frozenset({"function"}))
    assert grant_of(g, unresolved).function.anything


def test_grant_action_and_principal_matching() -> None:
    g = graph()
    for action, allowed in (("lambda:invokeFunction", True), ("LAMBDA:*", True), ("*", True),
                            (UNKNOWN, True), ("lambda:InvokeFunctionUrl", False), (7, False)):
        assert grant_of(g, permission("p", "f", action=action)).may_allow_invoke is allowed, action
    for principal, allowed in (("APIGateway.amazonaws.com", True), ("*", True), (UNKNOWN, True),
                               ("apigateway.amazonaws.com.cn", False), ("lambda.amazonaws.com", False),
                               (["apigateway.amazonaws.com"], False)):
        grant = grant_of(g, permission("p", "f", principal=principal))
        assert grant.may_allow_principal("apigateway.amazonaws.com") is allowed, principal


def test_permission_index_finds_candidates_without_scanning() -> None:
    named = fn("named", name="orders")
    unnamed = fn("unnamed")
    p_urn = permission("p-urn", UNKNOWN, [named.urn])
    p_name = permission("p-name", "payments")
    p_any = permission("p-any", UNKNOWN)
    p_unnamed = permission("p-unnamed", UNKNOWN, [unnamed.urn])
    g = graph(named, unnamed, p_urn, p_name, p_any, p_unnamed)
    index = PermissionIndex(g)

    def names(target):
        return sorted(grant.permission.name for grant in index.candidates(target))

    edge = integration("e1", UNKNOWN, [named.urn])
    assert names(function_ref(g, edge, "uri", parse_invoke_arn)) == ["p-any", "p-urn"]
    literal = integration("e2", INVOKE.replace("orders", "payments"))
    assert names(function_ref(g, literal, "uri", parse_invoke_arn)) == ["p-any", "p-name", "p-unnamed"]
    to_unnamed = integration("e3", UNKNOWN, [unnamed.urn])
    assert names(function_ref(g, to_unnamed, "uri", parse_invoke_arn)) == ["p-any", "p-name", "p-unnamed"]
