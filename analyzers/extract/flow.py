"""Scopes and flow-sensitive name bindings for phase 1.

Names are bound in order as statements run. A branch (``if``, loop, ``try``,
``match``) records which names it rebinds in a change log, so joining paths
costs as much as the names they changed, not the size of the scope (a
generated module with thousands of names and branches stays linear).
After a join, a name bound differently on different paths becomes
``Alternatives`` of its values: a later use sees every value it may have
(values then read as unknown, while references from every path still count).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from analyzers.extract.ir import (
    Alternatives,
    Binding,
    ClassRef,
    Expr,
    FunctionRef,
    Global,
    ImportFrom,
    ImportModule,
    Lit,
    Opaque,
    Param,
    SelfRef,
)
from analyzers.extract.summary import ReturnPath

MODULE = "module"
FUNCTION = "function"
CLASS = "class"
LAMBDA = "lambda"
COMPREHENSION = "comprehension"


@dataclass
class MethodRecorder:
    """What a method does with ``self`` (for SG102's register_outputs reachability)."""

    name: str
    registers_outputs: bool = False
    self_calls: list[str] = field(default_factory=list)
    passes_self: bool = False


@dataclass
class Scope:
    kind: str
    qualname: str
    env: dict[str, Expr] = field(default_factory=dict)
    params: tuple[str, ...] = ()
    global_names: set[str] = field(default_factory=set)
    nonlocal_names: set[str] = field(default_factory=set)
    class_name: str | None = None  # the class a CLASS scope defines, or a method belongs to
    method: MethodRecorder | None = None  # set on a method's FUNCTION scope
    # FUNCTION scopes: returns/raises met so far, the branch conditions around
    # the current statement, and how many loops/try blocks enclose it.
    returns: list[ReturnPath] = field(default_factory=list)
    guards: list[tuple[Expr, bool]] = field(default_factory=list)
    uncertain: int = 0
    # Open branches, innermost last: name → its value when the branch started.
    logs: list[dict[str, Any]] = field(default_factory=list)
    # When not None (the module scope): every value each name was bound to, in order.
    history: dict[str, list[Expr]] | None = None

    def set(self, name: str, value: Expr) -> None:
        if self.logs and name not in self.logs[-1]:
            self.logs[-1][name] = self.env.get(name, MISSING)
        self.env[name] = value
        if self.history is not None:
            self.history.setdefault(name, []).append(value)

    def open_branch(self) -> dict[str, Any]:
        log: dict[str, Any] = {}
        self.logs.append(log)
        return log

    def close_branch(self, log: dict[str, Any]) -> dict[str, Any]:
        """End a branch; return the current values of the names it changed."""
        self.logs.pop()
        if self.logs:
            outer = self.logs[-1]
            for name, old in log.items():
                outer.setdefault(name, old)
        return {name: self.env.get(name, MISSING) for name in log}

    def roll_back(self, log: dict[str, Any]) -> None:
        """Put back the values the names of a closed branch had when it started."""
        for name, old in log.items():
            if old is MISSING:
                self.env.pop(name, None)
            else:
                self.env[name] = old

    def join(self, name: str, values: Iterable[Any]) -> None:
        """Bind ``name`` to whichever of ``values`` a path left (MISSING: unbound there)."""
        joined = join_values(values)
        if joined is not MISSING:
            self.set(name, joined)
        elif name in self.env:
            if self.logs and name not in self.logs[-1]:
                self.logs[-1][name] = self.env[name]
            del self.env[name]


MISSING: Any = object()  # a name not bound on some path
MAX_ALTERNATIVES = 64
_NAMES = (Binding, Global, Param, SelfRef, ImportModule, ImportFrom, ClassRef, FunctionRef, Lit)


def join_values(values: Iterable[Any]) -> Any:
    """One value, or Alternatives of the distinct ones (unbound paths are ignored:
    a later use on them would fail at run time anyway). Past MAX_ALTERNATIVES
    they become one unknown value that still holds their references, which later
    joins do not unpack: a long ``if``/``elif`` chain costs linear time and space."""
    options: dict[Any, Expr] = {}
    for value in values:
        if value is MISSING:
            continue
        for candidate in value.options if isinstance(value, Alternatives) else (value,):
            # names compare by value; anything bigger by identity (hashing it would walk it)
            options.setdefault(candidate if isinstance(candidate, _NAMES) else id(candidate), candidate)
    if not options:
        return MISSING
    if len(options) > MAX_ALTERNATIVES:
        return Opaque(tuple(options.values()), resolved=False)
    if len(options) == 1:
        return next(iter(options.values()))
    return Alternatives(tuple(options.values()))
