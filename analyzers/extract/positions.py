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

from analyzers.extract.summary import Span


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


_LEAVES = (ast.Constant, ast.Name, ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop,
           ast.alias, ast.Pass, ast.Break, ast.Continue)


def _walk(tree: ast.AST) -> list[ast.AST]:
    """Every node worth looking at, without descending into leaves (about twice
    as fast as ``ast.walk``, which also visits each Name's Load context)."""
    found: list[ast.AST] = []
    pending = [tree]
    while pending:
        node = pending.pop()
        found.append(node)
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                pending.extend(item for item in value if isinstance(item, ast.AST) and not isinstance(item, _LEAVES))
            elif isinstance(value, ast.AST) and not isinstance(value, _LEAVES):
                pending.append(value)
    return found


class AstSpans:
    """Spans of calls (grouped by dotted callee) and class names, from an ast tree."""

    def __init__(self, tree: ast.AST, lines: Sequence[str]) -> None:
        self._lines = lines
        calls: dict[str, list[ast.Call]] = {}
        classes: dict[str, list[ast.ClassDef]] = {}
        # The longest and/or chain (libcst nests those; see source.MAX_BOOLEAN_OPERANDS).
        self.longest_boolean: tuple[int, int, int] = (0, 1, 1)  # operands, line, column
        for node in _walk(tree):
            if isinstance(node, ast.BoolOp):
                if len(node.values) > self.longest_boolean[0]:
                    self.longest_boolean = (len(node.values), node.lineno, node.col_offset + 1)
            elif isinstance(node, ast.Call):
                dotted = _dotted(node.func)
                if dotted is not None:
                    calls.setdefault(dotted, []).append(node)
            elif isinstance(node, ast.ClassDef):
                classes.setdefault(node.name, []).append(node)
        for group in (*calls.values(), *classes.values()):
            group.sort(key=lambda n: (n.lineno, n.col_offset))
        self._calls = calls
        self._classes = classes

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


def cst_spans(module: object, nodes: Sequence[object]) -> list[Span]:
    """Spans from libcst's PositionProvider (the slow, always-right fallback)."""
    from libcst.metadata import MetadataWrapper, PositionProvider

    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)  # type: ignore[arg-type]
    positions = wrapper.resolve(PositionProvider)
    spans = []
    for node in nodes:
        where = positions[node]  # type: ignore[index]
        spans.append(Span(where.start.line, where.start.column + 1, where.end.line, where.end.column + 1))
    return spans
