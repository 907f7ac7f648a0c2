"""Focused cases for SG305: principals, source scoping, wildcards, unknowns and secrets."""

from dataclasses import replace

import pytest

from policypack.graph import UNKNOWN
from policypack.knowledge import tokens
from policypack.rules.sg305_lambda_permission_source_unscoped import RULE
from tests.support.graphs import graph, res

APIGW = "apigateway.amazonaws.com"


def permission(principal=APIGW, /, prop_deps=None, **props):
    props = {"action": "lambda:InvokeFunction", "function": "orders", **props}
    return res(tokens.LAMBDA_PERMISSION, "p", principal=principal, prop_deps=prop_deps, **props)


def messages(*resources) -> list[str]:
    return [v.message for v in RULE.run(graph(*resources))]


@pytest.mark.parametrize(("resource", "fragment"), [
    (permission(), "lets service principal 'apigateway.amazonaws.com' invoke the function without source_arn"),
    (permission("S3.amazonaws.com"), "any s3 resource in any account"),
    (permission("*"), "lets principal '*' invoke the function"),
    (permission("*", action="lambda:InvokeFunctionUrl", functionUrlAuthType="AWS_IAM"), "principal '*'"),
    (permission(sourceArn="arn:aws:execute-api:us-east-1:*:*/*/*"), "with a wildcard account"),
    (permission(sourceArn="arn:aws:execute-api:us-east-1:123456789012:*/*/*"), "with a wildcard API id"),
    (permission(sourceArn="arn:aws:execute-api:*"), "a wildcard that spans the account"),
    (permission("*", sourceArn="*"), "a wildcard that spans the account"),
    (permission("*", sourceArn="arn:aws:execute-api:us-east-1:123456789012:abc123/*/*"),
     "grants principal '*' instead of the calling service"),
    (permission("*", sourceAccount="123456789012"), "grants principal '*'"),
    (permission("*", action=UNKNOWN), "lets principal '*' invoke the function"),
    (permission("*", invokedViaFunctionUrl=False), "lets principal '*' invoke the function"),
    (permission("sns.amazonaws.com", sourceArn="arn:aws:sns:us-east-1:*:alerts"), "a wildcard account"),
])
def test_unscoped_permissions(resource, fragment) -> None:
    [message] = messages(resource)
    assert message.startswith("[SG305] Permission 'p' ") and fragment in message
    assert "source_arn" in message


@pytest.mark.parametrize("resource", [
    permission(sourceArn="arn:aws:execute-api:us-east-1:123456789012:abc123/*/*"),
    permission(sourceArn="arn:aws:execute-api:us-east-1:123456789012:abc123*"),  # execution_arn + "*"
    permission(sourceArn=UNKNOWN, prop_deps={"sourceArn": ("urn:pulumi:dev::proj::x::api",)}),
    permission(sourceArn=UNKNOWN),
    permission("s3.amazonaws.com", sourceAccount="123456789012"),
    permission("s3.amazonaws.com", sourceArn="arn:aws:s3:::uploads"),
    permission("*", principalOrgId="o-abc123"),
    permission("*", action="lambda:InvokeFunctionUrl", functionUrlAuthType="NONE"),
    permission("*", invokedViaFunctionUrl=True),
    permission("*", action=UNKNOWN, functionUrlAuthType="NONE"),
    replace(permission("*", functionUrlAuthType="NONE"), unresolved=frozenset({"action"})),
    permission("123456789012"),
    permission("arn:aws:iam::123456789012:role/caller"),
    permission(UNKNOWN),
    permission(["apigateway.amazonaws.com"]),
    permission(None),
    replace(permission(), unresolved=frozenset({"sourceArn"})),
    replace(permission("*"), unresolved=frozenset({"principal"})),
    replace(permission(sourceArn="arn:aws:execute-api:*"), unresolved=frozenset({"sourceArn"})),
])
def test_scoped_or_unknowable_permissions_pass(resource) -> None:
    assert messages(resource) == []


def test_one_violation_per_permission_and_secret_source_is_redacted() -> None:
    secret = replace(permission("*", sourceArn="arn:aws:execute-api:us-east-1:*:abc/*"),
                     secret_props=frozenset({"sourceArn"}))
    [message] = messages(secret)
    assert "[secret]" in message and "abc/" not in message


def test_garbage_values_do_not_crash() -> None:
    odd = [permission(sourceArn=5), permission(sourceArn=["x"]), permission("*", action=3),
           permission("*", functionUrlAuthType=["NONE"], action="lambda:InvokeFunctionUrl")]
    assert len(messages(*[replace(p, urn=f"{p.urn}{i}") for i, p in enumerate(odd)])) == 2
