"""Focused cases for SG306: comparing by URN first, known ids second, silence otherwise."""

from dataclasses import replace

from policypack.graph import UNKNOWN
from policypack.knowledge import tokens
from policypack.rules.sg306_apigateway_stage_deployment_mismatch import RULE
from tests.support.graphs import graph, res, urn


def deployment_of(api, logical: str = "deployment", /):
    return res(tokens.REST_DEPLOYMENT, logical, restApi=UNKNOWN, prop_deps={"restApi": (api.urn,)})


def stage(api, deployment, /, logical: str = "stage"):
    return res(tokens.REST_STAGE, logical, restApi=UNKNOWN, deployment=UNKNOWN,
               prop_deps={"restApi": (api.urn,), "deployment": (deployment.urn,)})


def flagged(*resources) -> list[str]:
    return sorted(v.resource.name for v in RULE.run(graph(*resources)))


def test_mismatch_by_dependency_during_preview() -> None:
    a, b = res(tokens.REST_API, "a"), res(tokens.REST_API, "b")
    dep_a = deployment_of(a)
    assert flagged(a, b, dep_a, stage(b, dep_a)) == ["stage"]
    assert flagged(a, b, dep_a, stage(a, dep_a)) == []
    [violation] = RULE.run(graph(a, b, dep_a, stage(b, dep_a)))
    assert violation.message.startswith("[SG306] Stage 'stage' serves RestApi 'b' but its deployment "
                                        "'deployment' belongs to RestApi 'a'")
    assert "NotFoundException" in violation.message


def test_literal_ids_compared_only_when_neither_side_has_a_urn() -> None:
    dep = res(tokens.REST_DEPLOYMENT, "d", restApi="f6g7h8")
    literal_stage = res(tokens.REST_STAGE, "s", restApi="a1b2c3", deployment=UNKNOWN,
                        prop_deps={"deployment": (dep.urn,)})
    assert flagged(dep, literal_stage) == ["s"]
    same = replace(literal_stage, props={**literal_stage.props, "restApi": "f6g7h8"})
    assert flagged(dep, same) == []
    a = res(tokens.REST_API, "a")
    mixed = stage(a, dep)
    assert flagged(a, dep, mixed) == []  # URN on one side, unknown value: not comparable
    deployed = replace(mixed, props={**mixed.props, "restApi": "a1b2c3"})  # after deploy: the id
    assert flagged(a, dep, deployed) == ["stage"]
    assert flagged(a, dep, replace(mixed, props={**mixed.props, "restApi": "f6g7h8"})) == []


def test_unknown_unresolved_and_dangling_are_silent() -> None:
    a, b = res(tokens.REST_API, "a"), res(tokens.REST_API, "b")
    dep_a = deployment_of(a)
    for prop in ("restApi", "deployment"):
        assert flagged(a, b, dep_a, replace(stage(b, dep_a), unresolved=frozenset({prop}))) == [], prop
    unresolved_dep = replace(dep_a, unresolved=frozenset({"restApi"}))
    assert flagged(a, b, unresolved_dep, stage(b, unresolved_dep)) == []
    unknown_dep = res(tokens.REST_DEPLOYMENT, "d", restApi=UNKNOWN)
    assert flagged(b, unknown_dep, stage(b, unknown_dep)) == []
    gone = res(tokens.REST_DEPLOYMENT, "gone")
    assert flagged(b, stage(b, gone)) == []  # deployment not in the graph
    dangling_api = res(tokens.REST_DEPLOYMENT, "d2", restApi=UNKNOWN,
                       prop_deps={"restApi": (urn(tokens.REST_API, "elsewhere"),)})
    assert flagged(b, dangling_api, stage(b, dangling_api)) == []


def test_garbage_values_do_not_crash() -> None:
    dep = res(tokens.REST_DEPLOYMENT, "d", restApi=["x"])
    odd = res(tokens.REST_STAGE, "s", restApi=7, deployment=UNKNOWN, prop_deps={"deployment": (dep.urn,)})
    assert flagged(dep, odd) == []
