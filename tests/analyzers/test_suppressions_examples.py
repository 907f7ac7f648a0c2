"""SG001's examples, beyond what they show by themselves.

SG001 is produced after analysis (by analyzers.suppressions); its examples run
through ``runner.lint_sources`` with every other static rule's
(test_static_examples.py). Here: the comment its good example keeps really is
in use.
"""

from __future__ import annotations

from analyzers.runner import lint_sources
from policypack.rules.sg001_unused_suppression import RULE


def test_the_in_use_suppression_really_silences_a_finding() -> None:
    # Without its comment the good example's program has the SG201 finding it suppresses.
    good = RULE.good[0].code
    assert "SG201" not in {f.code for f in lint_sources({"__main__.py": good})}
    bare = good.replace("  # noqa: SG201", "")
    assert "SG201" in {f.code for f in lint_sources({"__main__.py": bare})}
