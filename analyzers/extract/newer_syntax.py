"""Files written for a newer Python than the one running the analyzer.

CPython 3.11's parser rejects syntax that 3.12+ accepts: f-strings with
backslashes or the enclosing quote inside ``{...}`` (PEP 701), ``type X = ...``
and ``def f[T]()`` (PEP 695). Such a file is valid for the interpreter the
program targets, so an SG000 on it would be wrong. libcst's parser knows that
syntax; the analyzer then reads the file with libcst alone (spans from its
PositionProvider, see positions.py).

libcst's native parser can overflow the C stack on deeply nested code, which
``ast`` normally rejects first; without an ``ast`` tree the nesting is bounded
here on the token stream before libcst sees the file.
"""

from __future__ import annotations

import io
import sys
import tokenize

MAX_BRACKET_DEPTH = 100
MAX_OPERATORS_PER_LINE = 500  # and/or/not and operator tokens in one logical line
_OPENING = frozenset("([{")
_CLOSING = frozenset(")]}")
_NOT_OPERATORS = frozenset({",", ".", ":", "=", ";", "->"}) | _OPENING | _CLOSING
_WORD_OPERATORS = frozenset({"and", "or", "not", "if", "else", "lambda", "await"})


def _bounded_nesting(text: str) -> bool:
    depth = operators = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.OP:
                if token.string in _OPENING:
                    depth += 1
                    if depth > MAX_BRACKET_DEPTH:
                        return False
                elif token.string in _CLOSING:
                    depth = max(depth - 1, 0)
                elif token.string not in _NOT_OPERATORS:
                    operators += 1
            elif token.type == tokenize.NAME and token.string in _WORD_OPERATORS:
                operators += 1
            elif token.type == tokenize.NEWLINE:
                operators = 0
            if operators > MAX_OPERATORS_PER_LINE:
                return False
    except (tokenize.TokenError, SyntaxError, ValueError):
        return False
    return True


def parses_as_newer_python(text: str) -> bool:
    """Whether a file this interpreter's parser rejected is valid newer Python."""
    if sys.version_info >= (3, 12) or not _bounded_nesting(text):
        return False
    import libcst as cst

    try:
        cst.parse_module(text)
    except Exception:  # ParserSyntaxError, CSTValidationError, ...: really invalid
        return False
    return True
