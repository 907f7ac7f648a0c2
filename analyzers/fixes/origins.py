"""Where a value was written: the one narrow way fixes learn about the analyzer's values.

The analyzer's graph knows a prop's *value* (``family == "postgres14"``) and
whether it knew it fully; it does not keep where the characters of that value
sit in the source. :func:`written_value` finds them from the syntax: the
keyword of the constructor call, then names bound exactly once (in the
function or module, or imported from another file of the project), string
concatenation and f-strings, down to literals. It returns something only
when the analyzer knew the value completely and the literals it found spell
exactly that value, so a fix never rewrites a literal the value did not come
from. :func:`respell` turns a wanted value into edits of one of those
literals.

Evaluation internals may change; this interface (a resource, a prop → the
literals, with offsets, that spell its value) is all fixes depend on.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from analyzers.extract.linker import ModuleIndex
from analyzers.extract.naming import camel_case
from analyzers.fixes import scopes
from analyzers.fixes.model import Edit
from analyzers.fixes.source import SourceFile
from analyzers.fixes.workspace import Workspace
from policypack.graph import Resource, is_known

_MAX_DEPTH = 24


@dataclass(frozen=True)
class WrittenLiteral:
    """One literal in the source that part of a value is spelled with."""

    path: str
    start: int
    end: int
    value: str | int
    kind: str  # "str" (a string literal), "int" (an integer in an f-string), "text" (f-string text)
    source: str  # the literal as written


@dataclass(frozen=True)
class WrittenValue:
    """A prop's value and how it is spelled: fixed text and literals, in order."""

    value: str
    parts: tuple[WrittenLiteral, ...]


def argument(file: SourceFile, call: cst.Call, prop: str) -> cst.Arg | None:
    """The keyword argument of ``call`` that sets camelCase ``prop``."""
    for arg in call.args:
        if arg.keyword is not None and camel_case(arg.keyword.value) == prop:
            return arg
    return None


def written_value(workspace: Workspace, resource: Resource, prop: str) -> WrittenValue | None:
    """Where ``resource``'s string ``prop`` was written, when the analyzer knew it fully and
    the literals found spell exactly it; else None."""
    value = resource.props.get(prop)
    if not isinstance(value, str) or not is_known(value):
        return None
    if prop in resource.unresolved or "*" in resource.unresolved:
        return None
    found = workspace.call(resource)
    if found is None:
        return None
    file, call = found
    arg = argument(file, call, prop)
    if arg is None:
        return None
    parts = _Tracer(workspace).trace(file, arg.value, 0)
    if parts is None or "".join(str(part.value) for part in parts) != value:
        return None
    return WrittenValue(value, tuple(parts))


def written_expression(workspace: Workspace, resource: Resource, prop: str) -> tuple[SourceFile, cst.Arg] | None:
    """The keyword argument that sets ``prop`` in ``resource``'s call, as written."""
    found = workspace.call(resource)
    if found is None:
        return None
    file, call = found
    arg = argument(file, call, prop)
    return (file, arg) if arg is not None else None


class _Tracer:
    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.index = ModuleIndex(workspace.texts)

    def trace(self, file: SourceFile, node: cst.BaseExpression, depth: int) -> list[WrittenLiteral] | None:
        if depth > _MAX_DEPTH or (node.lpar and len(node.lpar) > 1):
            return None
        if isinstance(node, cst.SimpleString):
            value = node.evaluated_value
            if not isinstance(value, str):
                return None
            start, end = file.span(node)
            return [WrittenLiteral(file.path, start, end, value, "str", file.text[start:end])]
        if isinstance(node, cst.ConcatenatedString):
            left = self.trace(file, node.left, depth + 1)
            right = self.trace(file, node.right, depth + 1)
            return left + right if left is not None and right is not None else None
        if isinstance(node, cst.FormattedString):
            return self._fstring(file, node, depth)
        if isinstance(node, cst.Name):
            return self._name(file, node, node.value, depth)
        if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
            return self._module_attribute(file, node, depth)
        return None

    def _fstring(self, file: SourceFile, node: cst.FormattedString, depth: int) -> list[WrittenLiteral] | None:
        parts: list[WrittenLiteral] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                start, end = file.span(part)
                raw = part.value
                if "\\" in raw:
                    return None  # escapes: the text is not what the value holds
                parts.append(WrittenLiteral(file.path, start, end, raw.replace("{{", "{").replace("}}", "}"),
                                            "text", raw))
                continue
            if not isinstance(part, cst.FormattedStringExpression) or part.conversion or part.format_spec:
                return None
            inner = part.expression
            if isinstance(inner, cst.Integer):
                start, end = file.span(inner)
                parts.append(WrittenLiteral(file.path, start, end, int(inner.value, 0), "int", inner.value))
                continue
            traced = self._fstring_value(file, inner, depth + 1)
            if traced is None:
                return None
            parts.extend(traced)
        return parts

    def _fstring_value(self, file: SourceFile, node: cst.BaseExpression, depth: int) -> list[WrittenLiteral] | None:
        """A value formatted into an f-string: strings as they are, integer constants too."""
        if isinstance(node, cst.Integer) and node.value.isdigit():
            start, end = file.span(node)
            return [WrittenLiteral(file.path, start, end, int(node.value), "int", node.value)]
        if isinstance(node, cst.Name):
            return self._name(file, node, node.value, depth, integers=True)
        if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
            return self._module_attribute(file, node, depth, integers=True)
        return self.trace(file, node, depth)

    def _value(self, file: SourceFile, node: cst.BaseExpression, depth: int, integers: bool
               ) -> list[WrittenLiteral] | None:
        return self._fstring_value(file, node, depth) if integers else self.trace(file, node, depth)

    def _name(self, file: SourceFile, at: cst.CSTNode, name: str, depth: int, integers: bool = False
              ) -> list[WrittenLiteral] | None:
        for scope in scopes.function_scopes(file, at):
            if not scopes.binds_locally(file, scope, name):
                continue
            value = scopes.single_assignment(file, scope, name)
            if value is not None:
                return self._value(file, value, depth + 1, integers)
            if isinstance(scope, cst.Module):
                return self._imported(file, name, depth, integers)
            return None
        return None

    def _imported(self, file: SourceFile, name: str, depth: int, integers: bool) -> list[WrittenLiteral] | None:
        imported = scopes.import_of(file.module, name)
        if imported is None:
            return None
        module, level, original = imported
        if original is None:
            return None
        target = self._module_file(file, module, level)
        if target is None:
            return None
        return self._module_level(target, original, depth, integers)

    def _module_attribute(self, file: SourceFile, node: cst.Attribute, depth: int, integers: bool = False
                          ) -> list[WrittenLiteral] | None:
        """``settings.FAMILY`` where ``settings`` is a project module this file imports."""
        base = node.value
        assert isinstance(base, cst.Name)
        for scope in scopes.function_scopes(file, node)[:-1]:
            if scopes.binds_locally(file, scope, base.value):
                return None
        if len(scopes.bindings(file.module, base.value)) != 1:
            return None
        imported = scopes.import_of(file.module, base.value)
        if imported is None:
            return None
        module, level, original = imported
        dotted = f"{module}.{original}" if original is not None and module else (original or module)
        target = self._module_file(file, dotted, level)
        if target is None:
            return None
        return self._module_level(target, node.attr.value, depth, integers)

    def _module_file(self, file: SourceFile, dotted: str, level: int) -> SourceFile | None:
        key = self.index.resolve(file.path, dotted, level)
        if key is None or key.endswith("/"):
            return None
        return self.workspace.file(key)

    def _module_level(self, file: SourceFile, name: str, depth: int, integers: bool) -> list[WrittenLiteral] | None:
        if not scopes.binds_locally(file, file.module, name):
            return None
        value = scopes.single_assignment(file, file.module, name)
        if value is not None:
            return self._value(file, value, depth + 1, integers)
        return self._imported(file, name, depth + 1, integers)


def respell(written: WrittenValue, wanted: str) -> tuple[Edit, ...] | None:
    """Edits that make ``written`` spell ``wanted`` by changing one of its literals, or None.

    Constants are preferred to f-string text, and later literals to earlier ones
    (the version sits at the end of a family: ``f"postgres{MAJOR}"``).
    """
    texts = [str(part.value) for part in written.parts]
    candidates = []
    for index, part in enumerate(written.parts):
        prefix, suffix = "".join(texts[:index]), "".join(texts[index + 1:])
        if len(wanted) < len(prefix) + len(suffix) or not wanted.startswith(prefix) or not wanted.endswith(suffix):
            continue
        middle = wanted[len(prefix):len(wanted) - len(suffix)]
        if middle == texts[index]:
            continue
        spelled = _spell(part, middle)
        if spelled is not None:
            candidates.append((part.kind != "text", index, Edit(part.path, part.start, part.end, spelled)))
    if not candidates:
        return None
    return (max(candidates)[2],)


def _spell(part: WrittenLiteral, value: str) -> str | None:
    if part.kind == "int":
        return value if value.isdigit() and (value == "0" or not value.startswith("0")) else None
    if any(char in value for char in "\\\n\r{}'\"") or not value.isprintable():
        return None
    if part.kind == "text":
        return value
    source = part.source
    quote_at = min(i for i in (source.find("'"), source.find('"')) if i >= 0)
    prefix, quote = source[:quote_at], source[quote_at]
    if source[quote_at:quote_at + 3] == quote * 3:
        quote *= 3
    return f"{prefix}{quote}{value}{quote}"
