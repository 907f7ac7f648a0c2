"""Findings on code whose branch the analyzer can't decide: kept only when they hold on every path.

A call under an ``if`` whose test is unknown in its run (a config value, a
parameter of a function nobody calls with constants) may or may not run; so
may the resources it creates. Graph nodes carry the undecided conditions
they are created under (``values.Literal``). A rule's violation on a
resource is kept only when it holds on the paths that reach that resource's
call, at both ends: with every resource those paths may create (none whose
conditions contradict the finding's own), and with only the resources they
must create (those whose conditions the finding's imply). A finding that
needs a resource from another branch (a Deployment said to miss an
integration only created when it isn't), or the absence of one that may be
there, is dropped: precision first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from policypack.graph import ResourceGraph
from policypack.rules.base import Rule, Violation

if TYPE_CHECKING:
    from analyzers.extract.values import Condition

# Distinct sets of conditions checked per rule; findings under further ones are dropped
# (each check runs the rule on two subgraphs).
MAX_CONDITION_SETS = 32


def contradicts(a: Condition, b: Condition) -> bool:
    return any((key, not holds) in b for key, holds in a)


class PathCheck:
    def __init__(self, graph: ResourceGraph, conditions: Mapping[str, Condition]) -> None:
        self.graph = graph
        self.conditions = conditions  # URN → undecided conditions (absent: unconditional)
        self._graphs: dict[tuple[Condition, bool], ResourceGraph] = {}

    def keep(self, rule: Rule, settings: Any, violations: Iterable[Violation]) -> list[Violation]:
        if not self.conditions:
            return list(violations)
        flagged: dict[tuple[Condition, bool], set[str]] = {}
        kept = []
        for violation in violations:
            condition = self.conditions.get(violation.resource.urn, frozenset())
            holds = True
            for minimal in (True, False):
                key = (condition, minimal)
                if key not in flagged:
                    if len(flagged) >= 2 * MAX_CONDITION_SETS:
                        holds = False
                        break
                    flagged[key] = {v.resource.urn for v in rule.run(self._graph(condition, minimal), settings)}
                if violation.resource.urn not in flagged[key]:
                    holds = False
                    break
            if holds:
                kept.append(violation)
        return kept

    def _graph(self, condition: Condition, minimal: bool) -> ResourceGraph:
        key = (condition, minimal)
        if key not in self._graphs:
            def present(urn: str) -> bool:
                own = self.conditions.get(urn)
                if not own:
                    return True
                return own <= condition if minimal else not contradicts(own, condition)

            self._graphs[key] = ResourceGraph(r for r in self.graph if present(r.urn))
        return self._graphs[key]
