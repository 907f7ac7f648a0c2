"""Rules that read source rather than the resource graph: SG000, SG102, SG103, SG4xx.

Their metadata, docs and examples live in ``policypack.rules`` like every
other rule's; their implementation is here because it needs what only the
analyzer sees (parse errors, class bodies, lexical nesting).
"""

from __future__ import annotations

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
    from analyzers.static_rules import (
        sg000_parse_error,
        sg102_component_missing_register_outputs,
        sg103_component_child_missing_parent,
        sg401_unknown_resource_argument,
        sg402_removed_resource_argument,
        sg403_deprecated_resource_argument,
        sg404_argument_type_mismatch,
    )

    return {
        "SG000": sg000_parse_error.findings,
        "SG102": sg102_component_missing_register_outputs.findings,
        "SG103": sg103_component_child_missing_parent.findings,
        "SG401": sg401_unknown_resource_argument.findings,
        "SG402": sg402_removed_resource_argument.findings,
        "SG403": sg403_deprecated_resource_argument.findings,
        "SG404": sg404_argument_type_mismatch.findings,
    }
