"""What the cache stores: file summaries as plain data, never pickles (findings:
``findings_codec``).

A cache entry is read back on a later run, possibly after someone else had a
chance to write it. Pickle (and marshal) can rebuild arbitrary objects, so a
planted entry could run code. This codec writes only MessagePack values
(lists, maps, strings, numbers) and reads them back into a closed set of
frozen dataclasses (the summary and IR types), so the worst a corrupt entry
can do is fail to decode, which the cache treats as a miss.

Shape: every MessagePack array is ``[tag, ...]``. A dataclass instance is
``[tag, field, ...]`` with the tag its index in ``_TYPES``, a field its type
declares a tuple written inline as its length and then its items (or each
pair's two items: ``_SHAPES``); the tags after those mark another tuple, a
frozenset, or a literal MessagePack can't hold (a big int, a complex, a string
with lone surrogates, ``...``). Maps keep string keys. A node the summary
holds more than once is written once and referred to by number afterwards, as
pickle's memo does, so shared subtrees stay shared.

A function's bindings are written as one opaque unit (``[_LAZY, count, bytes]``,
the bytes an entry of this same format): phase 2 decodes the unit only if it
reads one of them (``analyzers.lazy_bindings``); so are a module's module-level
functions, as one unit (``[_FUNCTIONS, map, bytes]``, their values None in the
map, which keeps every name and the order), and a module's loops (``[_LOOPS,
owners, bytes, name, index, ...]``: which function each loop is in, and which
bindings each carries, readable without the unit). A node a unit shares with the
rest of the summary is written outside it and referred to as ``[_OUTER, n]``,
so a unit decoded later holds the very objects an eager decode would (the
evaluator tells calls apart by identity); see ``lazy_parts``.

Decoding runs in msgpack's C unpacker: ``list_hook`` turns each array into
its value as soon as it is complete (children first), so no Python-level walk
over the tree is needed; that keeps a cached run close to pickle's speed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from functools import partial
from itertools import product
from operator import attrgetter
from typing import Any, NamedTuple

import msgpack

from analyzers.extract import ir, summary
from analyzers.findings_codec import DecodeError, EncodeError, unpack
from analyzers.lazy_bindings import LazyBindings, LazyFunctions, LazyLoops, Unit

# Every type an entry may hold, in a fixed order: the order is the format, so
# any change here (or to a type's fields) bumps ``analyzers.project.SUMMARY_FORMAT_VERSION``,
# which is part of every cache key.
_TYPES: tuple[type, ...] = (
    ir.Lit, ir.Seq, ir.Star, ir.MapDisplay, ir.FormatPart, ir.FStr, ir.BinOp, ir.UnaryOp, ir.BoolOp,
    ir.Compare, ir.IfElse, ir.Attr, ir.Subscript, ir.Slice, ir.Call, ir.Lambda, ir.Comprehension,
    ir.Binding, ir.Global, ir.Param, ir.LambdaParam, ir.SelfRef, ir.SuperRef, ir.ImportModule,
    ir.ImportFrom, ir.ClassRef, ir.FunctionRef, ir.Alternatives, ir.Element, ir.Mutated, ir.Stored,
    ir.AfterLoop, ir.Opaque, ir.Guard,
    summary.Span, summary.ParseProblem, summary.CallSite, summary.ReturnPath, summary.FunctionInfo,
    summary.LoopInfo, summary.MethodInfo, summary.ClassInfo, summary.FileSummary,
)
_FIELDS: tuple[tuple[str, ...], ...] = tuple(tuple(f.name for f in dataclasses.fields(cls)) for cls in _TYPES)
_TAG = {cls: index for index, cls in enumerate(_TYPES)}
# How a field is written in its node: one value; or a tuple, as its length and then its
# items (``_SEQ``) or each pair's two items (``_PAIRS``), inline. A third of a summary's
# arrays were such tuples (a call's arguments, its empty guards): inline, they cost the
# decoder no call of its own.
_ONE, _SEQ, _PAIRS = 0, 1, 2
# The parts of a summary that may be written as units (``_Encoder._field``): one value each.
_UNIT_PARTS = frozenset({"bindings", "functions", "loops"})


def _shape(cls: type, field: dataclasses.Field[Any]) -> int:
    annotation = str(field.type)
    if cls is summary.FileSummary and field.name in _UNIT_PARTS:
        return _ONE
    if annotation.startswith("tuple[tuple[") and annotation.endswith(", ...]"):
        return _PAIRS
    if annotation.startswith("tuple[") and annotation.endswith(", ...]"):
        return _SEQ
    return _ONE


_SHAPES: tuple[tuple[int, ...], ...] = tuple(tuple(_shape(cls, f) for f in dataclasses.fields(cls)) for cls in _TYPES)
# Tags of values that are not dataclasses come after the dataclass tags.
_TUPLE = len(_TYPES)
_FROZENSET = _TUPLE + 1
_COMPLEX = _TUPLE + 2
_BIG_INT = _TUPLE + 3
_ODD_STR = _TUPLE + 4  # lone surrogates (from "\ud800" escapes): not valid UTF-8
_ELLIPSIS = _TUPLE + 5
_SHARED = _TUPLE + 6  # [_SHARED, value]: remember the value for later _REFs
_REF = _TUPLE + 7  # [_REF, n]: the n-th shared value, counted in the order they complete
_BINDINGS = _TUPLE + 8  # [_BINDINGS, part, ...]: FileSummary.bindings, each part a binding or a _LAZY unit
_LAZY = _TUPLE + 9  # [_LAZY, count, bytes]: ``count`` bindings, encoded on their own
_OUTER = _TUPLE + 10  # in a unit, [_OUTER, n]: the n-th shared value of the summary around it
# [_FUNCTIONS, map, bytes]: FileSummary.functions, the module-level functions' values None in
# the map and encoded on their own in ``bytes`` (a map of them)
_FUNCTIONS = _TUPLE + 11
# [_LOOPS, owners, bytes, name, index, ...]: FileSummary.loops, encoded on their own in
# ``bytes`` (a map of them); ``owners`` maps each loop to the function it is in, and each
# (name, index) pair after the bytes says that loop carries binding ``index``
_LOOPS = _TUPLE + 12
# A function with fewer bindings is written inline: a unit costs an object and a call to read.
MIN_UNIT = 4
_INT_RANGE = (-(2**63), 2**64 - 1)
_SCALARS = frozenset({str, int, float, bool, type(None), bytes})  # never a node nor a container


def _builder(tag: int) -> Callable[[list[Any]], Any]:
    """A function that makes the instance of dataclass ``_TYPES[tag]`` from its array, as
    pickle would, without ``__init__`` (a frozen dataclass's sets each field through
    ``object.__setattr__``): each field stored by its slot's own setter. Generated from the
    type's field names and shapes, so each field is one store with no loop: decoding a
    large project spends most of its time here."""
    names, shapes = _FIELDS[tag], _SHAPES[tag]
    if not all(name.isidentifier() for name in names):  # ours, never data: a guard for the template
        raise TypeError(f"unexpected field names in {_TYPES[tag].__name__}")
    if _SEQ not in shapes and _PAIRS not in shapes:
        check = (f"    if len(node) != {len(names) + 1}:\n"
                 f"        raise DecodeError('a node with the wrong number of fields')\n")
        stores = "".join(f"    set_{name}(instance, node[{position}])\n"
                         for position, name in enumerate(names, start=1))
        end = ""
    else:  # positions known up to the first tuple; after it, counted as the node is read
        check, lines, fixed = "", [], True
        for position, (name, shape) in enumerate(zip(names, shapes, strict=True), start=1):
            at = str(position) if fixed else "at"
            if shape == _ONE:
                lines.append(f"    set_{name}(instance, node[{at}])\n" + ("" if fixed else "    at += 1\n"))
                continue
            width = "count" if shape == _SEQ else "2 * count"
            items = "node[at + 1:end]" if shape == _SEQ else "zip(node[at + 1:end:2], node[at + 2:end:2])"
            lines.append(("" if not fixed else f"    at = {position}\n")
                         + "    count = node[at]\n"
                         "    if type(count) is not int or count < 0:\n"
                         "        raise DecodeError('a malformed count')\n"
                         f"    end = at + 1 + {width}\n"
                         f"    set_{name}(instance, tuple({items}))\n"
                         "    at = end\n")
            fixed = False
        stores = "".join(lines)
        end = ("    if at != len(node):\n"
               "        raise DecodeError('a node with the wrong number of items')\n")
    source = (f"def build(node):\n"
              f"{check}"
              f"    instance = new(cls)\n"
              f"{stores}"
              f"{end}"
              f"    return instance\n")
    cls = _TYPES[tag]
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls, "DecodeError": DecodeError}
    namespace.update((f"set_{name}", _slot(cls, name).__set__) for name in names)
    exec(compile(source, f"<cache_codec {cls.__name__}>", "exec"), namespace)
    return namespace["build"]


def _slot(cls: type, name: str) -> Any:
    """The member descriptor of a slot: the summary and IR types have slots, no ``__dict__``
    (a third of the memory a decoded summary took, and faster to fill)."""
    descriptor = cls.__dict__.get(name)
    if type(descriptor).__name__ != "member_descriptor":
        raise TypeError(f"{cls.__name__}.{name} is not a slot")
    return descriptor


_BUILD = tuple(_builder(tag) for tag in range(len(_TYPES)))


def dumps(value: summary.FileSummary) -> bytes:
    counts: dict[int, int] = {}
    _count_nodes(value, counts)
    shared = {key for key, count in counts.items() if count > 1}
    parts = lazy_parts(value)
    try:
        return msgpack.packb(_Encoder(shared, parts).summary(value), use_bin_type=True)
    except (TypeError, ValueError, OverflowError, RecursionError) as error:
        raise EncodeError(f"cannot encode this summary ({type(error).__name__})") from None


def loads(data: bytes) -> summary.FileSummary:
    """Decode what :func:`dumps` wrote; raise DecodeError for anything else."""
    value = unpack(data, _Decoder().hook)
    if not isinstance(value, summary.FileSummary) or tuple(map(type, _PARTS(value))) not in _SHAPES_OF_PARTS:
        raise DecodeError("not a file summary")
    return value


# What each part of a decoded summary is: a cheap check of the containers phase 2 iterates
# (their items are the codec's types by construction), one lookup for the whole summary.
_SUMMARY_PARTS: dict[str, tuple[type, ...]] = {
    "path": (str,), "problems": (tuple,), "bindings": (tuple, LazyBindings), "binding_owners": (tuple,),
    "globals": (dict,), "star_imports": (tuple,), "calls": (tuple,), "classes": (dict,),
    "functions": (dict, LazyFunctions), "loops": (dict, LazyLoops), "invocations": (tuple,), "pulumi": (bool,),
}
_PARTS = attrgetter(*_SUMMARY_PARTS)
_SHAPES_OF_PARTS = frozenset(product(*_SUMMARY_PARTS.values()))


def _count_nodes(value: Any, counts: dict[int, int]) -> None:
    """How often each dataclass node is reached: shared ones are written once."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind in _TAG:
            key = id(item)
            counts[key] = counts.get(key, 0) + 1
            if counts[key] == 1:
                stack.extend(getattr(item, name) for name in _FIELDS[_TAG[kind]])
        elif kind in (tuple, list, frozenset):
            stack.extend(item)
        elif kind not in _SCALARS and isinstance(item, Mapping):  # (an ABC check: slow for every name)
            stack.extend(item.values())


class LazyParts(NamedTuple):
    """What of a summary is written as units, decoded only when phase 2 reads them."""

    # Ranges of ``bindings``: a function's bindings (its loops' included; at least ``MIN_UNIT``).
    units: list[tuple[int, int]]
    # The module-level functions (not methods, nothing nested), one unit: most are helpers
    # nothing runs (``lazy_bindings.LazyFunctions``); none when fewer than ``MIN_UNIT``.
    functions: tuple[str, ...]
    # Whether the loops are one unit: most are helpers' (phase 2 reads which function each
    # is in and what it carries, not the loop, unless the function runs).
    loops: bool = False


def lazy_parts(value: summary.FileSummary) -> LazyParts:
    """The units to write. A node a unit shares with the rest of the summary is written
    outside and referred to from the unit, so decoding a unit later yields the very
    objects an eager decode would (the evaluator keys some memos by a node's identity: a
    call decoded twice would run twice); a node two units share has no such home, so
    those units are written inline."""
    owners, count = value.binding_owners, len(value.bindings)
    candidates: list[tuple[int, int]] = []
    start = 0
    while start < count:
        function = _function_of(owners[start]) if start < len(owners) else ""
        end = start + 1
        while end < min(count, len(owners)) and _function_of(owners[end]) == function:
            end += 1
        if function and end - start >= MIN_UNIT:
            candidates.append((start, end))
        start = end
    functions = tuple(name for name, info in value.functions.items() if not info.owner and info.class_name is None)
    reached: dict[int, int] = {}  # id of a node that is not a plain leaf → the first unit reaching it
    mixed: set[int] = set()  # units that reach a node another unit reaches
    for unit, (first, end) in enumerate(candidates):
        _reach([value.bindings[position] for position in range(first, end)], unit, reached, mixed)
    if len(functions) >= MIN_UNIT:
        _reach([value.functions[name] for name in functions], len(candidates), reached, mixed)
    else:
        functions = ()
    loops = len(value.loops) >= MIN_UNIT
    if loops:
        _reach(list(value.loops.values()), len(candidates) + 1, reached, mixed)
    units = [span for unit, span in enumerate(candidates) if unit not in mixed]
    return LazyParts(units, () if len(candidates) in mixed else functions, loops and len(candidates) + 1 not in mixed)


def _reach(roots: list[Any], unit: int, reached: dict[int, int], mixed: set[int]) -> None:
    """Record which nodes ``unit`` (written from ``roots``) reaches, and the units it
    shares one with."""
    stack = roots
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind in _TAG:
            children = [getattr(item, name) for name in _FIELDS[_TAG[kind]]]
            if not any(type(child) not in _SCALARS and (type(child) in _TAG or isinstance(
                    child, tuple | list | frozenset | Mapping)) for child in children):
                continue  # a plain leaf (a name, a literal): equal copies are the same to phase 2
            first_unit = reached.get(id(item))
            if first_unit is None:
                reached[id(item)] = unit
                stack.extend(children)
            elif first_unit != unit:
                mixed.update((first_unit, unit))
        elif kind in (tuple, list, frozenset):
            stack.extend(item)
        elif kind not in _SCALARS and isinstance(item, Mapping):  # as in _count_nodes
            stack.extend(item.values())


def _function_of(owner: str) -> str:
    """The function a binding's owner is in: a loop's bindings go with their function's."""
    return owner.split(".<for", 1)[0]


class _Encoder:
    def __init__(self, shared: set[int], parts: LazyParts | None = None, outer: dict[int, int] | None = None
                 ) -> None:
        self._shared = shared
        self._written: dict[int, int] = {}
        self._units = parts.units if parts is not None else []
        # module-level functions written as a unit
        self._functions = frozenset(parts.functions) if parts is not None else frozenset()
        self._loops = parts is not None and parts.loops
        self._outer = outer or {}  # for a unit: the shared nodes the summary around it wrote
        self._deferred: list[tuple[list[Any], Any]] = []  # (the unit's array, what it holds)

    def _field(self, value: summary.FileSummary, name: str) -> Any:
        if name == "bindings":
            return self._bindings(value.bindings)
        if name == "functions" and self._functions:
            part: list[Any] = [_FUNCTIONS, {qualname: None if qualname in self._functions else self.encode(info)
                                            for qualname, info in value.functions.items()}, b""]
            self._deferred.append((part, {qualname: info for qualname, info in value.functions.items()
                                          if qualname in self._functions}))
            return part
        if name == "loops" and self._loops:
            part = [_LOOPS, {qualname: loop.owner for qualname, loop in value.loops.items()}, b""]
            for qualname, loop in value.loops.items():
                for index, _ in loop.carried:
                    part.extend((qualname, index))
            self._deferred.append((part, dict(value.loops)))
            return part
        return self.encode(getattr(value, name))

    def summary(self, value: summary.FileSummary) -> Any:
        """The summary's tree; each unit is encoded once the rest is, referring to the
        nodes it shares with the rest by their numbers there."""
        tree = self.encode(value)
        for part, held in self._deferred:
            part[2] = msgpack.packb(_Encoder(self._shared, outer=self._written).encode(held), use_bin_type=True)
        return tree

    def _inline(self, node: list[Any], items: Any, shape: int) -> None:
        """A tuple field, written into its node: the length, then the items (or each
        pair's two items)."""
        if type(items) is not tuple:
            raise TypeError(f"a {type(items).__name__} where a tuple belongs")
        node.append(len(items))
        if shape == _SEQ:
            node.extend([self.encode(item) for item in items])
            return
        for pair in items:
            if type(pair) is not tuple or len(pair) != 2:
                raise TypeError("a tuple of pairs holding something else")
            node.append(self.encode(pair[0]))
            node.append(self.encode(pair[1]))

    def _bindings(self, bindings: Any) -> Any:
        parts: list[Any] = [_BINDINGS]
        position = 0
        for start, end in self._units:
            parts.extend(self.encode(item) for item in bindings[position:start])
            part: list[Any] = [_LAZY, end - start, b""]
            self._deferred.append((part, tuple(bindings[start:end])))
            parts.append(part)
            position = end
        parts.extend(self.encode(item) for item in bindings[position:])
        return parts

    def encode(self, value: Any) -> Any:
        kind = type(value)
        tag = _TAG.get(kind)
        if tag is not None:
            key = id(value)
            if key in self._written:
                return [_REF, self._written[key]]
            if key in self._outer:
                return [_OUTER, self._outer[key]]
            node = [tag]
            for name, shape in zip(_FIELDS[tag], _SHAPES[tag], strict=True):
                if shape == _ONE:
                    node.append(self._field(value, name) if kind is summary.FileSummary and name in _UNIT_PARTS else
                                self.encode(getattr(value, name)))
                else:
                    self._inline(node, getattr(value, name), shape)
            if key in self._shared:
                # Numbered when complete, as the decoder's hook sees it: children first.
                self._written[key] = len(self._written)
                return [_SHARED, node]
            return node
        if value is None or kind in (bool, float, bytes):
            return value
        if kind is str:
            return value if _is_utf8(value) else [_ODD_STR, value.encode("utf-8", "surrogatepass")]
        if kind is int:
            return value if _INT_RANGE[0] <= value <= _INT_RANGE[1] else [_BIG_INT, str(value)]
        if kind is tuple:
            return [_TUPLE, *(self.encode(item) for item in value)]
        if kind is frozenset:
            return [_FROZENSET, *(self.encode(item) for item in value)]
        if isinstance(value, Mapping):
            if not all(type(name) is str for name in value):
                raise TypeError("a mapping with keys other than strings")
            return {name: self.encode(item) for name, item in value.items()}
        if kind is complex:
            return [_COMPLEX, value.real, value.imag]
        if value is Ellipsis:
            return [_ELLIPSIS]
        raise TypeError(f"cannot encode {kind.__name__}")


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _Decoder:
    """``list_hook`` for the unpacker: every array, once its items are decoded."""

    def __init__(self, outer: list[Any] | None = None) -> None:
        self._shared: list[Any] = []
        self._outer = outer if outer is not None else []  # for a unit: the summary's shared values

    def hook(self, node: list[Any]) -> Any:
        tag = node[0]
        if type(tag) is not int or tag < 0:
            raise DecodeError("untagged array")
        if tag < _TUPLE:
            return _BUILD[tag](node)
        if tag == _TUPLE:
            return tuple(node[1:])
        if tag == _SHARED:
            self._shared.append(node[1])
            return node[1]
        if tag == _REF:
            return self._shared[node[1]]
        if tag == _FROZENSET:
            return frozenset(node[1:])
        if tag == _COMPLEX:
            return complex(node[1], node[2])
        if tag == _BIG_INT:
            return int(node[1])
        if tag == _ODD_STR:
            return node[1].decode("utf-8", "surrogatepass")
        if tag == _ELLIPSIS:
            return ...
        if tag == _LAZY:
            if (len(node) != 3 or type(node[1]) is not int or type(node[2]) is not bytes
                    or not 1 <= node[1] <= len(node[2])):  # each binding takes a byte at least
                raise DecodeError("a malformed unit")
            return Unit(node[1], node[2])
        if tag == _BINDINGS:
            parts = node[1:]
            if not any(type(part) is Unit for part in parts):
                return tuple(parts)
            # The summary's shared values are all known by the time a unit is read.
            return LazyBindings(parts, partial(_load_unit, self._shared))
        if tag == _FUNCTIONS:
            if len(node) != 3 or type(node[1]) is not dict or type(node[2]) is not bytes:
                raise DecodeError("a malformed unit of functions")
            return LazyFunctions(node[1], partial(_load_unit, self._shared, node[2]))
        if tag == _LOOPS:
            return self._loops(node)
        if tag == _OUTER:
            if len(node) != 2 or type(node[1]) is not int or not 0 <= node[1] < len(self._outer):
                raise DecodeError("a reference out of range")
            return self._outer[node[1]]
        raise DecodeError("unknown tag")

    def _loops(self, node: list[Any]) -> LazyLoops:
        owners = node[1] if len(node) >= 3 and len(node) % 2 == 1 else None
        if type(owners) is not dict or type(node[2]) is not bytes or not all(
                type(owner) is str for owner in owners.values()):
            raise DecodeError("a malformed unit of loops")
        carried: dict[int, tuple[str, ...]] = {}
        for name, index in zip(node[3::2], node[4::2], strict=True):
            if name not in owners or type(index) is not int or index < 0:
                raise DecodeError("a malformed carried value")
            carried[index] = (*carried.get(index, ()), name)
        return LazyLoops(owners, carried, partial(_load_unit, self._shared, node[2]))


def _load_unit(outer: list[Any], data: bytes) -> Any:
    """What one unit holds: bindings, module-level functions or loops (``LazyBindings``,
    ``LazyFunctions`` and ``LazyLoops`` check what they get)."""
    return unpack(data, _Decoder(outer).hook)
