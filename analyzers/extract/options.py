"""``pulumi.ResourceOptions`` as the analyzer sees it: parent, depends_on, secrets.

A field is ``None`` when the options certainly do not set it, and a Val
(possibly unresolved) when they do or might. ``complete`` is False when the
options came partly from somewhere the analyzer cannot see (a parameter
merged in), so an unset field may still be set at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from analyzers.extract.values import DATA, OPTIONS, UNRESOLVED, Val, as_data, data
from policypack.graph import UNKNOWN


@dataclass(frozen=True)
class Options:
    parent: Val | None = None
    depends_on: Val | None = None
    secret_outputs: tuple[str, ...] = ()
    complete: bool = True


EMPTY = Options()
# Options from a parameter or a call the analyzer cannot follow.
OPAQUE = Options(parent=UNRESOLVED, depends_on=UNRESOLVED, complete=False)


def _set(val: Val | None) -> Val | None:
    """A field given as None is not set."""
    if val is None or (val.kind == DATA and val.data is None and not val.unresolved):
        return None
    return val


def from_call(args: Sequence[Val], kwargs: dict[str, Val], spread_unknown: bool) -> Val:
    """``ResourceOptions(parent=..., depends_on=..., ...)`` (parent/depends_on may be positional)."""
    parent = kwargs.get("parent", args[0] if len(args) > 0 else None)
    depends_on = kwargs.get("depends_on", args[1] if len(args) > 1 else None)
    secrets: tuple[str, ...] = ()
    secret_val = kwargs.get("additional_secret_outputs")
    secret_data = as_data(secret_val).data if secret_val is not None else None
    if isinstance(secret_data, list | tuple):
        secrets = tuple(item for item in secret_data if isinstance(item, str))
    options = Options(_set(parent), _set(depends_on), secrets, complete=not spread_unknown)
    if spread_unknown:
        options = Options(options.parent or UNRESOLVED, options.depends_on or UNRESOLVED, secrets, False)
    return Val(OPTIONS, ref=options)


def of(val: Val | None) -> Options:
    """The Options a value stands for (OPAQUE when the analyzer cannot tell)."""
    if val is None:
        return EMPTY
    if val.kind == OPTIONS and isinstance(val.ref, Options):
        return val.ref
    if val.kind == DATA and val.data is None and not val.unresolved:
        return EMPTY
    return OPAQUE


def merge(first: Val | None, second: Val | None) -> Val:
    """``ResourceOptions.merge(first, second)``: second's set fields win; lists add up."""
    a, b = of(first), of(second)
    parent = b.parent or (a.parent if a.complete or a.parent else UNRESOLVED)
    if b.parent is None and not b.complete:
        parent = UNRESOLVED
    depends_on = _union(a.depends_on, b.depends_on)
    if not (a.complete and b.complete):
        depends_on = _union(depends_on, UNRESOLVED)
    return Val(OPTIONS, ref=Options(parent, depends_on, a.secret_outputs + b.secret_outputs,
                                    a.complete and b.complete))


def _union(first: Val | None, second: Val | None) -> Val | None:
    if first is None:
        return second
    if second is None:
        return first
    return data(UNKNOWN, [first, second])


def join(alternatives: Sequence[Options]) -> Options:
    """Options that are one of ``alternatives`` (branches): fields agree or become unknown."""
    parent = alternatives[0].parent
    if any(option.parent != parent for option in alternatives[1:]):
        parent = UNRESOLVED
    depends_on: Val | None = None
    for option in alternatives:
        depends_on = _union(depends_on, option.depends_on)
    secrets = tuple(dict.fromkeys(s for o in alternatives for s in o.secret_outputs))
    return Options(parent, depends_on, secrets, all(o.complete for o in alternatives))


def dependencies(options: Options) -> tuple[frozenset[str], bool]:
    """The nodes ``depends_on`` names, and whether it may name more."""
    if options.depends_on is None:
        return frozenset(), not options.complete
    value = options.depends_on
    return value.deps, value.unresolved or not options.complete


