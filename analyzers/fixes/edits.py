"""Text edits that follow the code around them: a keyword appended to a call, an element to a
list, statements after a statement — each in the layout the surrounding code already uses."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from analyzers.fixes.model import Edit
from analyzers.fixes.source import SourceFile


def _item_value(item: cst.CSTNode) -> cst.CSTNode:
    return item.value if isinstance(item, (cst.Arg, cst.Element)) else item


def append_item(file: SourceFile, items: Sequence[cst.CSTNode], close: int, text: str) -> tuple[Edit, ...]:
    """Add ``text`` after the last of ``items`` of a bracketed display or call.

    ``close`` is the offset of the closing bracket. One item per line stays one
    item per line (after a trailing comma and any comment on its line); items
    on one line get ``, text``.
    """
    path = file.path
    if not items:
        return (Edit(path, close, close, text),)
    last = items[-1]
    _, end = file.span(_item_value(last))
    after = end
    while after < len(file.text) and file.text[after] in " \t":
        after += 1
    has_comma = after < len(file.text) and file.text[after] == ","
    if file.line_of(close) > file.line_of(after):
        start, _ = file.span(last)
        indent = file.indent_at(start)
        if file.line_of(start) == file.line_of(close) or file.indent_at(close) == indent:
            indent += _unit(file)  # a hanging first item: indent one level beyond the bracket's line
        next_line = file.line_end(after + 1 if has_comma else end)
        if next_line <= close:
            if has_comma:
                return (Edit(path, next_line, next_line, f"{indent}{text},\n"),)
            return (Edit(path, end, end, ","), Edit(path, next_line, next_line, f"{indent}{text}\n"))
    if has_comma:
        return (Edit(path, after + 1, after + 1, f" {text},"),)
    return (Edit(path, end, end, f", {text}"),)


def _unit(file: SourceFile) -> str:
    return file.module.default_indent


def closing_offset(file: SourceFile, node: cst.CSTNode) -> int:
    """The offset of the closing bracket of a Call, List, Tuple, Dict or Set."""
    _, end = file.span(node)
    return end - 1


# An argument appended on one line that would make it longer than this puts the call's
# arguments one per line instead (as Black would).
MAX_LINE = 100


def append_argument(file: SourceFile, call: cst.Call, text: str) -> tuple[Edit, ...]:
    close = closing_offset(file, call)
    found = append_item(file, call.args, close, text)
    if len(found) != 1 or "\n" in found[0].text or not call.args:
        return found
    line_start = file.line_start(found[0].start)
    line_end = file.line_end(found[0].start)
    if line_end - line_start - 1 + len(found[0].text) <= MAX_LINE or file.line_of(close) != file.line_of(line_start):
        return found
    _, func_end = file.span(call.func)
    open_paren = file.text.find("(", func_end)
    if open_paren < 0 or file.line_of(open_paren) != file.line_of(close):
        return found
    indent = file.indent_at(open_paren)
    inner = indent + file.module.default_indent
    arguments = [file.source(arg) for arg in call.args] + [text]
    exploded = "\n" + "".join(f"{inner}{argument},\n" for argument in arguments) + indent
    return (Edit(file.path, open_paren + 1, close, exploded),)


def append_element(file: SourceFile, display: cst.List, text: str) -> tuple[Edit, ...]:
    return append_item(file, display.elements, closing_offset(file, display), text)


def remove_argument(file: SourceFile, call: cst.Call, arg: cst.Arg, keep_comment: bool = True) -> Edit | None:
    """Delete ``arg`` from ``call`` with its comma.

    An argument on lines of its own takes them along (a comment at the end of
    its last line stays, as a line of its own, unless the caller moves it: see
    ``own_line_comment``); one sharing its line goes with the comma before it
    (or after it, for the first argument). None when a comment sits between
    the argument and the neighbour it is joined to.
    """
    text, path = file.text, file.path
    index = next(i for i, candidate in enumerate(call.args) if candidate is arg)
    start, end = file.span(arg)
    after = end
    while after < len(text) and text[after] in " \t":
        after += 1
    if after < len(text) and text[after] == ",":
        after += 1
    line_start = file.line_start(start)
    rest_end = file.line_end(after)
    rest = text[after:rest_end].strip()
    if not text[line_start:start].strip() and (not rest or rest.startswith("#")):
        kept = f"{file.indent_at(start)}{rest}\n" if rest and keep_comment else ""
        return Edit(path, line_start, rest_end, kept)
    if index > 0:
        previous_end = file.span(call.args[index - 1])[1]
        return None if "#" in text[previous_end:start] else Edit(path, previous_end, end, "")
    if index + 1 < len(call.args):
        next_start = file.span(call.args[index + 1])[0]
        return None if "#" in text[end:next_start] else Edit(path, start, next_start, "")
    return Edit(path, start, after, "")


def own_line_comment(file: SourceFile, arg: cst.Arg) -> str:
    """The comment ending the last line of an argument written on lines of its own, else ""."""
    start, end = file.span(arg)
    if file.text[file.line_start(start):start].strip():
        return ""
    rest = file.text[end:file.line_end(end)].strip().removeprefix(",").strip()
    return rest if rest.startswith("#") else ""


def insert_after(file: SourceFile, statement: cst.BaseStatement, lines: Sequence[str]) -> Edit:
    """``lines`` as statements after ``statement``, at its indentation (inner lines keep their own)."""
    start, end = file.span(statement)
    indent = file.indent_at(start)
    at = file.line_end(end)
    text = "".join(f"{indent}{line}\n" if line else "\n" for line in lines)
    if at == len(file.text) and not file.text.endswith("\n"):
        text = "\n" + text
    return Edit(file.path, at, at, text)


def call_lines(callee: str, arguments: Sequence[str], unit: str) -> list[str]:
    """A call written one argument per line, Black style."""
    return [f"{callee}(", *(f"{unit}{argument}," for argument in arguments), ")"]
