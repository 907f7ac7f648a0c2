"""Convert the stack once per AnalyzeStack, not once per policy.

pulumi-policy's ``AnalyzeStack`` rebuilds the whole ``PolicyResource`` list for
every stack policy (protobuf ``MessageToDict``, ``deserialize_properties``, the
unknown-checking proxy, options, provider, parents and dependencies), ten
times for ten policies: on a large stack, most of the pack's run time, for
identical lists.

The servicer's ``AnalyzeStack`` is wrapped to mark the boundaries of one
request, and hands pulumi-policy a view of the request whose ``resources``
are empty once one of our policies has built the ``ResourceGraph`` from them:
the policies after it skip the conversion and use that graph. Each policy
still runs through pulumi-policy with its own config, enforcement level and
violation reporting. Until a graph exists (a policy failed before building
it), every policy gets the real resources, so nothing can pass by mistake.
Outside a marked request (tests calling a policy directly) every call builds
its own graph. The upstream fix, building the resources once before the
policy loop, is described in benchmarks/README.md.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

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
    if cached is None:
        cached = _state.graph = to_graph(resources)
    return cached


class _ConvertedOnce:
    """The request as pulumi-policy's policy loop reads it: no resources to convert
    once the graph of this request exists."""

    def __init__(self, request: Any) -> None:
        self._request = request

    @property
    def resources(self) -> Any:
        return () if getattr(_state, "graph", None) is not None else self._request.resources

    def __getattr__(self, name: str) -> Any:
        return getattr(self._request, name)


# Marks our wrapper, so that installing twice wraps once.
_WRAPPED = "_stackguard_wrapped"


def install() -> None:
    """Wrap the servicer's AnalyzeStack (idempotent; a no-op if pulumi-policy changes shape)."""
    servicer = getattr(_policy_module, "_PolicyAnalyzerServicer", None)
    original = getattr(servicer, "AnalyzeStack", None)
    if servicer is None or original is None or getattr(original, _WRAPPED, False):
        return

    def analyze_stack(self: Any, request: Any, context: Any) -> Any:
        _state.active, _state.graph = True, None
        results.begin()
        try:
            response = original(self, _ConvertedOnce(request), context)
            results.finish(request, response)  # the violations as data, when a results file is set
            return response
        finally:
            _state.active, _state.graph = False, None

    setattr(analyze_stack, _WRAPPED, True)
    servicer.AnalyzeStack = analyze_stack
