"""Build ResourceGraphs by hand for focused rule tests."""

from __future__ import annotations

from typing import Any

from policypack.graph import STACK_TYPE, Resource, ResourceGraph

STACK_URN = f"urn:pulumi:dev::proj::{STACK_TYPE}::proj-dev"


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:dev::proj::{type_}::{name}"


def res(type_: str, name: str, /, *, parent: str | None = STACK_URN, deps: tuple[str, ...] = (),
        prop_deps: dict[str, tuple[str, ...]] | None = None, **props: Any) -> Resource:
    """A resource parented to the stack unless told otherwise; props in camelCase."""
    return Resource(urn=urn(type_, name), type=type_, name=name, props=props, parent=parent,
                    dependencies=deps, property_dependencies=prop_deps or {})


def stack() -> Resource:
    return Resource(urn=STACK_URN, type=STACK_TYPE, name="proj-dev", custom=False)


def graph(*resources: Resource) -> ResourceGraph:
    return ResourceGraph([stack(), *resources])
