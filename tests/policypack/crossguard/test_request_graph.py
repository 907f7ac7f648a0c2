"""The graph built straight from an AnalyzeStackRequest equals the graph of the
PolicyResource list pulumi-policy's own servicer hands a stack policy."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pulumi.asset import Archive, Asset
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import EnforcementLevel, PolicyResource, StackValidationPolicy
from pulumi_policy import policy as servicer_module
from pulumi_policy.deserialize import SPECIAL_ASSET_SIG, SPECIAL_SECRET_SIG

from policypack.crossguard import graph_cache
from policypack.crossguard.adapter import request_graph, to_graph
from policypack.graph import ResourceGraph
from tests.support.engine_messages import UNKNOWN_WIRE, resource, stack_request
from tests.support.graphs import urn

SIG = "4dabf18193072939515e22adb298388d"


def servicer_resources(request: analyzer_pb2.AnalyzeStackRequest) -> list[PolicyResource]:
    """What pulumi-policy's unwrapped AnalyzeStack hands a stack policy for ``request``."""
    graph_cache.install()
    captured: list[PolicyResource] = []
    policy = StackValidationPolicy(name="capture", description="capture",
                                   validate=lambda args, report: captured.extend(args.resources),
                                   enforcement_level=EnforcementLevel.ADVISORY)
    servicer = servicer_module._PolicyAnalyzerServicer("p", "0.0.1", [policy], EnforcementLevel.ADVISORY)
    unwrapped = servicer_module._PolicyAnalyzerServicer.AnalyzeStack.__wrapped__
    unwrapped(servicer, request, None)
    return captured


def comparable(value: Any) -> Any:
    """Assets and archives are new objects on every conversion: compare what they hold."""
    if isinstance(value, dict):
        return {key: comparable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [comparable(item) for item in value]
    if isinstance(value, (Asset, Archive)):
        return type(value).__name__, sorted((k, comparable(v)) for k, v in vars(value).items())
    return value


def described(graph: ResourceGraph, probes: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
    """Everything a rule can read of each resource, props included (in order)."""
    return [(r.urn, r.type, r.name, r.parent, r.dependencies, dict(r.property_dependencies), r.custom,
             r.secret_props, comparable(list(r.props.items())), len(r.props),
             [(p, p in r.props, comparable(r.prop(p))) for p in probes])
            for r in graph]


def assert_same_graph(request: analyzer_pb2.AnalyzeStackRequest, probes: tuple[str, ...] = ()) -> None:
    assert described(request_graph(request), probes) == described(to_graph(servicer_resources(request)), probes)


def test_relations_props_providers_and_secrets_match_the_servicer() -> None:
    component = resource("acme:app:Service", "svc", custom=False)
    db = resource("aws:rds/instance:Instance", "db",
                  {"engine": "postgres", "engineVersion": UNKNOWN_WIRE, "password": {SIG: SPECIAL_SECRET_SIG,
                                                                                    "value": "hunter2"},
                   "tags": {"a": "b", "c": UNKNOWN_WIRE}, "list": [1, UNKNOWN_WIRE, None, {"x": UNKNOWN_WIRE}],
                   "nothing": None, "code": {SIG: SPECIAL_ASSET_SIG, "text": "print(1)"}},
                  parent=component.urn, deps=(component.urn, urn("aws:s3/bucket:Bucket", "gone")),
                  prop_deps={"parameterGroupName": (component.urn, urn("x:y:Z", "gone")), "empty": ()})
    db.options.additionalSecretOutputs.extend(["password"])
    orphan = resource("aws:s3/bucket:Bucket", "orphan", parent=urn("acme:app:Service", "missing"))
    orphan.options.parent = urn("acme:app:Service", "from-options")
    unparented = resource("aws:s3/bucket:Bucket", "unparented", parent=None)
    assert_same_graph(stack_request(component, db, orphan, unparented),
                      probes=("engine", "engineVersion", "password", "absent", "nothing", "tags", "list"))


def test_duplicate_urns_and_an_empty_stack_match_the_servicer() -> None:
    first = resource("aws:s3/bucket:Bucket", "same", {"acl": "private"})
    second = resource("aws:s3/bucket:Bucket", "same", {"acl": "public-read"}, deps=(first.urn,))
    assert_same_graph(stack_request(first, second), probes=("acl",))
    assert_same_graph(analyzer_pb2.AnalyzeStackRequest())


def test_a_prop_no_rule_reads_is_never_deserialised(monkeypatch) -> None:
    calls: list[list[str]] = []
    original = servicer_module.deserialize_properties
    monkeypatch.setattr(servicer_module, "deserialize_properties",
                        lambda value: calls.append(sorted(value)) or original(value))
    graph = request_graph(stack_request(resource("aws:s3/bucket:Bucket", "b", {"acl": "private", "tags": {}})))
    bucket = graph.of_type("aws:s3/bucket:Bucket")[0]
    assert bucket.prop("versioning") is None and "acl" in bucket.props  # keys need no conversion
    assert calls == []
    assert bucket.prop("acl") == "private"
    assert bucket.props["acl"] == "private"
    assert calls == [["acl"]]  # once, on the first read, and only the prop read


_names = st.sampled_from(["a", "b", "engine", "tags", "x"])
_scalars = st.one_of(st.none(), st.booleans(), st.floats(allow_nan=False, allow_infinity=False),
                     st.text(max_size=5), st.just(UNKNOWN_WIRE))
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_names, inner, max_size=3),
                            st.builds(lambda v: {SIG: SPECIAL_SECRET_SIG, "value": v}, inner)),
    max_leaves=8)


@st.composite
def _stacks(draw: st.DrawFn) -> analyzer_pb2.AnalyzeStackRequest:
    count = draw(st.integers(0, 5))
    names = [f"r{index}" for index in range(count)]
    urns = [urn("aws:s3/bucket:Bucket", name) for name in names] + [urn("x:y:Z", "elsewhere")]
    messages = []
    for name in names:
        message = resource(
            "aws:s3/bucket:Bucket", name, draw(st.dictionaries(_names, _values, max_size=4)),
            parent=draw(st.sampled_from([None, *urns])), deps=tuple(draw(st.lists(st.sampled_from(urns), max_size=3))),
            prop_deps=draw(st.dictionaries(_names, st.tuples(st.sampled_from(urns)), max_size=2)),
            custom=draw(st.booleans()))
        if draw(st.booleans()):
            message.options.parent = draw(st.sampled_from(urns))
        message.options.additionalSecretOutputs.extend(draw(st.lists(_names, max_size=2)))
        messages.append(message)
    return stack_request(*messages)


@settings(max_examples=60, deadline=None)
@given(_stacks())
def test_any_stack_matches_the_servicer(request: analyzer_pb2.AnalyzeStackRequest) -> None:
    assert_same_graph(request, probes=("a", "b", "engine", "tags", "x", "absent"))
