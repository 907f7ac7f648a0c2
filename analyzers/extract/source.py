"""Decoding a file and deciding whether it can be parsed at all (SG000).

Every file goes through CPython's own parser (``ast``) first: it is an order
of magnitude faster than libcst, gives CPython's error messages and
positions, and bounds nesting depth. That bound matters: libcst's native
parser overflows the C stack (a segfault, not an exception) on a few
thousand nested operators, which ``ast`` rejects with a RecursionError long
before; the one shape ``ast`` accepts flat but libcst nests (``a and b and
...``) is bounded here explicitly.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings

from analyzers.extract.summary import ParseProblem

# libcst nests each ``and``/``or`` operand one level deeper; beyond a few
# thousand its parser crashes the process (checked on the ast tree by positions.AstSpans).
MAX_BOOLEAN_OPERANDS = 500
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
    except (RecursionError, MemoryError):
        return None, ParseProblem(1, 1, "expressions are nested too deeply to parse")
    except ValueError as error:  # e.g. surrogates that cannot be encoded
        return None, ParseProblem(1, 1, str(error) or "invalid source")
    return tree, None
