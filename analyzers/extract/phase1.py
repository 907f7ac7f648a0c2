"""Phase 1 entry: one file's bytes → its FileSummary, never raising."""

from __future__ import annotations

import ast

from analyzers.extract.ast_constants import summarize_constants
from analyzers.extract.newer_syntax import parses_as_newer_python
from analyzers.extract.positions import AstSpans
from analyzers.extract.source import MAX_BOOLEAN_OPERANDS, check_syntax, decode, split_lines
from analyzers.extract.summary import FileSummary, ParseProblem

# A file that never mentions pulumi creates no resources itself, except a
# program's entry point, which may only call into the project's modules.
PULUMI_MARKER = "pulumi"
ENTRY_POINT = "__main__.py"


def summarize(path: str, source: bytes) -> FileSummary:
    text, problem = decode(source)
    if problem is not None or text is None:
        return FileSummary(path, problems=(problem,) if problem else ())
    tree, problem = check_syntax(text)
    if problem is not None or tree is None:
        if parses_as_newer_python(text):
            # valid for a newer interpreter: libcst reads it (spans from libcst, no ast tree);
            # a file without pulumi only lends constants, which are then not seen
            if PULUMI_MARKER in text or path.rsplit("/", 1)[-1] == ENTRY_POINT:
                return _summarize_with_libcst(path, text)
            return FileSummary(path)
        return FileSummary(path, problems=(problem,) if problem else ())
    if PULUMI_MARKER not in text and path.rsplit("/", 1)[-1] != ENTRY_POINT:
        return summarize_constants(path, tree)
    try:
        spans = AstSpans(tree, split_lines(text))
    except RecursionError:
        return FileSummary(path, problems=(ParseProblem(1, 1, "expressions are nested too deeply to analyze"),))
    operands, line, column = spans.longest_boolean
    if operands > MAX_BOOLEAN_OPERANDS:
        return FileSummary(path, problems=(ParseProblem(
            line, column, f"a boolean expression with {operands} operands is too long to analyze"),))
    from analyzers.extract.cst_summary import summarize_pulumi_file  # imports libcst

    try:
        return summarize_pulumi_file(path, text, spans)
    except RecursionError:
        return FileSummary(path, problems=(ParseProblem(1, 1, "expressions are nested too deeply to analyze"),))


def _summarize_with_libcst(path: str, text: str) -> FileSummary:
    from analyzers.extract.cst_summary import summarize_pulumi_file  # imports libcst

    no_tree = AstSpans(ast.Module(body=[], type_ignores=[]), ())  # no ast spans: libcst's are used
    try:
        return summarize_pulumi_file(path, text, no_tree)
    except RecursionError:
        return FileSummary(path, problems=(ParseProblem(1, 1, "expressions are nested too deeply to analyze"),))
