"""Phase 2: one ResourceGraph for a whole project, built from its file summaries.

Module-level code runs in the root context; every function, method and
loop it reaches runs in its own context (see ``contexts``), so each
constructor call becomes one node per run: ``make_api("admin")`` creates
the ``admin`` RestApi, ``Database("db", ...)`` a component node with its
children. Functions and classes nothing calls are analysed once with
unknown parameters (not a function whose run could create nothing: it would
only use up contexts). A synthetic ``pulumi:pulumi:Stack`` node is the parent
of what the program creates at its root, as the engine does.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from analyzers.extract import ir, naming, options
from analyzers.extract.components import ComponentIndex
from analyzers.extract.contexts import Context
from analyzers.extract.evaluate import Evaluator
from analyzers.extract.sites import LOCAL_COMPONENT, SiteInstance, class_node_key
from analyzers.extract.summary import CallSite, FileSummary, FunctionInfo, LoopInfo, Span
from analyzers.extract.values import (
    ARGS,
    DATA,
    OPTIONS,
    RESOURCE,
    SELF,
    UNRESOLVED,
    ClassKey,
    NamePattern,
    Val,
    as_data,
    string_pattern,
)
from analyzers.providers import ArgumentFacts, ProviderKnowledge
from policypack.graph import STACK_TYPE, UNKNOWN, Resource, ResourceGraph, SourceLocation

STACK = "<stack>"
UNKNOWN_PARENT = ""
# Keyword arguments of resource constructors that are not props.
_NOT_PROPS = frozenset({"opts", "resource_name", "__props__", "__opts__", "args"})


@dataclass
class Node:
    key: str
    type: str
    custom: bool
    module: FileSummary
    span: Span
    context: Context | None = None
    site: SiteInstance | None = None  # None for a component analysed without a caller
    class_key: ClassKey | None = None  # set for project component nodes
    name: str | None = None  # the literal logical name, when known
    name_pattern: NamePattern | None = None  # what is known of a computed name ("*-vpc"); None: nothing
    urn: str = ""
    explicit_parent: str | None = None  # from opts: node key, "" (can't tell) or None (not set)
    opts: Val | None = None
    parent: str | None = None  # a node key, STACK, or None (unknown)
    props: dict[str, object] = field(default_factory=dict)
    prop_deps: dict[str, frozenset[str]] = field(default_factory=dict)
    depends_on: frozenset[str] = frozenset()
    unresolved: set[str] = field(default_factory=set)
    secret: set[str] = field(default_factory=set)
    patterns: dict[str, NamePattern] = field(default_factory=dict)  # partly known string props
    # Provider schema checks (SG4xx): the keywords the call passes (its own, a resolved
    # **dict's and an Args object's), and what the class accepts.
    keywords: tuple[tuple[str, Val], ...] = ()
    arguments: ArgumentFacts | None = None

    @property
    def label(self) -> str:
        """The logical name, or (when it is computed at run time) where the call is, for messages."""
        if self.name is not None:
            return self.name
        return f"{self.type.rsplit(':', 1)[-1]} at {self.module.path}:{self.span.line}"


@dataclass(frozen=True)
class ChildSite:
    """A constructor call lexically inside a ComponentResource subclass."""

    module: FileSummary
    site: CallSite
    component: ClassKey
    name: str | None
    type: str
    parented: bool | None  # True: parent chain reaches self; False: it does not; None: can't tell


@dataclass
class ProjectGraph:
    graph: ResourceGraph
    nodes: dict[str, Node]  # by URN
    components: ComponentIndex
    child_sites: list[ChildSite]


def build(summaries: Sequence[FileSummary], project: str, providers: ProviderKnowledge | None = None
          ) -> ProjectGraph:
    return _Builder(summaries, project, providers).build()


class _Builder:
    def __init__(self, summaries: Sequence[FileSummary], project: str,
                 providers: ProviderKnowledge | None = None) -> None:
        self.project = project
        self.ev = Evaluator(summaries, providers)
        self.components = ComponentIndex(self.ev)
        # The index holds the evaluator; held back weakly, the evaluation is freed with the
        # graph by reference counting (the runner keeps phase 2 out of the collector's scans).
        self.ev.components = weakref.proxy(self.components)
        self.nodes: dict[str, Node] = {}
        self._sites_by_owner: dict[tuple[str, str], list[int]] = {}
        self._invocations_by_owner: dict[tuple[str, str], list[ir.Call]] = {}
        self._loops_by_owner: dict[tuple[str, str], list[str]] = {}
        self._invoked_names: set[str] = set()  # the last part of every name an invocation calls
        for path, module in self.ev.modules.items():
            for index, site in enumerate(module.calls):
                self._sites_by_owner.setdefault((path, site.owner), []).append(index)
            for owner, call in module.invocations:  # phase 1 kept those that may run project code
                self._invocations_by_owner.setdefault((path, owner), []).append(call)
                self._invoked_names.add(_called_name(call.func))
            for qualname, owner in _loop_owners(module.loops):
                self._loops_by_owner.setdefault((path, owner), []).append(qualname)

    # --- running the program ---------------------------------------------------------

    def _process(self, ctx: Context) -> None:
        if ctx.module is None:
            for _, module in sorted(self.ev.modules.items()):
                self._process_owner(module, "", ctx)
        elif ctx.function is not None:
            self._process_owner(ctx.module, ctx.function, ctx)

    def _process_owner(self, module: FileSummary, owner: str, ctx: Context) -> None:
        key = (module.path, owner)
        for loop in self._loops_by_owner.get(key, ()):
            self.ev.loop_contexts(ctx, module, loop)
        for index in self._sites_by_owner.get(key, ()):
            self.ev.site_value(module, index, ctx)
        for call in self._invocations_by_owner.get(key, ()):
            self.ev.eval(call, module, ctx)

    def _drain(self) -> None:
        """Process new contexts and evaluate new nodes until nothing new appears."""
        evaluated: set[str] = set(self.nodes)
        while True:
            while self.ev.pending:
                self._process(self.ev.pending.pop(0))
            fresh = [si for key, si in self.ev.site_instances.items() if key not in evaluated]
            if not fresh and not self.ev.pending:
                return
            for instance in fresh:
                evaluated.add(instance.key)
                self._evaluate(instance)

    def _generic_pass(self) -> bool:
        """Analyse functions and classes nothing called, once each, with unknown parameters.

        A function some invocation may call waits for a later round: the generic run of
        its caller may run it with real arguments, and then it needs no run of its own
        (it would add a node with an unknown name beside the real one)."""
        instantiated: set[ClassKey] = set()
        for class_key in self.ev.instance_classes.values():
            instantiated.update(self.components.mro(class_key))
        waiting: list[tuple[FileSummary, str]] = []
        for path, module in sorted(self.ev.modules.items()):
            functions = module.functions
            for qualname in functions:  # a cached module's helpers stay encoded (lazy_bindings)
                if (path, qualname) in self.ev.runs and (path, qualname) not in self.ev.refused:
                    continue
                if _module_level(functions, qualname):
                    class_name = None
                else:
                    info = functions[qualname]
                    if info.owner:
                        continue
                    class_name = info.class_name
                if class_name is not None and (path, class_name) in instantiated:
                    continue  # a method the program never calls on its instances
                if class_name is None and not self._has_work(path, qualname):
                    # Its run would create nothing, only contexts (most helpers of a large
                    # project): they would take room under MAX_CONTEXTS from runs that do.
                    continue
                waiting.append((module, qualname))
        uncalled = [(module, qualname) for module, qualname in waiting
                    if qualname.rsplit(".", 1)[-1] not in self._invoked_names]
        for group in (uncalled, waiting):
            created = False
            for module, qualname in group:
                before = len(self.ev.contexts)
                self.ev.generic_context(module, qualname)
                created = created or len(self.ev.contexts) > before
            if created:
                return True
        return False

    def _has_work(self, path: str, owner: str) -> bool:
        """Whether a run of ``owner`` may create a node or run project code: it (or a loop
        in it) holds a constructor call or an invocation phase 1 kept. A loop's iterable
        is part of its owner's flow, so a call there is the owner's."""
        key = (path, owner)
        return bool(self._sites_by_owner.get(key) or self._invocations_by_owner.get(key)) or any(
            self._has_work(path, loop) for loop in self._loops_by_owner.get(key, ()))

    # --- one node ---------------------------------------------------------------------

    def _evaluate(self, instance: SiteInstance) -> None:
        module, ctx, call = instance.module, instance.context, instance.site.call
        args, kwargs, hidden, _ = self.ev._args(call, module, ctx)
        name_val = args[0] if args else kwargs.get("resource_name", kwargs.get("name") if
                                                      instance.kind == LOCAL_COMPONENT else None)
        opts_val: Val | None = kwargs.get("opts")
        spread_unknown = hidden
        props: list[tuple[str, Val]] = []
        if instance.kind == LOCAL_COMPONENT:
            info = self.ev.class_info(instance.class_key) if instance.class_key else None
            params = info.init_params if info is not None else ()
            if opts_val is None and "opts" in params and params.index("opts") < len(args):
                opts_val = args[params.index("opts")]
        else:
            for position, value in enumerate(args[1:3], start=1):
                if value.kind == OPTIONS or position == 2:
                    opts_val = value if opts_val is None else opts_val
                elif value.kind == ARGS:
                    props.extend(value.ref or ())
                    hidden = hidden or value.unresolved
                elif not (value.kind == DATA and value.data is None and not value.unresolved):
                    # An args object the analyzer cannot see into, or the options: the SDK
                    # tells them apart by type at run time.
                    hidden = True
                    opts_val = value if opts_val is None else opts_val
            args_kw = kwargs.get("args")
            if args_kw is not None:
                if args_kw.kind == ARGS:
                    props.extend(args_kw.ref or ())
                    hidden = hidden or args_kw.unresolved
                elif not (args_kw.kind == DATA and args_kw.data is None):
                    hidden = True
            props.extend((k, v) for k, v in kwargs.items() if k not in _NOT_PROPS)
        name_data = as_data(name_val) if name_val is not None else None
        name = name_data.data if name_data is not None and isinstance(name_data.data, str) and not (
            name_data.unresolved) else None
        node = Node(instance.key, instance.type, instance.kind == naming.CUSTOM, module, instance.site.span,
                    context=ctx, site=instance, name=name, opts=opts_val,
                    name_pattern=string_pattern(name_val) if name_val is not None else None)
        if instance.kind == LOCAL_COMPONENT:
            node.class_key = instance.class_key
            if instance.class_key is not None:
                node.type = self.components.token(instance.class_key, instance.init_context)
        node.keywords = tuple(props)
        node.arguments = self.ev.providers.arguments(instance.sdk_path) if instance.sdk_path else None
        for snake, value in props:
            if node.arguments is not None and not node.arguments.accepts(snake):
                continue  # not an argument (SG401/SG402): a TypeError at run time, never a prop or a dependency
            camel = naming.camel_case(snake)
            plain = as_data(value)
            node.props[camel] = _engine_value(plain.data)
            if plain.deps - {node.key}:
                node.prop_deps[camel] = plain.deps - {node.key}
            if not plain.known:
                pattern = string_pattern(value)
                if pattern is not None:
                    node.patterns[camel] = pattern
            if plain.unresolved:
                node.unresolved.add(camel)
            if plain.secret:
                node.secret.add(camel)
        if hidden:
            node.unresolved.add("*")
        if opts_val is None and spread_unknown:
            # a ``**kwargs`` (or ``*args``) the analyzer can't see into may carry the options
            opts_val = UNRESOLVED
        resolved_opts = options.of(opts_val)
        node.secret.update(resolved_opts.secret_outputs)
        node.secret.update(naming.camel_case(s) for s in resolved_opts.secret_outputs)
        deps, incomplete = options.dependencies(resolved_opts)
        node.depends_on = deps - {node.key}
        if incomplete:
            node.unresolved.add("dependsOn")
        node.explicit_parent = self._explicit_parent(resolved_opts)
        self.nodes[node.key] = node

    def _explicit_parent(self, opts: options.Options) -> str | None:
        """The node ``parent=`` names, "" when it can't be told, None when not set."""
        parent = opts.parent
        if parent is None:
            return None if opts.complete else UNKNOWN_PARENT
        if parent.kind == SELF and isinstance(parent.ref, tuple):
            return parent.ref[1]
        if parent.kind == RESOURCE and isinstance(parent.ref, str):
            return parent.ref
        return UNKNOWN_PARENT

    # --- parents ------------------------------------------------------------------------

    def _enclosing(self, node: Node) -> tuple[ClassKey, str] | None:
        """The component class a call is lexically inside, and the instance running it."""
        site = node.site
        if site is None or site.site.class_name is None:
            return None
        class_key = (node.module.path, site.site.class_name)
        if not self.components.is_component(class_key):
            return None
        instance = node.context.instance() if node.context is not None else None
        if instance is not None and instance.kind == SELF and isinstance(instance.ref, tuple):
            return class_key, instance.ref[1]
        return class_key, class_node_key(class_key)

    def _parent(self, node: Node) -> str | None:
        explicit = node.explicit_parent
        if explicit:
            return explicit
        enclosing = self._enclosing(node)
        if enclosing is not None:
            # Without parent=self this is an SG103 finding; the component is its
            # parent for the graph so SG101's static form does not fire as well.
            return enclosing[1]
        if explicit == UNKNOWN_PARENT:
            return None
        return STACK

    def _add_generic_components(self) -> None:
        for class_key in sorted(self.ev.generic_instances):
            if not self.components.is_component(class_key):
                continue
            key = class_node_key(class_key)
            module = self.ev.modules[class_key[0]]
            info = module.classes[class_key[1]]
            generic = self.ev.generic_context(module, f"{class_key[1]}.__init__")
            self.nodes.setdefault(key, Node(key, self.components.token(class_key, generic), False, module,
                                            info.span, class_key=class_key, name=info.name))

    # --- build --------------------------------------------------------------------------

    def build(self) -> ProjectGraph:
        self.ev.pending.append(self.ev.root)
        self._drain()
        while self._generic_pass():
            self._drain()
        self._add_generic_components()
        for node in self.nodes.values():
            node.parent = self._parent(node) if node.site is not None else None
        return self._assemble()

    def _expand(self, keys: frozenset[str], children: dict[str, list[str]]) -> list[str]:
        """Dependencies as the SDK records them: a project component stands for its
        custom (and component-package) descendants."""
        result: list[str] = []
        pending = list(keys)  # in any order: the caller sorts what this finds
        seen: set[str] = set()
        while pending:
            key = pending.pop()
            if key in seen:
                continue
            seen.add(key)
            node = self.nodes.get(key)
            if node is None:
                continue
            if node.class_key is not None:
                pending.extend(children.get(key, ()))
            else:
                result.append(key)
        return result

    def _assemble(self) -> ProjectGraph:
        stack_urn = f"urn:pulumi:static::{self.project}::{STACK_TYPE}::{self.project}"
        used: set[str] = {stack_urn}
        ordered = sorted(self.nodes.values(), key=lambda n: (n.module.path, n.span.line, n.span.column, n.key))
        for node in ordered:
            urn = f"urn:pulumi:static::{self.project}::{node.type}::{node.label}"
            if urn in used:
                urn = f"{urn}@{node.key}"
            used.add(urn)
            node.urn = urn
        children: dict[str, list[str]] = {}
        for key, node in self.nodes.items():
            if node.parent and node.parent != STACK:
                children.setdefault(node.parent, []).append(key)

        def urns(keys: frozenset[str]) -> tuple[str, ...]:
            return tuple(sorted(self.nodes[k].urn for k in self._expand(keys, children)))

        resources = [Resource(urn=stack_urn, type=STACK_TYPE, name=self.project, custom=False)]
        by_urn: dict[str, Node] = {}
        for node in ordered:
            parent = stack_urn if node.parent == STACK else (
                self.nodes[node.parent].urn if node.parent in self.nodes else None)
            location = SourceLocation(node.module.path, node.span.line, node.span.column, node.span.end_line,
                                      node.span.end_column)
            resources.append(Resource(
                urn=node.urn,
                type=node.type,
                name=node.label,
                props=dict(node.props),
                parent=parent,
                dependencies=urns(node.depends_on),
                property_dependencies={prop: urns(deps) for prop, deps in node.prop_deps.items() if deps},
                custom=node.custom,
                secret_props=frozenset(node.secret),
                unresolved=frozenset(node.unresolved),
                location=location,
                patterns=dict(node.patterns),
            ))
            by_urn[node.urn] = node
        return ProjectGraph(ResourceGraph(resources), by_urn, self.components, self._child_sites())

    # --- SG103 --------------------------------------------------------------------------

    def _child_sites(self) -> list[ChildSite]:
        sites: list[ChildSite] = []
        for node in sorted(self.nodes.values(), key=lambda n: n.key):
            if node.site is None or node.site.kind == naming.PROVIDER:
                continue
            enclosing = self._enclosing(node)
            if enclosing is None:
                continue
            sites.append(ChildSite(node.module, node.site.site, enclosing[0], node.name, node.type,
                                   self._parented(node, enclosing)))
        return sites

    def _parented(self, node: Node, enclosing: tuple[ClassKey, str]) -> bool | None:
        explicit = node.explicit_parent
        class_key, target = enclosing
        if explicit is None:
            return False
        if explicit == UNKNOWN_PARENT:
            opts = node.opts
            info = self.ev.class_info(class_key)
            if (opts is not None and opts.param is not None and node.site is not None
                    and node.site.site.method == "__init__" and info is not None
                    and opts.param in info.init_params):
                # the component's own opts: their parent is the component's parent, never self
                return False
            return None
        seen: set[str] = set()
        current: str | None = explicit
        while current is not None and current not in seen:
            if current == target:
                return True
            if current == STACK:
                return False
            seen.add(current)
            parent_node = self.nodes.get(current)
            if parent_node is None:
                return None
            current = parent_node.parent
        return None


def _module_level(functions: Mapping[str, FunctionInfo], qualname: str) -> bool:
    """Whether ``qualname`` is a module-level function (not a method, nothing nested); a
    cached module's functions (``lazy_bindings.LazyFunctions``) tell without decoding it."""
    told = getattr(functions, "module_level", None)
    if told is not None and told(qualname):
        return True
    info = functions[qualname]
    return not info.owner and info.class_name is None


def _loop_owners(loops: Mapping[str, LoopInfo]) -> Iterable[tuple[str, str]]:
    """Each loop's name and the function it is in; a cached module's loops
    (``lazy_bindings.LazyLoops``) tell without decoding them."""
    told = getattr(loops, "owners", None)
    if told is not None:
        return told().items()
    return ((qualname, loop.owner) for qualname, loop in loops.items())


def _called_name(func: ir.Expr) -> str:
    """The name an invocation calls by (``make`` for ``make(...)``, ``helpers.make(...)``,
    ``self.make(...)``); "" when it calls something else (a call's result, a subscript)."""
    if isinstance(func, ir.FunctionRef | ir.ClassRef):
        return func.qualname.rsplit(".", 1)[-1]
    if isinstance(func, ir.Global | ir.Attr | ir.ImportFrom):
        return func.name
    return ""


def _engine_value(value: object, depth: int = 0) -> object:
    """A prop value as the engine would pass it: tuples and sets become lists."""
    if depth > 100:
        return UNKNOWN
    if isinstance(value, tuple | list | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return [_engine_value(item, depth + 1) for item in items]
    if isinstance(value, dict):
        return {key: _engine_value(item, depth + 1) for key, item in value.items()}
    return value
