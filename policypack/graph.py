"""The neutral resource graph both detectors evaluate rules on.

The policy pack builds it from the resources the Pulumi engine sends to
``AnalyzeStack``; the static analyzer builds it from source. Property names are
the engine's camelCase names (``engineVersion``), and any value may be
:data:`UNKNOWN` (an output not known during preview, or an expression the
static analyzer could not evaluate). Rules relate resources through URNs
(``parent``, ``dependencies``, ``property_dependencies``) first, because those
are known even when values are not.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

STACK_TYPE = "pulumi:pulumi:Stack"
PROVIDER_TYPE_PREFIX = "pulumi:providers:"


class _Unknown:
    """A value that cannot be known (yet). Never equal to anything but itself."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<unknown>"

    def __reduce__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


def is_known(value: Any) -> bool:
    """True when ``value`` is present and not :data:`UNKNOWN` (shallow check)."""
    return value is not None and value is not UNKNOWN


def known_str(value: Any) -> str | None:
    """``value`` if it is a known, non-empty string, else None."""
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class SourceLocation:
    """Where the static analyzer found a resource (1-based lines and columns)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class Resource:
    """One resource registration, as the engine (or the analyzer) sees it."""

    urn: str
    type: str
    name: str
    props: Mapping[str, Any] = field(default_factory=dict)
    parent: str | None = None
    dependencies: tuple[str, ...] = ()
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # True for a custom (cloud) resource, False for a component, None when the
    # source of the graph cannot tell (then the type token decides).
    custom: bool | None = None
    # Props whose values are secret: messages must never print them.
    secret_props: frozenset[str] = frozenset()
    # Static analysis only: props (camelCase, or "dependsOn") whose expression
    # held something the analyzer could not resolve, so their dependencies may
    # be incomplete. A rule that would report a *missing* relation through one
    # of these stays silent. "*" means any prop may be set where the analyzer
    # cannot see it (``**kwargs`` it could not resolve): absent props then read
    # as UNKNOWN. Always empty for the engine's graph.
    unresolved: frozenset[str] = frozenset()
    location: SourceLocation | None = None
    # Static analysis only: what is known of a string prop whose value is UNKNOWN because
    # some of its parts are (an f-string or ``Output.concat`` over outputs): its literal
    # parts in order, None for each unknown part. Always empty for the engine's graph.
    patterns: Mapping[str, tuple[str | None, ...]] = field(default_factory=dict)

    def prop(self, name: str) -> Any:
        """The prop's value, None when absent, :data:`UNKNOWN` when unknown."""
        if "*" in self.unresolved and name not in self.props:
            return UNKNOWN
        return self.props.get(name)

    def may_depend_on_more(self, prop: str) -> bool:
        """Whether ``prop`` might hold references the graph does not show."""
        return prop in self.unresolved or "*" in self.unresolved

    def display(self, name: str) -> str:
        """A prop value safe to print in a message (secrets are redacted)."""
        if name in self.secret_props:
            return "[secret]"
        value = self.props.get(name)
        return "<unknown>" if value is UNKNOWN else repr(value)

    @property
    def is_stack(self) -> bool:
        return self.type == STACK_TYPE

    @property
    def is_provider(self) -> bool:
        return self.type.startswith(PROVIDER_TYPE_PREFIX)

    @property
    def is_custom(self) -> bool:
        """Whether this is a cloud resource rather than a component/stack/provider."""
        if self.is_stack or self.is_provider:
            return False
        if self.custom is not None:
            return self.custom
        # Bridged providers name resources "pkg:module/member:Member"; component
        # tokens ("pkg:module:Name") carry no slash.
        parts = self.type.split(":")
        return len(parts) == 3 and "/" in parts[1]


class ResourceGraph:
    """Resources indexed once by URN, type and parent.

    Every lookup is O(1) or O(answer), so a rule that loops over resources stays
    linear in the stack size.
    """

    def __init__(self, resources: Iterable[Resource]) -> None:
        self.resources: tuple[Resource, ...] = tuple(resources)
        self._by_urn: dict[str, Resource] = {}
        self._by_type: dict[str, list[Resource]] = defaultdict(list)
        self._children: dict[str, list[Resource]] = defaultdict(list)
        self._derived: dict[object, Any] = {}
        for resource in self.resources:
            self._by_urn[resource.urn] = resource
            self._by_type[resource.type].append(resource)
            if resource.parent:
                self._children[resource.parent].append(resource)

    def __iter__(self) -> Iterator[Resource]:
        return iter(self.resources)

    def derived(self, key: object, build: Callable[[ResourceGraph], T]) -> T:
        """``build(self)``, computed once per graph and shared by every rule that asks with
        the same ``key`` (a graph never changes once built): e.g. the API index four
        API Gateway rules read."""
        if key not in self._derived:
            self._derived[key] = build(self)
        return self._derived[key]

    def __len__(self) -> int:
        return len(self.resources)

    def get(self, urn: str | None) -> Resource | None:
        return self._by_urn.get(urn) if urn else None

    def of_type(self, *types: str) -> list[Resource]:
        if len(types) == 1:
            return list(self._by_type.get(types[0], ()))
        return [r for t in types for r in self._by_type.get(t, ())]

    def parent_of(self, resource: Resource) -> Resource | None:
        return self.get(resource.parent)

    def children_of(self, resource: Resource) -> list[Resource]:
        return list(self._children.get(resource.urn, ()))

    def prop_targets(self, resource: Resource, prop: str, *types: str) -> list[Resource]:
        """Resources that ``prop`` of ``resource`` depends on, optionally by type.

        Dangling URNs (resources not in the graph) are dropped.
        """
        found = []
        for urn in resource.property_dependencies.get(prop, ()):
            target = self._by_urn.get(urn)
            if target is not None and (not types or target.type in types):
                found.append(target)
        return found

    def dependency_targets(self, resource: Resource, *types: str) -> list[Resource]:
        """Resources ``resource`` depends on through ``depends_on`` or any prop."""
        urns = set(resource.dependencies)
        for deps in resource.property_dependencies.values():
            urns.update(deps)
        found = [self._by_urn[u] for u in sorted(urns) if u in self._by_urn]
        return [r for r in found if not types or r.type in types]
