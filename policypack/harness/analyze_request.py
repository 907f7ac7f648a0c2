"""Conversion of a capture to the AnalyzeStackRequest the engine would send a policy pack."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2

from policypack.harness.records import CapturedResource

__all__ = ["to_analyze_stack_request"]


def _struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    json_format.ParseDict(dict(values), struct)
    return struct


def _provider_urn(reference: str) -> str:
    # Provider references are "<urn>::<id>".
    return reference.rsplit("::", 1)[0]


def to_analyze_stack_request(resources: Sequence[CapturedResource]) -> analyzer_pb2.AnalyzeStackRequest:
    """The AnalyzeStack request the engine would send for ``resources``.

    Properties are the registered inputs in the engine's encoding (unknown
    sentinel, secret signature objects). The engine sends each resource's
    outputs, which during a preview create are these inputs as the provider's
    Check returned them; providers may add computed values that are absent
    here. A resource's ``provider`` is filled in when the program registered
    that provider explicitly (the engine's default providers are not seen).
    """
    by_urn = {r.urn: r for r in resources}
    request = analyzer_pb2.AnalyzeStackRequest()
    for r in resources:
        options = analyzer_pb2.AnalyzerResourceOptions(
            protect=r.protect, ignoreChanges=list(r.ignore_changes),
            deleteBeforeReplace=bool(r.delete_before_replace),
            deleteBeforeReplaceDefined=r.delete_before_replace is not None,
            additionalSecretOutputs=list(r.additional_secret_outputs), parent=r.parent or "",
        )
        item = analyzer_pb2.AnalyzerResource(
            type=r.type, properties=_struct(r.inputs), urn=r.urn, name=r.name, options=options,
            parent=r.parent or "", dependencies=list(r.dependencies),
            propertyDependencies={k: analyzer_pb2.AnalyzerPropertyDependencies(urns=list(v))
                                  for k, v in r.property_dependencies.items()},
        )
        provider = by_urn.get(_provider_urn(r.provider)) if r.provider else None
        if provider is not None:
            item.provider.CopyFrom(analyzer_pb2.AnalyzerProviderResource(
                type=provider.type, properties=_struct(provider.inputs), urn=provider.urn, name=provider.name))
        request.resources.append(item)
    return request
