"""Symbolic expressions: what phase 1 records and phase 2 evaluates.

Phase 1 sees one file and cannot know what an imported name means, so it
records expressions with their names already tied to a scope: a binding made
earlier in the same flow (``Binding``), a module-level name looked up later
(``Global``), a function parameter (``Param``), ``self`` of a class
(``SelfRef``). Phase 2 links modules and evaluates. Every node is a frozen
dataclass with slots, so summaries can be cached (``analyzers.cache_codec``
fills the slots directly) and a large project's take little memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union


@dataclass(frozen=True, slots=True)
class Lit:
    """A Python literal: str, bytes, int, float, complex, bool, None or Ellipsis."""

    value: Any


@dataclass(frozen=True, slots=True)
class Seq:
    """A list, tuple or set display; items may be ``Star``."""

    kind: str  # "list" | "tuple" | "set"
    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Star:
    """``*value`` inside a display or a call."""

    value: Expr


@dataclass(frozen=True, slots=True)
class MapDisplay:
    """A dict display. A ``None`` key is a ``**spread`` of the value."""

    entries: tuple[tuple[Expr | None, Expr], ...]


@dataclass(frozen=True, slots=True)
class FormatPart:
    value: Expr
    conversion: str | None  # "r", "s", "a"
    spec: Expr | None  # an FStr, or None


@dataclass(frozen=True, slots=True)
class FStr:
    parts: tuple[str | FormatPart, ...]


@dataclass(frozen=True, slots=True)
class BinOp:
    op: str  # "+", "-", "*", "/", "//", "%", "**", "|", "&", "^", "<<", ">>", "@"
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class UnaryOp:
    op: str  # "-", "+", "not", "~"
    operand: Expr


@dataclass(frozen=True, slots=True)
class BoolOp:
    op: str  # "and" | "or"
    values: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Compare:
    left: Expr
    ops: tuple[str, ...]  # "==", "!=", "<", "<=", ">", ">=", "in", "not in", "is", "is not"
    comparators: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class IfElse:
    test: Expr
    body: Expr
    orelse: Expr


@dataclass(frozen=True, slots=True)
class Attr:
    base: Expr
    name: str


@dataclass(frozen=True, slots=True)
class Subscript:
    base: Expr
    index: Expr


@dataclass(frozen=True, slots=True)
class Slice:
    lower: Expr | None
    upper: Expr | None
    step: Expr | None


@dataclass(frozen=True, slots=True)
class Guard:
    """A branch condition on the way to a call: ``test`` must be ``holds`` for the call to run.
    ``owner`` is the function or loop whose run the test is evaluated in ("" at module level)."""

    test: Expr
    holds: bool
    owner: str = ""


@dataclass(frozen=True, slots=True)
class Call:
    func: Expr
    args: tuple[Expr, ...]  # may hold Star
    kwargs: tuple[tuple[str | None, Expr], ...]  # None name: a **spread
    site: int | None = None  # index into FileSummary.calls when a possible resource constructor
    # The conditions of the ``if``/``elif``/``else`` branches, conditional expressions and
    # early returns around the call, outermost first (phase 2 skips a call whose run takes
    # another branch).
    guards: tuple[Guard, ...] = ()


@dataclass(frozen=True, slots=True)
class Lambda:
    body: Expr


@dataclass(frozen=True, slots=True)
class Comprehension:
    """A list/set/dict comprehension or generator: evaluated as an unknown collection."""

    kind: str
    element: Expr
    sources: tuple[Expr, ...]  # the iterables and conditions


# --- names, already tied to their scope ------------------------------------


@dataclass(frozen=True, slots=True)
class Binding:
    """A value assigned earlier in the same flow: ``FileSummary.bindings[index]``."""

    index: int


@dataclass(frozen=True, slots=True)
class Global:
    """A module-level name of this file, as it stands once the module has run."""

    name: str


@dataclass(frozen=True, slots=True)
class Param:
    """Parameter ``name`` of function ``function`` (a qualified name in this file):
    bound per call in phase 2, unknown when the function is analysed on its own."""

    name: str
    function: str = ""


@dataclass(frozen=True, slots=True)
class LambdaParam:
    """A lambda's or ``apply`` callback's parameter: an unknown value, but not an unresolved one."""


@dataclass(frozen=True, slots=True)
class SelfRef:
    """``self`` (or ``cls``) of method ``function`` of ``class_name`` (qualified names in this file)."""

    class_name: str
    function: str = ""


@dataclass(frozen=True, slots=True)
class SuperRef:
    """``super()`` inside method ``function`` of ``class_name``."""

    class_name: str
    function: str = ""


@dataclass(frozen=True, slots=True)
class ImportModule:
    """``import a.b`` (binds ``a`` → module "a") or ``import a.b as x`` (module "a.b")."""

    module: str


@dataclass(frozen=True, slots=True)
class ImportFrom:
    """``from module import name``; ``level`` counts the leading dots."""

    module: str
    name: str
    level: int


@dataclass(frozen=True, slots=True)
class ClassRef:
    qualname: str


@dataclass(frozen=True, slots=True)
class FunctionRef:
    qualname: str


@dataclass(frozen=True, slots=True)
class Alternatives:
    """One of several values (branches of an ``if``, a loop that may not run)."""

    options: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Element:
    """One element of an iterable: a loop variable (``loop`` names the loop, whose
    iterations phase 2 may unroll) or a comprehension variable (``loop`` empty)."""

    iterable: Expr
    loop: str = ""


@dataclass(frozen=True, slots=True)
class Mutated:
    """A container changed after it was built: ``method`` is "append", "extend",
    "update", ... or "" for other changes (``x.attr = v``)."""

    base: Expr
    additions: tuple[Expr, ...]
    method: str = ""


@dataclass(frozen=True, slots=True)
class Stored:
    """``base[key] = value``: the container with one entry set."""

    base: Expr
    key: Expr
    value: Expr


@dataclass(frozen=True, slots=True)
class AfterLoop:
    """A name's value after ``for`` loop ``loop``: its value at the end of the last
    iteration when the iterations are known, else ``before`` or ``after``."""

    loop: str
    before: Expr | None
    after: Expr


@dataclass(frozen=True, slots=True)
class Opaque:
    """Something not modelled. ``resolved`` says whether it can hide references
    the analyzer does not see; ``parts`` still contribute their references."""

    parts: tuple[Expr, ...] = ()
    resolved: bool = False


# A Union (not ``X | Y``) because the names are forward references at this point.
Expr = Union[  # noqa: UP007
    Lit, Seq, Star, MapDisplay, FStr, BinOp, UnaryOp, BoolOp, Compare, IfElse, Attr, Subscript, Slice,
    Call, Lambda, Comprehension, Binding, Global, Param, LambdaParam, SelfRef, SuperRef, ImportModule,
    ImportFrom, ClassRef, FunctionRef, Alternatives, Element, Mutated, Stored, AfterLoop, Opaque,
]

UNRESOLVED = Opaque()
