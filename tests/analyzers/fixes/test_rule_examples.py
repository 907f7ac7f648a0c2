"""The fix of every fixable rule, over the rule's own bad examples (the examples are the spec).

For each bad example meant for the static analyzer: ``--fix`` (for the rule
alone, unsafe fixes allowed) either fixes it or the example is listed below
with the reason no fix is offered. A fixed example parses, has no finding of
the rule and no new finding (SG101 aside, on resources inserted next to
neighbours at the stack root), and a second ``--fix`` changes nothing. For
runtime rules, the fixed program also runs under the SDK's mocks and the
policy pack reports no violation of the rule, and nothing new but the advisory
SG101.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

import pytest

from analyzers.fixes import registry
from policypack.crossguard.local import analyze_stack
from policypack.harness import capture_source, to_analyze_stack_request
from policypack.rules import rule_by_code_or_name
from policypack.rules.base import Detector
from tests.support.fixing import findings, fix

MAIN = "__main__.py"
# (code, index of the bad example) → why the fix stands back
NOT_FIXED = {
    ("SG102", 1): "register_outputs is called in a method: the author calls it elsewhere",
    ("SG103", 3): "the options name another parent on purpose",
    ("SG301", 1): "an OpenAPI body: the functions are written inside the document",
    ("SG301", 2): "a loop over two APIs where only one lacks the Permission",
    ("SG301", 4): "a loop over two routes where only one lacks the Permission",
    ("SG302", 2): "a function building two APIs where only one lacks the Deployment",
    ("SG303", 3): "a WebSocket API: which stage and routes is a choice",
    ("SG304", 4): "a Deployment on a branch a constant argument selects: wiring it or dropping the mode is a choice",
    ("SG305", 1): "principal '*': which caller is meant is a choice",
    ("SG305", 2): "a wildcard source ARN: which API is meant is a choice",
    ("SG305", 3): "an S3 principal: which bucket is meant is a choice",
    ("SG305", 4): "principal '*' with a source: the principal is a choice",
    ("SG305", 5): "a wildcard account in a source ARN built from parts: which account is meant is a choice",
    ("SG401", 1): "the renamed rest_api reveals that the API has no stage (SG303): nothing new may appear",
    ("SG401", 3): "the keyword comes from a dict spread into the call, not from the call itself",
    ("SG401", 4): "the keyword is in an Args object, not in the call itself",
    ("SG402", 1): "an RDS instance's `name`: only `stage_name` on a REST Deployment has a fix",
    ("SG402", 2): "an Elastic IP's `vpc`: only `stage_name` on a REST Deployment has a fix",
}

CASES = [
    pytest.param(code, index, id=f"{code}-bad-{index}")
    for code in sorted(registry.codes())
    for index, example in enumerate(rule_by_code_or_name(code).bad)
    if Detector.STATIC in example.detectors
]


@cache
def fixed(code: str, index: int) -> tuple[str, str]:
    source = rule_by_code_or_name(code).bad[index].code
    return source, fix({MAIN: source}, {code}).fixed.get(MAIN, source)


def _ids(found: list) -> Counter:
    return Counter((f.code, f.subject) for f in found)


@pytest.mark.parametrize(("code", "index"), CASES)
def test_fix_removes_the_finding_and_adds_none(code: str, index: int) -> None:
    before, after = fixed(code, index)
    if (code, index) in NOT_FIXED:
        assert after == before
        return
    assert after != before, "no fix for an example that should have one"
    new = findings({MAIN: after})
    assert code not in {f.code for f in new} and "SG000" not in {f.code for f in new}
    appeared = _ids(new) - _ids(findings({MAIN: before}))
    assert all(key[0] == "SG101" for key in appeared), appeared
    assert fix({MAIN: after}, {code}).fixed == {}, "a second --fix changed something"


RUNTIME_CASES = [case for case in CASES if rule_by_code_or_name(case.values[0]).runtime
                 and (case.values[0], case.values[1]) not in NOT_FIXED
                 and Detector.RUNTIME in rule_by_code_or_name(case.values[0]).bad[case.values[1]].detectors]


def violations(source: str) -> Counter:
    resources = capture_source(source, config={"aws:region": "us-east-1"})
    return Counter((r.policy, r.name) for r in analyze_stack(to_analyze_stack_request(resources)))


@pytest.mark.parametrize(("code", "index"), RUNTIME_CASES)
def test_fixed_example_passes_the_pack_under_mocks(code: str, index: int) -> None:
    rule = rule_by_code_or_name(code)
    before, after = fixed(code, index)
    old, new = violations(before), violations(after)
    assert any(policy == rule.name for policy, _ in old), "the pack must see the fault first"
    assert not [key for key in new if key[0] == rule.name], new
    assert all(policy == "resource-outside-component" for policy, _ in new - old), new - old


def test_the_list_of_unfixed_examples_is_current() -> None:
    for code, index in NOT_FIXED:
        assert code in registry.codes() and index < len(rule_by_code_or_name(code).bad)
