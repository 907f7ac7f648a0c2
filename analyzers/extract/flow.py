"""Scopes and flow-sensitive name bindings for phase 1.

Names are bound in order as statements run. Branches (``if``, loops, ``try``,
``match``) each work on a copy of the bindings; afterwards a name bound
differently on different paths becomes ``Alternatives`` of its values, so a
later use sees every value it may have (values then read as unknown, while
references from every path still count).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from analyzers.extract.ir import Alternatives, Expr
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
    class_name: str | None = None  # the class a CLASS scope defines, or a method belongs to
    method: MethodRecorder | None = None  # set on a method's FUNCTION scope
    # FUNCTION scopes: returns/raises met so far, the branch conditions around
    # the current statement, and how many loops/try blocks enclose it.
    returns: list[ReturnPath] = field(default_factory=list)
    guards: list[tuple[Expr, bool]] = field(default_factory=list)
    uncertain: int = 0


def merge(paths: Iterable[dict[str, Expr]]) -> dict[str, Expr]:
    """Bindings after control flow joins: one value per name, or Alternatives."""
    paths = list(paths)
    if len(paths) == 1:
        return dict(paths[0])
    merged: dict[str, Expr] = {}
    names: dict[str, None] = {}
    for env in paths:
        names.update(dict.fromkeys(env))
    for name in names:
        options: list[Expr] = []
        for env in paths:
            value = env.get(name)
            if value is None:
                continue  # unbound on this path: a later use there would fail anyway
            candidates = value.options if isinstance(value, Alternatives) else (value,)
            for candidate in candidates:
                if candidate not in options:
                    options.append(candidate)
        merged[name] = options[0] if len(options) == 1 else Alternatives(tuple(options))
    return merged
