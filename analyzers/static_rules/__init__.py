"""Rules that read source rather than the resource graph: SG000, SG102, SG103, SG4xx.

Their metadata, docs and examples live in ``policypack.rules`` like every
other rule's; their implementation is here because it needs what only the
analyzer sees (parse errors, class bodies, lexical nesting). A rule names
its module here in ``static_check``; that name is the only registration.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from analyzers.extract.graph_builder import ProjectGraph
from analyzers.extract.summary import FileSummary
from analyzers.findings import Finding


@dataclass(frozen=True)
class SourceContext:
    summaries: Sequence[FileSummary]
    project: ProjectGraph


SourceCheck = Callable[[SourceContext], Iterable[Finding]]


def source_checks() -> dict[str, SourceCheck]:
    """The checks of this package, by rule code: each rule names its own (``Rule.static_check``)."""
    from policypack.rules import all_rules

    checks: dict[str, SourceCheck] = {}
    for rule in all_rules():
        module, _, function = rule.static_check.partition(":")
        if module.startswith(f"{__name__}."):
            checks[rule.code] = getattr(importlib.import_module(module), function)
    return checks
