"""Build the analyzer messages the Pulumi engine sends, by hand."""

from __future__ import annotations

from typing import Any

from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2

from tests.support.graphs import STACK_URN, urn

# The engine's wire sentinel for an unknown (computed) value.
UNKNOWN_WIRE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
STACK_TYPE = "pulumi:pulumi:Stack"


def resource(type_: str, name: str, props: dict[str, Any] | None = None, *, parent: str | None = STACK_URN,
             deps: tuple[str, ...] = (), prop_deps: dict[str, tuple[str, ...]] | None = None,
             custom: bool = True) -> analyzer_pb2.AnalyzerResource:
    struct = struct_pb2.Struct()
    struct.update(props or {})
    message = analyzer_pb2.AnalyzerResource(
        type=type_, name=name, urn=urn(type_, name), properties=struct, parent=parent or "",
        dependencies=list(deps),
    )
    for key, urns in (prop_deps or {}).items():
        message.propertyDependencies[key].urns.extend(urns)
    if custom:
        message.provider.CopyFrom(analyzer_pb2.AnalyzerProviderResource(
            type="pulumi:providers:aws", name="default", urn=urn("pulumi:providers:aws", "default")))
    return message


def stack_request(*resources: analyzer_pb2.AnalyzerResource) -> analyzer_pb2.AnalyzeStackRequest:
    root = analyzer_pb2.AnalyzerResource(type=STACK_TYPE, name="proj-dev", urn=STACK_URN)
    return analyzer_pb2.AnalyzeStackRequest(resources=[root, *resources])
