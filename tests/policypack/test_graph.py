"""The graph's shared derived data."""

from policypack.knowledge import tokens
from policypack.knowledge.apigateway import ApiIndex
from policypack.rules import runtime_rules
from tests.support.graphs import graph, res


def test_derived_data_is_built_once_per_graph_and_key() -> None:
    built = []
    one, other = graph(res(tokens.REST_API, "a")), graph(res(tokens.REST_API, "a"))
    assert one.derived("k", lambda g: built.append(g) or len(g)) == 2  # the stack and the API
    assert one.derived("k", lambda g: built.append(g) or 99) == 2  # not built again
    assert other.derived("k", lambda g: built.append(g) or len(g)) == 2
    assert built == [one, other]


def test_the_api_gateway_rules_share_one_api_index(monkeypatch) -> None:
    built = []
    original = ApiIndex.__init__

    def counting(self, g, **options):
        built.append(g)
        original(self, g, **options)

    monkeypatch.setattr(ApiIndex, "__init__", counting)
    stack = graph(res(tokens.REST_API, "api"), res(tokens.REST_DEPLOYMENT, "d"))
    readers = [rule for rule in runtime_rules() if rule.code in {"SG301", "SG302", "SG303", "SG304"}]
    for rule in readers:
        list(rule.run(stack, {}))
    assert len(readers) == 4 and built == [stack]


def test_a_graph_and_its_shared_index_are_freed_without_the_cyclic_collector() -> None:
    """The graph keeps its API index and the index reads the graph: were both references
    strong, every analysis would leave its whole stack as cyclic garbage."""
    import gc
    import weakref

    stack = graph(res(tokens.REST_API, "api"), res(tokens.REST_DEPLOYMENT, "d"))
    for rule in runtime_rules():
        if rule.code in {"SG301", "SG302", "SG303", "SG304"}:
            list(rule.run(stack, {}))
    gone = weakref.ref(stack)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        del stack
        assert gone() is None
    finally:
        if was_enabled:
            gc.enable()
