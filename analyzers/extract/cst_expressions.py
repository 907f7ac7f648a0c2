"""libcst expressions → ``ir`` expressions, with names tied to their scope."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import libcst as cst

from analyzers.extract import flow, ir
from analyzers.extract.limits import MAX_NESTING, TooDeep
from analyzers.extract.naming import is_class_name
from analyzers.extract.summary import SUPER_PREFIX

# Methods that change the container they are called on.
MUTATING_METHODS = frozenset({"append", "extend", "insert", "add", "update", "setdefault", "__setitem__"})

_BINARY = {
    cst.Add: "+", cst.Subtract: "-", cst.Multiply: "*", cst.Divide: "/", cst.FloorDivide: "//",
    cst.Modulo: "%", cst.Power: "**", cst.BitOr: "|", cst.BitAnd: "&", cst.BitXor: "^",
    cst.LeftShift: "<<", cst.RightShift: ">>", cst.MatrixMultiply: "@",
}
_UNARY = {cst.Minus: "-", cst.Plus: "+", cst.Not: "not", cst.BitInvert: "~"}
_COMPARE = {
    cst.Equal: "==", cst.NotEqual: "!=", cst.LessThan: "<", cst.LessThanEqual: "<=",
    cst.GreaterThan: ">", cst.GreaterThanEqual: ">=", cst.In: "in", cst.NotIn: "not in",
    cst.Is: "is", cst.IsNot: "is not",
}
_LITERAL_NAMES = {"True": True, "False": False, "None": None}
# Recursion bound of the walk itself. The nesting pre-check (``limits``) keeps the
# libcst tree of a file within about MAX_NESTING; this only stops what it could miss.
MAX_WALK_DEPTH = 2 * MAX_NESTING


def dotted_name(node: cst.BaseExpression) -> str | None:
    """``aws.rds.Instance`` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


@dataclass(slots=True)
class PendingCall:
    """A possible resource constructor call, waiting for its source span."""

    call: ir.Call
    node: cst.Call
    dotted: str  # the called name, as written
    occurrence: int  # how many calls of ``dotted`` come before it in the file
    class_name: str | None
    method: str | None
    owner: str


class ExpressionConverter:
    """Converts expressions; subclasses walk statements and own the scopes."""

    def __init__(self) -> None:
        self.bindings: list[ir.Expr] = []
        self.binding_owners: list[str] = []
        # The function or unrolled loop whose body is being walked ("" = module level).
        self.owners: list[str] = [""]
        self.invocations: list[tuple[str, ir.Call]] = []
        self.scopes: list[flow.Scope] = [flow.Scope(flow.MODULE, "", history={})]
        self.pending_calls: list[PendingCall] = []
        # Branch conditions around the current point of the current function body (see ir.Guard).
        self.path_guards: list[ir.Guard] = []
        self.call_occurrences: dict[str, int] = {}
        self.type_tokens: dict[str, list[ir.Expr]] = {}
        self._depth = 0  # of the expression being converted
        # The most adjacent string literals met in one expression: libcst nests
        # them, which the ast-based nesting pre-check cannot see.
        self.longest_concatenation = 0
        self._handlers: dict[type, Callable[[Any], ir.Expr]] = {
            cst.Name: self._name,
            cst.Attribute: self._attribute,
            cst.Call: self._call,
            cst.SimpleString: self._simple_string,
            cst.ConcatenatedString: self._concatenated_string,
            cst.FormattedString: self._formatted_string,
            cst.Integer: self._number,
            cst.Float: self._number,
            cst.Imaginary: self._number,
            cst.Ellipsis: lambda node: ir.Lit(...),
            cst.BinaryOperation: self._binary,
            cst.UnaryOperation: self._unary,
            cst.BooleanOperation: self._boolean,
            cst.Comparison: self._comparison,
            cst.IfExp: self._if_exp,
            cst.List: lambda node: self._sequence("list", node.elements),
            cst.Tuple: lambda node: self._sequence("tuple", node.elements),
            cst.Set: lambda node: self._sequence("set", node.elements),
            cst.Dict: self._dict,
            cst.Subscript: self._subscript,
            cst.Lambda: self._lambda,
            cst.ListComp: lambda node: self._comprehension("list", node.elt, node.for_in),
            cst.SetComp: lambda node: self._comprehension("set", node.elt, node.for_in),
            cst.GeneratorExp: lambda node: self._comprehension("generator", node.elt, node.for_in),
            cst.DictComp: self._dict_comp,
            cst.NamedExpr: self._named_expr,
            cst.Await: lambda node: ir.Opaque((self.expr(node.expression),), resolved=True),
            cst.Yield: self._yield,
            cst.StarredElement: lambda node: ir.Star(self.expr(node.value)),
        }

    # --- scopes -------------------------------------------------------------

    @property
    def scope(self) -> flow.Scope:
        return self.scopes[-1]

    def lookup(self, name: str) -> ir.Expr:
        deferred = False  # inside a function body: module names are read once the module has run
        for depth, scope in enumerate(reversed(self.scopes)):
            if scope.kind == flow.CLASS and depth > 0:
                continue  # class bodies are not visible from their methods
            if name in scope.global_names:
                return ir.Global(name)
            if scope.kind == flow.MODULE:
                if not deferred and name in scope.env:
                    return scope.env[name]
                return ir.Global(name)
            if name in scope.env:
                return scope.env[name]
            if scope.kind in (flow.FUNCTION, flow.LAMBDA):
                deferred = True
        return ir.Global(name)

    def binding_scope(self) -> flow.Scope:
        """Where an assignment binds: the innermost scope that is not a comprehension."""
        for scope in reversed(self.scopes):
            if scope.kind != flow.COMPREHENSION:
                return scope
        return self.scopes[0]

    @property
    def owner(self) -> str:
        return self.owners[-1]

    def store(self, value: ir.Expr, owner: str | None = None) -> ir.Binding:
        """Record a value once (owned by ``owner``, by default the current function/loop)
        and refer to it."""
        if isinstance(value, ir.Binding):
            return value
        self.bindings.append(value)
        self.binding_owners.append(self.owner if owner is None else owner)
        return ir.Binding(len(self.bindings) - 1)

    def bind(self, name: str, value: ir.Expr, scope: flow.Scope | None = None) -> ir.Expr:
        scope = scope or self.binding_scope()
        if name in scope.nonlocal_names:
            self.nonlocal_assigned(name)
        if isinstance(value, ir.Param | ir.SelfRef | ir.LambdaParam | ir.ImportModule | ir.ImportFrom
                      | ir.ClassRef | ir.FunctionRef):
            reference: ir.Expr = value
        else:
            reference = self.store(value)
        scope.set(name, reference)
        return reference

    def nonlocal_assigned(self, name: str) -> None:
        """A ``nonlocal`` name is rebound (the statement walker opens the enclosing value)."""

    def current_class(self) -> str | None:
        """The class the innermost method belongs to (for ``super()``)."""
        method = self.method_scope()
        return method.class_name if method is not None else None

    def method_scope(self) -> flow.Scope | None:
        for scope in reversed(self.scopes):
            if scope.method is not None:
                return scope
        return None

    def current_method(self) -> flow.MethodRecorder | None:
        for scope in reversed(self.scopes):
            if scope.method is not None:
                return scope.method
            if scope.kind == flow.CLASS:
                return None
        return None

    def enclosing_class(self) -> str | None:
        """The class a call is lexically inside (through nested functions)."""
        for scope in reversed(self.scopes):
            if scope.kind == flow.CLASS:
                return scope.class_name
        return None

    # --- expressions ----------------------------------------------------------

    def expr(self, node: cst.BaseExpression | None) -> ir.Expr:
        if node is None:
            return ir.Lit(None)
        if self._depth >= MAX_WALK_DEPTH:  # the nesting pre-check keeps real files far below
            raise TooDeep(f"more than {MAX_WALK_DEPTH} levels of nesting in libcst's tree")
        handler = self._handlers.get(type(node))
        self._depth += 1
        try:
            return handler(node) if handler is not None else self._unknown_node(node)
        finally:
            self._depth -= 1

    def _unknown_node(self, node: cst.CSTNode) -> ir.Expr:
        # Still visit sub-expressions so calls inside are recorded and counted.
        parts = tuple(self.expr(child) for child in node.children if isinstance(child, cst.BaseExpression))
        return ir.Opaque(parts, resolved=False)

    def _name(self, node: cst.Name) -> ir.Expr:
        if node.value in _LITERAL_NAMES:
            return ir.Lit(_LITERAL_NAMES[node.value])
        return self.lookup(node.value)

    def _attribute(self, node: cst.Attribute) -> ir.Expr:
        return ir.Attr(self.expr(node.value), node.attr.value)

    def _number(self, node: cst.Integer | cst.Float | cst.Imaginary) -> ir.Expr:
        # int()/float()/complex() read Python's literal syntax directly (libcst's
        # evaluated_value compiles each literal).
        text = node.value.replace("_", "")
        convert = int if isinstance(node, cst.Integer) else float if isinstance(node, cst.Float) else complex
        try:
            return ir.Lit(convert(text, 0) if convert is int else convert(text))
        except (ValueError, SyntaxError, OverflowError):
            return ir.Opaque(resolved=True)

    def _simple_string(self, node: cst.SimpleString) -> ir.Expr:
        text = node.value
        quote = text[-3:] if text.endswith(('"""', "'''")) and len(text) >= 6 else text[-1:]
        start = text.find(quote)
        prefix = text[:start].lower()
        body = text[start + len(quote):len(text) - len(quote)]
        if "b" not in prefix and ("\\" not in body or "r" in prefix) and start >= 0:
            return ir.Lit(body)  # the common case, without libcst's literal_eval (a compile per string)
        try:
            return ir.Lit(node.evaluated_value)
        except (ValueError, SyntaxError, MemoryError):
            return ir.Opaque(resolved=True)

    def _concatenated_string(self, node: cst.ConcatenatedString) -> ir.Expr:
        # "a" "b" "c" nests to the right in libcst: a long one (an embedded document)
        # is flattened here without recursion, into one f-string or one literal.
        pieces: list[cst.BaseExpression] = []
        current: cst.BaseExpression = node
        while isinstance(current, cst.ConcatenatedString):
            pieces.append(current.left)
            current = current.right
        pieces.append(current)
        self.longest_concatenation = max(self.longest_concatenation, len(pieces))
        parts: list[str | ir.FormatPart] = []
        literal: list[ir.Lit] = []
        for piece in pieces:
            value = self.expr(piece)
            if isinstance(value, ir.Lit) and isinstance(value.value, str | bytes):
                literal.append(value)
                parts.append(value.value if isinstance(value.value, str) else ir.FormatPart(value, None, None))
            elif isinstance(value, ir.FStr):
                parts.extend(value.parts)
            else:
                parts.append(ir.FormatPart(value, None, None))
        if len(literal) == len(pieces):
            try:
                return ir.Lit(literal[0].value[:0].join(lit.value for lit in literal))
            except TypeError:  # str and bytes mixed: a TypeError at run time
                return ir.Opaque(resolved=True)
        return ir.FStr(tuple(parts))

    def _formatted_string(self, node: cst.FormattedString) -> ir.Expr:
        quote = node.start[len(node.prefix):]
        prefix = node.prefix.replace("f", "").replace("F", "")
        return ir.FStr(self._format_parts(node.parts, prefix, quote))

    def _format_parts(self, parts: Any, prefix: str, quote: str) -> tuple[str | ir.FormatPart, ...]:
        converted: list[str | ir.FormatPart] = []
        for part in parts:
            if isinstance(part, cst.FormattedStringText):
                text = part.value
                if "\\" in text and "r" not in prefix.lower():
                    try:
                        text = ast.literal_eval(f"{prefix}{quote}{text}{quote}")
                    except (ValueError, SyntaxError, MemoryError):
                        converted.append(ir.FormatPart(ir.Opaque(resolved=True), None, None))
                        continue
                converted.append(text.replace("{{", "{").replace("}}", "}"))
            else:
                spec = None
                if part.format_spec:
                    spec = ir.FStr(self._format_parts(part.format_spec, prefix, quote))
                converted.append(ir.FormatPart(self.expr(part.expression), part.conversion, spec))
        return tuple(converted)

    def _binary(self, node: cst.BinaryOperation) -> ir.Expr:
        return ir.BinOp(_BINARY.get(type(node.operator), "?"), self.expr(node.left), self.expr(node.right))

    def _unary(self, node: cst.UnaryOperation) -> ir.Expr:
        return ir.UnaryOp(_UNARY.get(type(node.operator), "?"), self.expr(node.expression))

    def _boolean(self, node: cst.BooleanOperation) -> ir.Expr:
        op = "and" if isinstance(node.operator, cst.And) else "or"
        values: list[ir.Expr] = []
        pending: list[cst.BaseExpression] = [node]
        # a and b and c nests to the left in libcst; flatten without recursion
        while pending:
            current = pending.pop()
            # The root is always flattened (it may carry its own parentheses);
            # a parenthesised operand of the same operator stays one value.
            if isinstance(current, cst.BooleanOperation) and (
                isinstance(current.operator, cst.And) == (op == "and")
            ) and (current is node or not current.lpar):
                pending.append(current.right)
                pending.append(current.left)
            else:
                values.append(self.expr(current))
        return ir.BoolOp(op, tuple(values))

    def _comparison(self, node: cst.Comparison) -> ir.Expr:
        left = self.expr(node.left)
        ops = tuple(_COMPARE.get(type(target.operator), "?") for target in node.comparisons)
        return ir.Compare(left, ops, tuple(self.expr(target.comparator) for target in node.comparisons))

    def _if_exp(self, node: cst.IfExp) -> ir.Expr:
        test = self.expr(node.test)
        depth = len(self.path_guards)
        self.path_guards.append(ir.Guard(test, True, self.owner))
        body = self.expr(node.body)
        self.path_guards[depth:] = [ir.Guard(test, False, self.owner)]
        orelse = self.expr(node.orelse)
        del self.path_guards[depth:]
        return ir.IfElse(test, body, orelse)

    def _sequence(self, kind: str, elements: Any) -> ir.Expr:
        return ir.Seq(kind, tuple(self.expr(element.value) if not isinstance(element, cst.StarredElement)
                                  else ir.Star(self.expr(element.value)) for element in elements))

    def _dict(self, node: cst.Dict) -> ir.Expr:
        entries: list[tuple[ir.Expr | None, ir.Expr]] = []
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                entries.append((self.expr(element.key), self.expr(element.value)))
            else:  # a ``**spread``
                entries.append((None, self.expr(element.value)))
        return ir.MapDisplay(tuple(entries))

    def _subscript(self, node: cst.Subscript) -> ir.Expr:
        base = self.expr(node.value)
        indexes: list[ir.Expr] = []
        for element in node.slice:
            inner = element.slice
            if isinstance(inner, cst.Index):
                value = self.expr(inner.value)
                indexes.append(ir.Star(value) if inner.star else value)
            elif isinstance(inner, cst.Slice):
                indexes.append(ir.Slice(
                    self.expr(inner.lower) if inner.lower else None,
                    self.expr(inner.upper) if inner.upper else None,
                    self.expr(inner.step) if inner.step else None,
                ))
        index = indexes[0] if len(indexes) == 1 else ir.Seq("tuple", tuple(indexes))
        return ir.Subscript(base, index)

    def _lambda(self, node: cst.Lambda) -> ir.Expr:
        params = _param_names(node.params)
        for param in (*node.params.params, *node.params.kwonly_params, *node.params.posonly_params):
            if param.default is not None:
                self.expr(param.default)
        scope = flow.Scope(flow.LAMBDA, self.scope.qualname + ".<lambda>", params=params)
        for name in params:
            scope.env[name] = ir.LambdaParam()
        self.scopes.append(scope)
        try:
            body = self.expr(node.body)
        finally:
            self.scopes.pop()
        return ir.Lambda(body)

    def _comprehension(self, kind: str, element: cst.BaseExpression, for_in: cst.CompFor) -> ir.Expr:
        scope = flow.Scope(flow.COMPREHENSION, self.scope.qualname)
        sources: list[ir.Expr] = []
        first = True
        self.scopes.append(scope)
        try:
            current: cst.CompFor | None = for_in
            while current is not None:
                if first:  # the first iterable is evaluated in the enclosing scope
                    self.scopes.pop()
                    iterable = self.expr(current.iter)
                    self.scopes.append(scope)
                    first = False
                else:
                    iterable = self.expr(current.iter)
                sources.append(iterable)
                self.bind_target(current.target, ir.Element(iterable), scope)
                for condition in current.ifs:
                    sources.append(self.expr(condition.test))
                current = current.inner_for_in
            value = self.expr(element)
        finally:
            self.scopes.pop()
        return ir.Comprehension(kind, value, tuple(sources))

    def _dict_comp(self, node: cst.DictComp) -> ir.Expr:
        pair = cst.Tuple([cst.Element(node.key), cst.Element(node.value)])
        return self._comprehension("dict", pair, node.for_in)

    def _named_expr(self, node: cst.NamedExpr) -> ir.Expr:
        value = self.expr(node.value)
        if isinstance(node.target, cst.Name):
            return self.bind(node.target.value, value)
        return value

    def _yield(self, node: cst.Yield) -> ir.Expr:
        value = node.value
        if isinstance(value, cst.From):
            value = value.item
        if value is not None:
            self.expr(value)
        return ir.Opaque(resolved=False)

    def bind_target(self, target: cst.BaseExpression, value: ir.Expr, scope: flow.Scope | None = None) -> None:
        """Bind an assignment / loop target; overridden by the statement walker for attributes."""
        if isinstance(target, cst.Name):
            self.bind(target.value, value, scope)
        elif isinstance(target, cst.Tuple | cst.List):
            starred = any(isinstance(element, cst.StarredElement) for element in target.elements)
            for position, element in enumerate(target.elements):
                inner = element.value
                if starred:
                    self.bind_target(inner, ir.Opaque((value,), resolved=False), scope)
                else:
                    self.bind_target(inner, ir.Subscript(value, ir.Lit(position)), scope)
        elif isinstance(target, cst.StarredElement):
            self.bind_target(target.value, ir.Opaque((value,), resolved=False), scope)
        else:
            self.assign_to_expression(target, value)

    def assign_to_expression(self, target: cst.BaseExpression, value: ir.Expr) -> None:
        """``x.attr = v`` / ``x[k] = v``: implemented by the statement walker."""

    # --- calls ----------------------------------------------------------------

    def _call(self, node: cst.Call) -> ir.Expr:
        dotted = dotted_name(node.func)
        occurrence = 0
        if dotted is not None:
            occurrence = self.call_occurrences.get(dotted, 0)
            self.call_occurrences[dotted] = occurrence + 1
        method_scope = self.method_scope()
        if isinstance(node.func, cst.Name) and node.func.value == "super" and method_scope is not None:
            for arg in node.args:
                self.expr(arg.value)
            return ir.SuperRef(method_scope.class_name or "", method_scope.qualname)
        func = self.expr(node.func)
        args: list[ir.Expr] = []
        kwargs: list[tuple[str | None, ir.Expr]] = []
        for arg in node.args:
            value = self.expr(arg.value)
            if arg.keyword is not None:
                kwargs.append((arg.keyword.value, value))
            elif arg.star == "**":
                kwargs.append((None, value))
            elif arg.star == "*":
                args.append(ir.Star(value))
            else:
                args.append(value)
        # SDK input types are told apart in phase 2; project *Args classes matter
        constructor = dotted if dotted is not None and is_class_name(dotted.rsplit(".", 1)[-1]) else None
        site = len(self.pending_calls) if constructor is not None else None
        call = ir.Call(func, tuple(args), tuple(kwargs), site, tuple(self.path_guards))
        if constructor is not None:
            method = self.current_method()
            self.pending_calls.append(PendingCall(
                call=call, node=node, dotted=constructor, occurrence=occurrence,
                class_name=self.enclosing_class(),
                method=method.name if method is not None else None,
                owner=self.owner,
            ))
        elif dotted is not None or (isinstance(func, ir.Attr) and isinstance(func.base, ir.SuperRef)):
            self.invocations.append((self.owner, call))
        self._record_method_effects(func, args, kwargs)
        self._record_type_token(func, args, kwargs)
        return call

    def _record_type_token(
        self, func: ir.Expr, args: list[ir.Expr], kwargs: list[tuple[str | None, ir.Expr]]
    ) -> None:
        """The type token of a component: ``super().__init__("pkg:mod:Name", ...)``."""
        if not isinstance(func, ir.Attr) or func.name != "__init__":
            return
        class_name = self.current_class()
        if class_name is None:
            return
        if isinstance(func.base, ir.SuperRef):
            positional = args
        elif args and isinstance(args[0], ir.SelfRef):
            positional = args[1:]  # ComponentResource.__init__(self, "pkg:mod:Name", ...)
        else:
            return
        token = positional[0] if positional else dict(kwargs).get("t")
        if token is not None:
            self.type_tokens.setdefault(class_name, []).append(token)

    def _record_method_effects(
        self, func: ir.Expr, args: list[ir.Expr], kwargs: list[tuple[str | None, ir.Expr]]
    ) -> None:
        method = self.current_method()
        if method is None:
            return
        if isinstance(func, ir.Attr):
            if func.name == "register_outputs" and (
                isinstance(func.base, ir.SelfRef) or (args and isinstance(args[0], ir.SelfRef))
            ):
                method.registers_outputs = True
                return
            if isinstance(func.base, ir.SelfRef):
                method.self_calls.append(func.name)
                return
            if isinstance(func.base, ir.SuperRef):
                method.self_calls.append(SUPER_PREFIX + func.name)
                return
            if func.name == "__init__" and args and isinstance(args[0], ir.SelfRef):
                return  # Base.__init__(self, ...)
        if any(isinstance(arg, ir.SelfRef) for arg in args) or any(
            isinstance(value, ir.SelfRef) and key not in ("parent",) for key, value in kwargs
        ):
            method.passes_self = True


def _param_names(params: cst.Parameters) -> tuple[str, ...]:
    names = [p.name.value for p in params.posonly_params]
    names += [p.name.value for p in params.params]
    if isinstance(params.star_arg, cst.Param):
        names.append(params.star_arg.name.value)
    names += [p.name.value for p in params.kwonly_params]
    if params.star_kwarg is not None:
        names.append(params.star_kwarg.name.value)
    return tuple(names)


param_names = _param_names
