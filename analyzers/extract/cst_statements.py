"""The one pass over a libcst module: statements, scopes, classes, functions, loops."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import libcst as cst

from analyzers.extract import flow, ir
from analyzers.extract.cst_expressions import (
    MUTATING_METHODS,
    ExpressionConverter,
    dotted_name,
    param_names,
)
from analyzers.extract.summary import FunctionInfo, LoopInfo, MethodInfo, ReturnPath

_AUGMENTED = {
    cst.AddAssign: "+", cst.SubtractAssign: "-", cst.MultiplyAssign: "*", cst.DivideAssign: "/",
    cst.FloorDivideAssign: "//", cst.ModuloAssign: "%", cst.PowerAssign: "**", cst.BitOrAssign: "|",
    cst.BitAndAssign: "&", cst.BitXorAssign: "^", cst.LeftShiftAssign: "<<", cst.RightShiftAssign: ">>",
    cst.MatrixMultiplyAssign: "@",
}


@dataclass
class ClassBuilder:
    qualname: str
    name: str
    node: cst.ClassDef
    occurrence: int  # among classes of the same name, in source order
    bases: tuple[ir.Expr, ...]
    methods: dict[str, MethodInfo] = field(default_factory=dict)
    assigned: dict[str, list[ir.Expr]] = field(default_factory=dict)  # self.<attr> = ...
    added: dict[str, list[ir.Expr]] = field(default_factory=dict)  # self.<attr>.append(...)
    class_attrs: dict[str, ir.Expr] = field(default_factory=dict)
    fields: list[str] = field(default_factory=list)
    init_params: tuple[str, ...] = ()

    def self_attrs(self) -> dict[str, tuple[ir.Expr, ...]]:
        attrs: dict[str, tuple[ir.Expr, ...]] = {}
        for name in {**self.assigned, **self.added}:
            values = tuple(self.assigned.get(name, ()))
            additions = tuple(self.added.get(name, ()))
            if additions:
                base = values[0] if len(values) == 1 else ir.Alternatives(values) if values else ir.Seq("list", ())
                values = (ir.Mutated(base, additions),)
            attrs[name] = values
        return attrs


class StatementWalker(ExpressionConverter):
    def __init__(self) -> None:
        super().__init__()
        self.classes: dict[str, ClassBuilder] = {}
        self.class_occurrences: dict[str, int] = {}
        self.functions: dict[str, FunctionInfo] = {}
        self.loops: dict[str, LoopInfo] = {}
        self._loop_numbers: dict[str, int] = {}
        self.star_imports: list[ir.Expr] = []
        self._dead = False  # the current path has returned/raised/broken out
        self._changed_by_functions: set[str] = set()  # module names mutated inside functions
        self._statements: dict[type, Callable[[Any], object]] = {
            cst.SimpleStatementLine: lambda node: self.block(node.body),
            cst.Expr: self._expression_statement,
            cst.Assign: self._assign,
            cst.AnnAssign: self._ann_assign,
            cst.AugAssign: self._aug_assign,
            cst.Import: self._import,
            cst.ImportFrom: self._import_from,
            cst.Return: self._return,
            cst.Raise: self._raise,
            cst.Assert: lambda node: (self.expr(node.test), self.expr(node.msg) if node.msg else None),
            cst.Global: lambda node: self.scope.global_names.update(n.name.value for n in node.names),
            cst.Del: lambda node: None,
            cst.Nonlocal: lambda node: self.scope.nonlocal_names.update(n.name.value for n in node.names),
            cst.Pass: lambda node: None,
            cst.Break: self._jump,
            cst.Continue: self._jump,
            cst.FunctionDef: self._function_def,
            cst.ClassDef: self._class_def,
            cst.If: self._if,
            cst.For: self._for,
            cst.While: self._while,
            cst.Try: self._try,
            cst.With: self._with,
        }
        try_star = getattr(cst, "TryStar", None)
        if try_star is not None:
            self._statements[try_star] = self._try
        match = getattr(cst, "Match", None)
        if match is not None:
            self._statements[match] = self._match

    # --- blocks ---------------------------------------------------------------

    def walk_module(self, module: cst.Module) -> None:
        self.block(module.body)
        self._open_containers_changed_by_functions()

    def _open_containers_changed_by_functions(self) -> None:
        """``routes = []`` filled by ``routes.append(...)`` in a helper: every module-level
        value of ``routes`` may hold more than its display shows (read as unknown, its
        own references still count), wherever it is read."""
        history = self.scopes[0].history or {}
        opened: set[int] = set()
        for name in self._changed_by_functions:
            for value in history.get(name, ()):
                if isinstance(value, ir.Binding) and value.index not in opened:
                    opened.add(value.index)
                    self.bindings[value.index] = ir.Mutated(
                        self.bindings[value.index], (ir.Opaque(resolved=False),))

    def block(self, statements: Sequence[cst.CSTNode]) -> None:
        for statement in statements:
            handler = self._statements.get(type(statement))
            if handler is not None:
                handler(statement)
            else:
                self._unknown_statement(statement)

    def suite(self, node: cst.BaseSuite | None) -> None:
        if node is not None:
            self.block(node.body)

    def _unknown_statement(self, node: cst.CSTNode) -> None:
        # A statement kind this walker does not model (new syntax): still record
        # the calls inside it so nothing is silently missed.
        for child in node.children:
            if isinstance(child, cst.BaseExpression):
                self.expr(child)
            elif isinstance(child, cst.BaseSuite):
                self.suite(child)

    @property
    def env(self) -> dict[str, ir.Expr]:
        return self.binding_scope().env

    def _function_scope(self) -> flow.Scope | None:
        scope = self.binding_scope()
        return scope if scope.kind == flow.FUNCTION else None

    @contextmanager
    def _guarded(self, test: ir.Expr | None, holds: bool) -> Iterator[None]:
        with self._block():
            if test is not None:
                self._add_guard(test, holds)
            yield

    def _add_guard(self, test: ir.Expr, holds: bool) -> None:
        """From here to the end of the enclosing block, ``test`` is ``holds``."""
        self.path_guards.append(ir.Guard(test, holds, self.owner))
        scope = self._function_scope()
        if scope is not None:
            scope.guards.append((test, holds))

    @contextmanager
    def _block(self) -> Iterator[None]:
        """A block's conditions (and those its early exits add) end with it."""
        scope = self._function_scope()
        depth, scope_depth = len(self.path_guards), len(scope.guards) if scope is not None else 0
        try:
            yield
        finally:
            del self.path_guards[depth:]
            if scope is not None:
                del scope.guards[scope_depth:]

    @contextmanager
    def _uncertain(self) -> Iterator[None]:
        scope = self._function_scope()
        if scope is not None:
            scope.uncertain += 1
        try:
            with self._block():
                yield
        finally:
            if scope is not None:
                scope.uncertain -= 1

    # --- simple statements ----------------------------------------------------

    def _expression_statement(self, node: cst.Expr) -> None:
        value = self.expr(node.value)
        call = node.value
        if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
            return
        if call.func.attr.value not in MUTATING_METHODS or not isinstance(value, ir.Call):
            return
        additions = tuple(value.args) + tuple(v for _, v in value.kwargs)
        self._mutate(call.func.value, additions, call.func.attr.value)

    def _mutate(self, target: cst.BaseExpression, additions: tuple[ir.Expr, ...], method: str = "",
                key: ir.Expr | None = None) -> None:
        """``target`` (a name or ``self.attr``) was changed in place."""
        if isinstance(target, cst.Name):
            current = self.lookup(target.value)
            if self._open_enclosing(target.value):
                return
            if isinstance(current, ir.Global) and self.binding_scope().kind != flow.MODULE:
                # A module-level container changed inside a function: when that runs
                # is not tracked, so the module's values of the name are left open.
                self._changed_by_functions.add(target.value)
                return
            if key is not None and len(additions) == 1:
                self.bind(target.value, ir.Stored(current, key, additions[0]))
            else:
                self.bind(target.value, ir.Mutated(current, additions, method))
            return
        if isinstance(target, cst.Attribute | cst.Subscript):
            owner = target.value
            if isinstance(target, cst.Attribute) and isinstance(owner, cst.Name):
                builder = self._self_class(owner)
                if builder is not None:
                    builder.added.setdefault(target.attr.value, []).extend(self.store(a) for a in additions)
                    return
            self._mutate(owner, additions)

    def _open_enclosing(self, name: str) -> bool:
        """``name`` belongs to an enclosing function and this nested function changes it
        (``deps.append(x)`` on a closure variable, or a ``nonlocal`` assignment): when that
        runs is not tracked, so the enclosing function's value is left open (unknown, its
        own references still count) rather than read as the display it started as."""
        scope = self.binding_scope()
        if scope.kind != flow.FUNCTION or (name in scope.env and name not in scope.nonlocal_names):
            return False
        for outer in reversed(self.scopes[:-1]):
            if outer.kind != flow.FUNCTION or name not in outer.env:
                continue
            value = outer.env[name]
            for option in value.options if isinstance(value, ir.Alternatives) else (value,):
                if isinstance(option, ir.Binding):
                    self.bindings[option.index] = ir.Mutated(self.bindings[option.index], (ir.Opaque(),))
            return True
        return False

    def nonlocal_assigned(self, name: str) -> None:
        self._open_enclosing(name)

    def _self_class(self, node: cst.Name) -> ClassBuilder | None:
        reference = self.lookup(node.value)
        if isinstance(reference, ir.SelfRef):
            return self.classes.get(reference.class_name)
        return None

    def assign_to_expression(self, target: cst.BaseExpression, value: ir.Expr) -> None:
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
            builder = self._self_class(target.value)
            if builder is not None:
                builder.assigned.setdefault(target.attr.value, []).append(self.store(value))
                return
            self._mutate(target.value, (value,))
            return
        if isinstance(target, cst.Subscript):
            index = self.expr(target)  # the index may hold calls
            key = index.index if isinstance(index, ir.Subscript) and not isinstance(
                index.index, ir.Slice | ir.Seq) else None
            self._mutate(target.value, (value,), key=key)
            return
        if isinstance(target, cst.Attribute):
            self._mutate(target.value, (value,))
            return
        self.expr(target)

    def _assign(self, node: cst.Assign) -> None:
        value = self.store(self.expr(node.value))
        for target in node.targets:
            self.bind_target(target.target, value)
        self._class_attribute(node.targets[0].target if len(node.targets) == 1 else None, value)

    def _ann_assign(self, node: cst.AnnAssign) -> None:
        scope = self.binding_scope()
        if scope.kind == flow.CLASS and isinstance(node.target, cst.Name) and scope.class_name in self.classes:
            fields = self.classes[scope.class_name].fields
            if node.target.value not in fields:
                fields.append(node.target.value)
        if node.value is None:
            return
        value = self.store(self.expr(node.value))
        self.bind_target(node.target, value)
        self._class_attribute(node.target, value)

    def _class_attribute(self, target: cst.BaseExpression | None, value: ir.Expr) -> None:
        scope = self.binding_scope()
        if scope.kind == flow.CLASS and isinstance(target, cst.Name) and scope.class_name in self.classes:
            self.classes[scope.class_name].class_attrs[target.value] = value

    def _aug_assign(self, node: cst.AugAssign) -> None:
        op = _AUGMENTED.get(type(node.operator), "?")
        value = self.expr(node.value)
        target = node.target
        if isinstance(target, cst.Name):
            self.bind(target.value, ir.BinOp(op, self.lookup(target.value), value))
        elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and (
            builder := self._self_class(target.value)
        ) is not None:
            builder.added.setdefault(target.attr.value, []).append(self.store(value))
        else:
            self.assign_to_expression(target, value)

    def _return(self, node: cst.Return) -> None:
        value = self.expr(node.value) if node.value is not None else ir.Lit(None)
        self._exit(value)

    def _raise(self, node: cst.Raise) -> None:
        if node.exc is not None:
            self.expr(node.exc)
        if node.cause is not None:
            self.expr(node.cause.item)
        self._exit(None)

    def _exit(self, value: ir.Expr | None) -> None:
        scope = self._function_scope()
        if scope is not None and not self._dead:
            # Stored as the function's binding: a cached summary decodes it with the rest of
            # the function's bindings, when phase 2 first runs the function (lazy_bindings).
            stored = self.store(value, scope.qualname) if value is not None else None
            scope.returns.append(ReturnPath(stored, tuple(scope.guards), scope.uncertain == 0))
        self._dead = True

    def _jump(self, node: cst.CSTNode) -> None:
        self._dead = True

    # --- imports --------------------------------------------------------------

    def _import(self, node: cst.Import) -> None:
        for alias in node.names:
            module = dotted_name(alias.name) or ""
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.bind(alias.asname.name.value, ir.ImportModule(module))
            else:
                top = module.split(".", 1)[0]
                self.bind(top, ir.ImportModule(top))

    def _import_from(self, node: cst.ImportFrom) -> None:
        module = dotted_name(node.module) if node.module is not None else ""
        level = len(node.relative)
        if isinstance(node.names, cst.ImportStar):
            if self.binding_scope().kind == flow.MODULE:
                self.star_imports.append(ir.ImportFrom(module or "", "*", level))
            return
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self.bind(local, ir.ImportFrom(module or "", name, level))

    # --- definitions ----------------------------------------------------------

    def _decorators(self, decorators: Sequence[cst.Decorator]) -> set[str]:
        names = set()
        for decorator in decorators:
            self.expr(decorator.decorator)
            dotted = dotted_name(decorator.decorator)
            if dotted:
                names.add(dotted.rsplit(".", 1)[-1])
        return names

    def _function_def(self, node: cst.FunctionDef) -> None:
        decorators = self._decorators(node.decorators)
        params = node.params
        defaults: dict[str, ir.Expr] = {}
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.default is not None:
                defaults[param.name.value] = self.store(self.expr(param.default))
        outer = self.binding_scope()
        name = node.name.value
        qualname = f"{outer.qualname}.{name}" if outer.qualname else name
        all_params = param_names(params)
        in_class = outer.kind == flow.CLASS and outer.class_name in self.classes
        scope = flow.Scope(flow.FUNCTION, qualname, params=all_params)
        positional = tuple(p.name.value for p in (*params.posonly_params, *params.params))
        if in_class:
            scope.class_name = outer.class_name
            scope.method = flow.MethodRecorder(name)
        for param_name in all_params:
            scope.env[param_name] = ir.Param(param_name, qualname)
        if in_class and "staticmethod" not in decorators and positional:
            scope.env[positional[0]] = ir.SelfRef(outer.class_name or "", qualname)
        owner = self.owner
        self.scopes.append(scope)
        self.owners.append(qualname)
        dead, self._dead = self._dead, False
        outer_guards, self.path_guards = self.path_guards, []  # a run starts at the top of the body
        try:
            self.block(node.body.body)
        finally:
            self.scopes.pop()
            self.owners.pop()
            self._dead = dead
            self.path_guards = outer_guards
        vararg = params.star_arg.name.value if isinstance(params.star_arg, cst.Param) else None
        self.functions[qualname] = FunctionInfo(
            qualname=qualname,
            owner=owner,
            class_name=outer.class_name if in_class else None,
            positional=positional,
            vararg=vararg,
            keyword_only=tuple(p.name.value for p in params.kwonly_params),
            kwarg=params.star_kwarg.name.value if params.star_kwarg is not None else None,
            defaults=defaults,
            returns=tuple(scope.returns),
            decorators=frozenset(decorators),
        )
        if in_class and scope.method is not None:
            builder = self.classes[outer.class_name or ""]
            recorder = scope.method
            builder.methods[name] = MethodInfo(
                name, recorder.registers_outputs, tuple(recorder.self_calls), recorder.passes_self)
            if name == "__init__":
                builder.init_params = positional[1:] + tuple(p.name.value for p in params.kwonly_params)
        self.bind(name, ir.FunctionRef(qualname), outer)

    def _class_def(self, node: cst.ClassDef) -> None:
        self._decorators(node.decorators)
        bases = tuple(self.expr(arg.value) for arg in node.bases)
        for keyword in node.keywords:
            self.expr(keyword.value)
        outer = self.binding_scope()
        name = node.name.value
        qualname = f"{outer.qualname}.{name}" if outer.qualname else name
        occurrence = self.class_occurrences.get(name, 0)
        self.class_occurrences[name] = occurrence + 1
        builder = ClassBuilder(qualname, name, node, occurrence, bases)
        self.classes[qualname] = builder
        scope = flow.Scope(flow.CLASS, qualname, class_name=qualname)
        self.scopes.append(scope)
        try:
            self.block(node.body.body)
        finally:
            self.scopes.pop()
        self.bind(name, ir.ClassRef(qualname), outer)

    # --- control flow ---------------------------------------------------------

    def _if(self, node: cst.If) -> None:
        test = self.expr(node.test)
        scope = self.binding_scope()
        body_log = scope.open_branch()
        with self._guarded(test, True):
            self.suite(node.body)
        body_dead, self._dead = self._dead, False
        body_values = scope.close_branch(body_log)
        scope.roll_back(body_log)
        else_log = scope.open_branch()
        with self._guarded(test, False):
            if isinstance(node.orelse, cst.If):
                self._if(node.orelse)
            elif node.orelse is not None:
                self.suite(node.orelse.body)
        else_dead = self._dead
        else_values = scope.close_branch(else_log)
        for name in {**body_log, **else_log}:
            before = body_log[name] if name in body_log else else_log[name]
            paths = [values.get(name, before) for values, dead in ((body_values, body_dead),
                                                                   (else_values, else_dead)) if not dead]
            if len(paths) == 2 and flow.MISSING not in paths and paths[0] != paths[1]:
                # Which branch ran is known per run when the test is (a constant argument):
                # the value then is that branch's, not "one of them".
                scope.set(name, self.store(ir.IfElse(test, paths[0], paths[1])))
            else:
                scope.join(name, paths or [before])
        self._dead = body_dead and else_dead
        if body_dead != else_dead:
            # ``if x: return`` — what follows runs only when the branch that left was not taken.
            self._add_guard(test, else_dead)

    def _loop(self, body: cst.BaseSuite, orelse: Any) -> None:
        scope = self.binding_scope()
        log = scope.open_branch()
        with self._uncertain():
            self.suite(body)
        self._dead = False  # break/continue end an iteration, not the code after the loop
        after = scope.close_branch(log)
        for name, before in log.items():
            scope.join(name, [before, after[name]])  # the body may run zero times
        if orelse is not None:
            self.suite(orelse.body)

    def _for(self, node: cst.For) -> None:
        iterable = self.expr(node.iter)
        scope = self.binding_scope()
        owner = self.owner
        number = self._loop_numbers.get(owner, 0)
        self._loop_numbers[owner] = number + 1
        qualname = f"{owner}.<for{number}>" if owner else f"<for{number}>"
        # Its owner's binding, decoded with the owner's others (see ``_exit``).
        self.loops[qualname] = LoopInfo(qualname, owner, self.store(iterable))
        log = scope.open_branch()
        self.owners.append(qualname)
        try:
            self.bind_target(node.target, ir.Element(iterable, qualname))
            with self._uncertain():
                self.suite(node.body)
        finally:
            self.owners.pop()
        self._dead = False
        after = scope.close_branch(log)
        carried: list[tuple[int, ir.Expr]] = []
        for name, previous in log.items():
            value = after[name]
            if value is flow.MISSING or value is previous:
                continue
            if isinstance(previous, ir.Binding):
                carried.append((previous.index, value))
            before = None if previous is flow.MISSING else previous
            scope.set(name, self.store(ir.AfterLoop(qualname, before, value)))
        if carried:
            self.loops[qualname] = replace(self.loops[qualname], carried=tuple(carried))
        if node.orelse is not None:
            self.suite(node.orelse.body)

    def _while(self, node: cst.While) -> None:
        self.expr(node.test)
        self._loop(node.body, node.orelse)

    def _try(self, node: Any) -> None:
        scope = self.binding_scope()
        log = scope.open_branch()
        with self._uncertain():
            with self._block():  # a handler may run before the body's early exits were passed
                self.suite(node.body)
                if node.orelse is not None:
                    self.suite(node.orelse.body)
            self._dead = False
            body_values = {name: self.env.get(name, flow.MISSING) for name in log}
            handler_values = []
            for handler in node.handlers:
                # A handler runs after part of the body: it starts from the body's end
                # state here, and the join below also keeps the state before the try.
                handler_log = scope.open_branch()
                if handler.type is not None:
                    self.expr(handler.type)
                if handler.name is not None and isinstance(handler.name.name, cst.Name):
                    self.bind(handler.name.name.value, ir.Opaque(resolved=True))
                self.suite(handler.body)
                dead, self._dead = self._dead, False
                values = scope.close_branch(handler_log)
                scope.roll_back(handler_log)
                if not dead:
                    handler_values.append(values)
        scope.close_branch(log)
        for name, before in log.items():
            after_body = body_values.get(name, before)
            paths = [before, after_body] + [values.get(name, after_body) for values in handler_values]
            scope.join(name, paths)
        if node.finalbody is not None:
            self.suite(node.finalbody.body)

    def _with(self, node: cst.With) -> None:
        for item in node.items:
            value = self.expr(item.item)
            if item.asname is not None:
                self.bind_target(item.asname.name, ir.Opaque((value,), resolved=True))
        self.suite(node.body)

    def _match(self, node: Any) -> None:
        subject = self.expr(node.subject)
        scope = self.binding_scope()
        log = scope.open_branch()
        cases = []
        with self._uncertain():
            for case in node.cases:
                self._dead = False
                case_log = scope.open_branch()
                for capture in _pattern_captures(case.pattern):
                    self.bind(capture, ir.Opaque((subject,), resolved=True))
                if case.guard is not None:
                    self.expr(case.guard)
                with self._block():
                    self.suite(case.body)
                values = scope.close_branch(case_log)
                scope.roll_back(case_log)
                if not self._dead:
                    cases.append(values)
        self._dead = False
        scope.close_branch(log)
        for name, before in log.items():
            scope.join(name, [before] + [values.get(name, before) for values in cases])


def _pattern_captures(pattern: cst.CSTNode) -> list[str]:
    """Names a ``case`` pattern binds (without recursion: patterns may nest deeply)."""
    names: list[str] = []
    pending = [pattern]
    while pending:
        node = pending.pop()
        for attribute in ("name", "rest"):
            value = getattr(node, attribute, None)
            if isinstance(value, cst.Name) and type(node).__name__ in ("MatchAs", "MatchStar", "MatchMapping"):
                names.append(value.value)
        pending.extend(child for child in node.children if type(child).__name__.startswith("Match"))
    return names
