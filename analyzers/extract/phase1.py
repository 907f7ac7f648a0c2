"""Phase 1 entry: one file's bytes → its FileSummary, never raising."""

from __future__ import annotations

import ast

from analyzers.extract.ast_constants import summarize_constants
from analyzers.extract.limits import MAX_NESTING, TooDeep, stack_room, too_deep_message
from analyzers.extract.newer_syntax import nesting_in_tokens, parses_as_newer_python
from analyzers.extract.positions import AstSpans
from analyzers.extract.source import check_syntax, decode, split_lines
from analyzers.extract.summary import LIMIT, FileSummary, ParseProblem

# A file that never mentions pulumi creates no resources itself, except a
# program's entry point, which may only call into the project's modules.
PULUMI_MARKER = "pulumi"
ENTRY_POINT = "__main__.py"


def _is_program(path: str, text: str) -> bool:
    """Whether phase 1 walks the file with libcst: it mentions pulumi, or it is a
    program's entry point; any other module only lends its constants (``ast`` alone)."""
    return PULUMI_MARKER in text or path.rsplit("/", 1)[-1] == ENTRY_POINT


def may_need_libcst(path: str, source: bytes) -> bool:
    """``_is_program`` from the bytes, before they are decoded: a hint, never a verdict
    (latin-1 maps byte for byte, so the marker is found where its bytes are)."""
    return _is_program(path, source.decode("latin-1"))


def summarize(path: str, source: bytes) -> FileSummary:
    text, problem = decode(source)
    if problem is not None or text is None:
        return FileSummary(path, problems=(problem,) if problem else ())
    tree, problem = check_syntax(text)
    with stack_room():
        if problem is not None or tree is None:
            return _not_valid_for_this_python(path, text, problem)
        if not _is_program(path, text):
            return summarize_constants(path, tree)
        spans = AstSpans(tree, split_lines(text))
        too_deep = spans.too_deep_at()
        if too_deep is not None:
            return _too_deep(path, *too_deep)
        return _walked(path, text, spans)


def _not_valid_for_this_python(path: str, text: str, problem: ParseProblem | None) -> FileSummary:
    if problem is not None and problem.kind == LIMIT:
        return FileSummary(path, problems=(problem,))
    try:
        too_deep = nesting_in_tokens(text, MAX_NESTING)
    except ValueError:  # not even Python's tokens: CPython's verdict stands
        return FileSummary(path, problems=(problem,) if problem else ())
    if too_deep is not None:
        return _too_deep(path, *too_deep)
    if parses_as_newer_python(text):
        # valid for a newer interpreter: libcst reads it (spans from libcst, no ast tree);
        # a file without pulumi only lends constants, which are then not seen
        if _is_program(path, text):
            no_tree = AstSpans(ast.Module(body=[], type_ignores=[]), ())  # no ast spans: libcst's are used
            return _walked(path, text, no_tree)
        return FileSummary(path)
    return FileSummary(path, problems=(problem,) if problem else ())


def _walked(path: str, text: str, spans: AstSpans) -> FileSummary:
    from analyzers.extract.cst_summary import summarize_pulumi_file  # imports libcst

    try:
        return summarize_pulumi_file(path, text, spans)
    except TooDeep as error:  # deeper in libcst's tree than the pre-check could see
        return FileSummary(path, problems=(ParseProblem(1, 1, str(error), LIMIT),))


def _too_deep(path: str, depth: int, line: int, column: int) -> FileSummary:
    return FileSummary(path, problems=(ParseProblem(line, column, too_deep_message(depth, line, column), LIMIT),))
