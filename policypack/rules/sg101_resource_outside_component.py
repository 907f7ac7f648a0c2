"""SG101 resource-outside-component."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping
from typing import Any

from policypack.graph import ResourceGraph
from policypack.rules.base import Example, Option, Rule, Severity, Violation

# Stack references read another stack's outputs; they are not infrastructure.
_ALWAYS_ALLOWED = ("pulumi:pulumi:StackReference",)


def check(graph: ResourceGraph, options: Mapping[str, Any]) -> Iterator[Violation]:
    allowed = [*_ALWAYS_ALLOWED, *(p for p in options.get("allowedTypes") or () if isinstance(p, str))]
    for resource in graph:
        if not resource.is_custom:
            continue
        parent = graph.parent_of(resource)
        if parent is None or not parent.is_stack:
            continue  # inside a component, or the parent is not known
        if any(fnmatch.fnmatchcase(resource.type, pattern) for pattern in allowed):
            continue
        yield RULE.violation(
            resource,
            f"{resource.type} '{resource.name}' is created at the stack root, not inside a "
            "ComponentResource: move it into a component (opts=pulumi.ResourceOptions(parent=self)) "
            "or allow its type in allowedTypes.",
        )


_GOOD_COMPONENT = '''
import pulumi
import pulumi_aws as aws


class Storage(pulumi.ComponentResource):
    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("acme:storage:Storage", name, None, opts)
        self.bucket = aws.s3.Bucket(f"{name}-bucket", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({"bucket": self.bucket.id})


storage = Storage("assets")
pulumi.export("bucket", storage.bucket.id)
'''

RULE = Rule(
    code="SG101",
    family='flat, procedural stacks (components)',
    name="resource-outside-component",
    severity=Severity.WARNING,
    tags=("maintainability", "pulumi-components"),
    summary=(
        "Checks that cloud resources are created inside a `ComponentResource` rather than "
        "directly at the root of the stack."
    ),
    why=(
        "A stack built from flat, procedural resource calls has no reusable units: the same VPC, "
        "database or API wiring is copied between stacks, can't be tested alone, and its outputs "
        "are scattered. Components group resources under one typed, versionable abstraction with "
        "registered outputs, and show up as a tree in `pulumi preview`."
    ),
    fix=(
        "Wrap related resources in a `pulumi.ComponentResource` subclass, create them with "
        "`opts=pulumi.ResourceOptions(parent=self)` and call `self.register_outputs(...)`. Types "
        "that legitimately live at the root can be listed in `allowedTypes`."
    ),
    bad=(
        Example('''
import pulumi_aws as aws

vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")
''', flagged=("vpc",), note="a resource at module level"),
        Example('''
import pulumi_aws as aws


def create_vpc_infrastructure():
    vpc = aws.ec2.Vpc("main-vpc", cidr_block="10.0.0.0/16")
    subnet = aws.ec2.Subnet("private-a", vpc_id=vpc.id, cidr_block="10.0.1.0/24")
    return vpc, subnet


create_vpc_infrastructure()
''', flagged=("main-vpc", "private-a"), note="flat procedural functions (the seed fault)"),
        Example('''
from pulumi_aws.lambda_ import Function
from pulumi_aws.iam import Role
import pulumi

role = Role("exec", assume_role_policy="{}")
fn = Function(
    "api",
    role=role.arn,
    runtime="python3.12",
    handler="index.handler",
    code=pulumi.AssetArchive({"index.py": pulumi.StringAsset("def handler(e, c): return {}")}),
)
''', flagged=("exec", "api"), note="aliased imports"),
    ),
    good=(
        Example(_GOOD_COMPONENT, note="resources parented to a component"),
        Example('''
import pulumi
import pulumi_aws as aws


def make_queue(name: str, opts: pulumi.ResourceOptions) -> aws.sqs.Queue:
    return aws.sqs.Queue(name, opts=opts)


class Messaging(pulumi.ComponentResource):
    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("acme:messaging:Messaging", name, None, opts)
        self.queue = make_queue(f"{name}-queue", pulumi.ResourceOptions(parent=self))
        self.register_outputs({"queue": self.queue.arn})


Messaging("orders")
''', note="a helper that takes the component's opts"),
        Example('''
import pulumi
import pulumi_aws as aws

provider = aws.Provider("eu", region="eu-west-1")
shared = pulumi.StackReference("acme/network/prod")
''', note="providers and stack references are not cloud resources"),
        Example('''
import pulumi_aws as aws

aws.s3.Bucket("logs")
''', config={"allowedTypes": ["aws:s3/*"]}, note="a type allowed at the root by configuration"),
    ),
    options=(
        Option(
            "allowedTypes",
            {"type": "array", "items": {"type": "string"}},
            [],
            "Type tokens (`*` globs allowed, e.g. `aws:s3/*`) that may be created at the stack root.",
        ),
    ),
    references=(
        "https://www.pulumi.com/docs/iac/concepts/resources/components/",
    ),
    check=check,
    no_autofix=(
        "moving resources into a `ComponentResource` is a design decision (which component, its "
        "type token and inputs) and changes every moved resource's URN, so Pulumi would replace "
        "them unless aliases are added. Fixes that insert resources put them next to their "
        "neighbours, so a flat program stays flat."
    ),
)
