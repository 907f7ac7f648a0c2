"""SG103 component-child-missing-parent (static only: implemented in
analyzers.static_rules.sg103_component_child_missing_parent)."""

from __future__ import annotations

from policypack.rules.base import AutoFix, Detector, Example, FixSafety, Rule, Severity

_STATIC = frozenset({Detector.STATIC})

RULE = Rule(
    code="SG103",
    name="component-child-missing-parent",
    severity=Severity.WARNING,
    tags=("correctness", "pulumi-components"),
    detectors=_STATIC,
    summary=(
        "Checks that resources created inside a `ComponentResource` subclass pass `parent=self` "
        "(or a parent whose chain reaches `self`) in their options."
    ),
    why=(
        "Without a parent, the engine registers the child at the root of the stack: the component "
        "is an empty shell, `depends_on=[component]` waits for none of its resources, and "
        "renaming or deleting the component leaves its real resources behind. At run time the "
        "child shows up as a root-level resource (SG101)."
    ),
    fix=(
        "Pass `opts=pulumi.ResourceOptions(parent=self)` to every child, or build the options once "
        "(`child_opts = pulumi.ResourceOptions(parent=self)`, or "
        "`pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(parent=self))`) and reuse them. "
        "Don't pass the component's own `opts` to its children."
    ),
    bad=(
        Example('''
import pulumi
import pulumi_aws as aws


class Storage(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:storage:Storage", name, None, opts)
        self.bucket = aws.s3.Bucket("assets-bucket")
        self.register_outputs({"bucket": self.bucket.id})


Storage("assets")
''', flagged=("assets-bucket",), detectors=_STATIC, note="no options at all"),
        Example('''
import pulumi
import pulumi_aws as aws


class Api(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:api:Api", name, None, opts)
        child_opts = pulumi.ResourceOptions(parent=self)
        self.role = aws.iam.Role("handler-role", assume_role_policy="{}", opts=child_opts)
        self.fn = aws.lambda_.Function(
            "handler",
            role=self.role.arn,
            runtime="python3.12",
            handler="index.handler",
            code=pulumi.FileArchive("./app"),
            opts=opts,
        )
        self.register_outputs({})


Api("api")
''', flagged=("handler",), detectors=_STATIC,
            note="the component's own opts passed on: their parent is the component's parent"),
        Example('''
import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx


class Network(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:net:Network", name, None, opts)
        self.vpc = awsx.ec2.Vpc("network-vpc", opts=pulumi.ResourceOptions(depends_on=[]))
        self.sg = aws.ec2.SecurityGroup(
            "network-sg", vpc_id=self.vpc.vpc_id, opts=pulumi.ResourceOptions(parent=self)
        )
        self.register_outputs({})


Network("main")
''', flagged=("network-vpc",), detectors=_STATIC, note="a component package's component counts too"),
        Example('''
import pulumi
import pulumi_aws as aws

shared = aws.s3.Bucket("shared")


class Logs(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:logs:Logs", name, None, opts)
        self.policy = aws.s3.BucketPolicy(
            "logs-policy", bucket=shared.id, policy="{}", opts=pulumi.ResourceOptions(parent=shared)
        )
        self.register_outputs({})


Logs("logs")
''', flagged=("logs-policy",), detectors=_STATIC,
            note="a parent outside the component: the chain never reaches self"),
    ),
    good=(
        Example('''
import pulumi
import pulumi_aws as aws


class Storage(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:storage:Storage", name, None, opts)
        self.bucket = aws.s3.Bucket("assets-bucket", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({"bucket": self.bucket.id})


Storage("assets")
''', detectors=_STATIC),
        Example('''
from pulumi import ComponentResource, ResourceOptions
import pulumi_aws as aws


class Network(ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:net:Network", name, None, opts)
        child_opts = ResourceOptions.merge(opts, ResourceOptions(parent=self))
        self.vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16", opts=child_opts)
        self.subnet = aws.ec2.Subnet(
            "subnet", vpc_id=self.vpc.id, cidr_block="10.0.1.0/24", opts=ResourceOptions(parent=self.vpc)
        )
        self.register_outputs({})


Network("main")
''', detectors=_STATIC, note="merged options, and a parent chain through self.vpc"),
        Example('''
import pulumi
import pulumi_aws as aws


class Queues(pulumi.ComponentResource):
    def __init__(self, name, names, opts=None):
        super().__init__("acme:messaging:Queues", name, None, opts)
        self._child_opts = pulumi.ResourceOptions(parent=self)
        self.queues = [self._queue(n) for n in names]
        self.register_outputs({})

    def _queue(self, queue_name):
        return aws.sqs.Queue(queue_name, opts=self._child_opts)


Queues("jobs", ["a", "b"])
''', detectors=_STATIC, note="options kept on self and used in another method"),
        Example('''
import pulumi
import pulumi_aws as aws


def child_options(component):
    return pulumi.ResourceOptions(parent=component)


class Storage(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:storage:Storage", name, None, opts)
        self.bucket = aws.s3.Bucket("assets-bucket", opts=child_options(self))
        self.register_outputs({})


Storage("assets")
''', detectors=_STATIC, note="options built by a helper the analyzer does not follow: silent"),
    ),
    references=(
        "https://www.pulumi.com/docs/iac/concepts/components/#creating-child-resources",
    ),
    autofix=AutoFix(
        # Unsafe: reparenting changes the child's URN, and `pulumi up` on a deployed stack
        # replaces (deletes and recreates) a resource whose URN changed and has no alias.
        FixSafety.UNSAFE,
        "Adds `parent=self` to the child's options: extends `opts=ResourceOptions(...)` / "
        "`opts=pulumi.ResourceOptions(...)` or the `ResourceOptions(...)` inside "
        "`ResourceOptions.merge(...)`, extends the call that builds an options variable of the "
        "method (every use of it is a child), merges it in where options come from outside the "
        "method (`ResourceOptions.merge(opts, ResourceOptions(parent=self))` for the component's own "
        "`opts` or a module-level variable, which stay as they are), or adds `opts=` when there is none. "
        "The child's URN then includes the component: on a stack that is already deployed, add "
        "`aliases=[pulumi.Alias(parent=pulumi.ROOT_STACK_RESOURCE)]` to keep the resource instead of "
        "replacing it.",
        "when the options name another parent explicitly, come from a function call or an attribute, "
        "or are passed positionally or through `**kwargs`, or when `parent=` is passed as an argument "
        "(SG401's fix moves it into the options).",
    ),
    static_check="analyzers.static_rules.sg103_component_child_missing_parent:findings",
)
