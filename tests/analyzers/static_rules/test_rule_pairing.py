"""A rule lives in one place: each source-reading rule names its static implementation, and only it does.

The core cannot import the analyzer, so a rule names its check as a string
(``Rule.static_check``, "module:function"); these tests keep the names true in
both directions.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from analyzers.static_rules import source_checks
from policypack.rules import all_rules
from policypack.rules.base import Rule

STATIC_RULES = Path(__file__).resolve().parents[3] / "analyzers" / "static_rules"
CHECK_MODULES = sorted(p.stem for p in STATIC_RULES.glob("sg[0-9][0-9][0-9]_*.py"))
NAMING = [r for r in all_rules() if r.static_check]


@pytest.mark.parametrize("rule", NAMING, ids=lambda r: r.code)
def test_the_named_check_exists(rule: Rule):
    module, _, function = rule.static_check.partition(":")
    assert function, f"{rule.code}: static_check {rule.static_check!r} is not 'module:function'"
    try:
        loaded = importlib.import_module(module)
    except ImportError:
        pytest.fail(f"{rule.code}: static_check names {module}, which does not exist")
    assert callable(getattr(loaded, function, None)), f"{rule.code}: {module} has no function {function}"


@pytest.mark.parametrize("module", CHECK_MODULES)
def test_every_static_rules_module_is_named_by_exactly_one_rule(module: str):
    naming = [r.code for r in all_rules() if r.static_check.partition(":")[0] == f"analyzers.static_rules.{module}"]
    assert len(naming) == 1, f"analyzers/static_rules/{module}.py is named by {naming or 'no rule'}"
    rule = next(r for r in all_rules() if r.code == naming[0])
    assert module.startswith(rule.code.lower() + "_"), f"{module} implements {rule.code}: name them alike"


@pytest.mark.parametrize("rule", [r for r in all_rules() if r.static and r.check is None], ids=lambda r: r.code)
def test_a_static_rule_without_a_graph_check_names_its_implementation(rule: Rule):
    assert rule.static_check, f"{rule.code} reads source but names no static_check"


def test_source_checks_are_the_named_ones():
    named = {r.code for r in NAMING if r.static_check.startswith("analyzers.static_rules.")}
    assert named and set(source_checks()) == named
