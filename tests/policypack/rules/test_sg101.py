"""Focused cases for SG101 beyond its examples."""

from policypack.graph import Resource
from policypack.rules.sg101_resource_outside_component import RULE
from tests.support.graphs import STACK_URN, graph, res, urn

COMPONENT = "acme:net:Network"


def names(violations) -> list[str]:
    return [v.resource.name for v in violations]


def test_root_resource_is_reported_with_code_prefix() -> None:
    found = RULE.run(graph(res("aws:ec2/vpc:Vpc", "vpc")))
    assert names(found) == ["vpc"]
    assert found[0].message.startswith("[SG101] ")


def test_resources_under_components_and_nested_components_pass() -> None:
    component = Resource(urn=urn(COMPONENT, "net"), type=COMPONENT, name="net", parent=STACK_URN)
    vpc = res("aws:ec2/vpc:Vpc", "vpc", parent=component.urn)
    assert RULE.run(graph(component, vpc)) == []


def test_providers_stack_references_and_components_at_root_pass() -> None:
    resources = [
        Resource(urn=urn("pulumi:providers:aws", "eu"), type="pulumi:providers:aws", name="eu",
                 parent=STACK_URN),
        Resource(urn=urn("pulumi:pulumi:StackReference", "net"), type="pulumi:pulumi:StackReference",
                 name="net", parent=STACK_URN),
        Resource(urn=urn("awsx:ec2:Vpc", "vpc"), type="awsx:ec2:Vpc", name="vpc", parent=STACK_URN),
    ]
    assert RULE.run(graph(*resources)) == []


def test_engine_provider_flag_wins_over_token_shape() -> None:
    # A custom resource whose token has no module slash (some native providers).
    odd = Resource(urn=urn("acme:index:Thing", "t"), type="acme:index:Thing", name="t",
                   parent=STACK_URN, custom=True)
    assert names(RULE.run(graph(odd))) == ["t"]


def test_allowed_types_globs() -> None:
    resources = [res("aws:s3/bucket:Bucket", "logs"), res("aws:ec2/vpc:Vpc", "vpc")]
    found = RULE.run(graph(*resources), {"allowedTypes": ["aws:s3/*"]})
    assert names(found) == ["vpc"]


def test_unknown_parent_or_dangling_parent_is_silent() -> None:
    orphan = res("aws:ec2/vpc:Vpc", "vpc", parent=None)
    dangling = res("aws:ec2/subnet:Subnet", "subnet", parent=urn(COMPONENT, "gone"))
    assert RULE.run(graph(orphan, dangling)) == []


def test_bad_option_values_do_not_crash() -> None:
    found = RULE.run(graph(res("aws:ec2/vpc:Vpc", "vpc")), {"allowedTypes": [3, None]})
    assert names(found) == ["vpc"]


def test_every_runtime_rule_accepts_ignore_resources_by_name_type_or_urn() -> None:
    from policypack.rules import runtime_rules

    assert all(any(o.name == "ignoreResources" for o in rule.options) for rule in runtime_rules())
    g = graph(res("aws:ec2/vpc:Vpc", "vpc"), res("aws:s3/bucket:Bucket", "logs"), res("aws:sqs/queue:Queue", "q"))
    found = RULE.run(g, {"ignoreResources": ["vpc", "aws:s3/*", "*::q"]})
    assert found == []
    assert len(RULE.run(g, {"ignoreResources": "vpc"})) == 3  # not a list: ignored, never a crash
