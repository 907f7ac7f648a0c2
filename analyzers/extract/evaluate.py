"""Phase 2: evaluate recorded expressions across modules and contexts.

Names resolve through the module index (imports of sibling modules); values
are computed when every part is a literal or a constant; references to
resources are collected as dependencies. Functions and methods run per call
(see ``contexts``). Anything the analyzer cannot follow is marked
unresolved rather than guessed. Evaluation is memoized per binding and
context, and guarded against cycles and runaway depth.
"""

from __future__ import annotations

import builtins
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from analyzers.extract import ir, known_calls, naming, options
from analyzers.extract.contexts import MAX_CONTEXTS, MAX_DEPTH, MAX_ITERATIONS, Context
from analyzers.extract.linker import ModuleIndex
from analyzers.extract.summary import CallSite, ClassInfo, FileSummary, FunctionInfo
from analyzers.extract.values import (
    ARGS,
    CLASS,
    CONFIG,
    DATA,
    EXTERNAL,
    FUNCTION,
    INSTANCE,
    MAP,
    MODULE,
    OPTIONS,
    RESOURCE,
    SELF,
    SEQ,
    SUPER,
    UNKNOWN_VALUE,
    UNRESOLVED,
    ClassKey,
    Val,
    as_data,
    data,
    mapping,
    sequence,
    unknown,
)
from policypack.graph import UNKNOWN

if TYPE_CHECKING:
    from analyzers.extract.components import ComponentIndex

MAX_EVAL_DEPTH = 150
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
_PROPERTIES = frozenset({"property", "cached_property"})
PULUMI_COMPONENT_BASES = frozenset({"pulumi.ComponentResource", "pulumi.resource.ComponentResource"})

# What a constructor call builds
CUSTOM = naming.CUSTOM  # a cloud resource (SDK class, or a project CustomResource subclass)
PROVIDER = naming.PROVIDER
PACKAGE_COMPONENT = naming.COMPONENT  # a component from a component package (awsx, ...)
LOCAL_COMPONENT = "local-component"  # an instance of a project ComponentResource subclass


def class_node_key(key: ClassKey) -> str:
    """The node of a project component analysed without a caller (its generic instance)."""
    return f"{key[0]}#{key[1]}"


@dataclass(eq=False)
class SiteInstance:
    """A constructor call run in one context: one graph node."""

    key: str
    module: FileSummary
    index: int
    site: CallSite
    context: Context
    kind: str
    type: str
    class_key: ClassKey | None = None
    init_context: Context | None = None  # the __init__ run of a project class


class Evaluator:
    def __init__(self, summaries: Sequence[FileSummary]) -> None:
        self.modules: dict[str, FileSummary] = {s.path: s for s in summaries}
        self.index = ModuleIndex(self.modules)
        self.components: ComponentIndex | None = None
        self.root = Context(0, None, None, None)
        self.contexts: list[Context] = [self.root]
        self.pending: list[Context] = []  # created, not yet processed by the graph builder
        self._memo: dict[tuple[Any, ...], Val] = {}
        self._active: set[tuple[Any, ...]] = set()
        self._depth = 0
        self._calls: dict[tuple[int, int, Any], Context | None] = {}
        self._loops: dict[tuple[int, str, str], list[Context]] = {}
        self._generic: dict[tuple[str, str], Context] = {}
        self.runs: dict[tuple[str, str], list[Context]] = {}  # (path, function) → its non-generic runs
        self._method_runs: dict[tuple[str, str, str], list[Context]] = {}  # (instance, path, function)
        self._sites: dict[tuple[str, int, int], Val | None] = {}
        self.site_instances: dict[str, SiteInstance] = {}
        self.instance_classes: dict[str, ClassKey] = {}  # instance key → its project class
        self.generic_instances: set[ClassKey] = set()
        self._carried_cache: dict[str, dict[int, dict[str, ir.Expr]]] = {}
        self.refused: set[tuple[str, str]] = set()  # functions some call could not run (budget)
        self._property_calls: dict[tuple[str, str], ir.Call] = {}

    # --- entry points -------------------------------------------------------

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

    # --- contexts -------------------------------------------------------------

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
        for context in ctx.chain():
            if context.module is module and context.function == owner:
                return [context]
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
            context = self._new_context(module, function, None, optional=False, self_val=self_val,
                                        generic=True)
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
                context = self._new_context(module, loop, parent, optional=False, iteration=item)
                if context is not None:
                    created.append(context)
        else:  # one run standing for every iteration, the element unknown
            context = self._new_context(module, loop, parent, optional=False, iteration=None)
            if context is not None:
                created.append(context)
        self._loops[key] = created
        return created

    def _run(self, call: ir.Call, ctx: Context, module: FileSummary, info: FunctionInfo,
             args: list[Val], kwargs: dict[str, Val], spread_unknown: bool, self_val: Val | None
             ) -> Context | None:
        """The context running ``info`` for this call (one per call expression and caller)."""
        key = (id(call), ctx.id, (module.path, info.qualname, self_val.ref if self_val is not None else None))
        if key in self._calls:
            return self._calls[key]
        self._calls[key] = None
        if ctx.depth >= MAX_DEPTH or any(
            c.module is module and c.function == info.qualname for c in ctx.chain()
        ):
            return None  # too deep, or recursive
        bound = self._bind(info, module, ctx, args, kwargs, spread_unknown, self_val)
        context = self._new_context(module, info.qualname, ctx, args=bound, self_val=self_val)
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

    # --- names ----------------------------------------------------------------

    def _binding(self, expr: ir.Binding, module: FileSummary, ctx: Context) -> Val:
        if not 0 <= expr.index < len(module.bindings):
            return UNRESOLVED
        carried = self._carried(module, expr.index, ctx)
        if carried is not None:
            return carried
        return self._binding_value(module, expr.index, ctx)

    def _binding_value(self, module: FileSummary, index: int, ctx: Context) -> Val:
        expr = ir.Binding(index)
        owner = module.binding_owners[expr.index] if expr.index < len(module.binding_owners) else ""
        runs = self.contexts_for(module, owner, ctx)
        if not runs:
            return UNRESOLVED
        values = [
            self._memoized((module.path, expr.index, run.id),
                           lambda run=run: self.eval(module.bindings[expr.index], module, run))
            for run in runs
        ]
        return values[0] if len(values) == 1 else self.join(values)

    def _carried(self, module: FileSummary, index: int, ctx: Context) -> Val | None:
        """Inside iteration k > 0 of an unrolled loop, a value from before the loop that
        the body changes is what iteration k - 1 left."""
        loops = self._carried_index(module).get(index)
        if not loops:
            return None
        for context in ctx.chain():
            if context.module is not module or context.function not in loops:
                continue
            if context.iteration is None:
                # Iterations not unrolled: a later one may see what an earlier one left.
                return unknown([self._binding_value(module, index, ctx), UNRESOLVED])
            siblings = self._loops.get((context.caller.id if context.caller else 0, module.path,
                                        context.function), [])
            position = next((i for i, c in enumerate(siblings) if c is context), -1)
            if position <= 0:
                return None
            return self.eval(loops[context.function], module, siblings[position - 1])
        return None

    def _carried_index(self, module: FileSummary) -> dict[int, dict[str, ir.Expr]]:
        found = self._carried_cache.get(module.path)
        if found is None:
            found = {}
            for loop in module.loops.values():
                for index, after in loop.carried:
                    found.setdefault(index, {})[loop.qualname] = after
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
        found = self.index.absolute(module.path, expr.module)
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

    # --- classes and instances ---------------------------------------------------

    def _lineage(self, key: ClassKey) -> list[ClassKey]:
        return self.components.mro(key) if self.components is not None else [key]

    def self_attribute(self, class_key: ClassKey, instance: str, name: str, ctx: Context) -> Val:
        """``self.name`` of instance ``instance`` of project class ``class_key``."""
        view = Context(-1, None, None, ctx, self_val=Val(SELF, ref=(class_key, instance)), depth=ctx.depth)
        for owner in self._lineage(class_key):
            info = self.class_info(owner)
            module = self.modules.get(owner[0])
            if info is None or module is None:
                continue
            values = info.self_attrs.get(name)
            if values:
                found = [self.eval(expr, module, view) for expr in values]
                return found[0] if len(found) == 1 else self.join(found)
            if name in info.class_attrs:
                return self.eval(info.class_attrs[name], module, self.root)
            if name in info.methods:
                function = module.functions.get(f"{owner[1]}.{name}")
                if function is not None and function.decorators & _PROPERTIES:
                    return self._property(module, function, Val(SELF, ref=(class_key, instance)), ctx)
                return Val(FUNCTION, ref=(owner[0], f"{owner[1]}.{name}"), param=instance)
        return UNRESOLVED

    def _property(self, module: FileSummary, function: FunctionInfo, self_val: Val, ctx: Context) -> Val:
        """``obj.name`` where ``name`` is a @property: run its getter on that instance."""
        key = (module.path, function.qualname)
        call = self._property_calls.setdefault(key, ir.Call(ir.Lit(None), (), ()))
        run = self._run(call, ctx, module, function, [], {}, False, self_val)
        return self.returns(function, module, run)

    def class_attribute(self, key: ClassKey, name: str) -> Val:
        for owner in self._lineage(key):
            info = self.class_info(owner)
            module = self.modules.get(owner[0])
            if info is None or module is None:
                continue
            if name in info.class_attrs:
                return self.eval(info.class_attrs[name], module, self.root)
            if name in info.methods:
                return Val(FUNCTION, ref=(owner[0], f"{owner[1]}.{name}"))
        return UNRESOLVED

    def _method(self, class_key: ClassKey, name: str, after: ClassKey | None = None
                ) -> tuple[FileSummary, FunctionInfo] | None:
        lineage = self._lineage(class_key)
        if after is not None and after in lineage:
            lineage = lineage[lineage.index(after) + 1:]
        for owner in lineage:
            info = self.class_info(owner)
            module = self.modules.get(owner[0])
            if info is not None and module is not None and name in info.methods:
                function = module.functions.get(f"{owner[1]}.{name}")
                if function is not None:
                    return module, function
        return None

    # --- calls --------------------------------------------------------------------

    def site_value(self, module: FileSummary, index: int, ctx: Context) -> Val | None:
        """The object constructor call ``index`` builds in ``ctx``: a resource, an
        instance of a project class, or None when it is no resource constructor."""
        site = module.calls[index]
        runs = self.contexts_for(module, site.owner, ctx)
        values = [self._site_in(module, index, run) for run in runs]
        found = [v for v in values if v is not None]
        if not found:
            return None
        return found[0] if len(found) == 1 else self.join(found)

    def _site_in(self, module: FileSummary, index: int, ctx: Context) -> Val | None:
        key = (module.path, index, ctx.id)
        if key in self._sites:
            return self._sites[key]
        self._sites[key] = None
        site = module.calls[index]
        func = self.eval(site.call.func, module, ctx)
        node = f"{module.path}#{index}{ctx.suffix}"
        value: Val | None = None
        if func.kind == EXTERNAL:
            sdk = naming.resource_class(str(func.ref))
            if sdk is not None:
                self.site_instances[node] = SiteInstance(node, module, index, site, ctx, sdk.kind, sdk.token)
                value = Val(RESOURCE, ref=node, deps=frozenset({node}))
        elif func.kind == CLASS and self.components is not None:
            class_key = func.ref
            kind = self.components.kind(class_key)
            if kind.kind == naming.COMPONENT:
                instance = SiteInstance(node, module, index, site, ctx, LOCAL_COMPONENT,
                                        self.components.token(class_key), class_key)
                self.site_instances[node] = instance
                self.instance_classes[node] = class_key
                value = Val(RESOURCE, ref=node, deps=frozenset({node}))
                self._sites[key] = value
                instance.init_context = self._construct(site.call, module, ctx, class_key, node)
            elif kind.kind == naming.CUSTOM:
                self.site_instances[node] = SiteInstance(node, module, index, site, ctx, CUSTOM,
                                                         self.components.token(class_key), class_key)
                value = Val(RESOURCE, ref=node, deps=frozenset({node}))
            else:
                args, kwargs, _, _ = self._args(site.call, module, ctx)
                value = Val(INSTANCE, ref=(class_key, tuple(args), kwargs, node))
                self.instance_classes[node] = class_key
                self._sites[key] = value
                self._construct(site.call, module, ctx, class_key, node)
        self._sites[key] = value
        return value

    def _construct(self, call: ir.Call, module: FileSummary, ctx: Context, class_key: ClassKey,
                   instance: str) -> Context | None:
        """Run the project class's ``__init__`` for the instance a call creates."""
        found = self._method(class_key, "__init__")
        if found is None:
            return None
        init_module, info = found
        args, kwargs, spread_unknown, _ = self._args(call, module, ctx)
        self_val = Val(SELF, ref=(class_key, instance))
        return self._run(call, ctx, init_module, info, args, kwargs, spread_unknown, self_val)

    def call(self, expr: ir.Call, module: FileSummary, ctx: Context) -> Val:
        if expr.site is not None and 0 <= expr.site < len(module.calls):
            built = self.site_value(module, expr.site, ctx)
            if built is not None:
                return built
        if isinstance(expr.func, ir.Attr):
            receiver = self.eval(expr.func.base, module, ctx)
            if receiver.kind in (DATA, CONFIG, OPTIONS, RESOURCE, INSTANCE, SELF, SUPER, SEQ, MAP, CLASS):
                return self._method_call(receiver, expr.func.name, expr, module, ctx)
            func = self.attribute(receiver, expr.func.name, ctx)
        else:
            func = self.eval(expr.func, module, ctx)
        return self.apply(func, expr, module, ctx)

    def _args(self, expr: ir.Call, module: FileSummary, ctx: Context
              ) -> tuple[list[Val], dict[str, Val], bool, list[Val]]:
        """Positional values, keyword values, whether an unknown spread hides more, and spread values."""
        args: list[Val] = []
        spread_unknown = False
        spreads: list[Val] = []
        for arg in expr.args:
            if isinstance(arg, ir.Star):
                value = self.eval(arg.value, module, ctx)
                items = value.items if value.kind == SEQ else None
                if items is not None:
                    args.extend(items)
                else:
                    spread_unknown = True
                    spreads.append(value)
            else:
                args.append(self.eval(arg, module, ctx))
        kwargs: dict[str, Val] = {}
        for name, arg in expr.kwargs:
            value = self.eval(arg, module, ctx)
            if name is not None:
                kwargs[name] = value
                continue
            entries = _entries(value)
            if entries is not None:
                kwargs.update(entries)
            else:
                spread_unknown = True
                spreads.append(value)
        return args, kwargs, spread_unknown, spreads

    def apply(self, func: Val, expr: ir.Call, module: FileSummary, ctx: Context) -> Val:
        args, kwargs, spread_unknown, spreads = self._args(expr, module, ctx)
        parts = [*args, *kwargs.values(), *spreads]
        if func.kind == EXTERNAL:
            path = str(func.ref)
            handler = known_calls.external_function(path)
            if handler is not None:
                if path in known_calls.SPREAD_AWARE:
                    return known_calls.resource_options(args, kwargs, spread_unknown)
                if spread_unknown:
                    return unknown([*parts, UNRESOLVED])
                return handler(args, kwargs)
            tail = path.rsplit(".", 1)[-1]
            if naming.is_input_type(tail) and path.startswith("pulumi_"):
                merged = unknown(parts)
                return Val(ARGS, ref=tuple(kwargs.items()), unresolved=spread_unknown or merged.unresolved,
                           deps=merged.deps, secret=merged.secret)
            return unknown(parts)  # library code cannot refer to this project's resources
        if func.kind == FUNCTION and isinstance(func.ref, tuple):
            return self._call_function(func, expr, module, ctx, args, kwargs, spread_unknown)
        if func.kind == CLASS:
            return unknown([*parts, UNRESOLVED])  # a class called where no constructor site was recorded
        if func.kind == DATA and func.data is UNKNOWN and func.ref == "lambda":
            return unknown(parts)
        return unknown([*parts, UNRESOLVED])

    def _call_function(self, func: Val, expr: ir.Call, module: FileSummary, ctx: Context,
                       args: list[Val], kwargs: dict[str, Val], spread_unknown: bool,
                       self_val: Val | None = None) -> Val:
        path, qualname = func.ref
        target = self.modules.get(path)
        info = target.functions.get(qualname) if target is not None else None
        if target is None or info is None:
            return unknown([*args, *kwargs.values(), UNRESOLVED])
        if self_val is None and func.param is not None and info.class_name is not None:
            class_key = self.instance_classes.get(func.param, (path, info.class_name))
            self_val = Val(SELF, ref=(class_key, func.param))
        run = self._run(expr, ctx, target, info, args, kwargs, spread_unknown, self_val)
        return self.returns(info, target, run)

    def _method_call(self, receiver: Val, name: str, expr: ir.Call, module: FileSummary, ctx: Context) -> Val:
        kind = receiver.kind
        instance: tuple[ClassKey, str] | None = None
        if kind == SELF and isinstance(receiver.ref, tuple):
            instance = receiver.ref
        elif kind == INSTANCE:
            instance = (receiver.ref[0], receiver.ref[3])
        elif kind == RESOURCE and receiver.ref in self.instance_classes:
            instance = (self.instance_classes[receiver.ref], receiver.ref)
        elif kind == SUPER:
            lexical, self_val = receiver.ref
            if self_val.kind == SELF and isinstance(self_val.ref, tuple):
                found = self._method(self_val.ref[0], name, after=lexical)
                if found is None:
                    self._args(expr, module, ctx)  # ComponentResource.__init__ and friends
                    return data(None)
                target, info = found
                args, kwargs, spread_unknown, _ = self._args(expr, module, ctx)
                run = self._run(expr, ctx, target, info, args, kwargs, spread_unknown, self_val)
                return self.returns(info, target, run)
            return data(None)
        if instance is not None:
            found = self._method(instance[0], name)
            if found is not None:
                target, info = found
                args, kwargs, spread_unknown, _ = self._args(expr, module, ctx)
                self_val = Val(SELF, ref=instance)
                run = self._run(expr, ctx, target, info, args, kwargs, spread_unknown, self_val)
                return self.returns(info, target, run)
        if kind == CLASS:
            return self.apply(self.class_attribute(receiver.ref, name), expr, module, ctx)
        args, kwargs, spread_unknown, spreads = self._args(expr, module, ctx)
        parts = [receiver, *args, *kwargs.values(), *spreads]
        if spread_unknown:
            return unknown([*parts, UNRESOLVED])
        if kind in (DATA, CONFIG, SEQ, MAP):
            result = known_calls.call_method(receiver, name, args, kwargs)
            if result is not None:
                return result
        if kind == RESOURCE:
            return unknown(parts)  # methods of a resource: outputs of that resource
        if kind == OPTIONS and name == "merge":
            return options.merge(receiver, args[0] if args else None)
        return unknown([*parts, UNRESOLVED])

    # --- attributes ---------------------------------------------------------------

    def attribute(self, base: Val, name: str, ctx: Context) -> Val:
        kind = base.kind
        if kind == EXTERNAL:
            if str(base.ref) == "pulumi_aws.rds.EngineType" and name in naming.RDS_ENGINE_TYPES:
                return data(naming.RDS_ENGINE_TYPES[name])
            return Val(EXTERNAL, ref=f"{base.ref}.{name}")
        if kind == MODULE:
            return self.module_attribute(str(base.ref), name)
        if kind == RESOURCE:
            owner = self.instance_classes.get(base.ref)
            if owner is not None:
                value = self.self_attribute(owner, base.ref, name, ctx)
                return value if value is not UNRESOLVED else unknown([base, UNRESOLVED])
            return unknown([base])  # an output of that resource
        if kind == SELF and isinstance(base.ref, tuple):
            return self.self_attribute(base.ref[0], base.ref[1], name, ctx)
        if kind == CLASS:
            return self.class_attribute(base.ref, name)
        if kind == INSTANCE:
            class_key, args, kwargs, instance = base.ref
            if self._method(class_key, "__init__") is not None:
                return self.self_attribute(class_key, instance, name, ctx)  # its __init__ decides
            # A dataclass-like class: attributes are the constructor's arguments.
            if name in kwargs:
                return kwargs[name]
            info = self.class_info(class_key)
            if info is not None and name in info.fields:
                position = info.fields.index(name)
                if position < len(args):
                    return args[position]
            return self.self_attribute(class_key, instance, name, ctx)
        if kind == ARGS:
            return dict(base.ref or ()).get(name, unknown([base, UNRESOLVED]))
        if kind == DATA and base.data is UNKNOWN:
            return unknown([base])  # an attribute of an output / invoke result
        return unknown([base, UNRESOLVED])

    # --- the other expression kinds -------------------------------------------------

    def join(self, values: Sequence[Val], extra: Sequence[Val] = ()) -> Val:
        """A value that is one of ``values`` (branches, several runs)."""
        if not values:
            return UNRESOLVED
        first = values[0]
        if all(v == first for v in values[1:]):
            return _carry(first, extra) if extra else first
        if all(v.kind == OPTIONS or (v.kind == DATA and v.data is None and not v.unresolved) for v in values):
            return Val(OPTIONS, ref=options.join([options.of(v) for v in values]))
        plain = [as_data(v) for v in values]
        if all(p.known for p in plain) and all(p.data == plain[0].data for p in plain[1:]):
            return data(plain[0].data, [*values, *extra])
        return unknown([*values, *extra])

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
                spread = _entries(value)
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
                    entries[key.data] = _carry(value, [key]) if key.deps or key.unresolved else value
                else:
                    complete = False
            except TypeError:
                complete = False
        return mapping(entries.items()) if complete else unknown(parts)

    def fstring(self, expr: ir.FStr, module: FileSummary, ctx: Context) -> Val:
        pieces: list[str] = []
        parts: list[Val] = []
        complete = True
        for part in expr.parts:
            if isinstance(part, str):
                pieces.append(part)
                continue
            value = as_data(self.eval(part.value, module, ctx))
            spec = as_data(self.eval(part.spec, module, ctx)) if part.spec is not None else data("")
            parts.extend((value, spec))
            if not (value.known and isinstance(spec.data, str)) or known_calls.BIG_NUMBER.search(spec.data):
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

    def binary(self, expr: ir.BinOp, module: FileSummary, ctx: Context) -> Val:
        left_val = self.eval(expr.left, module, ctx)
        right_val = self.eval(expr.right, module, ctx)
        if expr.op == "+" and left_val.kind == SEQ and right_val.kind == SEQ:
            return sequence((*left_val.ref, *right_val.ref), "tuple" if isinstance(left_val.data, tuple) else "list")
        left, right = as_data(left_val), as_data(right_val)
        function = _BINARY.get(expr.op)
        if function is None or not (left.known and right.known) or not _bounded(expr.op, left.data, right.data):
            return unknown([left, right])
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
            result = {"-": operator.neg, "+": operator.pos, "not": operator.not_, "~": operator.invert}[expr.op](
                value.data)
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
                return _carry(value, values[:-1])
        return _carry(values[-1], values[:-1])

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
            return _carry(chosen, [Val(DATA, None, None, frozenset(), test.unresolved, test.secret)])
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
            return self.join(list(items), [iterable]) if len(items) > 1 else _carry(items[0], [iterable])
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
            entries = _entries(additions[0])
            if entries is not None:
                return mapping({**dict(base.ref), **entries}.items())
        return unknown([base, *additions])

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
                    return _carry(base.ref[index.data], [index])
                if base.kind == MAP:
                    found = dict(base.ref).get(index.data)
                    if found is not None:
                        return _carry(found, [index])
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


def _entries(value: Val) -> dict[str, Val] | None:
    """The keyword arguments a ``**value`` spread passes, when they can be seen."""
    if value.kind == ARGS:
        return dict(value.ref or ())
    if value.kind == MAP and all(isinstance(k, str) for k, _ in value.ref):
        return {k: v for k, v in value.ref}
    plain = as_data(value)
    if isinstance(plain.data, dict) and all(isinstance(k, str) for k in plain.data):
        return {k: data(v, [plain]) for k, v in plain.data.items()}
    return None


def _carry(value: Val, parts: Sequence[Val]) -> Val:
    """``value`` with the references and flags of everything that decided it."""
    merged = unknown(parts)
    if not (merged.deps - value.deps or (merged.unresolved and not value.unresolved)
            or (merged.secret and not value.secret)):
        return value
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
