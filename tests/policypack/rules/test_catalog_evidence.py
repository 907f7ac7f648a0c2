"""A rule's examples are its required evidence, for each detector it has; fixtures are not.

The committed fixture programs (tests/fixtures/) are integration tests of
both detectors on whole stacks (tests/parity/); no rule has to appear in one.
"""

from __future__ import annotations

import pytest

from policypack.rules import all_rules
from policypack.rules.base import Detector, Example, Rule, Severity
from tests.support.examples import missing_evidence


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_rule_has_a_bad_and_a_good_example_for_each_detector(rule: Rule) -> None:
    missing = missing_evidence(rule)
    assert not missing, f"{rule.code} {rule.name} lacks {'; '.join(missing)}"


def _rule(bad: tuple[Example, ...], good: tuple[Example, ...]) -> Rule:
    return Rule(code="SG999", name="made-up-rule", severity=Severity.ERROR, summary="s", why="w", fix="f",
                bad=bad, good=good, no_autofix="none")


STATIC = frozenset({Detector.STATIC})
RUNTIME = frozenset({Detector.RUNTIME})


def test_examples_for_each_detector_are_all_a_rule_needs() -> None:
    # No fixture program names SG999: its examples alone are its evidence.
    assert missing_evidence(_rule((Example("bad", ("a",)),), (Example("good"),))) == []


def test_a_missing_example_is_named_by_kind_and_detector() -> None:
    rule = _rule((Example("bad", ("a",)),), (Example("good", detectors=RUNTIME),))
    assert missing_evidence(rule) == ["a good example for the static detector"]
    rule = _rule((Example("bad", ("a",), detectors=STATIC),), (Example("good", detectors=STATIC),))
    assert missing_evidence(rule) == ["a bad example for the runtime detector",
                                      "a good example for the runtime detector"]


def test_a_bad_example_that_flags_nothing_and_a_good_one_that_flags_are_named() -> None:
    rule = _rule((Example("bad", ("a",)), Example("bad")), (Example("good", ("b",)), Example("good")))
    assert missing_evidence(rule) == ["a flagged name in bad example 1", "good example 0 to flag nothing"]


def test_every_family_is_titled_once_by_its_first_rule() -> None:
    """The docs' family table comes from ``Rule.family``: a new block starts in its rule module."""
    blocks: dict[str, list[str]] = {}
    for rule in all_rules():
        blocks.setdefault(rule.code[:3], []).append(rule.code)
    titled = {rule.code[:3]: rule.code for rule in all_rules() if rule.family}
    problems = [f"{block}xx: its first rule {codes[0]} should set family= (titled by {titled.get(block)})"
                for block, codes in blocks.items() if titled.get(block) != codes[0]]
    problems += [f"{rule.code} sets family= but {titled[rule.code[:3]]} titles the block"
                 for rule in all_rules() if rule.family and titled[rule.code[:3]] != rule.code]
    assert not problems, "\n".join(problems)
