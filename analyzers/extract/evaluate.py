"""Phase 2: evaluate recorded expressions across the project's modules.

Names resolve through the module index (imports of sibling modules), values
are computed when every part is a literal or a constant, and references to
resources are collected as dependencies. Anything the analyzer cannot follow
is marked unresolved rather than guessed. Evaluation is memoized per binding
and guarded against cycles and runaway depth.
"""

from __future__ import annotations

import builtins
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from analyzers.extract import ir, known_calls, naming, options
from analyzers.extract.linker import ModuleIndex
from analyzers.extract.summary import ClassInfo, FileSummary
from analyzers.extract.values import (
    ARGS,
    CLASS,
    CONFIG,
    DATA,
    EXTERNAL,
    FUNCTION,
    INSTANCE,
    MODULE,
    OPTIONS,
    RESOURCE,
    SELF,
    SUPER,
    UNKNOWN_VALUE,
    UNRESOLVED,
    ClassKey,
    Val,
    as_data,
    data,
    is_fully_known,
    unknown,
)
from policypack.graph import UNKNOWN

if TYPE_CHECKING:
    from analyzers.extract.components import ComponentIndex

MAX_DEPTH = 120
_BUILTINS = frozenset(dir(builtins))
_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "//": operator.floordiv, "%": operator.mod, "**": operator.pow, "|": operator.or_,
    "&": operator.and_, "^": operator.xor, "<<": operator.lshift, ">>": operator.rshift,
}
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
    ">=": operator.ge, "in": lambda a, b: a in b, "not in": lambda a, b: a not in b,
    "is": lambda a, b: a is b if a is None or b is None else a == b,
    "is not": lambda a, b: a is not b if a is None or b is None else a != b,
}
PULUMI_COMPONENT_BASES = frozenset({"pulumi.ComponentResource", "pulumi.resource.ComponentResource"})


def node_key(path: str, site: int) -> str:
    return f"{path}#{site}"


def class_node_key(key: ClassKey) -> str:
    return f"{key[0]}#{key[1]}"


class Evaluator:
    def __init__(self, summaries: Sequence[FileSummary]) -> None:
        self.modules: dict[str, FileSummary] = {s.path: s for s in summaries}
        self.index = ModuleIndex(self.modules)
        self._memo: dict[tuple[str, Any], Val] = {}
        self._active: set[tuple[str, Any]] = set()
        self._depth = 0
        self.components: ComponentIndex | None = None
        # (path, site) → the node key a resource call creates (None: not a resource)
        self.call_nodes: Callable[[str, int], str | None] = lambda path, site: None

    # --- entry points -------------------------------------------------------

    def eval(self, expr: ir.Expr | None, module: FileSummary) -> Val:
        if expr is None:
            return data(None)
        if self._depth > MAX_DEPTH:
            return UNRESOLVED
        self._depth += 1
        try:
            handler = _HANDLERS.get(type(expr))
            return handler(self, expr, module) if handler is not None else UNRESOLVED
        finally:
            self._depth -= 1

    def global_value(self, module: FileSummary, name: str) -> Val:
        return self._memoized((module.path, "global", name), lambda: self._global(module, name))

    def class_info(self, key: ClassKey) -> ClassInfo | None:
        module = self.modules.get(key[0])
        return module.classes.get(key[1]) if module is not None else None

    def _memoized(self, key: tuple[str, Any], compute: Callable[[], Val]) -> Val:
        found = self._memo.get(key)
        if found is not None:
            return found
        if key in self._active:
            return UNRESOLVED  # a cycle (x = y; y = x across modules)
        self._active.add(key)
        try:
            value = compute()
        finally:
            self._active.discard(key)
        self._memo[key] = value
        return value

    # --- names ----------------------------------------------------------------

    def _binding(self, expr: ir.Binding, module: FileSummary) -> Val:
        if not 0 <= expr.index < len(module.bindings):
            return UNRESOLVED
        return self._memoized((module.path, expr.index), lambda: self.eval(module.bindings[expr.index], module))

    def _global(self, module: FileSummary, name: str) -> Val:
        expr = module.globals.get(name)
        if expr is not None:
            return self.eval(expr, module)
        for star in module.star_imports:
            found = self._from_star(module, star, name)
            if found is not None:
                return found
        if name in _BUILTINS:
            return Val(EXTERNAL, ref=f"builtins.{name}")
        return UNRESOLVED

    def _from_star(self, module: FileSummary, star: ir.Expr, name: str) -> Val | None:
        if not isinstance(star, ir.ImportFrom):
            return None
        target = self.index.resolve(module.path, star.module, star.level)
        if target is not None:
            found = self.modules.get(target)
            if found is not None and (name in found.globals or found.star_imports):
                value = self.global_value(found, name)
                return None if value is UNRESOLVED else value
            return None
        if not star.level and star.module.startswith("pulumi") and naming.is_class_name(name):
            return Val(EXTERNAL, ref=f"{star.module}.{name}")
        return None

    def module_value(self, key: str) -> Val:
        return Val(MODULE, ref=key)

    def _import_module(self, expr: ir.ImportModule, module: FileSummary) -> Val:
        found = self.index.absolute(module.path, expr.module)
        return self.module_value(found) if found is not None else Val(EXTERNAL, ref=expr.module)

    def _import_from(self, expr: ir.ImportFrom, module: FileSummary) -> Val:
        source = self.index.resolve(module.path, expr.module, expr.level)
        if source is None:
            if expr.level:
                return UNRESOLVED  # a relative import of a file that is not in the analysis
            return Val(EXTERNAL, ref=f"{expr.module}.{expr.name}" if expr.module else expr.name)
        return self.module_attribute(source, expr.name)

    def module_attribute(self, key: str, name: str) -> Val:
        found = self.modules.get(key)
        if found is not None:
            if name in found.globals:
                return self.global_value(found, name)
            if found.star_imports:
                value = self.global_value(found, name)
                if value is not UNRESOLVED:
                    return value
        submodule = self.index.submodule(key, name)
        if submodule is not None:
            return self.module_value(submodule)
        return UNRESOLVED

    # --- classes ----------------------------------------------------------------

    def self_attribute(self, key: ClassKey, name: str) -> Val:
        """``self.name`` for an instance of project class ``key`` (searching its bases)."""
        components = self.components
        lineage = components.mro(key) if components is not None else [key]
        for owner in lineage:
            info = self.class_info(owner)
            module = self.modules.get(owner[0])
            if info is None or module is None:
                continue
            values = info.self_attrs.get(name)
            if values:
                expr = values[0] if len(values) == 1 else ir.Alternatives(values)
                return self._memoized((owner[0], "self", owner[1], name), lambda e=expr, m=module: self.eval(e, m))
            if name in info.class_attrs:
                return self.eval(info.class_attrs[name], module)
            if name in info.methods:
                return Val(FUNCTION)
        return UNRESOLVED

    def class_attribute(self, key: ClassKey, name: str) -> Val:
        info = self.class_info(key)
        module = self.modules.get(key[0])
        if info is None or module is None:
            return UNRESOLVED
        if name in info.class_attrs:
            return self.eval(info.class_attrs[name], module)
        if name in info.methods:
            return Val(FUNCTION)
        components = self.components
        if components is not None:
            for owner in components.mro(key)[1:]:
                if owner != key:
                    return self.class_attribute(owner, name)
        return UNRESOLVED

    # --- calls ------------------------------------------------------------------

    def call(self, expr: ir.Call, module: FileSummary) -> Val:
        if expr.site is not None:
            node = self.call_nodes(module.path, expr.site)
            if node is not None:  # its arguments belong to the resource, evaluated there
                return Val(RESOURCE, ref=node, deps=frozenset({node}))
        if isinstance(expr.func, ir.Attr):
            receiver = self.eval(expr.func.base, module)
            if receiver.kind in (DATA, CONFIG, OPTIONS, RESOURCE, INSTANCE, SELF, SUPER, FUNCTION):
                return self._method(receiver, expr.func.name, expr, module)
            func = self.attribute(receiver, expr.func.name)
        else:
            func = self.eval(expr.func, module)
        return self.apply(func, expr, module)

    def _args(self, expr: ir.Call, module: FileSummary) -> tuple[list[Val], dict[str, Val], bool, list[Val]]:
        """Positional values, keyword values, whether an unknown spread hides more, and spread values."""
        args: list[Val] = []
        spread_unknown = False
        spreads: list[Val] = []
        for arg in expr.args:
            if isinstance(arg, ir.Star):
                value = as_data(self.eval(arg.value, module))
                if isinstance(value.data, list | tuple):
                    args.extend(data(item, [value]) for item in value.data)
                else:
                    spread_unknown = True
                    spreads.append(value)
            else:
                args.append(self.eval(arg, module))
        kwargs: dict[str, Val] = {}
        for name, arg in expr.kwargs:
            value = self.eval(arg, module)
            if name is not None:
                kwargs[name] = value
                continue
            spread = value if value.kind == ARGS else as_data(value)
            entries = dict(spread.ref or ()) if spread.kind == ARGS else spread.data
            if isinstance(entries, dict) and all(isinstance(k, str) for k in entries):
                for key, item in entries.items():
                    kwargs[key] = item if isinstance(item, Val) else data(item, [spread])
            else:
                spread_unknown = True
                spreads.append(value)
        return args, kwargs, spread_unknown, spreads

    def apply(self, func: Val, expr: ir.Call, module: FileSummary) -> Val:
        args, kwargs, spread_unknown, spreads = self._args(expr, module)
        parts = [*args, *kwargs.values(), *spreads]
        if func.kind == EXTERNAL:
            path = str(func.ref)
            handler = known_calls.external_function(path)
            if handler is not None:
                if path in known_calls.SPREAD_AWARE:
                    return known_calls._resource_options(args, kwargs, spread_unknown)
                if spread_unknown:
                    return unknown([*parts, UNRESOLVED])
                return handler(args, kwargs)
            tail = path.rsplit(".", 1)[-1]
            if naming.is_input_type(tail) and path.startswith("pulumi_"):
                return Val(ARGS, ref=tuple(kwargs.items()), unresolved=spread_unknown,
                           deps=unknown(parts).deps, secret=unknown(parts).secret)
            return unknown(parts)  # library code cannot refer to this project's resources
        if func.kind == CLASS:
            return Val(INSTANCE, ref=(func.ref, args, kwargs), deps=unknown(parts).deps,
                       unresolved=spread_unknown or unknown(parts).unresolved)
        if func.kind == DATA and func.data is UNKNOWN and not func.unresolved and func.ref == "lambda":
            return unknown(parts)
        # project functions, methods and anything unknown may return anything
        return unknown([*parts, UNRESOLVED])

    def _method(self, receiver: Val, name: str, expr: ir.Call, module: FileSummary) -> Val:
        args, kwargs, spread_unknown, spreads = self._args(expr, module)
        parts = [receiver, *args, *kwargs.values(), *spreads]
        if spread_unknown:
            return unknown([*parts, UNRESOLVED])
        if receiver.kind in (DATA, CONFIG):
            result = known_calls.call_method(receiver, name, args, kwargs)
            if result is not None:
                return result
        if receiver.kind == SUPER:
            return data(None)  # super().__init__(...) and friends
        if receiver.kind == RESOURCE:
            return unknown(parts)  # resource methods: outputs of that resource
        if receiver.kind == OPTIONS and name == "merge":
            return options.merge(receiver, args[0] if args else None)
        return unknown([*parts, UNRESOLVED])

    # --- attributes ---------------------------------------------------------------

    def attribute(self, base: Val, name: str) -> Val:
        kind = base.kind
        if kind == EXTERNAL:
            path = f"{base.ref}.{name}"
            if str(base.ref) == "pulumi_aws.rds.EngineType" and name in naming.RDS_ENGINE_TYPES:
                return data(naming.RDS_ENGINE_TYPES[name])
            return Val(EXTERNAL, ref=path)
        if kind == MODULE:
            return self.module_attribute(str(base.ref), name)
        if kind == RESOURCE:
            owner = self._component_class(base.ref)
            if owner is not None:
                value = self.self_attribute(owner, name)
                return value if value is not UNRESOLVED else unknown([base, UNRESOLVED])
            return unknown([base])  # an output of that resource
        if kind == SELF:
            return self.self_attribute(base.ref, name)
        if kind == CLASS:
            return self.class_attribute(base.ref, name)
        if kind == INSTANCE:
            owner, _, kwargs = base.ref
            if name in kwargs:
                return kwargs[name]
            return self.class_attribute(owner, name)
        if kind == ARGS:
            entries = dict(base.ref or ())
            return entries.get(name, unknown([base, UNRESOLVED]))
        if kind == DATA and base.data is UNKNOWN:
            return unknown([base])  # an attribute of an output / invoke result
        return unknown([base, UNRESOLVED])

    def _component_class(self, node: str) -> ClassKey | None:
        components = self.components
        return components.class_of_node(node) if components is not None else None

    # --- the rest of the expression kinds ----------------------------------------

    def sequence(self, expr: ir.Seq, module: FileSummary) -> Val:
        items: list[Any] = []
        parts: list[Val] = []
        known_shape = True
        for item in expr.items:
            if isinstance(item, ir.Star):
                value = as_data(self.eval(item.value, module))
                parts.append(value)
                if isinstance(value.data, list | tuple):
                    items.extend(value.data)
                else:
                    known_shape = False
            else:
                value = self.eval(item, module)
                parts.append(value)
                items.append(as_data(value).data)
        if not known_shape:
            return unknown(parts)
        if expr.kind == "tuple":
            return data(tuple(items), parts)
        if expr.kind == "set":
            try:
                return data(frozenset(items), parts)
            except TypeError:
                return unknown(parts)
        return data(items, parts)

    def mapping(self, expr: ir.MapDisplay, module: FileSummary) -> Val:
        result: dict[Any, Any] = {}
        parts: list[Val] = []
        complete = True
        for key_expr, value_expr in expr.entries:
            value = self.eval(value_expr, module)
            if key_expr is None:
                spread = as_data(value)
                parts.append(spread)
                if isinstance(spread.data, dict):
                    result.update(spread.data)
                else:
                    complete = False
                continue
            key = as_data(self.eval(key_expr, module))
            parts.extend((key, value))
            try:
                if key.data is UNKNOWN:
                    complete = False
                else:
                    result[key.data] = as_data(value).data
            except TypeError:
                complete = False
        return data(result, parts) if complete else unknown(parts)

    def fstring(self, expr: ir.FStr, module: FileSummary) -> Val:
        pieces: list[str] = []
        parts: list[Val] = []
        complete = True
        for part in expr.parts:
            if isinstance(part, str):
                pieces.append(part)
                continue
            value = as_data(self.eval(part.value, module))
            spec = as_data(self.eval(part.spec, module)) if part.spec is not None else data("")
            parts.extend((value, spec))
            if not (value.known and isinstance(spec.data, str)) or known_calls._BIG_NUMBER.search(spec.data):
                complete = False
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
            except (ValueError, TypeError):
                complete = False
        return data("".join(pieces), parts) if complete else unknown(parts)

    def binary(self, expr: ir.BinOp, module: FileSummary) -> Val:
        left = as_data(self.eval(expr.left, module))
        right = as_data(self.eval(expr.right, module))
        function = _BINARY.get(expr.op)
        if function is None or not (left.known and right.known) or not _bounded(expr.op, left.data, right.data):
            return unknown([left, right])
        try:
            result = function(left.data, right.data)
        except (TypeError, ValueError, ZeroDivisionError, OverflowError, MemoryError):
            return unknown([left, right])
        return data(result, [left, right])

    def unary(self, expr: ir.UnaryOp, module: FileSummary) -> Val:
        value = as_data(self.eval(expr.operand, module))
        if not value.known:
            return unknown([value])
        try:
            result = {"-": operator.neg, "+": operator.pos, "not": operator.not_, "~": operator.invert}[expr.op](
                value.data)
        except (KeyError, TypeError):
            return unknown([value])
        return data(result, [value])

    def boolean(self, expr: ir.BoolOp, module: FileSummary) -> Val:
        values = [self.eval(v, module) for v in expr.values]
        for value in values:
            plain = as_data(value)
            if not plain.known and value.kind in (DATA,):
                return unknown(values)
            truthy = bool(plain.data) if plain.known else True  # objects are truthy
            if (expr.op == "or" and truthy) or (expr.op == "and" and not truthy):
                return _carry(value, values)
        return _carry(values[-1], values)

    def compare(self, expr: ir.Compare, module: FileSummary) -> Val:
        left = as_data(self.eval(expr.left, module))
        rights = [as_data(self.eval(c, module)) for c in expr.comparators]
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

    def if_else(self, expr: ir.IfElse, module: FileSummary) -> Val:
        test = as_data(self.eval(expr.test, module))
        if test.known:
            return self.eval(expr.body if test.data else expr.orelse, module)
        return self.alternatives((expr.body, expr.orelse), module, extra=[test])

    def alternatives(self, exprs: Iterable[ir.Expr], module: FileSummary, extra: Sequence[Val] = ()) -> Val:
        values = [self.eval(e, module) for e in exprs]
        first = values[0] if values else UNRESOLVED
        if all(v == first for v in values[1:]):
            return _carry(first, [*values, *extra]) if extra else first
        if all(v.kind == OPTIONS or (v.kind == DATA and v.data is None and not v.unresolved) for v in values):
            joined = options.join([options.of(v) for v in values])
            return Val(OPTIONS, ref=joined)
        plain = [as_data(v) for v in values]
        if all(p.known for p in plain) and all(p.data == plain[0].data for p in plain[1:]):
            return data(plain[0].data, [*values, *extra])
        return unknown([*values, *extra])

    def element(self, expr: ir.Element, module: FileSummary) -> Val:
        iterable = as_data(self.eval(expr.iterable, module))
        items = iterable.data
        if isinstance(items, dict):
            items = list(items)
        if isinstance(items, list | tuple | frozenset) and items:
            values = list(items)
            if all(v is not UNKNOWN for v in values) and all(v == values[0] for v in values[1:]):
                return data(values[0], [iterable])
        return unknown([iterable])

    def mutated(self, expr: ir.Mutated, module: FileSummary) -> Val:
        base = self.eval(expr.base, module)
        additions = [self.eval(a, module) for a in expr.additions]
        if base.kind == OPTIONS:
            return unknown([base, *additions, UNRESOLVED])
        return unknown([base, *additions])

    def subscript(self, expr: ir.Subscript, module: FileSummary) -> Val:
        base = self.eval(expr.base, module)
        if base.kind == EXTERNAL:
            return UNKNOWN_VALUE  # typing subscripts and the like
        container = as_data(base)
        if isinstance(expr.index, ir.Slice):
            bounds = [as_data(self.eval(b, module)) if b is not None else data(None)
                      for b in (expr.index.lower, expr.index.upper, expr.index.step)]
            if isinstance(container.data, str | list | tuple) and all(b.known for b in bounds):
                try:
                    return data(container.data[slice(*(b.data for b in bounds))], [container, *bounds])
                except (TypeError, ValueError):
                    pass
            return unknown([container, *bounds])
        index = as_data(self.eval(expr.index, module))
        value = container.data
        if index.known and isinstance(value, dict | list | tuple | str):
            try:
                item = value[index.data]
            except (KeyError, IndexError, TypeError):
                return unknown([container, index])
            return data(item, [container, index])
        return unknown([container, index])

    def opaque(self, expr: ir.Opaque, module: FileSummary) -> Val:
        parts = [self.eval(p, module) for p in expr.parts]
        if not expr.resolved:
            parts.append(UNRESOLVED)
        return unknown(parts)

    def comprehension(self, expr: ir.Comprehension, module: FileSummary) -> Val:
        parts = [self.eval(expr.element, module), *(self.eval(s, module) for s in expr.sources)]
        return unknown(parts)


def _carry(value: Val, parts: Sequence[Val]) -> Val:
    """``value`` with the references and flags of everything that decided it."""
    merged = unknown(parts)
    return Val(value.kind, value.data, value.ref, value.deps | merged.deps,
               value.unresolved or merged.unresolved, value.secret or merged.secret, value.param)


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


def _lit(ev: Evaluator, expr: ir.Lit, module: FileSummary) -> Val:
    return data(expr.value)


def _param(ev: Evaluator, expr: ir.Param, module: FileSummary) -> Val:
    return Val(DATA, UNKNOWN, None, frozenset(), True, False, expr.name)


def _lambda(ev: Evaluator, expr: ir.Lambda, module: FileSummary) -> Val:
    return Val(DATA, UNKNOWN, "lambda")


_HANDLERS: Mapping[type, Callable[[Evaluator, Any, FileSummary], Val]] = {
    ir.Lit: _lit,
    ir.Seq: Evaluator.sequence,
    ir.Star: lambda ev, e, m: ev.eval(e.value, m),
    ir.MapDisplay: Evaluator.mapping,
    ir.FStr: Evaluator.fstring,
    ir.BinOp: Evaluator.binary,
    ir.UnaryOp: Evaluator.unary,
    ir.BoolOp: Evaluator.boolean,
    ir.Compare: Evaluator.compare,
    ir.IfElse: Evaluator.if_else,
    ir.Attr: lambda ev, e, m: ev.attribute(ev.eval(e.base, m), e.name),
    ir.Subscript: Evaluator.subscript,
    ir.Call: Evaluator.call,
    ir.Lambda: _lambda,
    ir.Comprehension: Evaluator.comprehension,
    ir.Binding: Evaluator._binding,
    ir.Global: lambda ev, e, m: ev.global_value(m, e.name),
    ir.Param: _param,
    ir.LambdaParam: lambda ev, e, m: UNKNOWN_VALUE,
    ir.SelfRef: lambda ev, e, m: Val(SELF, ref=(m.path, e.class_name)),
    ir.SuperRef: lambda ev, e, m: Val(SUPER, ref=(m.path, e.class_name)),
    ir.ImportModule: Evaluator._import_module,
    ir.ImportFrom: Evaluator._import_from,
    ir.ClassRef: lambda ev, e, m: Val(CLASS, ref=(m.path, e.qualname)),
    ir.FunctionRef: lambda ev, e, m: Val(FUNCTION, ref=(m.path, e.qualname)),
    ir.Alternatives: lambda ev, e, m: ev.alternatives(e.options, m),
    ir.Element: Evaluator.element,
    ir.Mutated: Evaluator.mutated,
    ir.Opaque: Evaluator.opaque,
    ir.Slice: lambda ev, e, m: UNRESOLVED,
}

__all__ = ["Evaluator", "class_node_key", "is_fully_known", "node_key"]
