"""Source spans for the few nodes findings point at, without libcst's PositionProvider.

PositionProvider re-generates the whole module's code with position tracking,
which costs about twice the parse. The stdlib ``ast`` tree (parsed anyway to
validate the file before libcst sees it) already knows every call's span: the
k-th call of ``aws.rds.Instance`` in source order in the ast tree is the k-th
one the libcst walker meets, since both visit in source order. When the counts
of a group disagree (a call inside an annotation the walker skipped, new
syntax), the spans of that file come from PositionProvider instead.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import TYPE_CHECKING

from analyzers.extract.limits import MAX_NESTING, MAX_OPERAND_NESTING
from analyzers.extract.summary import Span

if TYPE_CHECKING:
    import libcst as cst  # loaded by cst_spans alone: the ast path needs none of it


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


_MARKERS = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)
_LEAVES = (ast.Constant, ast.Name, *_MARKERS, ast.alias, ast.Pass, ast.Break, ast.Continue)


def _walk(tree: ast.AST) -> tuple[list[ast.AST], tuple[int, int, int] | None]:
    """Every node worth looking at, without descending into leaves (about twice
    as fast as ``ast.walk``, which also visits each Name's Load context), and
    the first place nested too deeply (depth, line, column), where the walk
    stops: see ``limits`` for how nesting is counted."""
    found: list[ast.AST] = []
    # node, its depth, its depth with each and/or operand counted, line, column
    pending: list[tuple[ast.AST, int, int, int, int]] = [(tree, 0, 0, 1, 0)]
    while pending:
        node, depth, operands, line, column = pending.pop()
        line = getattr(node, "lineno", line)
        column = getattr(node, "col_offset", column)
        found.append(node)
        inner = depth + 1
        # libcst nests ``a and b and c`` one level per operand
        inner_operands = operands + (len(node.values) if isinstance(node, ast.BoolOp) else 1)
        for name in node._fields:
            value = getattr(node, name, None)
            for item in value if isinstance(value, list) else (value,):
                if not isinstance(item, ast.AST) or isinstance(item, _MARKERS):
                    continue
                if inner > MAX_NESTING or inner_operands > MAX_OPERAND_NESTING:
                    where = (getattr(item, "lineno", line), getattr(item, "col_offset", column))
                    return found, (inner if inner > MAX_NESTING else inner_operands, *where)
                if not isinstance(item, _LEAVES):
                    pending.append((item, inner, inner_operands, line, column))
    return found, None


def _position(node: ast.Call | ast.ClassDef) -> tuple[int, int]:
    return node.lineno, node.col_offset


class AstSpans:
    """Spans of calls (grouped by dotted callee) and class names, from an ast tree,
    and where it nests too deeply for libcst (``too_deep``: depth, line, column)."""

    def __init__(self, tree: ast.AST, lines: Sequence[str]) -> None:
        self._lines = lines
        calls: dict[str, list[ast.Call]] = {}
        classes: dict[str, list[ast.ClassDef]] = {}
        nodes, self.too_deep = _walk(tree)
        for node in nodes:
            if isinstance(node, ast.Call):
                dotted = _dotted(node.func)
                if dotted is not None:
                    calls.setdefault(dotted, []).append(node)
            elif isinstance(node, ast.ClassDef):
                classes.setdefault(node.name, []).append(node)
        for group in calls.values():
            group.sort(key=_position)
        for classes_named in classes.values():
            classes_named.sort(key=_position)
        self._calls = calls
        self._classes = classes

    def too_deep_at(self) -> tuple[int, int, int] | None:
        """Where the tree first nests deeper than the limit: (depth, line, 1-based column)."""
        if self.too_deep is None:
            return None
        depth, line, offset = self.too_deep
        return depth, line, self._column(line, offset) + 1

    def call_count(self, dotted: str) -> int:
        return len(self._calls.get(dotted, ()))

    def class_count(self, name: str) -> int:
        return len(self._classes.get(name, ()))

    def call(self, dotted: str, occurrence: int) -> Span:
        node = self._calls[dotted][occurrence]
        end_line = node.end_lineno or node.lineno
        end_offset = node.end_col_offset if node.end_col_offset is not None else node.col_offset
        return Span(node.lineno, self._column(node.lineno, node.col_offset) + 1,
                    end_line, self._column(end_line, end_offset) + 1)

    def class_name(self, name: str, occurrence: int) -> Span:
        node = self._classes[name][occurrence]
        line = self._line(node.lineno)
        start = self._column(node.lineno, node.col_offset)
        # The name follows the ``class`` keyword (and any whitespace) on that line.
        at = line.find(name, start + len("class"))
        at = at if at >= 0 else start
        return Span(node.lineno, at + 1, node.lineno, at + len(name) + 1)

    def _line(self, lineno: int) -> str:
        return self._lines[lineno - 1] if 0 < lineno <= len(self._lines) else ""

    def _column(self, lineno: int, byte_offset: int) -> int:
        """ast columns count UTF-8 bytes; findings count characters."""
        line = self._line(lineno)
        if line.isascii():
            return byte_offset
        return len(line.encode("utf-8")[:byte_offset].decode("utf-8", "replace"))


def cst_spans(module: cst.Module, nodes: Sequence[cst.CSTNode]) -> list[Span]:
    """Spans from libcst's PositionProvider (the slow, always-right fallback)."""
    from libcst.metadata import MetadataWrapper, PositionProvider

    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    spans = []
    for node in nodes:
        where = positions[node]
        spans.append(Span(where.start.line, where.start.column + 1, where.end.line, where.end.column + 1))
    return spans
