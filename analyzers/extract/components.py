"""Project classes: which are ComponentResources (across modules), their tokens,
their method resolution order, and whether their constructor registers outputs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from analyzers.extract import ir, naming
from analyzers.extract.contexts import Context
from analyzers.extract.sites import PULUMI_COMPONENT_BASES
from analyzers.extract.summary import SUPER_PREFIX, ClassInfo, FileSummary
from analyzers.extract.values import CLASS, EXTERNAL, ClassKey, Val, as_data

if TYPE_CHECKING:
    from analyzers.providers import ProviderKnowledge

_CUSTOM_BASES = frozenset({"pulumi.CustomResource", "pulumi.resource.CustomResource"})
_DYNAMIC_BASES = frozenset({"pulumi.dynamic.Resource", "pulumi.dynamic.dynamic.Resource"})
DYNAMIC_TOKEN = "pulumi-python:dynamic:Resource"
# Mixins that never register outputs (``Generic[T]`` evaluates to a resolved unknown).
_INERT_BASES = frozenset({"abc.ABC", "builtins.object", "typing.Generic", "typing.Protocol"})


@dataclass(frozen=True)
class ClassKind:
    kind: str | None  # naming.COMPONENT, naming.CUSTOM, or None (a plain class)
    token: str | None = None  # the SDK class's token for subclasses of provider resources


PLAIN = ClassKind(None)
# Generations of project base classes followed (a recursion per generation); real
# hierarchies have a handful, a generated chain of thousands would overflow the stack.
MAX_CLASS_DEPTH = 64


class ClassEvaluator(Protocol):
    """What the index asks of the evaluator (``evaluate.Evaluator``): the project's classes
    and the values of their bases and type tokens. The evaluator asks the index in turn
    (``Evaluator.components``), so this module names no evaluator module."""

    @property
    def modules(self) -> Mapping[str, FileSummary]: ...

    @property
    def providers(self) -> ProviderKnowledge: ...

    @property
    def root(self) -> Context: ...

    def class_info(self, key: ClassKey) -> ClassInfo | None: ...

    def eval(self, expr: ir.Expr | None, module: FileSummary, ctx: Context) -> Val: ...


class ComponentIndex:
    def __init__(self, evaluator: ClassEvaluator) -> None:
        self.ev = evaluator
        self._bases: dict[ClassKey, list[Val]] = {}
        self._kinds: dict[ClassKey, ClassKind] = {}
        self._mro: dict[ClassKey, list[ClassKey]] = {}
        self._subclasses: dict[ClassKey, list[ClassKey]] | None = None
        self.classes: list[ClassKey] = [
            (path, qualname) for path, module in sorted(evaluator.modules.items()) for qualname in module.classes
        ]

    def bases(self, key: ClassKey) -> list[Val]:
        if key not in self._bases:
            info = self.ev.class_info(key)
            module = self.ev.modules.get(key[0])
            self._bases[key] = [] if info is None or module is None else [
                self.ev.eval(base, module, self.ev.root) for base in info.bases]
        return self._bases[key]

    def mro(self, key: ClassKey, depth: int = 0) -> list[ClassKey]:
        """Project classes in lookup order (depth-first, like Python for simple hierarchies);
        at most MAX_CLASS_DEPTH of them, and no ancestors past as many generations."""
        if key in self._mro:
            return self._mro[key]
        self._mro[key] = [key]  # guards against cyclic bases
        order = {key: None}
        if depth < MAX_CLASS_DEPTH:
            for base in self.bases(key):
                if base.kind == CLASS:
                    order.update(dict.fromkeys(self.mro(base.ref, depth + 1)))
        self._mro[key] = list(order)[:MAX_CLASS_DEPTH]
        return self._mro[key]

    def kind(self, key: ClassKey, depth: int = 0) -> ClassKind:
        if key in self._kinds:
            return self._kinds[key]
        self._kinds[key] = PLAIN  # cyclic bases, or too many generations
        if depth >= MAX_CLASS_DEPTH:
            return PLAIN
        found = PLAIN
        for base in self.bases(key):
            if base.kind == EXTERNAL:
                path = str(base.ref)
                if path in PULUMI_COMPONENT_BASES:
                    found = ClassKind(naming.COMPONENT)
                elif path in _CUSTOM_BASES:
                    found = ClassKind(naming.CUSTOM)
                elif path in _DYNAMIC_BASES:
                    found = ClassKind(naming.CUSTOM, DYNAMIC_TOKEN)
                else:
                    sdk = self.ev.providers.resource_class(path)
                    if sdk is not None and sdk.kind != naming.PROVIDER:
                        found = ClassKind(sdk.kind, sdk.token)
            elif base.kind == CLASS:
                found = self.kind(base.ref, depth + 1)
            if found.kind is not None:
                break
        self._kinds[key] = found
        return found

    def is_component(self, key: ClassKey) -> bool:
        return self.kind(key).kind == naming.COMPONENT

    def components(self) -> list[ClassKey]:
        return [key for key in self.classes if self.is_component(key)]

    def token(self, key: ClassKey, context: Context | None = None) -> str:
        """The type token from ``super().__init__("pkg:mod:Name", ...)``, searching bases
        (evaluated in the instance's constructor run when there is one)."""
        kind = self.kind(key)
        for owner in self.mro(key):
            info = self.ev.class_info(owner)
            module = self.ev.modules.get(owner[0])
            if info is None or module is None:
                continue
            for expr in info.type_tokens:
                value = as_data(self.ev.eval(expr, module, context or self.ev.root))
                if isinstance(value.data, str) and value.data.count(":") >= 2:
                    return value.data
        if kind.token:
            return kind.token
        dotted = key[0].removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        return f"component:{dotted}.{key[1]}"

    def subclasses(self, key: ClassKey) -> list[ClassKey]:
        if self._subclasses is None:  # one index for every class: asked per component, it was quadratic
            self._subclasses = {}
            for other in self.classes:
                for owner in self.mro(other):
                    if owner != other:
                        self._subclasses.setdefault(owner, []).append(other)
        return self._subclasses.get(key, [])

    def find_method(self, key: ClassKey, name: str, after: ClassKey | None = None) -> ClassKey | None:
        """The class whose ``name`` method ``key``'s instances run (``after``: for super())."""
        lineage = self.mro(key)
        if after is not None and after in lineage:
            lineage = lineage[lineage.index(after) + 1:]
        for owner in lineage:
            info = self.ev.class_info(owner)
            if info is not None and name in info.methods:
                return owner
        return None

    def registers_outputs(self, key: ClassKey) -> bool | None:
        """Whether constructing ``key`` reaches ``self.register_outputs(...)``.

        None when the analyzer cannot tell: ``self`` is handed to code it does
        not follow, or a base class is outside the project.
        """
        start = self.find_method(key, "__init__")
        if start is None:
            return None if self._has_external_base(key) else False
        pending = [(start, "__init__")]
        seen: set[tuple[ClassKey, str]] = set()
        uncertain = self._has_external_base(key)
        while pending:
            owner, name = pending.pop()
            if (owner, name) in seen:
                continue
            seen.add((owner, name))
            info = self.ev.class_info(owner)
            method = info.methods.get(name) if info is not None else None
            if method is None:
                continue
            if method.registers_outputs:
                return True
            uncertain = uncertain or method.passes_self
            for called in method.self_calls:
                if called.startswith(SUPER_PREFIX):
                    target = self.find_method(key, called[len(SUPER_PREFIX):], after=owner)
                    called = called[len(SUPER_PREFIX):]
                else:
                    target = self.find_method(key, called)
                if target is not None:
                    pending.append((target, called))
        return None if uncertain else False

    def _has_external_base(self, key: ClassKey) -> bool:
        """A base other than ComponentResource outside the project may register outputs itself."""
        for owner in self.mro(key):
            for base in self.bases(owner):
                if base.kind == EXTERNAL and str(base.ref) not in PULUMI_COMPONENT_BASES | _INERT_BASES:
                    return True
                if base.kind not in (EXTERNAL, CLASS) and base.unresolved:
                    return True
        return False
