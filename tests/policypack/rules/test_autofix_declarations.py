"""Each rule says what ``--fix`` does for it, or why it does nothing; the pack says the same."""

from __future__ import annotations

from pathlib import Path

from analyzers.fixes import registry
from policypack import docs
from policypack.rules import all_rules, runtime_rules

REPO = Path(__file__).resolve().parents[3]


def test_every_rule_declares_a_fix_or_why_not() -> None:
    for rule in all_rules():
        assert (rule.autofix is None) != (not rule.no_autofix), rule.code
        assert "## Fix" in rule.markdown()
        if rule.autofix is not None:
            assert rule.autofix.description in rule.markdown() and rule.autofix.limits, rule.code


def test_declared_fixes_and_codemods_are_the_same_rules() -> None:
    assert {rule.code for rule in all_rules() if rule.autofix is not None} == registry.codes()


def test_mandatory_policies_remediate_with_the_fix_text() -> None:
    from policypack.crossguard.policies import build_policies

    policies = {policy.name: policy for policy in build_policies()}
    for rule in runtime_rules():
        steps = policies[rule.name].remediation_steps
        assert steps == rule.remediation
        if rule.autofix is not None:
            assert steps.startswith(rule.autofix.description) and rule.autofix.command in steps


def test_readme_documents_the_fixes_per_rule() -> None:
    assert docs.fixes_table() in (REPO / "README.md").read_text(encoding="utf-8")


def test_reparenting_is_an_unsafe_fix() -> None:
    """Adding ``parent=self`` changes the child's URN: without an alias, ``pulumi up`` on a
    deployed stack deletes and recreates the resource (a database, say)."""
    from policypack.rules import rule_by_code_or_name
    from policypack.rules.base import FixSafety

    rule = rule_by_code_or_name("SG103")
    assert rule is not None and rule.autofix is not None
    assert rule.autofix.safety is FixSafety.UNSAFE
