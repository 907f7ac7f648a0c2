"""What the SG4xx rules share: the keyword arguments of each provider resource call site,
checked against what the resource's constructor accepts (``analyzers.providers``).

A call site is checked once, with the keywords of every run of it (a helper
called twice is one site); only keywords the analyzer sees are checked: a
``**kwargs`` it can't resolve hides nothing it reports on, and says nothing
about what is missing. Each problem is an :class:`ArgumentIssue` naming the
keyword and, where there is one, the ``replacement`` keyword, so a fix can
be made from it (``analyzers.fixes.arguments``: rename ``rest_api_id`` →
``rest_api``; move ``depends_on`` into ``opts``).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass

from analyzers.extract import values
from analyzers.extract.graph_builder import Node
from analyzers.extract.values import Val
from analyzers.findings import Finding
from analyzers.providers import ArgumentFacts
from analyzers.static_rules import SourceContext
from policypack.graph import UNKNOWN
from policypack.knowledge.providers.schema import (
    BOOL,
    CONSTRUCTOR_KEYWORDS,
    LIST,
    MAP,
    NUMBER,
    OBJECT,
    STRING,
)
from policypack.rules.base import Rule

# ``pulumi.ResourceOptions`` keywords: passed to a resource constructor they are a TypeError,
# and the option (a dependency, a parent, protection, ...) silently never applies.
RESOURCE_OPTIONS = frozenset({
    "additional_secret_outputs", "aliases", "custom_timeouts", "delete_before_replace", "deleted_with",
    "depends_on", "env_var_mappings", "hide_diffs", "hooks", "id", "ignore_changes", "import_", "parent",
    "plugin_download_url", "protect", "provider", "providers", "replace_on_changes", "replace_with",
    "replacement_trigger", "retain_on_delete", "state_migrations", "transformations", "transforms", "urn",
    "version",
})

# Literal kinds that can never be a value of an argument of a kind (precision first: a string for a
# number or a bool may be coerced by the provider, a list or a dict never is).
_NEVER = {
    LIST: frozenset({STRING, NUMBER, BOOL, MAP, OBJECT}),
    MAP: frozenset({STRING, NUMBER, BOOL, LIST}),
    OBJECT: frozenset({STRING, NUMBER, BOOL, LIST}),
    STRING: frozenset({LIST, MAP, OBJECT}),
    NUMBER: frozenset({LIST, MAP, OBJECT}),
    BOOL: frozenset({LIST, MAP, OBJECT}),
}


@dataclass(frozen=True)
class CallSite:
    """One constructor call of a provider resource class, with every run's keywords."""

    first: Node  # the run reported on (its span and logical name)
    arguments: ArgumentFacts
    keywords: dict[str, list[Val]]  # keyword → its value in each run

    @property
    def subject(self) -> str:
        return self.first.name if self.first.name is not None else ""

    @property
    def label(self) -> str:
        return f"'{self.first.name}'" if self.first.name is not None else "(name computed at run time)"


@dataclass(frozen=True)
class ArgumentIssue:
    site: CallSite
    keyword: str
    message: str
    replacement: str | None = None  # the keyword to use instead, when there is exactly one
    to_options: bool = False  # a resource option: belongs in opts=pulumi.ResourceOptions(...)


def call_sites(context: SourceContext) -> Iterator[CallSite]:
    """Every constructor call of a provider class with keywords, in source order: grouped
    once per project graph and shared by the SG4xx checks."""
    return iter(context.project.graph.derived(call_sites, lambda _: list(_grouped(context))))


def _grouped(context: SourceContext) -> Iterator[CallSite]:
    grouped: dict[tuple[str, int, int], list[Node]] = {}
    for node in context.project.nodes.values():
        if node.arguments is None or node.site is None:
            continue
        grouped.setdefault((node.module.path, node.span.line, node.span.column), []).append(node)
    for _, nodes in sorted(grouped.items()):
        nodes.sort(key=lambda n: n.key)
        keywords: dict[str, list[Val]] = {}
        for node in nodes:
            for name, value in node.keywords:
                if name not in CONSTRUCTOR_KEYWORDS:
                    keywords.setdefault(name, []).append(value)
        arguments = nodes[0].arguments
        if keywords and arguments is not None:
            yield CallSite(nodes[0], arguments, keywords)


def is_none(value: Val) -> bool:
    """``name=None`` (or a value that is None in this run): the SDK treats it as not given."""
    return value.kind == values.DATA and value.data is None and not value.unresolved


def literal_kind(value: Val) -> str | None:
    """The kind of a value the analyzer knows exactly, else None."""
    if value.unresolved:
        return None
    if value.kind == values.ARGS:
        return OBJECT
    if value.kind == values.SEQ:
        return LIST
    if value.kind == values.MAP:
        return MAP
    if value.kind != values.DATA or value.data is UNKNOWN or value.data is None:
        return None
    data = value.data
    if isinstance(data, bool):
        return BOOL
    if isinstance(data, (int, float)):
        return NUMBER
    if isinstance(data, str):
        return STRING
    if isinstance(data, (list, tuple)):
        return LIST
    if isinstance(data, dict):
        return MAP
    return None


def never_fits(expected: str, found: str) -> bool:
    return found in _NEVER.get(expected, frozenset())


def close_matches(name: str, candidates: list[str]) -> list[str]:
    """The accepted arguments a mistyped keyword may have meant, best first (``rest_api_id`` →
    ``rest_api``). More than one means the keyword is ambiguous (``max_sizes``: ``max_size`` or
    ``min_size``), and no single argument is suggested."""
    stem = name.removesuffix("_id").removesuffix("_arn").removesuffix("_name")
    if stem != name and stem in candidates:
        return [stem]
    suffixed = [name + suffix for suffix in ("_id", "_arn", "_name") if name + suffix in candidates]
    if suffixed:
        return suffixed
    return difflib.get_close_matches(name, candidates, n=3, cutoff=0.7)


def finding(rule: Rule, site: CallSite, message: str) -> Finding:
    return Finding.at(rule, site.first.module.path, site.first.span, message, subject=site.subject)
