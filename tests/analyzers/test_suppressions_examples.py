"""SG001's own examples, through the real front end and the full lint pipeline.

SG001 is produced after analysis (by analyzers.suppressions), so its examples
run through ``runner.lint_sources`` rather than ``analyze`` alone: each bad
example flags exactly ``example.flagged`` (the unused codes), each good one
nothing.
"""

from __future__ import annotations

import pytest

from analyzers.runner import lint_sources
from policypack.rules.sg001_unused_suppression import RULE

CASES = [
    pytest.param(example, id=f"{kind}-{index}")
    for kind, examples in (("bad", RULE.bad), ("good", RULE.good))
    for index, example in enumerate(examples)
]


@pytest.mark.parametrize("example", CASES)
def test_example(example) -> None:
    findings = lint_sources({"__main__.py": example.code})
    flagged = tuple(sorted(f.subject for f in findings if f.code == RULE.code))
    assert flagged == example.flagged, [f.message for f in findings]


def test_the_in_use_suppression_really_silences_a_finding() -> None:
    # Without its comment the good example's program has the SG201 finding it suppresses.
    good = RULE.good[0].code
    assert "SG201" not in {f.code for f in lint_sources({"__main__.py": good})}
    bare = good.replace("  # noqa: SG201", "")
    assert "SG201" in {f.code for f in lint_sources({"__main__.py": bare})}
