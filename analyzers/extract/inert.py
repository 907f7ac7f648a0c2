"""Calls phase 2 need not run for their effects: builtins that only read plain values.

Phase 1 records every call spelled with a name as an invocation
(``make_bucket("logs")``, ``isinstance(item, int)``): running it in each run
of its function may run project code that creates resources. A call of a
builtin like ``len`` or ``isinstance`` whose arguments are plain values
(literals, parameters, loop elements of such, builtins, and such calls) can
run no project code and create nothing, so the graph builder does not run it
for its effects. Its value is still computed wherever the program reads it
(a branch test, an argument), exactly as before.

Helper code is full of such calls (most of the invocations of a large
project's generic runs), and each would otherwise cost the evaluation of its
branch conditions as well. Phase 1 drops them from the summary
(:func:`effectful_invocations`): the judgement depends on the file alone.
"""

from __future__ import annotations

import builtins

from analyzers.extract import ir
from analyzers.extract.summary import FileSummary

# Builtins that never call back into project code given plain arguments (no
# callables, no properties: the arguments below can't hold either).
_READ_ONLY = frozenset({
    "abs", "all", "any", "bin", "bool", "chr", "dict", "divmod", "enumerate", "float", "format",
    "frozenset", "hash", "hex", "id", "int", "isinstance", "issubclass", "len", "list", "max", "min",
    "oct", "ord", "pow", "range", "repr", "reversed", "round", "set", "sorted", "str", "sum", "tuple",
    "type", "zip",
})
_BUILTIN_NAMES = frozenset(dir(builtins))
_MAX_DEPTH = 32  # deeper argument expressions are simply run, as before


def effectful_invocations(module: FileSummary) -> tuple[tuple[str, ir.Call], ...]:
    """The invocations of ``module`` that may run project code, in order."""
    calls = ModuleCalls(module)
    return tuple((owner, call) for owner, call in module.invocations if calls.runs_for_effects(call))


class ModuleCalls:
    """Which invocations of one module may run project code (bindings judged once each)."""

    def __init__(self, module: FileSummary) -> None:
        self.module = module
        self._bindings: dict[int, bool] = {}  # binding index → plain
        self._judging: set[int] = set()
        self._carried: dict[int, list[ir.Expr]] | None = None

    def runs_for_effects(self, call: ir.Call) -> bool:
        before = set(self._bindings)
        plain = self._read_only_call(call, 0)
        if not plain:
            # A variable judged plain on the way may have leant on one still being judged
            # (a loop that adds to a total) which turned out not to be: judge it again later.
            for index in set(self._bindings) - before:
                if self._bindings[index]:
                    del self._bindings[index]
        return not plain

    def _read_only_call(self, call: ir.Call, depth: int) -> bool:
        func = call.func
        if not (isinstance(func, ir.Global) and func.name in _READ_ONLY and self._builtin(func.name)):
            return False
        return all(self._plain(arg, depth + 1) for arg in call.args) and all(
            name is not None and self._plain(value, depth + 1) for name, value in call.kwargs)

    def _builtin(self, name: str) -> bool:
        """``name`` read at module scope is the builtin (the module neither defines nor may star-import it)."""
        return name in _BUILTIN_NAMES and name not in self.module.globals and not self.module.star_imports

    def _plain(self, expr: ir.Expr | None, depth: int) -> bool:
        """Evaluating ``expr`` reads values only: it runs no function, property or constructor."""
        if expr is None:
            return True
        if depth > _MAX_DEPTH:
            return False
        if isinstance(expr, ir.Lit | ir.Param | ir.LambdaParam):
            return True
        if isinstance(expr, ir.Global):
            return self._builtin(expr.name)
        if isinstance(expr, ir.Call):
            return self._read_only_call(expr, depth)
        if isinstance(expr, ir.Binding):
            return self._plain_binding(expr.index, depth)
        parts = _parts(expr)
        return parts is not None and all(self._plain(part, depth + 1) for part in parts)

    def _plain_binding(self, index: int, depth: int) -> bool:
        """A local variable is plain when what is bound to it is (and, inside a loop that
        changes it, what the loop leaves in it). One met again while being judged (a loop
        adding to a total) is assumed plain: a cycle of plain values stays plain, and
        evaluation follows it no further than its memo. Too long a chain to follow is not."""
        found = self._bindings.get(index)
        if found is not None:
            return found
        if index in self._judging:
            return True
        bindings = self.module.bindings
        if not 0 <= index < len(bindings):
            return True  # read as unresolved: nothing is evaluated
        self._judging.add(index)
        try:
            plain = all(self._plain(expr, depth + 1) for expr in (bindings[index], *self._carried_after(index)))
        finally:
            self._judging.discard(index)
        self._bindings[index] = plain
        return plain

    def _carried_after(self, index: int) -> list[ir.Expr]:
        if self._carried is None:
            self._carried = {}
            for loop in self.module.loops.values():
                for carried, after in loop.carried:
                    self._carried.setdefault(carried, []).append(after)
        return self._carried.get(index, [])



def _parts(expr: ir.Expr) -> tuple[ir.Expr | None, ...] | None:
    """The sub-expressions of an operation on values; None for anything else (not plain)."""
    if isinstance(expr, ir.Star):
        return (expr.value,)
    if isinstance(expr, ir.Seq):
        return expr.items
    if isinstance(expr, ir.Element):
        return (expr.iterable,)
    if isinstance(expr, ir.Subscript):
        return (expr.base, expr.index)
    if isinstance(expr, ir.Slice):
        return (expr.lower, expr.upper, expr.step)
    if isinstance(expr, ir.BinOp):
        return (expr.left, expr.right)
    if isinstance(expr, ir.UnaryOp):
        return (expr.operand,)
    if isinstance(expr, ir.BoolOp):
        return expr.values
    if isinstance(expr, ir.Compare):
        return (expr.left, *expr.comparators)
    if isinstance(expr, ir.IfElse):
        return (expr.test, expr.body, expr.orelse)
    if isinstance(expr, ir.Alternatives):
        return expr.options
    if isinstance(expr, ir.AfterLoop):
        # read from the loop's runs, which the builder creates before any invocation of the owner
        return (expr.before, expr.after)
    if isinstance(expr, ir.FStr):
        return tuple(part for piece in expr.parts if isinstance(piece, ir.FormatPart)
                     for part in (piece.value, piece.spec))
    return None
