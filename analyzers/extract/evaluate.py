"""Phase 2: evaluate recorded expressions across modules and contexts.

Names resolve through the module index (imports of sibling modules); values
are computed when every part is a literal or a constant; references to
resources are collected as dependencies. Functions and methods run per call
(see ``contexts`` and ``runs``). Anything the analyzer cannot follow is
marked unresolved rather than guessed. Evaluation is memoized per binding
and context, and guarded against cycles and runaway depth.

The Evaluator is assembled from parts: ``runs`` (contexts), ``calls``
(calls and attributes) and ``operators`` (operations on values), which
share the state ``evaluator_state`` declares; this module holds the
dispatch and name resolution.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from analyzers.extract import ir, naming
from analyzers.extract.calls import Calls
from analyzers.extract.contexts import Context
from analyzers.extract.operators import Operators
from analyzers.extract.runs import Runs
from analyzers.extract.summary import ClassInfo, FileSummary
from analyzers.extract.values import (
    CLASS,
    DATA,
    EXTERNAL,
    FUNCTION,
    MODULE,
    SUPER,
    UNKNOWN_VALUE,
    UNRESOLVED,
    ClassKey,
    Val,
    data,
)
from policypack.graph import UNKNOWN

MAX_EVAL_DEPTH = 150
_BUILTINS = frozenset(dir(builtins))


class Evaluator(Runs, Calls, Operators):
    """Dispatch and name resolution; the state the parts share is ``EvaluatorState``'s."""

    def eval(self, expr: ir.Expr | None, module: FileSummary, ctx: Context) -> Val:
        if expr is None:
            return data(None)
        if self._depth > MAX_EVAL_DEPTH:
            return UNRESOLVED
        self._depth += 1
        try:
            handler = _HANDLERS.get(type(expr))
            return handler(self, expr, module, ctx) if handler is not None else UNRESOLVED
        finally:
            self._depth -= 1

    def class_info(self, key: ClassKey) -> ClassInfo | None:
        module = self.modules.get(key[0])
        return module.classes.get(key[1]) if module is not None else None

    def _memoized(self, key: tuple[Any, ...], compute: Callable[[], Val]) -> Val:
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

    def _binding(self, expr: ir.Binding, module: FileSummary, ctx: Context) -> Val:
        if not 0 <= expr.index < len(module.bindings):
            return UNRESOLVED
        carried = self._carried(module, expr.index, ctx)
        if carried is not None:
            return carried
        return self._binding_value(module, expr.index, ctx)

    def _binding_value(self, module: FileSummary, index: int, ctx: Context) -> Val:
        owners = module.binding_owners
        runs = self.contexts_for(module, owners[index] if index < len(owners) else "", ctx)
        if not runs:
            return UNRESOLVED
        values = []
        for run in runs:
            key = (module.path, index, run.id)
            value = self._memo.get(key)  # most reads are of a value computed before
            if value is None:
                value = self._memoized(key, partial(self.eval, module.bindings[index], module, run))
            values.append(value)
        return values[0] if len(values) == 1 else self.join(values)

    def _param(self, expr: ir.Param, module: FileSummary, ctx: Context) -> Val:
        unbound = Val(DATA, UNKNOWN, None, frozenset(), True, False, expr.name)
        runs = self.contexts_for(module, expr.function, ctx) if expr.function else []
        values = [run.args.get(expr.name, unbound) for run in runs]
        if not values:
            return unbound
        return values[0] if len(values) == 1 else self.join(values)

    def _self(self, expr: ir.SelfRef, module: FileSummary, ctx: Context) -> Val:
        runs = self.contexts_for(module, expr.function, ctx) if expr.function else []
        values = [run.self_val for run in runs if run.self_val is not None]
        if not values:
            return UNRESOLVED
        return values[0] if len(values) == 1 else self.join(values)

    def _super(self, expr: ir.SuperRef, module: FileSummary, ctx: Context) -> Val:
        instance = self._self(ir.SelfRef(expr.class_name, expr.function), module, ctx)
        return Val(SUPER, ref=((module.path, expr.class_name), instance))

    def global_value(self, module: FileSummary, name: str) -> Val:
        return self._memoized((module.path, "global", name), lambda: self._global(module, name))

    def _global(self, module: FileSummary, name: str) -> Val:
        expr = module.globals.get(name)
        if expr is not None:
            return self.eval(expr, module, self.root)
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

    def _import_module(self, expr: ir.ImportModule, module: FileSummary, ctx: Context) -> Val:
        found = self.index.resolve(module.path, expr.module, 0)
        return Val(MODULE, ref=found) if found is not None else Val(EXTERNAL, ref=expr.module)

    def _import_from(self, expr: ir.ImportFrom, module: FileSummary, ctx: Context) -> Val:
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
            return Val(MODULE, ref=submodule)
        return UNRESOLVED


_HANDLERS: Mapping[type, Callable[[Evaluator, Any, FileSummary, Context], Val]] = {
    ir.Lit: lambda ev, e, m, c: data(e.value),
    ir.Seq: Evaluator.sequence,
    ir.Star: lambda ev, e, m, c: ev.eval(e.value, m, c),
    ir.MapDisplay: Evaluator.mapping,
    ir.FStr: Evaluator.fstring,
    ir.BinOp: Evaluator.binary,
    ir.UnaryOp: Evaluator.unary,
    ir.BoolOp: Evaluator.boolean,
    ir.Compare: Evaluator.compare,
    ir.IfElse: Evaluator.if_else,
    ir.Attr: lambda ev, e, m, c: ev.attribute(ev.eval(e.base, m, c), e.name, c),
    ir.Subscript: Evaluator.subscript,
    ir.Call: Evaluator.call,
    ir.Lambda: lambda ev, e, m, c: Val(DATA, UNKNOWN, "lambda"),
    ir.Comprehension: Evaluator.comprehension,
    ir.Binding: Evaluator._binding,
    ir.Global: lambda ev, e, m, c: ev.global_value(m, e.name),
    ir.Param: Evaluator._param,
    ir.LambdaParam: lambda ev, e, m, c: UNKNOWN_VALUE,
    ir.SelfRef: Evaluator._self,
    ir.SuperRef: Evaluator._super,
    ir.ImportModule: Evaluator._import_module,
    ir.ImportFrom: Evaluator._import_from,
    ir.ClassRef: lambda ev, e, m, c: Val(CLASS, ref=(m.path, e.qualname)),
    ir.FunctionRef: lambda ev, e, m, c: Val(FUNCTION, ref=(m.path, e.qualname)),
    ir.Alternatives: Evaluator.alternatives,
    ir.Element: Evaluator.element,
    ir.Mutated: Evaluator.mutated,
    ir.Stored: Evaluator.stored,
    ir.AfterLoop: Evaluator.after_loop,
    ir.Opaque: Evaluator.opaque,
    ir.Slice: lambda ev, e, m, c: UNRESOLVED,
}
