"""Turns the stack pulumi-policy hands a stack validation into a ResourceGraph: from the
``PolicyResource`` list, or straight from the ``AnalyzeStackRequest`` (see ``graph_cache``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from pulumi_policy import PolicyResource, policy
from pulumi_policy.proxy import UnknownValueError

from policypack.graph import UNKNOWN, Resource, ResourceGraph

# The servicer's module: its names are read at call time, so the conversion is the one
# the servicer itself would run (and tests can count it).
_servicer: Any = policy


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


class ConversionError(Exception):
    """pulumi-policy's own functions could not deserialise a resource's props (a malformed
    secret, say). Raised out of the analysis, as the servicer's conversion of the whole
    stack would have failed it: a rule must not swallow it and hide its findings."""


class _LazyProps(Mapping[str, Any]):
    """Props converted on first read: most rules read a few props of a few types."""

    __slots__ = ("_converted", "_keys", "_proxied")

    def __init__(self, proxied: Mapping[str, Any] | None) -> None:
        self._proxied = proxied
        self._converted: dict[str, Any] | None = None  # made on the first read (most are never read)
        self._keys: frozenset[str] | None = None

    def _props(self) -> Mapping[str, Any]:
        assert self._proxied is not None
        return self._proxied

    def _names(self) -> frozenset[str]:
        return frozenset(self._props())

    def __getitem__(self, key: str) -> Any:
        converted = self._converted
        if converted is None:
            converted = self._converted = {}
        if key not in converted:
            try:
                converted[key] = plain(self._proxied_value(key))
            except UnknownValueError:
                converted[key] = UNKNOWN
        return converted[key]

    def _proxied_value(self, key: str) -> Any:
        """The prop as pulumi-policy hands it to a policy (KeyError when absent)."""
        return self._props()[key]

    def __contains__(self, key: object) -> bool:
        # Mapping's own test reads (and converts) the value, and raises and catches a
        # KeyError for every absent prop: rules ask about absent props all the time.
        if self._keys is None:
            self._keys = self._names()
        return key in self._keys

    def get(self, key: str, default: Any = None) -> Any:
        if key in self:  # not Mapping.get: it reads the value to learn whether the key is there
            return self[key]
        return default

    def __iter__(self) -> Iterator[str]:
        return iter(self._props())

    def __len__(self) -> int:
        return len(self._props())


class _RequestProps(_LazyProps):
    """A request resource's props, each deserialised by the servicer's own functions when a
    rule first reads it (``MessageToDict``, ``deserialize_properties`` and the unknown-checking
    proxy treat every prop on its own, so one prop converted alone is what the servicer's
    conversion of the whole resource holds for it); the names need no conversion."""

    __slots__ = ("_struct",)

    def __init__(self, struct: Any) -> None:
        super().__init__(None)
        self._struct = struct

    def _proxied_value(self, key: str) -> Any:
        value = self._struct.fields[key]  # KeyError for an absent prop, as a mapping's
        try:
            proxied = _servicer.unknown_checking_proxy(
                _servicer.deserialize_properties({key: _servicer.json_format.MessageToDict(value)}))
        except Exception as error:
            raise ConversionError(f"cannot deserialise {key!r}: {type(error).__name__}: {error}") from error
        return proxied[key]  # an unknown raises UnknownValueError here, as the servicer's proxy does

    def _names(self) -> frozenset[str]:
        return frozenset(self._struct.fields)

    def __iter__(self) -> Iterator[str]:
        return iter(self._struct.fields)

    def __len__(self) -> int:
        return len(self._struct.fields)


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


def request_graph(request: Any) -> ResourceGraph:
    """The graph of an ``AnalyzeStackRequest``, equal to ``to_graph`` of the ``PolicyResource``
    list pulumi-policy's servicer would build from it (a test compares the two).

    Relations are linked as the servicer links them: a parent, dependency or property
    dependency that is not in the stack is dropped (a missing parent falls back to the
    options' parent). Each prop is converted by the servicer's own functions when a rule
    first reads it: on a large stack most resources are never looked into and rules read
    a few props of the others, and converting them all (``MessageToDict`` on every
    resource's props) was most of the pack's time and memory.
    """
    messages = request.resources
    urns = {message.urn for message in messages}
    return ResourceGraph(_from_message(message, urns) for message in messages)


def _from_message(message: Any, urns: set[str]) -> Resource:
    options = message.options
    dependencies = message.dependencies
    by_prop = message.propertyDependencies
    return Resource(
        urn=message.urn,
        type=message.type,
        name=message.name,
        props=_RequestProps(message.properties),
        parent=(message.parent if message.parent in urns else options.parent) or None,
        dependencies=tuple(urn for urn in dependencies if urn in urns) if dependencies else (),
        property_dependencies={
            prop: tuple(urn for urn in deps.urns if urn in urns) for prop, deps in by_prop.items()
        } if by_prop else {},
        custom=True if message.HasField("provider") else None,
        secret_props=frozenset(options.additionalSecretOutputs),
    )
