"""What phase 1 records about one file (frozen dataclasses with slots, as the IR's;
cached by content hash)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from analyzers.extract.ir import Call, Expr

# MethodInfo.self_calls entry for ``super().name(...)``: dispatch starts after the defining class.
SUPER_PREFIX = "super:"


@dataclass(frozen=True, slots=True)
class Span:
    """A source range: 1-based lines and columns, ``end_column`` exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


# Why a file was not analysed (ParseProblem.kind): it is not valid Python; it goes
# past an analysis limit (``limits.MAX_NESTING``); or phase 1 gave up on it (out of
# time, or its worker process crashed), which depends on the machine: never cached.
SYNTAX, LIMIT, ABORTED = "syntax", "limit", "aborted"


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """Why a file could not be analysed (an SG000 finding)."""

    line: int
    column: int
    message: str
    kind: str = SYNTAX


@dataclass(frozen=True, slots=True)
class CallSite:
    """A call that may construct a resource: ``Name(...)`` whose name is CapWords.

    Whether it really is a resource is decided in phase 2, once imports and
    classes of the whole project are known.
    """

    call: Call
    span: Span
    owner: str  # the function (or unrolled loop) whose body holds the call; "" at module level
    class_name: str | None  # qualified name of the class the call is lexically inside
    method: str | None  # the method of that class it is (directly or in a nested function) inside


@dataclass(frozen=True, slots=True)
class ReturnPath:
    """A ``return`` (or ``raise``: ``value`` None) and the branch conditions leading to it."""

    value: Expr | None  # a binding of the function (decoded with its others: ``lazy_bindings``)
    guards: tuple[tuple[Expr, bool], ...]  # (condition, whether it must be true)
    certain: bool  # False inside loops, try blocks and match cases: guards are not the whole story


@dataclass(frozen=True, slots=True)
class FunctionInfo:
    """A function or method: how to bind a call's arguments, and what it returns."""

    qualname: str
    owner: str  # the function (or loop) it is defined in; "" at module level
    class_name: str | None  # set for methods
    positional: tuple[str, ...]  # including self/cls for methods
    vararg: str | None
    keyword_only: tuple[str, ...]
    kwarg: str | None
    defaults: Mapping[str, Expr]
    returns: tuple[ReturnPath, ...]
    decorators: frozenset[str]


@dataclass(frozen=True, slots=True)
class LoopInfo:
    """A ``for`` loop whose body phase 2 may run once per element of a known iterable."""

    qualname: str
    owner: str
    iterable: Expr  # a binding of ``owner``, made before the loop runs
    # Values carried from one iteration to the next: a binding made before the
    # loop (by index) and the expression it holds at the end of an iteration.
    carried: tuple[tuple[int, Expr], ...] = ()


@dataclass(frozen=True, slots=True)
class MethodInfo:
    name: str
    registers_outputs: bool  # calls self.register_outputs(...)
    self_calls: tuple[str, ...]  # self.name(...) → "name"; super().name(...) → "super:name"
    passes_self: bool  # hands ``self`` to a function the analyzer does not follow


@dataclass(frozen=True, slots=True)
class ClassInfo:
    qualname: str
    name: str
    span: Span  # the class name in its ``class`` statement
    bases: tuple[Expr, ...]
    methods: Mapping[str, MethodInfo]
    self_attrs: Mapping[str, tuple[Expr, ...]]  # every value assigned/appended to self.<attr>
    class_attrs: Mapping[str, Expr]
    init_params: tuple[str, ...]  # __init__ parameters after self (empty when not defined)
    type_tokens: tuple[Expr, ...]  # first argument of super().__init__(...) calls
    fields: tuple[str, ...] = ()  # annotated class attributes, in order (dataclass fields)


@dataclass(frozen=True, slots=True)
class FileSummary:
    """Phase 1's result for one file: a pure function of (relative path, source bytes).

    ``path`` is "/"-separated and relative to the analysis root. Files that
    never mention pulumi are summarized cheaply: only their module-level
    names (constants other modules may import) are recorded.
    """

    path: str
    problems: tuple[ParseProblem, ...] = ()
    bindings: Sequence[Expr] = ()  # decoded from the cache: perhaps a lazy_bindings.LazyBindings
    binding_owners: tuple[str, ...] = ()  # per binding: the function/loop it belongs to ("" module)
    globals: Mapping[str, Expr] = field(default_factory=dict)
    star_imports: tuple[Expr, ...] = ()  # ImportModule / ImportFrom of ``from x import *``
    calls: tuple[CallSite, ...] = ()
    classes: Mapping[str, ClassInfo] = field(default_factory=dict)
    functions: Mapping[str, FunctionInfo] = field(default_factory=dict)
    loops: Mapping[str, LoopInfo] = field(default_factory=dict)
    # Calls that may run project code (functions, methods), by owner: phase 2
    # evaluates them so the resources those functions create are found.
    invocations: tuple[tuple[str, Call], ...] = ()
    pulumi: bool = False  # parsed as a Pulumi program (mentions pulumi)
