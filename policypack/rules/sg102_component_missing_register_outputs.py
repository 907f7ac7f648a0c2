"""SG102 component-missing-register-outputs (static only: implemented in
analyzers.static_rules.sg102_component_missing_register_outputs)."""

from __future__ import annotations

from policypack.rules.base import AutoFix, Detector, Example, FixSafety, Rule, Severity

_STATIC = frozenset({Detector.STATIC})

RULE = Rule(
    code="SG102",
    name="component-missing-register-outputs",
    severity=Severity.WARNING,
    tags=("correctness", "pulumi-components"),
    detectors=_STATIC,
    summary=(
        "Checks that every `ComponentResource` subclass calls `self.register_outputs(...)` in its "
        "constructor, directly or in a method the constructor calls."
    ),
    why=(
        "Until `register_outputs` is called, the engine considers the component still being created: "
        "its outputs are not saved in the stack's state, `pulumi stack output` and stack references "
        "can't see them, and the component shows as 'creating' until the whole program finishes. "
        "Components are the unit of reuse; one that never completes is not reusable."
    ),
    fix=(
        "End the constructor with `self.register_outputs({...})`, passing the outputs the component "
        "exposes (an empty dict when it exposes none)."
    ),
    bad=(
        Example('''
import pulumi
import pulumi_aws as aws


class Storage(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:storage:Storage", name, None, opts)
        self.bucket = aws.s3.Bucket(f"{name}-bucket", opts=pulumi.ResourceOptions(parent=self))


Storage("assets")
''', flagged=("Storage",), detectors=_STATIC, note="outputs set as attributes but never registered"),
        Example('''
from pulumi import ComponentResource, ResourceOptions
import pulumi_aws as aws


class Queue(ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:messaging:Queue", name, None, opts)
        self._build(name)

    def _build(self, name):
        self.queue = aws.sqs.Queue(name, opts=ResourceOptions(parent=self))

    def finish(self):
        self.register_outputs({"url": self.queue.url})


Queue("jobs")
''', flagged=("Queue",), detectors=_STATIC,
            note="register_outputs sits in a method the constructor never calls"),
        Example('''
import pulumi as p
import pulumi_aws as aws


class Base(p.ComponentResource):
    pass


class Network(Base):
    def __init__(self, name, opts=None):
        super().__init__("acme:net:Network", name, None, opts)
        self.vpc = aws.ec2.Vpc(f"{name}-vpc", cidr_block="10.0.0.0/16", opts=p.ResourceOptions(parent=self))


Network("main")
''', flagged=("Network",), detectors=_STATIC, note="a ComponentResource through a project base class"),
    ),
    good=(
        Example('''
import pulumi
import pulumi_aws as aws


class Storage(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:storage:Storage", name, None, opts)
        self.bucket = aws.s3.Bucket(f"{name}-bucket", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({"bucket": self.bucket.id})


Storage("assets")
''', detectors=_STATIC),
        Example('''
from pulumi import ComponentResource, ResourceOptions
import pulumi_aws as aws


class Queue(ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:messaging:Queue", name, None, opts)
        self._build(name)

    def _build(self, name):
        self.queue = aws.sqs.Queue(name, opts=ResourceOptions(parent=self))
        self._finish()

    def _finish(self):
        self.register_outputs({"url": self.queue.url})


Queue("jobs")
''', detectors=_STATIC, note="reached through two method calls"),
        Example('''
import pulumi
import pulumi_aws as aws


class Base(pulumi.ComponentResource):
    def __init__(self, token, name, opts=None):
        super().__init__(token, name, None, opts)
        self.build(name)
        self.register_outputs({})

    def build(self, name):
        pass


class Storage(Base):
    def __init__(self, name, opts=None):
        super().__init__("acme:storage:Storage", name, opts)

    def build(self, name):
        self.bucket = aws.s3.Bucket(f"{name}-bucket", opts=pulumi.ResourceOptions(parent=self))


Storage("assets")
''', detectors=_STATIC, note="the base constructor registers outputs for every subclass"),
        Example('''
import pulumi


def finish(component, outputs):
    component.register_outputs(outputs)


class Tagged(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("acme:misc:Tagged", name, None, opts)
        finish(self, {})


Tagged("t")
''', detectors=_STATIC, note="self handed to a helper: the analyzer can't tell, so it stays silent"),
    ),
    references=(
        "https://www.pulumi.com/docs/iac/concepts/components/#registering-component-outputs",
    ),
    autofix=AutoFix(
        FixSafety.SAFE,
        "Adds `self.register_outputs({...})` as the last statement of `__init__`, registering the "
        "attributes `__init__` sets on `self` that hold resources (their `id`) or resource outputs, "
        "in the order they are set (an empty dict when there are none).",
        "when `__init__` returns early, has a one-line body or is inherited, or when another method "
        "of the class already calls `register_outputs` (the author meant it to be called there).",
    ),
    static_check="analyzers.static_rules.sg102_component_missing_register_outputs:findings",
)
