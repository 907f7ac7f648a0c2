"""Module-level names of files that never mention pulumi, from the stdlib ``ast``.

Such a file creates no resources, but a Pulumi program may import constants
from it (``from settings import ENGINE_VERSION``). Its ``ast`` tree exists
already (every file is syntax-checked with ``ast``), so recording its
module-level assignments costs little and avoids a libcst parse.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from typing import Any

from analyzers.extract import flow, ir
from analyzers.extract.limits import MAX_NESTING, TooDeep
from analyzers.extract.summary import ClassInfo, FileSummary, Span

_BINARY = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
    ast.Pow: "**", ast.BitOr: "|", ast.BitAnd: "&", ast.BitXor: "^", ast.LShift: "<<", ast.RShift: ">>",
    ast.MatMult: "@",
}
_UNARY = {ast.USub: "-", ast.UAdd: "+", ast.Not: "not", ast.Invert: "~"}
_COMPARE = {
    ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
    ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not",
}

_COMPOUND: tuple[type, ...] = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try, ast.With, ast.AsyncWith) + (
    (ast.TryStar,) if hasattr(ast, "TryStar") else ())


class _ModuleConstants:
    def __init__(self) -> None:
        self.bindings: list[ir.Expr] = []
        self.scope = flow.Scope(flow.MODULE, "")
        self.star_imports: list[ir.Expr] = []
        self.classes: dict[str, ClassInfo] = {}
        self._depth = 0  # of the expression, or the block, being walked
        self._exprs: dict[type, Callable[[Any], ir.Expr]] = {
            ast.Constant: lambda n: ir.Lit(n.value),
            ast.Name: lambda n: self.scope.env.get(n.id, ir.Global(n.id)),
            ast.Attribute: lambda n: ir.Attr(self.expr(n.value), n.attr),
            ast.Subscript: lambda n: ir.Subscript(self.expr(n.value), self.expr(n.slice)),
            ast.Slice: lambda n: ir.Slice(*(self.expr(p) if p is not None else None
                                            for p in (n.lower, n.upper, n.step))),
            ast.BinOp: lambda n: ir.BinOp(_BINARY.get(type(n.op), "?"), self.expr(n.left), self.expr(n.right)),
            ast.UnaryOp: lambda n: ir.UnaryOp(_UNARY.get(type(n.op), "?"), self.expr(n.operand)),
            ast.BoolOp: lambda n: ir.BoolOp("and" if isinstance(n.op, ast.And) else "or",
                                            tuple(self.expr(v) for v in n.values)),
            ast.Compare: lambda n: ir.Compare(self.expr(n.left), tuple(_COMPARE.get(type(o), "?") for o in n.ops),
                                              tuple(self.expr(c) for c in n.comparators)),
            ast.IfExp: lambda n: ir.IfElse(self.expr(n.test), self.expr(n.body), self.expr(n.orelse)),
            ast.List: lambda n: ir.Seq("list", tuple(self.expr(e) for e in n.elts)),
            ast.Tuple: lambda n: ir.Seq("tuple", tuple(self.expr(e) for e in n.elts)),
            ast.Set: lambda n: ir.Seq("set", tuple(self.expr(e) for e in n.elts)),
            ast.Starred: lambda n: ir.Star(self.expr(n.value)),
            ast.Dict: lambda n: ir.MapDisplay(tuple(
                (self.expr(k) if k is not None else None, self.expr(v))
                for k, v in zip(n.keys, n.values, strict=True))),
            ast.JoinedStr: self._joined,
            ast.Call: lambda n: ir.Call(
                self.expr(n.func), tuple(self.expr(a) for a in n.args),
                tuple((k.arg, self.expr(k.value)) for k in n.keywords)),
        }

    def expr(self, node: ast.AST) -> ir.Expr:
        handler = self._exprs.get(type(node))
        if handler is None or self._depth >= MAX_NESTING:  # deeper parts stay unknown
            return ir.Opaque(resolved=False)
        self._depth += 1
        try:
            return handler(node)
        finally:
            self._depth -= 1

    def _joined(self, node: ast.JoinedStr) -> ir.Expr:
        parts: list[str | ir.FormatPart] = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                parts.append(value.value)
            elif isinstance(value, ast.FormattedValue):
                conversion = chr(value.conversion) if value.conversion and value.conversion > 0 else None
                spec = self._joined(value.format_spec) if isinstance(value.format_spec, ast.JoinedStr) else None
                parts.append(ir.FormatPart(self.expr(value.value), conversion,
                                           spec if isinstance(spec, ir.FStr) else None))
            else:
                parts.append(ir.FormatPart(ir.Opaque(resolved=False), None, None))
        return ir.FStr(tuple(parts))

    @property
    def env(self) -> dict[str, ir.Expr]:
        return self.scope.env

    def bind(self, name: str, value: ir.Expr) -> None:
        self.bindings.append(value)
        self.scope.set(name, ir.Binding(len(self.bindings) - 1))

    def target(self, node: ast.AST, value: ir.Expr) -> None:
        if isinstance(node, ast.Name):
            self.bind(node.id, value)
        elif isinstance(node, ast.Tuple | ast.List):
            starred = any(isinstance(e, ast.Starred) for e in node.elts)
            for position, element in enumerate(node.elts):
                inner = element.value if isinstance(element, ast.Starred) else element
                part = ir.Opaque((value,)) if starred else ir.Subscript(value, ir.Lit(position))
                self.target(inner, part)
        elif isinstance(node, ast.Attribute | ast.Subscript) and isinstance(node.value, ast.Name):
            name = node.value.id
            if name in self.env:
                self.bind(name, ir.Mutated(self.env[name], (value,)))

    def statements(self, body: Sequence[ast.stmt]) -> None:
        for node in body:
            self.statement(node)

    def statement(self, node: ast.stmt) -> None:
        if isinstance(node, ast.Assign):
            value = self.expr(node.value)
            for target in node.targets:
                self.target(target, value)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            self.target(node.target, self.expr(node.value))
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            current = self.env.get(node.target.id, ir.Global(node.target.id))
            self.bind(node.target.id, ir.BinOp(_BINARY.get(type(node.op), "?"), current, self.expr(node.value)))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self.scope.set(alias.asname, ir.ImportModule(alias.name))
                else:
                    top = alias.name.split(".", 1)[0]
                    self.scope.set(top, ir.ImportModule(top))
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                imported = ir.ImportFrom(node.module or "", alias.name, node.level or 0)
                if alias.name == "*":
                    self.star_imports.append(imported)
                else:
                    self.scope.set(alias.asname or alias.name, imported)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            self.scope.set(node.name, ir.FunctionRef(node.name))
        elif isinstance(node, ast.ClassDef):
            self._class(node)
        elif isinstance(node, _COMPOUND):
            self._compound(node)

    def _compound(self, node: Any) -> None:
        if self._depth >= MAX_NESTING:  # a long elif chain nests as deep
            raise TooDeep(f"more than {MAX_NESTING} nested blocks")
        self._depth += 1
        try:
            self._branches(node)
        finally:
            self._depth -= 1

    def _branches(self, node: Any) -> None:
        scope = self.scope
        if isinstance(node, ast.If):
            self.expr(node.test)
            body_log = scope.open_branch()
            self.statements(node.body)
            body = scope.close_branch(body_log)
            scope.roll_back(body_log)
            else_log = scope.open_branch()
            self.statements(node.orelse)
            orelse = scope.close_branch(else_log)
            for name in {**body_log, **else_log}:
                before = body_log[name] if name in body_log else else_log[name]
                scope.join(name, [body.get(name, before), orelse.get(name, before)])
            return
        # Loops, try and with: every part may or may not have run.
        log = scope.open_branch()
        if isinstance(node, ast.For | ast.AsyncFor):
            self.target(node.target, ir.Element(self.expr(node.iter)))
        for part in ("body", "orelse", "finalbody"):
            self.statements(getattr(node, part, None) or ())
        for handler in getattr(node, "handlers", ()):
            self.statements(handler.body)
        after = scope.close_branch(log)
        for name, before in log.items():
            scope.join(name, [before, after[name]])

    def _class(self, node: ast.ClassDef) -> None:
        outer, self.scope = self.scope, flow.Scope(flow.CLASS, node.name)
        for statement in node.body:
            if isinstance(statement, ast.Assign | ast.AnnAssign):
                self.statement(statement)
        attrs = dict(self.scope.env)
        self.scope = outer
        self.scope.set(node.name, ir.ClassRef(node.name))
        span = Span(node.lineno, node.col_offset + 1, node.lineno, node.col_offset + 1)
        self.classes[node.name] = ClassInfo(
            qualname=node.name, name=node.name, span=span, bases=(), methods={}, self_attrs={},
            class_attrs=attrs, init_params=(), type_tokens=())


def summarize_constants(path: str, tree: ast.Module) -> FileSummary:
    """A FileSummary holding only what other modules can import from ``tree``."""
    walker = _ModuleConstants()
    try:
        walker.statements(tree.body)
    except TooDeep:
        return FileSummary(path)  # too deep to follow: its names stay unknown
    return FileSummary(
        path=path,
        bindings=tuple(walker.bindings),
        binding_owners=("",) * len(walker.bindings),
        globals=dict(walker.env),
        star_imports=tuple(walker.star_imports),
        classes=walker.classes,
    )
