"""What phase 2 computes for an expression: a value plus what it refers to.

``data`` is a plain Python value (str, int, list, dict, ...) that may contain
:data:`UNKNOWN`; ``deps`` are the graph nodes (resources, components) the
value refers to, which become property dependencies; ``unresolved`` says the
expression held something the analyzer could not follow (a parameter, a
call into project code), so its references may be incomplete.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from policypack.graph import UNKNOWN

# Kinds of values
DATA = "data"  # a plain value (possibly UNKNOWN)
MODULE = "module"  # a module of the project: ref = its key (a path, or "dir/" for a namespace package)
EXTERNAL = "external"  # something outside the project: ref = dotted path ("pulumi_aws.rds.Instance")
RESOURCE = "resource"  # a resource object: ref = its graph node key
SELF = "self"  # ``self`` in a method: ref = class key
SUPER = "super"  # ``super()`` in a method: ref = class key
CLASS = "class"  # a project class: ref = class key
FUNCTION = "function"  # a project function or a lambda (ref = None)
INSTANCE = "instance"  # an instance of a plain project class: ref = (class key, {kwarg: Val})
OPTIONS = "options"  # pulumi.ResourceOptions: ref = options.Options
CONFIG = "config"  # a pulumi.Config object
ARGS = "args"  # an SDK input type (``InstanceArgs(...)``): ref = ((name, Val), ...)
# Displays keep their items as Vals so an element keeps its own references:
SEQ = "seq"  # a list/tuple/set: data = the plain value, ref = (item Val, ...)
MAP = "map"  # a dict with known keys: data = the plain dict, ref = ((key, Val), ...)

ClassKey = tuple[str, str]  # (module path, class qualname)
NamePattern = tuple[str | None, ...]  # literal parts and None wildcards: ("x",) is exactly "x"


@dataclass(frozen=True)
class Val:
    kind: str
    data: Any = UNKNOWN
    ref: Any = None
    deps: frozenset[str] = frozenset()
    unresolved: bool = False
    secret: bool = False
    param: str | None = None  # set when the value is exactly a function parameter
    # For an unknown string built from parts (f-string, +): the known parts, None for
    # each unknown one. Resource names become patterns ("*-vpc") a runtime URN can match.
    pattern: NamePattern | None = None

    @property
    def known(self) -> bool:
        return self.kind in (DATA, SEQ, MAP) and is_fully_known(self.data)

    @property
    def items(self) -> tuple[Val, ...] | None:
        """The elements as Vals for a SEQ (a MAP iterates over its keys), else None."""
        if self.kind == SEQ:
            return self.ref
        if self.kind == MAP:
            return tuple(Val(DATA, key) for key, _ in self.ref)
        return None


UNRESOLVED = Val(DATA, unresolved=True)
UNKNOWN_VALUE = Val(DATA)


def data(value: Any, parts: Iterable[Val] = ()) -> Val:
    """A plain value whose references/flags are those of ``parts``."""
    deps: frozenset[str] = frozenset()
    unresolved = secret = False
    for part in parts:
        if part.deps:
            deps = deps | part.deps
        unresolved = unresolved or part.unresolved
        secret = secret or part.secret
    return Val(DATA, value, None, deps, unresolved, secret)


def unknown(parts: Iterable[Val] = ()) -> Val:
    return data(UNKNOWN, parts)


def with_flags(val: Val, *, unresolved: bool = False, secret: bool = False, deps: frozenset[str] = frozenset()
               ) -> Val:
    if not (unresolved or secret or deps):
        return val
    return replace(val, unresolved=val.unresolved or unresolved, secret=val.secret or secret,
                   deps=val.deps | deps)


def is_fully_known(value: Any) -> bool:
    """No UNKNOWN anywhere inside (iteratively, containers may be large)."""
    pending = [value]
    while pending:
        current = pending.pop()
        if current is UNKNOWN:
            return False
        if isinstance(current, dict):
            pending.extend(current.values())
            pending.extend(current.keys())
        elif isinstance(current, list | tuple | set | frozenset):
            pending.extend(current)
    return True


def as_data(val: Val) -> Val:
    """The value as the engine would see it in a prop (resources become their ids)."""
    if val.kind == DATA:
        return val
    if val.kind in (SEQ, MAP):
        return Val(DATA, val.data, None, val.deps, val.unresolved, val.secret)
    if val.kind == ARGS:
        from analyzers.extract.naming import camel_case

        entries = dict(val.ref or ())
        converted = {camel_case(key): as_data(item) for key, item in entries.items()}
        result = {key: item.data for key, item in converted.items()}
        return data(result, [val, *converted.values()])
    return Val(DATA, UNKNOWN, None, val.deps, val.unresolved, val.secret)


def sequence(items: Iterable[Val], kind: str = "list") -> Val:
    """A SEQ of ``items`` (its plain data is list/tuple/frozenset of their data)."""
    items = tuple(items)
    plain = [as_data(item).data for item in items]
    value: Any = tuple(plain) if kind == "tuple" else plain
    if kind == "set":
        try:
            value = frozenset(plain)
        except TypeError:
            value = UNKNOWN
    merged = data(value, items)
    return Val(SEQ, value, items, merged.deps, merged.unresolved, merged.secret)


def mapping(entries: Iterable[tuple[Any, Val]]) -> Val:
    entries = tuple(entries)
    value = {key: as_data(item).data for key, item in entries}
    merged = data(value, [item for _, item in entries])
    return Val(MAP, value, entries, merged.deps, merged.unresolved, merged.secret)


def string_pattern(val: Val) -> NamePattern | None:
    """What is known of a string: ``(text,)`` when known, its parts when partly known
    (an f-string over unknown values), None when nothing is."""
    plain = as_data(val)
    if plain.known and isinstance(plain.data, str):
        return (plain.data,)
    return val.pattern


def join_pattern(parts: Iterable[str | None]) -> NamePattern | None:
    """Adjacent literals joined, adjacent wildcards merged; None when nothing is known."""
    joined: list[str | None] = []
    for part in parts:
        if part is None:
            if not joined or joined[-1] is not None:
                joined.append(None)
        elif part:
            if joined and joined[-1] is not None:
                joined[-1] = joined[-1] + part  # type: ignore[operator]
            else:
                joined.append(part)
    if all(part is None for part in joined):
        return None
    return tuple(joined)
