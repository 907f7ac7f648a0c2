"""The pack's policies run through pulumi-policy's own servicer, in-process."""

import pytest

from policypack.crossguard.local import analyze_stack
from policypack.knowledge import tokens
from policypack.rules import runtime_rules
from tests.support.engine_messages import UNKNOWN_WIRE, resource, stack_request


@pytest.fixture(autouse=True)
def strict(monkeypatch):
    monkeypatch.setenv("STACKGUARD_STRICT", "1")  # rule bugs raise instead of being swallowed


def family_mismatch_stack(version=UNKNOWN_WIRE):
    group = resource(tokens.RDS_PARAMETER_GROUP, "params", {"family": "postgres14", "name": UNKNOWN_WIRE})
    db = resource(tokens.RDS_INSTANCE, "db",
                  {"engine": "postgres", "engineVersion": version, "parameterGroupName": UNKNOWN_WIRE},
                  prop_deps={"parameterGroupName": (group.urn,)})
    return stack_request(group, db)


def test_violation_carries_code_urn_and_mandatory_level() -> None:
    results = [r for r in analyze_stack(family_mismatch_stack("17.5")) if r.code == "SG201"]
    assert [(r.policy, r.name, r.enforcement) for r in results] == [
        ("rds-parameter-group-family-mismatch", "db", "mandatory")]
    assert results[0].message.startswith("[SG201] ")


def test_unknown_version_during_preview_is_not_applicable_not_an_error() -> None:
    results = analyze_stack(family_mismatch_stack(UNKNOWN_WIRE))
    assert [r for r in results if r.code == "SG201"] == []
    assert all("can't run policy" not in r.message for r in results)


def test_pack_config_changes_enforcement_and_options() -> None:
    request = family_mismatch_stack("17.5")
    assert [r.enforcement for r in analyze_stack(
        request, {"rds-parameter-group-family-mismatch": "advisory"}) if r.code == "SG201"] == ["advisory"]
    assert [r for r in analyze_stack(
        request, {"rds-parameter-group-family-mismatch": "disabled"}) if r.code == "SG201"] == []
    assert {r.code for r in analyze_stack(request, {"all": "disabled"})} == set()
    assert {r.code for r in analyze_stack(request, {"all": {"enforcementLevel": "disabled"}})} == set()
    allowed = analyze_stack(request, {"resource-outside-component": {"allowedTypes": ["aws:rds/*"]}})
    assert [r for r in allowed if r.code == "SG101"] == []


def test_every_runtime_rule_is_a_policy_named_from_the_catalog() -> None:
    from policypack.crossguard.policies import build_policies
    from policypack.crossguard.results import POLICY_NAME

    policies = {p.name: p for p in build_policies() if not p.name.endswith("-remediation")}
    assert set(policies) == {rule.name for rule in runtime_rules()} | {POLICY_NAME}
    for rule in runtime_rules():
        assert policies[rule.name].description.startswith(f"[{rule.code}] ")


def test_graph_is_built_once_per_analyze_stack(monkeypatch) -> None:
    from policypack.crossguard import graph_cache

    calls = []
    original = graph_cache.request_graph
    monkeypatch.setattr(graph_cache, "request_graph", lambda request: calls.append(1) or original(request))
    analyze_stack(family_mismatch_stack("17.5"))
    assert len(calls) == 1
    analyze_stack(family_mismatch_stack("17.5"))
    assert len(calls) == 2  # a new request gets a new graph


def test_the_stack_is_converted_once_per_analyze_stack_not_once_per_policy(monkeypatch) -> None:
    """pulumi-policy converts every resource for every stack policy; with the pack's
    wrapper it converts none, and the graph converts each resource a rule reads once."""
    from pulumi_policy import policy as servicer_module

    calls = []
    original = servicer_module.deserialize_properties
    monkeypatch.setattr(servicer_module, "deserialize_properties",
                        lambda value: calls.append(1) or original(value))
    request = family_mismatch_stack("17.5")
    analyze_stack(request, {"all": "disabled", "rds-parameter-group-family-mismatch": "mandatory"})
    one_policy = len(calls)
    calls.clear()
    results = analyze_stack(request)
    assert one_policy > 0 and len(calls) == one_policy  # not one_policy x the number of policies
    assert len(calls) <= 5  # at most once per prop of the stack (params: 2, db: 3)
    assert {r.code for r in results} >= {"SG101", "SG201"}  # policies after the first still see the stack


def test_a_policy_that_fails_before_building_the_graph_does_not_blind_the_others(monkeypatch) -> None:
    from policypack.crossguard import graph_cache

    monkeypatch.delenv("STACKGUARD_STRICT")
    failures = iter([RuntimeError("boom")])
    original = graph_cache.request_graph

    def flaky(request):
        error = next(failures, None)
        if error:
            raise error
        return original(request)

    monkeypatch.setattr(graph_cache, "request_graph", flaky)
    results = analyze_stack(family_mismatch_stack("17.5"))
    # the first policy (SG101) failed; the mandatory SG201 still fires
    assert [(r.code, r.name) for r in results if r.code == "SG201"] == [("SG201", "db")]


def test_results_carry_the_whole_logical_name_even_with_urn_delimiters() -> None:
    # The engine allows "::" in a name: the name is everything after the URN's third delimiter.
    name = "evil::aws:rds/instance:Instance::db"
    group = resource(tokens.RDS_PARAMETER_GROUP, "params", {"family": "postgres14", "name": UNKNOWN_WIRE})
    db = resource(tokens.RDS_INSTANCE, name, {"engine": "postgres", "engineVersion": "17.5",
                                               "parameterGroupName": UNKNOWN_WIRE},
                  prop_deps={"parameterGroupName": (group.urn,)})
    results = [r for r in analyze_stack(stack_request(group, db)) if r.code == "SG201"]
    assert [r.name for r in results] == [name]


def test_urn_name_reads_the_name_as_the_engine_does() -> None:
    from policypack.crossguard.local import PolicyResult, urn_name

    assert urn_name("urn:pulumi:dev::proj::aws:s3/bucket:Bucket::a::b\nc") == "a::b\nc"
    assert PolicyResult("p", "urn:pulumi:dev::proj::t:m:T$u:v:W::x::y", "[SG101] m", "advisory").name == "x::y"


def test_a_pack_with_another_stack_policy_hands_it_every_resource() -> None:
    """The conversion is skipped only when every stack policy reads the graph: a policy of
    someone else's in the same pack still gets pulumi-policy's whole resource list."""
    from pulumi_policy import EnforcementLevel, StackValidationPolicy
    from pulumi_policy import policy as servicer_module

    from policypack.crossguard.policies import build_policies

    seen: list[str] = []
    theirs = StackValidationPolicy(name="theirs", description="counts resources",
                                   validate=lambda args, report: seen.extend(r.name for r in args.resources),
                                   enforcement_level=EnforcementLevel.ADVISORY)
    policies = [*build_policies(), theirs]
    servicer = servicer_module._PolicyAnalyzerServicer("mixed", "0.0.1", policies, EnforcementLevel.ADVISORY)
    response = servicer.AnalyzeStack(family_mismatch_stack("17.5"), None)
    assert seen == ["proj-dev", "params", "db"]
    assert any(d.policyName == "rds-parameter-group-family-mismatch" for d in response.diagnostics)


def test_props_pulumi_policy_cannot_deserialise_fail_the_analysis_as_before(monkeypatch) -> None:
    """Converting only what rules read must not turn a malformed stack (a secret without
    its value) into a rule's quiet "not applicable": the analysis fails, as pulumi-policy's
    conversion of the whole stack fails it."""
    from pulumi_policy.deserialize import SPECIAL_SECRET_SIG

    monkeypatch.delenv("STACKGUARD_STRICT")
    group = resource(tokens.RDS_PARAMETER_GROUP, "params",
                     {"family": {"4dabf18193072939515e22adb298388d": SPECIAL_SECRET_SIG}})
    db = resource(tokens.RDS_INSTANCE, "db", {"engine": "postgres", "engineVersion": "17.5"},
                  prop_deps={"parameterGroupName": (group.urn,)})
    with pytest.raises(Exception, match="secret"):
        analyze_stack(stack_request(group, db))
