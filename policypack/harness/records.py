"""What a capture records: resources as the engine sends them to AnalyzeStack, and the engine's wire encodings.

Plain data, standard library only: the child process, the conversion to
AnalyzeStackRequest and the offline evaluation all share it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "OUTPUT_VALUE_SIG", "RESOURCE_REF_SIG", "SECRET_SIG", "SIG_KEY", "STACK_TYPE", "UNKNOWN",
    "CaptureError", "CapturedResource", "StackCapture",
]

# Wire encodings the engine uses (sdk/go/common/resource/properties.go).
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"

STACK_TYPE = "pulumi:pulumi:Stack"


class CaptureError(Exception):
    """The program could not be run (missing file, bad Pulumi.yaml, or the program raised)."""


@dataclass(frozen=True, repr=False)
class CapturedResource:
    """One resource registration, with the fields the engine sends to AnalyzeStack."""

    type: str
    name: str
    urn: str
    custom: bool
    parent: str | None
    dependencies: tuple[str, ...]
    property_dependencies: dict[str, tuple[str, ...]]
    # Wire form: unknowns are the UNKNOWN sentinel string, secrets are
    # {SIG_KEY: SECRET_SIG, "value": ...}, numbers are floats (protobuf Struct).
    inputs: dict[str, Any]
    provider: str | None
    additional_secret_outputs: tuple[str, ...]
    protect: bool
    ignore_changes: tuple[str, ...] = ()
    delete_before_replace: bool | None = None
    read: bool = False  # a `Resource.get(...)` read of an existing resource

    def __repr__(self) -> str:
        # Inputs may hold secrets: never put them in a repr a test failure prints.
        return f"CapturedResource(type={self.type!r}, name={self.name!r}, urn={self.urn!r})"


@dataclass(frozen=True, repr=False)
class StackCapture:
    """A whole run: resources in registration order and the outputs components registered."""

    resources: list[CapturedResource]
    # URN -> outputs passed to register_outputs (wire form, like CapturedResource.inputs).
    registered_outputs: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def stack(self) -> CapturedResource:
        return next(r for r in self.resources if r.type == STACK_TYPE)

    @property
    def stack_outputs(self) -> dict[str, Any]:
        return self.registered_outputs.get(self.stack.urn, {})

    def by_urn(self) -> dict[str, CapturedResource]:
        return {r.urn: r for r in self.resources}

    def __repr__(self) -> str:
        return f"StackCapture({len(self.resources)} resources)"
