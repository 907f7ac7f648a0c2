"""One file's text as libcst sees it: nodes, their character offsets, parents and statements.

Fixes find the nodes behind a finding here and express their changes as
text edits at node offsets, so everything outside an edit stays byte for byte
as it was (libcst's round trip: ``parse_module(text).code == text``).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from functools import cached_property
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

from policypack.graph import SourceLocation

BLOCKS = (cst.Module, cst.IndentedBlock)


class SourceFile:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text

    @cached_property
    def module(self) -> cst.Module:
        return cst.parse_module(self.text)

    @cached_property
    def _metadata(self) -> tuple[Any, Any]:
        wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
        return wrapper.resolve(PositionProvider), wrapper.resolve(ParentNodeProvider)

    @cached_property
    def _line_starts(self) -> list[int]:
        starts = [0]
        for index, char in enumerate(self.text):
            if char == "\n":
                starts.append(index + 1)
        return starts

    @cached_property
    def _calls_by_start(self) -> dict[tuple[int, int], list[cst.Call]]:
        found: dict[tuple[int, int], list[cst.Call]] = {}
        positions = self._metadata[0]
        for node, where in positions.items():
            if isinstance(node, cst.Call):
                found.setdefault((where.start.line, where.start.column), []).append(node)
        return found

    # --- positions --------------------------------------------------------------

    def offset(self, line: int, column: int) -> int:
        """The character offset of 1-based ``line`` and 0-based ``column``."""
        starts = self._line_starts
        return starts[min(max(line, 1), len(starts)) - 1] + column

    def line_of(self, offset: int) -> int:
        """The 1-based line holding ``offset``."""
        return bisect.bisect_right(self._line_starts, offset)

    def line_start(self, offset: int) -> int:
        return self._line_starts[self.line_of(offset) - 1]

    def line_end(self, offset: int) -> int:
        """The offset just after the newline ending the line of ``offset`` (or the end of the text)."""
        newline = self.text.find("\n", offset)
        return len(self.text) if newline < 0 else newline + 1

    def indent_at(self, offset: int) -> str:
        """The leading whitespace of the line holding ``offset``."""
        start = self.line_start(offset)
        end = start
        while end < len(self.text) and self.text[end] in " \t":
            end += 1
        return self.text[start:end]

    def span(self, node: cst.CSTNode) -> tuple[int, int]:
        where = self._metadata[0][node]
        return self.offset(where.start.line, where.start.column), self.offset(where.end.line, where.end.column)

    def source(self, node: cst.CSTNode) -> str:
        start, end = self.span(node)
        return self.text[start:end]

    # --- navigation ---------------------------------------------------------------

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self._metadata[1].get(node)

    def ancestors(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        current = self.parent(node)
        while current is not None:
            yield current
            current = self.parent(current)

    def call_at(self, location: SourceLocation) -> cst.Call | None:
        """The constructor call a finding (or graph resource) points at."""
        candidates = self._calls_by_start.get((location.line, location.column - 1), [])
        exact = [
            call for call in candidates
            if (where := self._metadata[0][call]).end.line == location.end_line
            and where.end.column == location.end_column - 1
        ]
        chosen = exact or candidates
        if not chosen:
            return None
        # ``X(...).apply(...)`` starts where ``X(...)`` does: the innermost call is the constructor.
        return min(chosen, key=lambda call: len(self.source(call)))

    def statement(self, node: cst.CSTNode) -> tuple[cst.BaseStatement, cst.CSTNode] | None:
        """The statement holding ``node`` directly in a block, and that block (Module or IndentedBlock)."""
        current: cst.CSTNode = node
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, BLOCKS) and isinstance(current, cst.BaseStatement):
                return current, ancestor
            current = ancestor
        return None

    def enclosing(self, node: cst.CSTNode, kind: type) -> Any:
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, kind):
                return ancestor
        return None

    def scope_owner(self, node: cst.CSTNode) -> cst.CSTNode:
        """The function (or lambda, class, module) whose local names ``node`` sees first."""
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda, cst.ClassDef, cst.Module)):
                return ancestor
        return self.module


def keyword(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def dotted(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    from analyzers.extract.cst_expressions import dotted_name

    return dotted_name(node)


def has_star_args(call: cst.Call) -> bool:
    return any(arg.star for arg in call.args)
