"""Runs of functions, methods and loop iterations: creating and finding contexts,
binding arguments, reading return values (a part of ``evaluate.Evaluator``)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from analyzers.extract import ir
from analyzers.extract.contexts import MAX_CONTEXTS, MAX_DEPTH, MAX_ITERATIONS, Context
from analyzers.extract.evaluator_state import EvaluatorState
from analyzers.extract.sites import class_node_key
from analyzers.extract.summary import FileSummary, FunctionInfo
from analyzers.extract.values import (
    DATA,
    SELF,
    UNRESOLVED,
    Val,
    as_data,
    data,
    mapping,
    sequence,
    unknown,
)
from policypack.graph import UNKNOWN


class Runs(EvaluatorState):
    """Contexts: one per function run, method run on an instance, or loop iteration."""

    def _new_context(self, module: FileSummary, function: str, caller: Context | None, *,
                     optional: bool = True, **fields: Any) -> Context | None:
        """A new context, or None when an optional one (a call run, an unrolled iteration)
        exceeds the budget; code left out that way still gets a generic run."""
        if optional and len(self.contexts) >= MAX_CONTEXTS:
            return None
        context = Context(len(self.contexts), module, function, caller,
                          depth=(caller.depth + 1) if caller is not None else 0, **fields)
        self.contexts.append(context)
        self.pending.append(context)
        return context

    def contexts_for(self, module: FileSummary, owner: str, ctx: Context, create: bool = True) -> list[Context]:
        """The runs of ``owner`` (a function or loop of ``module``) that ``ctx`` sees."""
        if not owner:
            return [self.root]
        context: Context | None = ctx
        while context is not None:  # the chain, without building it: most reads stop in ctx itself
            if context.module is module and context.function == owner:
                return [context]
            context = context.caller
        loop = module.loops.get(owner)
        if loop is not None:
            found: list[Context] = []
            for parent in self.contexts_for(module, loop.owner, ctx, create):
                found.extend(self.loop_contexts(parent, module, owner))
            return found
        instance = ctx.instance()
        if instance is not None and isinstance(instance.ref, tuple):
            runs = self._method_runs.get((instance.ref[1], module.path, owner))
            if runs:
                return runs
            info = module.functions.get(owner)
            if info is not None and info.class_name is not None:
                return []  # that method never ran on this instance
        runs = self.runs.get((module.path, owner))
        if runs:
            return runs
        if not create:
            return []
        generic = self.generic_context(module, owner)
        return [generic] if generic is not None else []

    def generic_context(self, module: FileSummary, function: str) -> Context | None:
        key = (module.path, function)
        if key not in self._generic:
            info = module.functions.get(function)
            self_val = None
            if info is not None and info.class_name is not None and "staticmethod" not in info.decorators:
                class_key = (module.path, info.class_name)
                self.generic_instances.add(class_key)
                self_val = Val(SELF, ref=(class_key, class_node_key(class_key)))
            context = self._new_context(module, function, None, optional=False, self_val=self_val)
            if context is None:
                return None
            self._generic[key] = context
            if self_val is not None:
                self._method_runs.setdefault((class_node_key(self_val.ref[0]), module.path, function),
                                             []).append(context)
        return self._generic[key]

    def loop_contexts(self, parent: Context, module: FileSummary, loop: str) -> list[Context]:
        key = (parent.id, module.path, loop)
        if key in self._loops:
            return self._loops[key]
        self._loops[key] = []  # guards against the iterable referring to the loop itself
        iterable = self.eval(module.loops[loop].iterable, module, parent)
        items = iterable.items
        created: list[Context] = []
        unroll = (items is not None and 0 < len(items) <= MAX_ITERATIONS
                  and len(self.contexts) + len(items) <= MAX_CONTEXTS)
        if unroll and items is not None:
            for item in items:
                context = self._new_context(module, loop, parent, optional=False, iteration=item,
                                        condition=parent.condition)
                if context is not None:
                    created.append(context)
        else:  # one run standing for every iteration, the element unknown
            context = self._new_context(module, loop, parent, optional=False, iteration=None,
                                        condition=parent.condition)
            if context is not None:
                created.append(context)
        self._loops[key] = created
        return created

    def _run(self, call: ir.Call, ctx: Context, module: FileSummary, info: FunctionInfo,
             args: list[Val], kwargs: dict[str, Val], spread_unknown: bool, self_val: Val | None,
             module_of_call: FileSummary | None = None) -> Context | None:
        """The context running ``info`` for this call (one per call expression and caller);
        ``module_of_call`` holds the call, when its branch conditions are to be kept."""
        key = (id(call), ctx.id, (module.path, info.qualname, self_val.ref if self_val is not None else None))
        if key in self._calls:
            return self._calls[key]
        self._calls[key] = None
        if ctx.depth >= MAX_DEPTH or any(
            c.module is module and c.function == info.qualname for c in ctx.chain()
        ):
            return None  # too deep, or recursive
        condition = self.branch_condition(call, module_of_call, ctx) if module_of_call is not None else frozenset()
        if condition is None:
            return None  # a branch this run does not take
        bound = self._bind(info, module, ctx, args, kwargs, spread_unknown, self_val)
        context = self._new_context(module, info.qualname, ctx, args=bound, self_val=self_val,
                                    condition=condition | ctx.condition)
        if context is None:
            self.refused.add((module.path, info.qualname))  # over budget: give it a generic run
            return None
        self._calls[key] = context
        self.runs.setdefault((module.path, info.qualname), []).append(context)
        if self_val is not None and isinstance(self_val.ref, tuple):
            self._method_runs.setdefault((self_val.ref[1], module.path, info.qualname), []).append(context)
        return context

    def _bind(self, info: FunctionInfo, module: FileSummary, ctx: Context, args: list[Val],
              kwargs: dict[str, Val], spread_unknown: bool, self_val: Val | None) -> dict[str, Val]:
        params = list(info.positional)
        if params and (self_val is not None or "classmethod" in info.decorators):
            params = params[1:]
        bound: dict[str, Val] = dict(zip(params, args, strict=False))
        if info.vararg is not None:
            bound[info.vararg] = sequence(args[len(params):], "tuple")
        extra: dict[str, Val] = {}
        for name, value in kwargs.items():
            if name in params or name in info.keyword_only:
                bound[name] = value
            else:
                extra[name] = value
        if info.kwarg is not None:
            bound[info.kwarg] = UNRESOLVED if spread_unknown else mapping(extra.items())
        for name in (*params, *info.keyword_only):
            if name in bound:
                continue
            if spread_unknown:
                bound[name] = Val(DATA, UNKNOWN, None, frozenset(), True, False, name)
            elif name in info.defaults:
                bound[name] = self.eval(info.defaults[name], module, ctx)
        return bound

    def returns(self, info: FunctionInfo, module: FileSummary, ctx: Context | None) -> Val:
        """What a run returns: the first return whose branch conditions hold."""
        if ctx is None:
            return UNRESOLVED
        paths = info.returns
        for position, path in enumerate(paths):
            verdict = True if path.certain else None
            for condition, holds in path.guards:
                value = as_data(self.eval(condition, module, ctx))
                if not value.known:
                    verdict = None
                    break
                if bool(value.data) != holds:
                    verdict = False
                    break
            if verdict is False:
                continue
            if verdict is True:
                return UNRESOLVED if path.value is None else self.eval(path.value, module, ctx)
            # Several returns are possible; a raise creates nothing, so it adds no value.
            values = [self.eval(p.value, module, ctx) for p in paths[position:] if p.value is not None]
            return self.join(values) if values else UNRESOLVED
        return data(None)

    def _carried(self, module: FileSummary, index: int, ctx: Context) -> Val | None:
        """Inside iteration k > 0 of an unrolled loop, a value from before the loop that
        the body changes is what iteration k - 1 left."""
        loops = self._carried_index(module).get(index)
        if not loops:
            return None
        for context in ctx.chain():
            loop = context.function
            if context.module is not module or loop is None or loop not in loops:
                continue
            if context.iteration is None:
                # Iterations not unrolled: a later one may see what an earlier one left.
                return unknown([self._binding_value(module, index, ctx), UNRESOLVED])
            siblings = self._loops.get((context.caller.id if context.caller else 0, module.path, loop), [])
            position = next((i for i, c in enumerate(siblings) if c is context), -1)
            if position <= 0:
                return None
            after = [expr for carried, expr in module.loops[loop].carried if carried == index]
            return self.eval(after[-1], module, siblings[position - 1]) if after else UNRESOLVED
        return None

    def _carried_index(self, module: FileSummary) -> Mapping[int, Collection[str]]:
        """For each binding a loop of ``module`` carries, those loops (a cached module's loops
        tell without being decoded: ``lazy_bindings.LazyLoops``)."""
        found = self._carried_cache.get(module.path)
        if found is None:
            told = getattr(module.loops, "carried_by", None)
            if told is not None:
                found = told()
            else:
                carried: dict[int, set[str]] = {}
                for info in module.loops.values():
                    for index, _ in info.carried:
                        carried.setdefault(index, set()).add(info.qualname)
                found = carried
            self._carried_cache[module.path] = found
        return found

    def after_loop(self, expr: ir.AfterLoop, module: FileSummary, ctx: Context) -> Val:
        runs = self.contexts_for(module, expr.loop, ctx)
        if runs and all(run.iteration is not None for run in runs):
            return self.eval(expr.after, module, runs[-1])
        options_ = [self.eval(expr.after, module, ctx)]
        if expr.before is not None:
            options_.append(self.eval(expr.before, module, ctx))
        return self.join(options_)
