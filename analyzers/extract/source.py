"""Decoding a file and deciding whether it can be parsed at all (SG000).

Every file goes through CPython's own parser (``ast``) first: it is an order
of magnitude faster than libcst and gives CPython's error messages and
positions. Its tree is then measured (``positions.AstSpans``) so a file
nested deeper than ``limits.MAX_NESTING`` never reaches libcst, whose native
parser is slow on deep nesting and crashes the process on very deep nesting.
A file too deep for ``ast`` itself (a RecursionError) is refused the same way.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings

from analyzers.extract.summary import LIMIT, ParseProblem

_NEWLINES = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Lines as Python's tokenizer counts them (not str.splitlines, which also
    splits on form feeds and other separators Python ignores)."""
    return _NEWLINES.split(text)


def decode(source: bytes) -> tuple[str | None, ParseProblem | None]:
    """The text of a Python file, honouring a BOM and a PEP 263 coding cookie."""
    null = source.find(b"\x00")
    if null >= 0:
        line = source.count(b"\n", 0, null) + 1
        column = null - (source.rfind(b"\n", 0, null) + 1) + 1
        return None, ParseProblem(line, column, "source contains a null byte")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
    except SyntaxError as error:
        return None, ParseProblem(getattr(error, "lineno", None) or 1, 1, str(error.msg or error))
    try:
        return source.decode(encoding), None
    except UnicodeDecodeError as error:
        line = source.count(b"\n", 0, error.start) + 1
        column = error.start - (source.rfind(b"\n", 0, error.start) + 1) + 1
        return None, ParseProblem(line, column, f"cannot decode the file as {encoding} ({error.reason})")
    except LookupError:
        return None, ParseProblem(1, 1, f"unknown source encoding {encoding!r}")


def check_syntax(text: str) -> tuple[ast.Module | None, ParseProblem | None]:
    """CPython's verdict on ``text``: its tree, or where and why it fails to parse."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences etc. are not ours to report
            tree = ast.parse(text)
    except SyntaxError as error:
        line = error.lineno or 1
        column = error.offset or 1
        return None, ParseProblem(line, max(column, 1), error.msg or "invalid syntax")
    except (RecursionError, MemoryError):  # CPython's parser gives up on deep nesting
        return None, ParseProblem(1, 1, "deeper than Python's own parser accepts", LIMIT)
    except ValueError as error:  # e.g. surrogates that cannot be encoded
        return None, ParseProblem(1, 1, str(error) or "invalid source")
    return tree, None
