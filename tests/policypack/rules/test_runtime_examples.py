"""Every rule's examples, run as real Pulumi programs through the policy pack.

Each example program runs under the SDK's mock monitor (policypack.harness),
its registrations become the ``AnalyzeStackRequest`` the engine would send, and
pulumi-policy's own servicer evaluates the pack on it (props behind the SDK's
unknown-checking proxies). The rule must flag exactly ``example.flagged``.
In preview mode (outputs unknown) it may see less, but never more.
"""

from __future__ import annotations

import pytest

from policypack.crossguard.local import analyze_stack
from policypack.harness import capture_source, to_analyze_stack_request
from policypack.rules import runtime_rules
from policypack.rules.base import Detector, Example, Rule

CASES = [
    pytest.param(rule, example, id=f"{rule.code}-{kind}-{index}")
    for rule in runtime_rules()
    for kind, examples in (("bad", rule.bad), ("good", rule.good))
    for index, example in enumerate(examples)
    if Detector.RUNTIME in example.detectors
]


@pytest.fixture(autouse=True)
def strict(monkeypatch):
    monkeypatch.setenv("STACKGUARD_STRICT", "1")  # rule bugs raise instead of being swallowed


def flagged_names(rule: Rule, example: Example, *, preview: bool) -> list[str]:
    resources = capture_source(example.code, config={"aws:region": "us-east-1"}, preview=preview)
    config = {rule.name: dict(example.config)} if example.config else None
    results = analyze_stack(to_analyze_stack_request(resources), config)
    for result in results:
        assert "can't run policy" not in result.message, result.message
    return sorted(r.name for r in results if r.policy == rule.name)


@pytest.mark.parametrize(("rule", "example"), CASES)
def test_example_after_deploy(rule: Rule, example: Example) -> None:
    assert flagged_names(rule, example, preview=False) == sorted(example.flagged), example.note


@pytest.mark.parametrize(("rule", "example"), CASES)
def test_example_during_preview_never_flags_more(rule: Rule, example: Example) -> None:
    assert set(flagged_names(rule, example, preview=True)) <= set(example.flagged), example.note


def test_every_runtime_rule_has_three_bad_and_three_good_runtime_examples() -> None:
    for rule in runtime_rules():
        bad = [e for e in rule.bad if Detector.RUNTIME in e.detectors]
        good = [e for e in rule.good if Detector.RUNTIME in e.detectors]
        assert len(bad) >= 3, f"{rule.code} has {len(bad)} bad runtime examples, needs 3"
        assert len(good) >= 3, f"{rule.code} has {len(good)} good runtime examples, needs 3"
