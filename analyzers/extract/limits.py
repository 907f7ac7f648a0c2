"""How deep the analyzer follows nested code, and the Python stack that takes.

A hostile file nests thousands of levels deep at no cost to its author
(``a.b.b.b...``, ``f()()()...``, ``[[[...]]]``, ``x if c else ...``).
libcst's native parser takes time quadratic in that depth and overflows the
C stack (a segfault) past a few thousand levels, and the analyzer's own
walkers recurse once per level. So a Pulumi file nested deeper than
``MAX_NESTING`` is refused before libcst sees it (one SG000 finding), and
the walks that remain get a Python stack deep enough for that bound.

Nesting is the depth of the syntax tree: one level per bracket, operator,
attribute, call, subscript, ``lambda``, conditional, comprehension, block
and ``elif``. Real code stays far below: of 16,000 files of the standard
library and installed packages (pulumi_aws's generated SDK included), all
but a handful of generated ones stay under 50. libcst also nests each operand
of an ``and``/``or`` chain one level deeper, which the analyzer flattens but
libcst's own code generation does not: counted that way, the bound is
``MAX_OPERAND_NESTING``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

MAX_NESTING = 200
MAX_OPERAND_NESTING = 1000
# Measured Python frames per level: up to ~4 for the libcst walker, ~8 for
# libcst's code generation (positions.cst_spans; ~3 per and/or operand), ~4 per
# evaluation step in phase 2, which stops at evaluate.MAX_EVAL_DEPTH.
STACK_ROOM = 8 * MAX_NESTING + 3 * MAX_OPERAND_NESTING + 1000


class TooDeep(Exception):
    """A walk met more nesting than the file's pre-check let through."""


def too_deep_message(depth: int, line: int, column: int) -> str:
    if depth > MAX_OPERAND_NESTING:
        return f"more than {MAX_OPERAND_NESTING} levels of nesting, counting each and/or operand, " \
               f"at line {line}, column {column}"
    return f"more than {MAX_NESTING} levels of nesting at line {line}, column {column}"


def _stack_depth() -> int:
    depth = 0
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        depth += 1
        frame = frame.f_back
    return depth


@contextmanager
def stack_room(frames: int = STACK_ROOM) -> Iterator[None]:
    """At least ``frames`` Python frames of room above the caller for the block.

    A few thousand frames fit the default 8 MiB stack many times over (from
    Python 3.11 on, Python-to-Python calls barely use the C stack at all);
    raising the limit only as far as the bounded walks need keeps a runaway
    recursion an exception rather than a crash.
    """
    needed = _stack_depth() + frames
    previous = sys.getrecursionlimit()
    if previous >= needed:
        yield
        return
    sys.setrecursionlimit(needed)
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)
