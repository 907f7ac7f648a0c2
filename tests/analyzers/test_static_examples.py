"""Every rule's examples, through the static analyzer (the Fixit pattern).

For each rule the analyzer reports, each example meant for the static
detector is linted as a one-file project's ``__main__.py`` through the same
pipeline as a run (``runner.lint_sources``: analysis, rule options,
suppressions); the findings of that rule must name exactly the example's
``flagged`` subjects (logical names; class names for SG102; ``line N`` for
SG000; the unused code for SG001). Good examples must produce no finding of
the rule. The one kind of rule a single file can't show, a finding about the
file tree (SG002's links), runs its examples as built trees in
test_discovery_examples.py; every other static rule runs here, so a rule's
examples are the evidence of its static detector.
"""

from __future__ import annotations

import pytest

from analyzers.config import Config
from analyzers.runner import lint_sources
from policypack.rules import all_rules
from policypack.rules.base import Detector, Example, Rule
from tests.support.examples import runs_as_tree


def _cases() -> list[tuple[Rule, Example]]:
    cases = []
    for rule in all_rules():
        if not rule.static or runs_as_tree(rule):
            continue
        for kind, examples in (("bad", rule.bad), ("good", rule.good)):
            for index, example in enumerate(examples):
                if Detector.STATIC in example.detectors:
                    cases.append(pytest.param(rule, example, id=f"{rule.code}-{kind}-{index}"))
    return cases


@pytest.mark.parametrize(("rule", "example"), _cases())
def test_example(rule: Rule, example: Example) -> None:
    findings = lint_sources({"__main__.py": example.code}, Config(options={rule.code: dict(example.config)}))
    flagged = sorted({name for finding in findings if finding.code == rule.code
                      for name in finding.instances or (finding.subject,)})  # folded: every instance
    assert flagged == sorted(example.flagged), [f.message for f in findings if f.code == rule.code]
    for finding in findings:
        assert finding.path == "__main__.py"
        assert finding.message.startswith(f"[{finding.code}]")
