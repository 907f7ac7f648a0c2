"""Phase 2: one ResourceGraph for a whole project, built from its file summaries.

Each resource constructor call site is one node; each ComponentResource
subclass of the project is one node standing for its instances (``self``).
A synthetic ``pulumi:pulumi:Stack`` node is the parent of what a program
creates at its root, as the engine does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from analyzers.extract import ir, naming, options
from analyzers.extract.components import ComponentIndex
from analyzers.extract.evaluate import Evaluator, class_node_key, node_key
from analyzers.extract.summary import CallSite, FileSummary, Span
from analyzers.extract.values import (
    ARGS,
    CLASS,
    DATA,
    EXTERNAL,
    OPTIONS,
    RESOURCE,
    SELF,
    ClassKey,
    Val,
    as_data,
)
from policypack.graph import STACK_TYPE, Resource, ResourceGraph, SourceLocation

STACK = "<stack>"
# Keyword arguments of resource constructors that are not props.
_NOT_PROPS = frozenset({"opts", "resource_name", "__props__", "__opts__", "args"})


@dataclass
class Node:
    key: str
    type: str
    custom: bool
    module: FileSummary
    span: Span
    site: CallSite | None = None  # None for a component class node
    class_key: ClassKey | None = None  # a component class node's class
    name: str | None = None  # the literal logical name, when known
    urn: str = ""
    parent: str | None = None  # a node key, STACK, or None (unknown)
    props: dict[str, object] = field(default_factory=dict)
    prop_deps: dict[str, frozenset[str]] = field(default_factory=dict)
    depends_on: frozenset[str] = frozenset()
    unresolved: set[str] = field(default_factory=set)
    secret: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        """The logical name, or a placeholder naming the call site."""
        return self.name if self.name is not None else f"{self.module.path}:{self.span.line}:{self.span.column}"


@dataclass(frozen=True)
class ChildSite:
    """A resource (or component) created lexically inside a ComponentResource subclass."""

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


@dataclass
class _Call:
    """A call site that constructs something: a node, or an instance of a project component."""

    module: FileSummary
    index: int
    site: CallSite
    node: str  # graph node key (a component class node key for project component instances)
    type: str
    custom: bool
    instance_of: ClassKey | None  # set for project component instances
    opts: Val | None = None
    explicit_parent: str | None = None  # node key / STACK / "" (unknown) / None (not set)


def build(summaries: Sequence[FileSummary], project: str) -> ProjectGraph:
    return _Builder(summaries, project).build()


class _Builder:
    def __init__(self, summaries: Sequence[FileSummary], project: str) -> None:
        self.project = project
        self.ev = Evaluator(summaries)
        self.components = ComponentIndex(self.ev)
        self.ev.components = self.components
        self.nodes: dict[str, Node] = {}
        self.calls: list[_Call] = []

    # --- classification -----------------------------------------------------------

    def _classify(self) -> None:
        mapping: dict[tuple[str, int], str] = {}
        for path, module in sorted(self.ev.modules.items()):
            for index, site in enumerate(module.calls):
                call = self._classify_call(module, index, site)
                if call is not None:
                    self.calls.append(call)
                    mapping[(path, index)] = call.node
        for key in self.components.components():
            module = self.ev.modules[key[0]]
            info = module.classes[key[1]]
            node = Node(class_node_key(key), self.components.token(key), False, module, info.span,
                        class_key=key, name=info.name)
            self.nodes[node.key] = node
        # Values computed while classifying did not know which calls are resources.
        self.ev._memo.clear()
        self.ev.call_nodes = lambda path, site: mapping.get((path, site))

    def _classify_call(self, module: FileSummary, index: int, site: CallSite) -> _Call | None:
        func = self.ev.eval(site.call.func, module)
        if func.kind == EXTERNAL:
            sdk = naming.resource_class(str(func.ref))
            if sdk is None:
                return None
            key = node_key(module.path, index)
            return _Call(module, index, site, key, sdk.token, sdk.kind == naming.CUSTOM, None)
        if func.kind == CLASS:
            kind = self.components.kind(func.ref)
            if kind.kind == naming.COMPONENT:
                return _Call(module, index, site, class_node_key(func.ref), self.components.token(func.ref),
                             False, func.ref)
            if kind.kind == naming.CUSTOM:
                key = node_key(module.path, index)
                return _Call(module, index, site, key, self.components.token(func.ref), True, None)
        return None

    # --- arguments ------------------------------------------------------------------

    def _arguments(self, call: _Call) -> tuple[Val | None, list[tuple[str, Val]], bool, Val | None]:
        """(name, props as (snake name, value), whether unseen props may exist, opts)."""
        module, expr = call.module, call.site.call
        ev = self.ev
        params = ()
        if call.instance_of is not None:
            info = ev.class_info(call.instance_of)
            params = info.init_params if info is not None else ()
        name: Val | None = None
        opts: Val | None = None
        props: list[tuple[str, Val]] = []
        hidden = False
        for position, arg in enumerate(expr.args):
            if isinstance(arg, ir.Star):
                hidden = True
                continue
            value = ev.eval(arg, module)
            if position == 0:
                name = value
            elif params:
                if position - 1 < len(params) and params[position - 1] == "opts":
                    opts = value
            elif value.kind == OPTIONS or position == 2:
                opts = value
            elif value.kind == ARGS:
                props.extend(value.ref or ())
                hidden = hidden or value.unresolved
            elif not (value.kind == DATA and value.data is None):
                hidden = True  # an args object the analyzer cannot see into
        for keyword, arg in expr.kwargs:
            value = ev.eval(arg, module)
            if keyword is None:
                spread = value if value.kind == ARGS else as_data(value)
                entries = dict(spread.ref or ()) if spread.kind == ARGS else spread.data
                if isinstance(entries, dict) and all(isinstance(k, str) for k in entries):
                    for key, item in entries.items():
                        item_val = item if isinstance(item, Val) else Val(DATA, item, None, spread.deps,
                                                                          spread.unresolved, spread.secret)
                        if key == "opts":
                            opts = item_val
                        elif key not in _NOT_PROPS:
                            props.append((key, item_val))
                else:
                    hidden = True
                continue
            if keyword == "resource_name":
                name = value
            elif keyword == "opts":
                opts = value
            elif keyword == "args" and call.instance_of is None:
                if value.kind == ARGS:
                    props.extend(value.ref or ())
                    hidden = hidden or value.unresolved
                elif not (value.kind == DATA and value.data is None):
                    hidden = True
            elif keyword not in _NOT_PROPS:
                props.append((keyword, value))
        return name, props, hidden, opts

    # --- parents ----------------------------------------------------------------------

    def _explicit_parent(self, opts: options.Options) -> str | None:
        """The node key ``parent=`` names, STACK, "" when it can't be told, None when not set."""
        parent = opts.parent
        if parent is None:
            return None if opts.complete else ""
        if parent.kind == SELF:
            return class_node_key(parent.ref) if self.components.is_component(parent.ref) else ""
        if parent.kind == RESOURCE and isinstance(parent.ref, str):
            return parent.ref
        return ""

    def _enclosing_component(self, call: _Call) -> ClassKey | None:
        if call.site.class_name is None:
            return None
        key = (call.module.path, call.site.class_name)
        return key if self.components.is_component(key) else None

    def _resolve_parent(self, call: _Call) -> str | None:
        explicit = call.explicit_parent
        enclosing = self._enclosing_component(call)
        if explicit:
            return explicit
        if enclosing is not None:
            # Without parent=self this is an SG103 finding; the component is its
            # parent for the graph so SG101's static form does not fire as well.
            return class_node_key(enclosing)
        if explicit == "":
            return None
        return STACK

    # --- build ---------------------------------------------------------------------------

    def build(self) -> ProjectGraph:
        self._classify()
        for call in self.calls:
            name_val, props, hidden, opts_val = self._arguments(call)
            call.opts = opts_val
            opts = options.of(opts_val)
            call.explicit_parent = self._explicit_parent(opts)
            if call.instance_of is not None:
                continue
            name_data = as_data(name_val) if name_val is not None else None
            node = Node(call.node, call.type, call.custom, call.module, call.site.span, site=call.site,
                        name=name_data.data if name_data is not None and isinstance(name_data.data, str)
                        and not name_data.unresolved else None)
            for snake, value in props:
                camel = naming.camel_case(snake)
                plain = as_data(value)
                node.props[camel] = plain.data
                if plain.deps:
                    node.prop_deps[camel] = plain.deps - {node.key}
                if plain.unresolved:
                    node.unresolved.add(camel)
                if plain.secret:
                    node.secret.add(camel)
            if hidden:
                node.unresolved.add("*")
            node.secret.update(opts.secret_outputs)
            node.secret.update(naming.camel_case(s) for s in opts.secret_outputs)
            deps, incomplete = options.dependencies(opts)
            node.depends_on = deps - {node.key}
            if incomplete:
                node.unresolved.add("dependsOn")
            self.nodes[node.key] = node
        for call in self.calls:
            if call.instance_of is None:
                self.nodes[call.node].parent = self._resolve_parent(call)
        self._component_parents()
        return self._assemble()

    def _component_parents(self) -> None:
        """A component class node's parent: where its instances are created, when they agree."""
        found: dict[str, set[str | None]] = {}
        for call in self.calls:
            if call.instance_of is not None:
                found.setdefault(call.node, set()).add(self._resolve_parent(call))
        for key, parents in found.items():
            if len(parents) == 1 and key in self.nodes:
                parent = next(iter(parents))
                self.nodes[key].parent = parent if parent != key else None

    def _expand(self, keys: frozenset[str], children: dict[str, list[str]]) -> list[str]:
        """Dependencies as the SDK records them: a project component stands for its
        custom (and remote component) descendants."""
        result: list[str] = []
        pending = sorted(keys)
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
        for key in sorted(self.nodes, key=lambda k: (self.nodes[k].module.path, self.nodes[k].span.line,
                                                       self.nodes[k].span.column, k)):
            node = self.nodes[key]
            urn = f"urn:pulumi:static::{self.project}::{node.type}::{node.label}"
            if urn in used:
                urn = f"{urn}@{node.module.path}:{node.span.line}:{node.span.column}"
            used.add(urn)
            node.urn = urn
        children: dict[str, list[str]] = {}
        for key, node in self.nodes.items():
            if node.parent and node.parent != STACK:
                children.setdefault(node.parent, []).append(key)

        def urns(keys: frozenset[str]) -> tuple[str, ...]:
            return tuple(self.nodes[k].urn for k in self._expand(keys, children))

        resources = [Resource(urn=stack_urn, type=STACK_TYPE, name=self.project, custom=False)]
        by_urn: dict[str, Node] = {}
        for node in sorted(self.nodes.values(), key=lambda n: n.urn):
            parent = stack_urn if node.parent == STACK else (
                self.nodes[node.parent].urn if node.parent in self.nodes else None)
            location = SourceLocation(node.module.path, node.span.line, node.span.column, node.span.end_line,
                                      node.span.end_column)
            resources.append(Resource(
                urn=node.urn,
                type=node.type,
                name=node.label,
                props={k: v for k, v in node.props.items()},
                parent=parent,
                dependencies=urns(node.depends_on),
                property_dependencies={prop: urns(deps) for prop, deps in node.prop_deps.items() if deps},
                custom=node.custom,
                secret_props=frozenset(node.secret),
                unresolved=frozenset(node.unresolved),
                location=location,
            ))
            by_urn[node.urn] = node
        graph = ResourceGraph(resources)
        return ProjectGraph(graph, by_urn, self.components, self._child_sites())

    def _child_sites(self) -> list[ChildSite]:
        sites: list[ChildSite] = []
        for call in self.calls:
            enclosing = self._enclosing_component(call)
            if enclosing is None:
                continue
            node = self.nodes.get(call.node)
            name = node.name if node is not None and call.instance_of is None else self._literal_name(call)
            sites.append(ChildSite(call.module, call.site, enclosing, name, call.type,
                                   self._parented(call, enclosing)))
        return sites

    def _literal_name(self, call: _Call) -> str | None:
        args = call.site.call.args
        expr = args[0] if args else dict((k, v) for k, v in call.site.call.kwargs if k).get("resource_name")
        if expr is None:
            return None
        value = as_data(self.ev.eval(expr, call.module))
        return value.data if isinstance(value.data, str) and not value.unresolved else None

    def _parented(self, call: _Call, component: ClassKey) -> bool | None:
        explicit = call.explicit_parent
        target = class_node_key(component)
        if explicit is None:
            return False
        if explicit == "":
            opts = call.opts
            info = self.ev.class_info(component)
            if (opts is not None and opts.param is not None and call.site.method == "__init__"
                    and info is not None and opts.param in info.init_params):
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
            node = self.nodes.get(current)
            if node is None:
                return None
            current = node.parent
        return None

