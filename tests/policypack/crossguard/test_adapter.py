"""PolicyResource (with the SDK's unknown-checking proxies) → neutral Resource."""

from pulumi_policy import PolicyResource
from pulumi_policy.policy import PolicyResourceOptions
from pulumi_policy.proxy import unknown_checking_proxy

from policypack.crossguard.adapter import plain, to_graph
from policypack.graph import UNKNOWN
from tests.support.engine_messages import UNKNOWN_WIRE


def test_unknowns_at_any_depth_become_the_unknown_marker() -> None:
    props = unknown_checking_proxy({"a": UNKNOWN_WIRE, "b": [1, UNKNOWN_WIRE], "c": {"d": UNKNOWN_WIRE, "e": "x"}})
    assert plain(props) == {"a": UNKNOWN, "b": [1, UNKNOWN], "c": {"d": UNKNOWN, "e": "x"}}


def test_relations_and_secret_outputs_are_carried_over() -> None:
    opts = PolicyResourceOptions(False, [], None, [], None, ["password"], None)
    parent = PolicyResource("acme:x:C", {}, "urn:c", "c", opts, None, None, [], {})
    child = PolicyResource("aws:rds/instance:Instance", unknown_checking_proxy({"password": "hunter2"}),
                           "urn:db", "db", opts, None, parent, [parent], {"password": [parent]})
    graph = to_graph([parent, child])
    db = graph.get("urn:db")
    assert db.parent == "urn:c" and db.dependencies == ("urn:c",)
    assert db.property_dependencies == {"password": ("urn:c",)}
    assert db.display("password") == "[secret]"
