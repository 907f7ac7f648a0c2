"""A summary's bindings and functions as a cached run reads them: decoded a unit at a
time, when phase 2 first reads one of them.

Most of what a large project binds lives in helper functions phase 2 never
runs (nothing calls them, and they create nothing): decoding them on every run
was most of the cost of reading a cached summary. The codec stores the bindings
of such a function as one opaque unit (``cache_codec``) and this sequence
decodes a unit on the first read of any of its indexes. A module's functions
(their parameters, defaults and return paths) are stored the same way, one unit
for the module-level ones; the names stay readable without decoding them. So
are its loops, one unit: which function each is in and which bindings each
carries are read without it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar, overload

from analyzers.extract.ir import Expr, Opaque
from analyzers.extract.summary import FunctionInfo, LoopInfo, ReturnPath

T = TypeVar("T")


class Unit:
    """``count`` bindings, still encoded."""

    __slots__ = ("count", "data", "start")

    def __init__(self, count: int, data: bytes) -> None:
        self.count = count
        self.data = data
        self.start = 0  # set when placed in a LazyBindings


class LazyBindings(Sequence[Expr]):
    """Bindings some of which are still encoded ``Unit``s; reads like the tuple it stands for."""

    __slots__ = ("_items", "_load")

    def __init__(self, parts: Sequence[Any], load: Callable[[bytes], Any]) -> None:
        items: list[Any] = []
        for part in parts:
            if type(part) is Unit:
                part.start = len(items)
                items.extend([part] * part.count)
            else:
                items.append(part)
        self._items = items
        self._load = load

    def _decode(self, unit: Unit) -> None:
        try:
            found = self._load(unit.data)
        except ValueError:
            found = None
        if not (isinstance(found, tuple) and len(found) == unit.count):
            # Entries are authenticated, so this is never expected; were it to happen, the
            # values are unknown (the analyzer says nothing about them), never wrong.
            found = (Opaque(),) * unit.count
        self._items[unit.start:unit.start + unit.count] = found

    @overload
    def __getitem__(self, index: int) -> Expr: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Expr, ...]: ...

    def __getitem__(self, index: int | slice) -> Expr | tuple[Expr, ...]:
        if isinstance(index, slice):
            return tuple(self[position] for position in range(*index.indices(len(self._items))))
        item = self._items[index]
        if type(item) is Unit:
            self._decode(item)
            item = self._items[index]
        return item

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Expr]:
        for position in range(len(self._items)):
            yield self[position]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyBindings | tuple):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"LazyBindings({tuple(self)!r})"

    def encoded(self) -> int:
        """How many bindings are still encoded (for tests)."""
        return sum(1 for item in self._items if type(item) is Unit)


class _ByName(Mapping[str, T]):
    """A mapping whose names (and their order) are known before any value is decoded."""

    __slots__ = ("_names",)

    _names: dict[str, Any]  # every name, in order, to its value or what stands for it

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._names


class LazyFunctions(_ByName[FunctionInfo]):
    """A module's functions, in definition order; the module-level ones (value None until
    then) decoded from one unit on the first read of any of them. Iterating over the
    names, and asking whether a name is a module-level function, decodes nothing."""

    __slots__ = ("_load", "_pending")

    def __init__(self, functions: dict[str, FunctionInfo | None], load: Callable[[], Any]) -> None:
        self._names = functions
        self._pending = frozenset(name for name, info in functions.items() if info is None)
        self._load = load

    def _decode(self) -> None:
        pending, self._pending = self._pending, frozenset()
        try:
            found = self._load()
        except ValueError:
            found = None
        if not (isinstance(found, dict) and found.keys() == pending
                and all(type(info) is FunctionInfo for info in found.values())):
            # Entries are authenticated, so this is never expected; were it to happen, the
            # functions take any arguments and return unknown values, never wrong ones.
            found = {name: _unknown_function(name) for name in pending}
        for name in pending:  # values only: the names may be being iterated over
            self._names[name] = found[name]

    def __getitem__(self, name: str) -> FunctionInfo:
        info = self._names[name]
        if info is None:
            self._decode()
            info = self._names[name]
        assert info is not None
        return info

    def module_level(self, name: str) -> bool | None:
        """True when ``name`` is a module-level function still encoded (no method, nothing
        nested: the unit holds only those); None when its value must be read to tell."""
        return True if name in self._pending else None

    def __repr__(self) -> str:
        return f"LazyFunctions({dict(self)!r})"


class LazyLoops(_ByName[LoopInfo]):
    """A module's loops, decoded from one unit on the first read of any of them. The
    names, the function each is in (``owners``) and the bindings each carries
    (``carried_by``) are known without decoding it."""

    __slots__ = ("_carried", "_load", "_loops")

    def __init__(self, owners: dict[str, str], carried: dict[int, tuple[str, ...]], load: Callable[[], Any]) -> None:
        self._names = owners
        self._carried = carried
        self._loops: dict[str, LoopInfo] | None = None
        self._load = load

    def _decode(self) -> dict[str, LoopInfo]:
        found: Any = None
        try:
            found = self._load()
            matches = isinstance(found, dict) and found.keys() == self._names.keys() and all(
                type(loop) is LoopInfo and loop.owner == self._names[name]
                and {index for index, _ in loop.carried} == self._carries(name) for name, loop in found.items())
        except (ValueError, TypeError):  # not data this version wrote, or carried values of another shape
            matches = False
        if not matches:
            # Entries are authenticated, so this is never expected; were it to happen, the
            # loops iterate over unknown values and carry unknown ones, never wrong ones.
            found = {name: LoopInfo(name, owner, Opaque(), tuple((index, Opaque()) for index in self._carries(name)))
                     for name, owner in self._names.items()}
        self._loops = found
        return found

    def _carries(self, name: str) -> set[int]:
        return {index for index, names in self._carried.items() if name in names}

    def __getitem__(self, name: str) -> LoopInfo:
        if name not in self._names:
            raise KeyError(name)
        loops = self._loops if self._loops is not None else self._decode()
        return loops[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self._names else default

    def owners(self) -> Mapping[str, str]:
        """Each loop's function (its owner), in order, without decoding a loop."""
        return self._names

    def carried_by(self) -> Mapping[int, tuple[str, ...]]:
        """For each binding some loop carries from one iteration to the next, those loops."""
        return self._carried

    def decoded(self) -> bool:
        """Whether the loops were read (for tests)."""
        return self._loops is not None

    def __repr__(self) -> str:
        return f"LazyLoops({dict(self)!r})"


def _unknown_function(name: str) -> FunctionInfo:
    return FunctionInfo(name, "", None, (), "args", (), "kwargs", {}, (ReturnPath(Opaque(), (), True),), frozenset())
