"""Build the ResourceGraph once per AnalyzeStack, not once per policy.

pulumi-policy rebuilds the PolicyResource list for every stack policy of one
``AnalyzeStack`` call; converting and indexing it ten times would dominate the
pack's run time on large stacks. The servicer's ``AnalyzeStack`` is wrapped to
mark the boundaries of one request, and policies share the graph inside it.
Outside a marked request (tests calling a policy directly) every call builds
its own graph.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from pulumi_policy import PolicyResource
from pulumi_policy import policy as _policy_module

from policypack.crossguard import results
from policypack.crossguard.adapter import to_graph
from policypack.graph import ResourceGraph

_state = threading.local()  # the gRPC server may serve requests on several threads


def graph_for(resources: Sequence[PolicyResource]) -> ResourceGraph:
    if not getattr(_state, "active", False):
        return to_graph(resources)
    cached = getattr(_state, "graph", None)
    if cached is None or len(cached) != len(resources):
        cached = _state.graph = to_graph(resources)
    return cached


def install() -> None:
    """Wrap the servicer's AnalyzeStack (idempotent; a no-op if pulumi-policy changes shape)."""
    servicer = getattr(_policy_module, "_PolicyAnalyzerServicer", None)
    original = getattr(servicer, "AnalyzeStack", None)
    if original is None or getattr(original, "_stackguard_wrapped", False):
        return

    def analyze_stack(self, request, context):
        _state.active, _state.graph = True, None
        results.begin()
        try:
            response = original(self, request, context)
            results.finish(request, response)  # the violations as data, when a results file is set
            return response
        finally:
            _state.active, _state.graph = False, None

    analyze_stack._stackguard_wrapped = True  # type: ignore[attr-defined]
    servicer.AnalyzeStack = analyze_stack
