"""The recording monitor: the SDK's mock monitor, recording every registration with an engine-shaped URN."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import Any

import pulumi
from google.protobuf import json_format, struct_pb2
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.proto import resource_pb2

from policypack.harness.records import (
    OUTPUT_VALUE_SIG,
    RESOURCE_REF_SIG,
    SECRET_SIG,
    SIG_KEY,
    STACK_TYPE,
    UNKNOWN,
    CapturedResource,
)

__all__ = ["RecordingMonitor"]


def _wire(struct: struct_pb2.Struct) -> dict[str, Any]:
    """A Struct as a dict in the engine's analyzer encoding (resource refs become id / URN)."""
    return _drop_resource_refs(json_format.MessageToDict(struct))


def _drop_resource_refs(value: Any) -> Any:
    # The engine marshals analyzer properties without KeepResources: a reference
    # becomes the resource's id (custom) or URN (component); pulumi_policy
    # cannot decode the reference signature at all.
    if isinstance(value, list):
        return [_drop_resource_refs(v) for v in value]
    if isinstance(value, dict):
        sig = value.get(SIG_KEY)
        if sig == RESOURCE_REF_SIG:
            if "id" in value:
                return value["id"] if value["id"] != "" else UNKNOWN
            return value.get("urn", UNKNOWN)
        if sig == OUTPUT_VALUE_SIG:
            inner = value.get("value", UNKNOWN)
            inner = _drop_resource_refs(inner)
            return {SIG_KEY: SECRET_SIG, "value": inner} if value.get("secret") else inner
        return {k: _drop_resource_refs(v) for k, v in value.items()}
    return value


def _qualified_type(urn: str) -> str:
    return urn.split("::")[2] if urn.count("::") >= 3 else ""


class RecordingMonitor(MockMonitor):
    """The SDK's mock monitor, recording requests and minting engine-shaped URNs."""

    # With resource references on, an output holding a resource (e.g. a Stage's
    # `deployment=dep`) is rehydrated through a resource read that the mock
    # monitor cannot answer on the program's loop, and the run never ends.
    # Without them the SDK sends the resource's id, as the analyzer sees it anyway.
    # (The SDK reads features from GetDeploymentInfo; SupportsFeature is only its
    # fallback for monitors without it.)
    def GetDeploymentInfo(self, request: object) -> resource_pb2.DeploymentInfo:
        info = super().GetDeploymentInfo(request)
        kept = [f for f in info.supportedFeatures if f != resource_pb2.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES]
        return resource_pb2.DeploymentInfo(supportedFeatures=kept)

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self._lock = threading.Lock()
        self.captured: list[CapturedResource] = []
        self._registered: set[str] = set()
        self.duplicate_urn: str | None = None
        self.registered_outputs: dict[str, dict[str, Any]] = {}
        # The base monitor creates an event loop in each executor thread it runs
        # on; they are closed after the run so none leaks into the caller.
        self.thread_loops: set[asyncio.AbstractEventLoop] = set()

    def _track_thread_loop(self) -> None:
        with contextlib.suppress(RuntimeError):
            loop = asyncio.get_event_loop_policy().get_event_loop()
            with self._lock:
                self.thread_loops.add(loop)

    def close_thread_loops(self) -> None:
        for loop in self.thread_loops:
            if not loop.is_running() and not loop.is_closed():
                loop.close()
        self.thread_loops.clear()

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        # The engine qualifies a child's type with its parent's whole qualified
        # type chain, except for children of the stack (resource/urn.go NewURN).
        parent_type = _qualified_type(parent) if parent else ""
        if parent_type and parent_type != STACK_TYPE:
            type_ = f"{parent_type}${type_}"
        stack, project = pulumi_settings.get_stack(), pulumi_settings.get_project()
        return f"urn:pulumi:{stack}::{project}::{type_}::{name}"

    def _record(self, resource: CapturedResource) -> None:
        with self._lock:
            self.captured.append(resource)

    def RegisterResource(self, request: resource_pb2.RegisterResourceRequest) -> resource_pb2.RegisterResourceResponse:
        urn = self.make_urn(request.parent, request.type, request.name)
        with self._lock:
            # The engine fails the deployment here (the run reports it when it
            # ends); two registrations under one URN would let one stand in
            # for the other in the graph.
            if urn in self._registered and self.duplicate_urn is None:
                self.duplicate_urn = urn
            self._registered.add(urn)
        self._record(CapturedResource(
            type=request.type,
            name=request.name,
            urn=urn,
            custom=bool(request.custom),
            parent=request.parent or None,
            dependencies=tuple(request.dependencies),
            property_dependencies={k: tuple(v.urns) for k, v in request.propertyDependencies.items()},
            inputs=_wire(request.object),
            provider=request.provider or None,
            additional_secret_outputs=tuple(request.additionalSecretOutputs),
            protect=bool(request.protect),
            ignore_changes=tuple(request.ignoreChanges),
            delete_before_replace=request.deleteBeforeReplace if request.deleteBeforeReplaceDefined else None,
        ))
        try:
            return super().RegisterResource(request)
        finally:
            self._track_thread_loop()

    def Invoke(self, request: resource_pb2.ResourceInvokeRequest) -> resource_pb2.ResourceInvokeResponse:
        try:
            return super().Invoke(request)
        finally:
            self._track_thread_loop()

    def ReadResource(self, request: resource_pb2.ReadResourceRequest) -> resource_pb2.ReadResourceResponse:
        try:
            response = super().ReadResource(request)
        finally:
            self._track_thread_loop()
        self._record(CapturedResource(
            type=request.type, name=request.name, urn=response.urn, custom=True,
            parent=request.parent or None, dependencies=tuple(request.dependencies),
            property_dependencies={}, inputs=_wire(request.properties), provider=request.provider or None,
            additional_secret_outputs=tuple(request.additionalSecretOutputs), protect=False, read=True,
        ))
        return response

    def RegisterResourceOutputs(self, request: resource_pb2.RegisterResourceOutputsRequest) -> object:
        with self._lock:
            self.registered_outputs[request.urn] = _wire(request.outputs)
        return super().RegisterResourceOutputs(request)
