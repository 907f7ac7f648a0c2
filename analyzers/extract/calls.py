"""Calls: constructor sites, project functions and methods, the SDK's and the
standard library's known calls, and attribute access on objects (a part of
``evaluate.Evaluator``)."""

from __future__ import annotations

from analyzers.extract import ir, known_calls, naming, options
from analyzers.extract.contexts import Context
from analyzers.extract.evaluator_state import EvaluatorState
from analyzers.extract.operators import spread_entries
from analyzers.extract.sites import CUSTOM, LOCAL_COMPONENT, SiteInstance
from analyzers.extract.summary import FileSummary, FunctionInfo
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
    NEVER,
    OPTIONS,
    RESOURCE,
    SELF,
    SEQ,
    SUPER,
    UNRESOLVED,
    ClassKey,
    Condition,
    Literal,
    Val,
    as_data,
    data,
    unknown,
)
from policypack.graph import UNKNOWN

_PROPERTIES = frozenset({"property", "cached_property"})
_IN_PROGRESS = Val(DATA, ref="in progress")  # a constructor call being evaluated (``_site_in``)


class Calls(EvaluatorState):
    """Calls and attribute access, mixed into ``Evaluator``."""

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
            found = self._sites[key]
            # Read again while its own arguments are evaluated: the resource it builds can't
            # be named yet, so the value is unresolved (an unknown, never an absent one).
            return UNRESOLVED if found is _IN_PROGRESS else found
        self._sites[key] = _IN_PROGRESS
        site = module.calls[index]
        condition = self.branch_condition(site.call, module, ctx)
        if condition is None:
            self._sites[key] = NEVER  # this run takes another branch: the call builds nothing
            return NEVER
        condition = condition | ctx.condition
        func = self.eval(site.call.func, module, ctx)
        node = f"{module.path}#{index}{ctx.suffix}"
        value: Val | None = None
        if func.kind == EXTERNAL:
            sdk = self.providers.resource_class(str(func.ref))
            if sdk is not None:
                self.site_instances[node] = SiteInstance(node, module, index, site, ctx, sdk.kind, sdk.token,
                                                         sdk_path=str(func.ref), condition=condition)
                value = Val(RESOURCE, ref=node, deps=frozenset({node}))
        elif func.kind == CLASS and self.components is not None:
            class_key = func.ref
            kind = self.components.kind(class_key)
            if kind.kind == naming.COMPONENT:
                instance = SiteInstance(node, module, index, site, ctx, LOCAL_COMPONENT,
                                        self.components.token(class_key), class_key, condition=condition)
                self.site_instances[node] = instance
                self.instance_classes[node] = class_key
                value = Val(RESOURCE, ref=node, deps=frozenset({node}))
                self._sites[key] = value
                instance.init_context = self._construct(site.call, module, ctx, class_key, node)
            elif kind.kind == naming.CUSTOM:
                self.site_instances[node] = SiteInstance(node, module, index, site, ctx, CUSTOM,
                                                         self.components.token(class_key), class_key,
                                                         condition=condition)
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
        return self._run(call, ctx, init_module, info, args, kwargs, spread_unknown, self_val, module)

    def call(self, expr: ir.Call, module: FileSummary, ctx: Context) -> Val:
        if expr.guards and self.branch_condition(expr, module, ctx) is None:
            return NEVER  # the call is on a branch this run does not take
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

    def branch_condition(self, call: ir.Call, module: FileSummary, ctx: Context) -> Condition | None:
        """None when ``ctx``'s run never reaches ``call`` (a branch condition is known to fail),
        else the conditions around it that can't be decided in this run."""
        if not call.guards:
            return frozenset()
        key = (id(call), ctx.id)
        if key in self._conditions:
            return self._conditions[key]
        self._conditions[key] = frozenset()  # a test that refers to the call itself
        undecided: list[Literal] = []
        result: Condition | None = None
        for guard in call.guards:
            value = self._guard_value(guard.test, module, ctx)
            if value.known:
                if bool(value.data) != guard.holds:
                    break
                continue
            undecided.append(((self._guard_run(module, guard.owner, ctx), module.path, guard.test), guard.holds))
        else:
            result = frozenset(undecided)
        self._conditions[key] = result
        return result

    def _guard_value(self, test: ir.Expr, module: FileSummary, ctx: Context) -> Val:
        """A branch test's value in one run. The calls of one branch share its tests (phase 1
        records one guard object per ``if``), so each is evaluated once per run, not per call."""
        key = (id(test), ctx.id)
        found = self._guard_values.get(key)
        if found is None:
            found = self._guard_values[key] = as_data(self.eval(test, module, ctx))
        return found

    def _guard_run(self, module: FileSummary, owner: str, ctx: Context) -> int:
        """The run a branch condition belongs to (one test, one run: one decision)."""
        if owner:
            for context in ctx.chain():
                if context.module is module and context.function == owner:
                    return context.id
        return ctx.id if owner else 0

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
            entries = spread_entries(value)
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
            if self.providers.resource_class(path) is not None:
                # A resource built where no constructor site was recorded (``make = aws.sns.Topic;
                # make("t")``): a reference the graph lacks, so unresolved, never "absent".
                return unknown([*parts, UNRESOLVED])
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
        run = self._run(expr, ctx, target, info, args, kwargs, spread_unknown, self_val, module)
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
                run = self._run(expr, ctx, target, info, args, kwargs, spread_unknown, self_val, module)
                return self.returns(info, target, run)
            return data(None)
        if instance is not None:
            found = self._method(instance[0], name)
            if found is not None:
                target, info = found
                args, kwargs, spread_unknown, _ = self._args(expr, module, ctx)
                self_val = Val(SELF, ref=instance)
                run = self._run(expr, ctx, target, info, args, kwargs, spread_unknown, self_val, module)
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

    def _lineage(self, key: ClassKey) -> list[ClassKey]:
        return self.components.mro(key) if self.components is not None else [key]
