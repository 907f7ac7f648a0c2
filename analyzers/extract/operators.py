"""The evaluator's operators on values: displays, f-strings, arithmetic, comparisons,
branches, subscripts and container changes (a part of ``evaluate.Evaluator``)."""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from analyzers.extract import ir, known_calls, options
from analyzers.extract.contexts import Context
from analyzers.extract.evaluator_state import EvaluatorState
from analyzers.extract.summary import FileSummary
from analyzers.extract.values import (
    ARGS,
    DATA,
    EXTERNAL,
    MAP,
    NEVER,
    OPTIONS,
    SEQ,
    UNKNOWN_VALUE,
    UNRESOLVED,
    NamePattern,
    Val,
    as_data,
    data,
    join_pattern,
    mapping,
    sequence,
    string_pattern,
    unknown,
)

_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "//": operator.floordiv, "%": operator.mod, "**": operator.pow, "|": operator.or_,
    "&": operator.and_, "^": operator.xor, "<<": operator.lshift, ">>": operator.rshift,
}
_UNARY: dict[str, Callable[[Any], Any]] = {
    "-": operator.neg, "+": operator.pos, "not": operator.not_, "~": operator.invert,
}
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
    ">=": operator.ge, "in": lambda a, b: a in b, "not in": lambda a, b: a not in b,
    "is": lambda a, b: a is b if a is None or b is None else a == b,
    "is not": lambda a, b: a is not b if a is None or b is None else a != b,
}


class Operators(EvaluatorState):
    """Operations on values, mixed into ``Evaluator``."""

    def join(self, values: Sequence[Val], extra: Sequence[Val] = ()) -> Val:
        """A value that is one of ``values`` (branches, several runs)."""
        taken = [v for v in values if v != NEVER]
        values = taken or values  # a branch the run does not take adds nothing
        if not values:
            return UNRESOLVED
        first = values[0]
        if all(v == first for v in values[1:]):
            return carry(first, extra) if extra else first
        if all(v.kind == OPTIONS or (v.kind == DATA and v.data is None and not v.unresolved) for v in values):
            return Val(OPTIONS, ref=options.join([options.of(v) for v in values]))
        if all(v.kind == MAP for v in values):
            return carry(self._join_maps(values), extra)
        plain = [as_data(v) for v in values]
        if all(p.known for p in plain) and all(p.data == plain[0].data for p in plain[1:]):
            return data(plain[0].data, [*values, *extra])
        return unknown([*values, *extra])

    def _join_maps(self, values: Sequence[Val]) -> Val:
        """Dicts from different paths (``kwargs["x"] = ...`` in a branch, then ``**kwargs``):
        a key every path has keeps its joined value (``"opts"`` stays visible); a key only
        some paths add may be absent, so it reads as unknown."""
        tables = [dict(value.ref) for value in values]
        keys = list(dict.fromkeys(key for table in tables for key in table))
        entries: list[tuple[Any, Val]] = []
        for key in keys:
            present = [table[key] for table in tables if key in table]
            if len(present) < len(tables):
                present.append(UNRESOLVED)
            entries.append((key, self.join(present)))
        return mapping(entries)

    def sequence(self, expr: ir.Seq, module: FileSummary, ctx: Context) -> Val:
        items: list[Val] = []
        for item in expr.items:
            if isinstance(item, ir.Star):
                value = self.eval(item.value, module, ctx)
                if value.items is not None:
                    items.extend(value.items)
                else:
                    return unknown([*items, value])
            else:
                items.append(self.eval(item, module, ctx))
        return sequence(items, expr.kind)

    def mapping(self, expr: ir.MapDisplay, module: FileSummary, ctx: Context) -> Val:
        entries: dict[Any, Val] = {}
        parts: list[Val] = []
        complete = True
        for key_expr, value_expr in expr.entries:
            value = self.eval(value_expr, module, ctx)
            if key_expr is None:
                spread = spread_entries(value)
                parts.append(value)
                if spread is None:
                    complete = False
                else:
                    entries.update(spread)
                continue
            key = as_data(self.eval(key_expr, module, ctx))
            parts.extend((key, value))
            try:
                if key.known:
                    entries[key.data] = carry(value, [key]) if key.deps or key.unresolved else value
                else:
                    complete = False
            except TypeError:
                complete = False
        return mapping(entries.items()) if complete else unknown(parts)

    def fstring(self, expr: ir.FStr, module: FileSummary, ctx: Context) -> Val:
        pieces: list[str] = []
        pattern: list[str | None] = []  # what is known of the text when some part is not
        parts: list[Val] = []
        complete = True
        for part in expr.parts:
            if isinstance(part, str):
                pieces.append(part)
                pattern.append(part)
                continue
            value = as_data(self.eval(part.value, module, ctx))
            spec = as_data(self.eval(part.spec, module, ctx)) if part.spec is not None else data("")
            parts.extend((value, spec))
            if not (value.known and isinstance(spec.data, str)) or known_calls.BIG_NUMBER.search(spec.data):
                complete = False
                plain = part.conversion in (None, "s") and spec.known and spec.data == ""
                pattern.extend((plain and string_pattern(value)) or (None,))
                continue
            try:
                item = value.data
                if part.conversion == "r":
                    item = repr(item)
                elif part.conversion == "a":
                    item = ascii(item)
                elif part.conversion == "s":
                    item = str(item)
                pieces.append(format(item, spec.data))
                pattern.append(pieces[-1])
            except (ValueError, TypeError):
                complete = False
                pattern.append(None)
        if complete:
            return data("".join(pieces), parts)
        return replace(unknown(parts), pattern=join_pattern(pattern))

    def binary(self, expr: ir.BinOp, module: FileSummary, ctx: Context) -> Val:
        left_val = self.eval(expr.left, module, ctx)
        right_val = self.eval(expr.right, module, ctx)
        if expr.op == "+" and left_val.kind == SEQ and right_val.kind == SEQ:
            return sequence((*left_val.ref, *right_val.ref), "tuple" if isinstance(left_val.data, tuple) else "list")
        left, right = as_data(left_val), as_data(right_val)
        function = _BINARY.get(expr.op)
        if function is None or not (left.known and right.known) or not _bounded(expr.op, left.data, right.data):
            return replace(unknown([left, right]), pattern=_concatenation(expr.op, left, right))
        try:
            result = function(left.data, right.data)
        except (TypeError, ValueError, ZeroDivisionError, OverflowError, MemoryError):
            return unknown([left, right])
        return data(result, [left, right])

    def unary(self, expr: ir.UnaryOp, module: FileSummary, ctx: Context) -> Val:
        value = as_data(self.eval(expr.operand, module, ctx))
        if not value.known:
            return unknown([value])
        try:
            result = _UNARY[expr.op](value.data)
        except (KeyError, TypeError):
            return unknown([value])
        return data(result, [value])

    def boolean(self, expr: ir.BoolOp, module: FileSummary, ctx: Context) -> Val:
        values: list[Val] = []
        for value_expr in expr.values:
            value = self.eval(value_expr, module, ctx)
            values.append(value)
            plain = as_data(value)
            if value.kind == DATA and not plain.known:
                rest = [self.eval(v, module, ctx) for v in expr.values[len(values):]]
                return unknown([*values, *rest])
            truthy = bool(plain.data) if plain.known else True  # objects are truthy
            if (expr.op == "or" and truthy) or (expr.op == "and" and not truthy):
                return carry(value, values[:-1])
        return carry(values[-1], values[:-1])

    def compare(self, expr: ir.Compare, module: FileSummary, ctx: Context) -> Val:
        left = as_data(self.eval(expr.left, module, ctx))
        rights = [as_data(self.eval(c, module, ctx)) for c in expr.comparators]
        parts = [left, *rights]
        if not all(p.known for p in parts):
            return unknown(parts)
        current = left.data
        try:
            for op, right in zip(expr.ops, rights, strict=True):
                if not _COMPARE[op](current, right.data):
                    return data(False, parts)
                current = right.data
        except (KeyError, TypeError):
            return unknown(parts)
        return data(True, parts)

    def if_else(self, expr: ir.IfElse, module: FileSummary, ctx: Context) -> Val:
        test = as_data(self.eval(expr.test, module, ctx))
        if test.known:
            chosen = self.eval(expr.body if test.data else expr.orelse, module, ctx)
            # The test picks a value; only its uncertainty carries over (not its references).
            return carry(chosen, [Val(DATA, None, None, frozenset(), test.unresolved, test.secret)])
        return self.join([self.eval(expr.body, module, ctx), self.eval(expr.orelse, module, ctx)], [test])

    def alternatives(self, expr: ir.Alternatives, module: FileSummary, ctx: Context) -> Val:
        return self.join([self.eval(e, module, ctx) for e in expr.options])

    def element(self, expr: ir.Element, module: FileSummary, ctx: Context) -> Val:
        if expr.loop:
            runs = self.contexts_for(module, expr.loop, ctx)
            if runs and all(run.iteration is not None for run in runs):
                values = [run.iteration for run in runs if run.iteration is not None]
                return values[0] if len(values) == 1 else self.join(values)
        iterable = self.eval(expr.iterable, module, ctx)
        items = iterable.items
        if items:
            return self.join(list(items), [iterable]) if len(items) > 1 else carry(items[0], [iterable])
        return unknown([iterable])

    def mutated(self, expr: ir.Mutated, module: FileSummary, ctx: Context) -> Val:
        base = self.eval(expr.base, module, ctx)
        additions = [self.eval(a, module, ctx) for a in expr.additions]
        if base.kind == OPTIONS:
            return unknown([base, *additions, UNRESOLVED])
        if base.kind == SEQ and isinstance(base.data, list):
            if expr.method == "append" and len(additions) == 1:
                return sequence((*base.ref, additions[0]))
            if expr.method == "extend" and len(additions) == 1 and additions[0].items is not None:
                return sequence((*base.ref, *additions[0].items))
        if base.kind == MAP and expr.method == "update" and len(additions) == 1:
            entries = spread_entries(additions[0])
            if entries is not None:
                return mapping({**dict(base.ref), **entries}.items())
        return unknown([base, *additions])

    def stored(self, expr: ir.Stored, module: FileSummary, ctx: Context) -> Val:
        base = self.eval(expr.base, module, ctx)
        key = as_data(self.eval(expr.key, module, ctx))
        value = self.eval(expr.value, module, ctx)
        if key.known and not key.deps and not key.unresolved:
            try:
                if base.kind == MAP:
                    entries = dict(base.ref)
                    entries[key.data] = value
                    return mapping(entries.items())
                plain = as_data(base)
                if base.kind == DATA and isinstance(plain.data, dict) and not plain.data and not plain.deps:
                    return mapping([(key.data, value)])
                if base.kind == SEQ and isinstance(key.data, int) and -len(base.ref) <= key.data < len(base.ref):
                    items = list(base.ref)
                    items[key.data] = value
                    return sequence(items, "tuple" if isinstance(base.data, tuple) else "list")
            except TypeError:
                pass
        return unknown([base, key, value])

    def subscript(self, expr: ir.Subscript, module: FileSummary, ctx: Context) -> Val:
        base = self.eval(expr.base, module, ctx)
        if base.kind == EXTERNAL:
            return UNKNOWN_VALUE  # typing subscripts and the like
        if isinstance(expr.index, ir.Slice):
            bounds = [as_data(self.eval(b, module, ctx)) if b is not None else data(None)
                      for b in (expr.index.lower, expr.index.upper, expr.index.step)]
            container = as_data(base)
            if all(b.known for b in bounds):
                window = slice(*(b.data for b in bounds))
                try:
                    if base.kind == SEQ:
                        return sequence(base.ref[window], "tuple" if isinstance(base.data, tuple) else "list")
                    if isinstance(container.data, str | list | tuple):
                        return data(container.data[window], [container, *bounds])
                except (TypeError, ValueError):
                    pass
            return unknown([container, *bounds])
        index = as_data(self.eval(expr.index, module, ctx))
        if index.known:
            try:
                if base.kind == SEQ and isinstance(index.data, int) and not isinstance(index.data, bool):
                    return carry(base.ref[index.data], [index])
                if base.kind == MAP:
                    found = dict(base.ref).get(index.data)
                    if found is not None:
                        return carry(found, [index])
                    return unknown([base, index])
                value = as_data(base).data
                if isinstance(value, dict | list | tuple | str):
                    return data(value[index.data], [as_data(base), index])
            except (KeyError, IndexError, TypeError):
                return unknown([base, index])
        return unknown([base, index])

    def opaque(self, expr: ir.Opaque, module: FileSummary, ctx: Context) -> Val:
        parts = [self.eval(p, module, ctx) for p in expr.parts]
        if not expr.resolved:
            parts.append(UNRESOLVED)
        return unknown(parts)

    def comprehension(self, expr: ir.Comprehension, module: FileSummary, ctx: Context) -> Val:
        parts = [self.eval(expr.element, module, ctx), *(self.eval(s, module, ctx) for s in expr.sources)]
        return unknown(parts)


def spread_entries(value: Val) -> dict[str, Val] | None:
    """The keyword arguments a ``**value`` spread passes, when they can be seen."""
    if value.kind == ARGS:
        return dict(value.ref or ())
    if value.kind == MAP and all(isinstance(k, str) for k, _ in value.ref):
        return {k: v for k, v in value.ref}
    plain = as_data(value)
    if isinstance(plain.data, dict) and all(isinstance(k, str) for k in plain.data):
        return {k: data(v, [plain]) for k, v in plain.data.items()}
    return None


def carry(value: Val, parts: Sequence[Val]) -> Val:
    """``value`` with the references and flags of everything that decided it."""
    merged = unknown(parts)
    if not (merged.deps - value.deps or (merged.unresolved and not value.unresolved)
            or (merged.secret and not value.secret)):
        return value
    return Val(value.kind, value.data, value.ref, value.deps | merged.deps,
               value.unresolved or merged.unresolved, value.secret or merged.secret, value.param)


def _concatenation(op: str, left: Val, right: Val) -> NamePattern | None:
    """The pattern of ``left + right`` when one side is (partly) known text."""
    if op != "+":
        return None
    known_left, known_right = string_pattern(left), string_pattern(right)
    if known_left is None and known_right is None:
        return None  # two unknowns might be numbers
    return join_pattern((*(known_left or (None,)), *(known_right or (None,))))


def _bounded(op: str, left: Any, right: Any) -> bool:
    """Refuse operations whose result could be huge (``"x" * 10**9``, ``10 ** 10**9``)."""
    if op == "*":
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, str | list | tuple) and isinstance(count, int):
                return len(seq) * max(count, 0) <= known_calls.MAX_TEXT
    if op == "**":
        return isinstance(right, int | float) and abs(right) <= 64 and (
            not isinstance(left, int) or abs(left) < 2**64)
    if op == "<<":
        return isinstance(right, int) and 0 <= right <= 64
    if op == "+" and isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
        return len(left) + len(right) <= known_calls.MAX_TEXT
    return True
