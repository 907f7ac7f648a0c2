"""Files written for a newer Python than the one running the analyzer.

CPython 3.11's parser rejects syntax that 3.12+ accepts: f-strings with
backslashes or the enclosing quote inside ``{...}`` (PEP 701), ``type X = ...``
and ``def f[T]()`` (PEP 695). Such a file is valid for the interpreter the
program targets, so an SG000 on it would be wrong. libcst's parser knows that
syntax; the analyzer then reads the file with libcst alone (spans from its
PositionProvider, see positions.py).

libcst's native parser is slow on deep nesting and overflows the C stack on
very deep nesting, which ``ast`` normally measures first (``limits``); without
an ``ast`` tree the nesting is measured here on the token stream, erring on
the deep side, before libcst sees the file.
"""

from __future__ import annotations

import io
import sys
import tokenize

_OPENING = frozenset("([{")
_CLOSING = frozenset(")]}")
# Tokens after which an opening bracket is a call or a subscript (one more level of a chain).
_OPERAND_END = frozenset({tokenize.NAME, tokenize.NUMBER, tokenize.STRING})
_SEPARATORS = frozenset({",", ";", "="})
_NEUTRAL = frozenset({":", "->"})
_WORD_OPERATORS = frozenset({"and", "or", "not", "if", "await", "for", "yield"})
_FIELD_NESTING = frozenset("([{.+-*/%@&|^~<>!=")
_LAMBDA = -1  # marks the parameters of a lambda among the open brackets


def nesting_in_tokens(text: str, limit: int) -> tuple[int, int, int] | None:
    """The first place ``text`` nests deeper than ``limit`` (depth, line, column), or
    None. Every bracket, operator, attribute, call, subscript, keyword operator,
    ``lambda``, adjacent string and block counts one level; a separator (``,``,
    ``=``) ends a chain of them, as does the end of its bracket. Raises ValueError
    when ``text`` is not even a token stream."""
    indent = 0
    # Per open bracket (or lambda's parameters): the chain outside it. ``base`` is
    # the depth those contribute, so each token costs O(1).
    outer: list[tuple[int, int]] = []  # (chain outside, _LAMBDA or 0)
    base = 0
    chain = 0  # levels since the last separator inside the innermost bracket
    previous: tokenize.TokenInfo | None = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            kind, string = token.type, token.string
            if kind == tokenize.OP:
                if string in _OPENING:
                    if previous is not None and (previous.type in _OPERAND_END or previous.string in _CLOSING):
                        chain += 1  # f(...) or a[...]
                    outer.append((chain, 0))
                    base += chain + 1
                    chain = 0
                elif string in _CLOSING:
                    while outer and outer[-1][1] == _LAMBDA:  # not valid Python; don't count on it
                        base -= outer.pop()[0] + 1
                    chain = outer.pop()[0] if outer else 0
                    base = max(base - chain - 1, 0)
                elif string == ":" and outer and outer[-1][1] == _LAMBDA:
                    saved, _ = outer.pop()  # the lambda's body nests one level under it
                    base -= saved + 1
                    chain = saved + 1
                elif string in _SEPARATORS:
                    chain = 0
                elif string not in _NEUTRAL:
                    chain += 1
            elif kind == tokenize.NAME and string == "lambda":
                outer.append((chain, _LAMBDA))  # commas among its parameters end no outer chain
                base += chain + 1
                chain = 0
            elif kind == tokenize.NAME and string in _WORD_OPERATORS:
                chain += 1
            elif kind == tokenize.STRING:
                if previous is not None and previous.type == tokenize.STRING:
                    chain += 1  # libcst nests implicitly concatenated strings
                chain += _field_nesting(string)
            elif kind == tokenize.INDENT:
                indent += 1
            elif kind == tokenize.DEDENT:
                indent = max(indent - 1, 0)
            elif kind == tokenize.NEWLINE:
                outer.clear()
                base = chain = 0
            if kind not in (tokenize.NL, tokenize.COMMENT):
                previous = token
            if indent + base + chain > limit:
                return indent + base + chain, token.start[0], token.start[1] + 1
    except (tokenize.TokenError, SyntaxError) as error:
        raise ValueError(str(error)) from None
    return None


def _field_nesting(token: str) -> int:
    """For an f-string, a bound on the nesting of the expressions in its ``{...}``
    fields, which this interpreter's tokenizer does not split."""
    quote = next((at for at, char in enumerate(token) if char in "'\""), 0)
    if "f" not in token[:quote].lower():
        return 0
    count = depth = 0
    for char in token[quote:]:
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        if depth and char in _FIELD_NESTING:
            count += 1
    return count


def parses_as_newer_python(text: str) -> bool:
    """Whether a file this interpreter's parser rejected is valid newer Python
    (the caller has bounded its nesting with ``nesting_in_tokens``)."""
    if sys.version_info >= (3, 12):
        return False
    import libcst as cst

    try:
        cst.parse_module(text)
    except Exception:  # ParserSyntaxError, CSTValidationError, ...: really invalid
        return False
    return True
