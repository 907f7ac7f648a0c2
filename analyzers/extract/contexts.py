"""Evaluation contexts: one run of a function, a method on one instance, or one loop iteration.

Phase 1 records each function body once, with its parameters symbolic.
Phase 2 runs it per call: a context binds the parameters to the caller's
arguments (and ``self`` to the instance), so ``make_api("admin")`` and
``Database("db", args)`` produce resources with their real names and
values, as the program would. A ``for`` loop over a known sequence gets one
context per element. A function nobody calls is analysed once in a generic
context, its parameters unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analyzers.extract.summary import FileSummary
from analyzers.extract.values import Condition, Val

# Deep call chains and huge programs: beyond these, calls are not followed
# (their results are unresolved), so analysis time stays bounded.
MAX_DEPTH = 10
MAX_CONTEXTS = 5000
MAX_ITERATIONS = 32


@dataclass(eq=False)
class Context:
    id: int
    module: FileSummary | None  # None for the root context (module-level code of every module)
    function: str | None  # qualified name of the function or loop it runs; None for the root
    caller: Context | None
    args: dict[str, Val] = field(default_factory=dict)
    self_val: Val | None = None  # the instance, for methods
    iteration: Val | None = None  # the element of this iteration, for loops (None: unknown)
    depth: int = 0
    # Branch conditions the analyzer could not decide on the way to this run (values.Literal):
    # the run happens only on paths where they hold.
    condition: Condition = frozenset()

    @property
    def suffix(self) -> str:
        """What makes node keys of this context unique ("" for the root)."""
        return f"@{self.id}" if self.id else ""

    def chain(self) -> list[Context]:
        found = []
        current: Context | None = self
        while current is not None:
            found.append(current)
            current = current.caller
        return found

    def instance(self) -> Val | None:
        """The ``self`` of the nearest method run on the call chain."""
        for context in self.chain():
            if context.self_val is not None:
                return context.self_val
        return None
