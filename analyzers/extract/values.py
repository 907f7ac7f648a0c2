"""What phase 2 computes for an expression: a value plus what it refers to.

``data`` is a plain Python value (str, int, list, dict, ...) that may contain
:data:`UNKNOWN`; ``deps`` are the graph nodes (resources, components) the
value refers to, which become property dependencies; ``unresolved`` says the
expression held something the analyzer could not follow (a parameter, a
call into project code), so its references may be incomplete.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, is_dataclass
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

# The largest plain value the analyzer builds, counted as a tree (a container or an
# item is 1, a string 1 per 64 characters), and its deepest nesting. Sharing makes
# a tree exponentially larger than the program: ``x = [x, x]`` thirty times is a
# billion items to compare, hash or serialize. Past either bound a value is unknown.
MAX_DATA_SIZE = 100_000
MAX_DATA_DEPTH = 100
_CONTAINERS = (list, tuple, dict, set, frozenset)


@dataclass(frozen=True, init=False)
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

    def __init__(self, kind: str, data: Any = UNKNOWN, ref: Any = None, deps: frozenset[str] = frozenset(),
                 unresolved: bool = False, secret: bool = False, param: str | None = None,
                 pattern: NamePattern | None = None) -> None:
        # The fields stored straight into the instance's dict, in order: a frozen dataclass's
        # own __init__ sets each through object.__setattr__, three times slower, and phase 2
        # makes tens of thousands of values (a test keeps this in step with the fields).
        fields_ = self.__dict__
        fields_["kind"] = kind
        fields_["data"] = data
        fields_["ref"] = ref
        fields_["deps"] = deps
        fields_["unresolved"] = unresolved
        fields_["secret"] = secret
        fields_["param"] = param
        fields_["pattern"] = pattern

    def __eq__(self, other: object) -> bool:
        return self is other or (isinstance(other, Val) and _same(self, other))

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
# What a call on a branch its run does not take "returns": nothing is built, and a join of
# branches leaves it out. Unresolved, should it ever be read on its own.
NEVER = Val(DATA, UNKNOWN, "never", frozenset(), True)

# An undecided branch condition: ((context id, module path, test), whether it must hold).
Literal = tuple[tuple[int, str, Any], bool]
# The undecided conditions a run or a call is under: all must hold for it to happen.
Condition = frozenset[Literal]


class _DataMeter:
    """Tree size and depth of plain values, measured once per container object (by
    identity, the object kept alive), so a value built by sharing costs its DAG, not
    its tree. One meter per project (``reset_meter``)."""

    def __init__(self) -> None:
        self._known: dict[int, tuple[Any, int, int]] = {}  # id → (container, size, depth)
        self._args: dict[int, tuple[Val, Val]] = {}  # id of an ARGS value → (it, its plain value)

    def args_data(self, val: Val) -> Val:
        """``as_data`` of an SDK input type, once per object: args nest args, often shared."""
        known = self._args.get(id(val))
        if known is not None:
            return known[1]
        from analyzers.extract.naming import camel_case

        entries = dict(val.ref or ())
        converted = {camel_case(key): as_data(item) for key, item in entries.items()}
        result = {key: item.data for key, item in converted.items()}
        plain = data(result, [val, *converted.values()])
        self._args[id(val)] = (val, plain)
        return plain

    def too_big(self, value: Any) -> bool:
        if not isinstance(value, _CONTAINERS):
            return False
        size, depth = self._measure(value)
        return size > MAX_DATA_SIZE or depth > MAX_DATA_DEPTH

    def _measure(self, root: Any) -> tuple[int, int]:
        known = self._known
        open_: set[int] = set()
        pending: list[Any] = [root]
        while pending:  # post-order without recursion: a container once its children are known
            node = pending[-1]
            if id(node) in known:
                pending.pop()
                continue
            children = [c for c in _children(node) if isinstance(c, _CONTAINERS) and id(c) not in known]
            if children and id(node) not in open_:
                open_.add(id(node))
                pending.extend(c for c in children if id(c) not in open_)  # a cycle: counted as huge below
                continue
            pending.pop()
            size, depth = 1, 0
            for child in _children(node):
                if isinstance(child, _CONTAINERS):
                    entry = known.get(id(child))
                    child_size, child_depth = (entry[1], entry[2]) if entry else (MAX_DATA_SIZE + 1, 0)
                else:
                    child_size, child_depth = (1 + len(child) // 64 if isinstance(child, str | bytes) else 1), -1
                size = min(size + child_size, MAX_DATA_SIZE + 1)
                depth = max(depth, child_depth + 1)
            known[id(node)] = (node, size, depth)
        _, size, depth = known[id(root)]
        return size, depth


def _same(first: Val, second: Val) -> bool:
    """Structural equality of two values, each pair of objects compared once: values
    nest other values (args in args), often shared, and compared as trees a chain of
    them costs 2**n (``a = Args(x=a, y=a)``, then ``a if c else b``)."""
    seen: set[tuple[int, int]] = set()
    pending: list[tuple[Any, Any]] = [(first, second)]
    while pending:
        a, b = pending.pop()
        if a is b or (id(a), id(b)) in seen:
            continue
        seen.add((id(a), id(b)))
        if isinstance(a, Val | tuple | list | dict) and type(a) is not type(b):
            return False
        if isinstance(a, Val):
            if (a.kind, a.deps, a.unresolved, a.secret, a.param) != (b.kind, b.deps, b.unresolved, b.secret, b.param):
                return False
            pending.append((a.data, b.data))
            pending.append((a.ref, b.ref))
        elif isinstance(a, tuple | list):
            if len(a) != len(b):
                return False
            pending.extend(zip(a, b, strict=True))
        elif isinstance(a, dict):
            if a.keys() != b.keys():
                return False
            pending.extend((a[key], b[key]) for key in a)
        elif is_dataclass(a) and not isinstance(a, type) and type(a) is type(b):
            pending.extend((getattr(a, f.name), getattr(b, f.name)) for f in fields(a))
        elif a != b:
            return False
    return True


def _children(container: Any) -> Iterable[Any]:
    if isinstance(container, dict):
        return [*container.keys(), *container.values()]
    return container


_meter = _DataMeter()


def reset_meter() -> None:
    """Forget measured values (a new project's evaluation starts)."""
    global _meter
    _meter = _DataMeter()


def data(value: Any, parts: Iterable[Val] = ()) -> Val:
    """A plain value whose references/flags are those of ``parts`` (unknown when it is
    too big to handle: see MAX_DATA_SIZE)."""
    if isinstance(value, _CONTAINERS) and _meter.too_big(value):
        value = UNKNOWN
    if not parts:  # a literal, most often: nothing to merge
        return Val(DATA, value)
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


def is_fully_known(value: Any) -> bool:
    """No UNKNOWN anywhere inside (iteratively, containers may be large)."""
    if not isinstance(value, _CONTAINERS):  # most values: a string, a number, None
        return value is not UNKNOWN
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
        return _meter.args_data(val)
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
    if _meter.too_big(value):
        return merged
    return Val(SEQ, value, items, merged.deps, merged.unresolved, merged.secret)


def mapping(entries: Iterable[tuple[Any, Val]]) -> Val:
    entries = tuple(entries)
    value = {key: as_data(item).data for key, item in entries}
    merged = data(value, [item for _, item in entries])
    if _meter.too_big(value):
        return merged
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
                joined[-1] = joined[-1] + part
            else:
                joined.append(part)
    if all(part is None for part in joined):
        return None
    return tuple(joined)
