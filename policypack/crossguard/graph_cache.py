"""Convert the stack once per AnalyzeStack, not once per policy, and only what rules read.

pulumi-policy's ``AnalyzeStack`` rebuilds the whole ``PolicyResource`` list for
every stack policy (protobuf ``MessageToDict``, ``deserialize_properties``, the
unknown-checking proxy, options, provider, parents and dependencies), ten
times for ten policies: on a large stack, most of the pack's run time, for
identical lists.

The servicer's ``AnalyzeStack`` is wrapped to mark the boundaries of one
request. When every stack policy the servicer holds is one of ours, it hands
pulumi-policy a view of the request whose ``resources`` are empty, so its
policy loop converts nothing (a pack that mixes in other stack policies gets
the request untouched: they read ``args.resources``). The first of our policies builds
the ``ResourceGraph`` straight from the request (``adapter.request_graph``:
relations linked as the servicer links them, each prop converted by the
servicer's own functions when a rule first reads it) and the policies
after it use that graph. Each policy still runs through pulumi-policy with its
own config, enforcement level and violation reporting; a policy that fails
before the graph exists leaves the next one to build it. Outside a marked
request (tests calling a policy directly) every call builds its own graph from
the resources it is handed. The upstream fix, building the resources once
before the policy loop, is described in benchmarks/README.md.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from typing import Any

from pulumi_policy import PolicyResource, StackValidationPolicy
from pulumi_policy import policy as _policy_module

from policypack.crossguard import results
from policypack.crossguard.adapter import request_graph, to_graph
from policypack.graph import ResourceGraph

_state = threading.local()  # the gRPC server may serve requests on several threads
_ours: weakref.WeakSet[StackValidationPolicy] = weakref.WeakSet()  # policies that read the graph


def register(policy: StackValidationPolicy) -> StackValidationPolicy:
    """Mark ``policy`` as reading the stack only through :func:`graph_for`."""
    _ours.add(policy)
    return policy


def _only_ours(servicer: Any) -> bool:
    policies = getattr(servicer, "_PolicyAnalyzerServicer__policies", None)  # None: pulumi-policy changed
    return policies is not None and all(
        policy in _ours for policy in policies if isinstance(policy, StackValidationPolicy))


def graph_for(resources: Sequence[PolicyResource]) -> ResourceGraph:
    if not getattr(_state, "active", False):
        return to_graph(resources)
    cached = getattr(_state, "graph", None)
    if cached is None:
        cached = _state.graph = request_graph(_state.request)
    return cached


class _NothingToConvert:
    """The request as pulumi-policy's policy loop reads it: no resources (our policies
    read the request itself, through ``graph_for``)."""

    resources = ()

    def __init__(self, request: Any) -> None:
        self._request = request

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
        _state.active, _state.graph, _state.request = True, None, request
        results.begin()
        try:
            view = _NothingToConvert(request) if _only_ours(self) else request
            response = original(self, view, context)
            results.finish(request, response)  # the violations as data, when a results file is set
            return response
        finally:
            _state.active, _state.graph, _state.request = False, None, None

    setattr(analyze_stack, _WRAPPED, True)
    analyze_stack.__wrapped__ = original  # type: ignore[attr-defined]  # pulumi-policy's own, for tests
    servicer.AnalyzeStack = analyze_stack
