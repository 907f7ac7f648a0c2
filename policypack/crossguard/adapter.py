"""Turns the resources pulumi-policy hands a stack validation into a ResourceGraph."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from pulumi_policy import PolicyResource
from pulumi_policy.proxy import UnknownValueError

from policypack.graph import UNKNOWN, Resource, ResourceGraph


def plain(value: Any) -> Any:
    """A deep copy of a (proxied) property value with unknowns as :data:`UNKNOWN`.

    pulumi-policy wraps props in proxies that raise on unknown values; reading
    every key once here lets the checks treat unknowns as data instead.
    """
    if isinstance(value, (str, bytes, int, float, bool)) or value is None:
        return value
    if isinstance(value, Mapping):
        result = {}
        for key in value:
            try:
                result[key] = plain(value[key])
            except UnknownValueError:
                result[key] = UNKNOWN
        return result
    if isinstance(value, Sequence):
        items = []
        for index in range(len(value)):
            try:
                items.append(plain(value[index]))
            except UnknownValueError:
                items.append(UNKNOWN)
        return items
    return value  # assets and archives: opaque to every rule


class _LazyProps(Mapping[str, Any]):
    """Props converted on first read: most rules read a few props of a few types."""

    def __init__(self, proxied: Mapping[str, Any]) -> None:
        self._proxied = proxied
        self._converted: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key not in self._converted:
            try:
                self._converted[key] = plain(self._proxied[key])
            except UnknownValueError:
                self._converted[key] = UNKNOWN
        return self._converted[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._proxied)

    def __len__(self) -> int:
        return len(self._proxied)


def to_resource(policy_resource: PolicyResource) -> Resource:
    opts = policy_resource.opts
    parent = policy_resource.parent.urn if policy_resource.parent else getattr(opts, "parent", None)
    return Resource(
        urn=policy_resource.urn,
        type=policy_resource.resource_type,
        name=policy_resource.name,
        props=_LazyProps(policy_resource.props),
        parent=parent or None,
        dependencies=tuple(dep.urn for dep in policy_resource.dependencies),
        property_dependencies={
            prop: tuple(dep.urn for dep in deps)
            for prop, deps in policy_resource.property_dependencies.items()
        },
        # Only custom resources are bound to a provider; otherwise the type token decides.
        custom=True if policy_resource.provider is not None else None,
        secret_props=frozenset(getattr(opts, "additional_secret_outputs", None) or ()),
    )


def to_graph(resources: Iterable[PolicyResource]) -> ResourceGraph:
    return ResourceGraph(to_resource(resource) for resource in resources)
