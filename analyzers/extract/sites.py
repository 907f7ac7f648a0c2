"""What a constructor call builds in one run, and the names shared by the evaluator's parts."""

from __future__ import annotations

from dataclasses import dataclass

from analyzers.extract import naming
from analyzers.extract.contexts import Context
from analyzers.extract.summary import CallSite, FileSummary
from analyzers.extract.values import ClassKey, Condition

PULUMI_COMPONENT_BASES = frozenset({"pulumi.ComponentResource", "pulumi.resource.ComponentResource"})

# What a constructor call builds (SiteInstance.kind): CUSTOM, naming.PROVIDER,
# naming.COMPONENT (a component package's class: awsx, ...) or LOCAL_COMPONENT.
CUSTOM = naming.CUSTOM  # a cloud resource (SDK class, or a project CustomResource subclass)
LOCAL_COMPONENT = "local-component"  # an instance of a project ComponentResource subclass


def class_node_key(key: ClassKey) -> str:
    """The node of a project component analysed without a caller (its generic instance)."""
    return f"{key[0]}#{key[1]}"


@dataclass(eq=False)
class SiteInstance:
    """A constructor call run in one context: one graph node."""

    key: str
    module: FileSummary
    index: int
    site: CallSite
    context: Context
    kind: str
    type: str
    class_key: ClassKey | None = None
    init_context: Context | None = None  # the __init__ run of a project class
    sdk_path: str | None = None  # the SDK class called ("pulumi_aws.s3.Bucket"), for its argument facts
    condition: Condition = frozenset()  # undecided branch conditions under which the call runs
