"""What the evaluator's parts share: one declaration of its state, and of the methods
one part calls on another.

``evaluate.Evaluator`` is assembled from ``runs.Runs`` (contexts), ``calls.Calls``
(calls and attributes) and ``operators.Operators`` (operations on values). Each
part inherits this class, so it reads the shared tables and calls the other
parts' methods through names declared here, and type-checks on its own.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING

from analyzers.extract import ir
from analyzers.extract.contexts import Context
from analyzers.extract.linker import ModuleIndex
from analyzers.extract.sites import SiteInstance
from analyzers.extract.summary import ClassInfo, FileSummary, FunctionInfo
from analyzers.extract.values import ClassKey, Condition, Val, reset_meter
from analyzers.providers import ProviderKnowledge

if TYPE_CHECKING:
    from analyzers.extract.components import ComponentIndex

# A run of a function for one call expression in one caller:
# (id of the call, id of the caller's context, (path, function, the instance or None)).
CallKey = tuple[int, int, tuple[str, str, object]]


class EvaluatorState(ABC):
    """The tables of one project's evaluation, filled as the program is run."""

    def __init__(self, summaries: Sequence[FileSummary], providers: ProviderKnowledge | None = None) -> None:
        reset_meter()  # one project's values at a time
        self.modules: dict[str, FileSummary] = {s.path: s for s in summaries}
        self.providers = providers if providers is not None else ProviderKnowledge()
        self.index = ModuleIndex(self.modules)
        self.components: ComponentIndex | None = None  # set by the graph builder
        self.root = Context(0, None, None, None)
        self.contexts: list[Context] = [self.root]
        self.pending: list[Context] = []  # created, not yet processed by the graph builder
        self._memo: dict[tuple[Hashable, ...], Val] = {}
        self._active: set[tuple[Hashable, ...]] = set()
        self._depth = 0
        self._calls: dict[CallKey, Context | None] = {}
        self._loops: dict[tuple[int, str, str], list[Context]] = {}  # (parent run, path, loop) → iterations
        self._generic: dict[tuple[str, str], Context] = {}
        self.runs: dict[tuple[str, str], list[Context]] = {}  # (path, function) → its non-generic runs
        self._method_runs: dict[tuple[str, str, str], list[Context]] = {}  # (instance, path, function)
        self._sites: dict[tuple[str, int, int], Val | None] = {}
        self.site_instances: dict[str, SiteInstance] = {}
        self.instance_classes: dict[str, ClassKey] = {}  # instance key → its project class
        self.generic_instances: set[ClassKey] = set()
        self._carried_cache: dict[str, Mapping[int, Collection[str]]] = {}  # path → binding → loops
        self.refused: set[tuple[str, str]] = set()  # functions some call could not run (budget)
        self._property_calls: dict[tuple[str, str], ir.Call] = {}
        self._conditions: dict[tuple[int, int], Condition | None] = {}  # (call, run) → branch_condition
        self._guard_values: dict[tuple[int, int], Val] = {}  # (branch test, run) → its value

    # --- evaluate.Evaluator ---------------------------------------------------------------

    @abstractmethod
    def eval(self, expr: ir.Expr | None, module: FileSummary, ctx: Context) -> Val: ...

    @abstractmethod
    def class_info(self, key: ClassKey) -> ClassInfo | None: ...

    @abstractmethod
    def module_attribute(self, key: str, name: str) -> Val: ...

    @abstractmethod
    def _binding_value(self, module: FileSummary, index: int, ctx: Context) -> Val: ...

    # --- operators.Operators --------------------------------------------------------------

    @abstractmethod
    def join(self, values: Sequence[Val], extra: Sequence[Val] = ()) -> Val: ...

    # --- runs.Runs ------------------------------------------------------------------------

    @abstractmethod
    def contexts_for(self, module: FileSummary, owner: str, ctx: Context, create: bool = True) -> list[Context]: ...

    @abstractmethod
    def _run(self, call: ir.Call, ctx: Context, module: FileSummary, info: FunctionInfo,
             args: list[Val], kwargs: dict[str, Val], spread_unknown: bool, self_val: Val | None,
             module_of_call: FileSummary | None = None) -> Context | None: ...

    @abstractmethod
    def returns(self, info: FunctionInfo, module: FileSummary, ctx: Context | None) -> Val: ...

    # --- calls.Calls ----------------------------------------------------------------------

    @abstractmethod
    def branch_condition(self, call: ir.Call, module: FileSummary, ctx: Context) -> Condition | None: ...
