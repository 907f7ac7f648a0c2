"""Every resource construction site of a project: where a resource is created, its
type token and what is known of its logical name.

This is the static analyzer's resource index, the one thing the CI gate needs
from the front end to point a runtime violation (a URN) at a source line. It
is built from the project graph and exposes only plain data, so evaluation
internals can change behind it.

A call run in several contexts (a helper called twice, a loop over a known
list, a component instantiated twice) is one site per run: each has its own
name. A name computed from values the analyzer can't know is a pattern
(``f"{prefix}-vpc"`` → ``("", None, "-vpc")`` shown as ``*-vpc``).
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzers.extract.graph_builder import STACK, ProjectGraph
from analyzers.extract.values import NamePattern

ANY_NAME: NamePattern = (None,)


@dataclass(frozen=True)
class ResourceSite:
    path: str  # "/"-separated, relative to the project root
    line: int  # the constructor call's span, 1-based, end column exclusive
    column: int
    end_line: int
    end_column: int
    type: str  # the type token, e.g. "aws:rds/instance:Instance" or a component's own token
    name: NamePattern  # ("x",): exactly "x"; literal parts and None wildcards otherwise
    parent: int | None  # index of the parent's site in the same list; None: see at_root
    at_root: bool  # created at the stack root (its parent is the stack)
    custom: bool  # a cloud resource (not a component)
    function: str = ""  # the function (or loop) whose body holds the call; "" at module level
    class_name: str = ""  # the class the call is lexically inside

    @property
    def exact_name(self) -> str | None:
        return self.name[0] if len(self.name) == 1 and self.name[0] is not None else None

    def shown_name(self) -> str:
        """The name for people: the literal, or the pattern with ``*`` for unknown parts."""
        return "".join("*" if part is None else part for part in self.name)


def name_matches(pattern: NamePattern, name: str) -> bool:
    """Whether ``name`` is a name ``pattern`` can produce (each wildcard: any text, even empty).

    Literal parts are found left to right with ``str.find`` (greedy-leftmost is
    exact for literal segments between wildcards), so the cost is linear in
    ``len(name)`` per part, never exponential.
    """
    if not pattern:
        return name == ""
    first, last = pattern[0], pattern[-1]
    if len(pattern) == 1:
        return first is None or name == first
    position, end = 0, len(name)
    if first is not None:
        if not name.startswith(first):
            return False
        position = len(first)
    if last is not None:
        if not name.endswith(last) or end - len(last) < position:
            return False
        end -= len(last)
    for part in pattern[1:-1]:
        if part is None:
            continue
        found = name.find(part, position, end)
        if found == -1:
            return False
        position = found + len(part)
    return True


def resource_sites(project: ProjectGraph) -> list[ResourceSite]:
    """The construction sites of every resource node of ``project`` (not the synthetic stack,
    not components analysed without a caller), in source order."""
    nodes = sorted(
        (node for node in project.nodes.values() if node.site is not None),
        key=lambda n: (n.module.path, n.span.line, n.span.column, n.key),
    )
    index = {node.key: position for position, node in enumerate(nodes)}
    sites = []
    for node in nodes:
        call = node.site.site if node.site is not None else None
        sites.append(ResourceSite(
            path=node.module.path,
            line=node.span.line,
            column=node.span.column,
            end_line=node.span.end_line,
            end_column=node.span.end_column,
            type=node.type,
            name=(node.name,) if node.name is not None else (node.name_pattern or ANY_NAME),
            parent=index.get(node.parent) if node.parent not in (None, STACK) else None,
            at_root=node.parent == STACK,
            custom=node.custom,
            function=call.owner if call is not None else "",
            class_name=(call.class_name or "") if call is not None else "",
        ))
    return sites
