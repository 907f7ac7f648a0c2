"""Before/after programs for every fixable rule (tests/fixtures/fixes/<code>/<case>/).

Each case is fixed for its rule only, with unsafe fixes allowed, and must give
exactly the files in ``after/``: the edit the way the case shows it, and every
character outside it (formatting, comments) as it was. A second run changes
nothing, and the fixed program has no finding of the rule and no new finding
(but SG101 on resources inserted next to neighbours at the stack root).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from analyzers.fixes import registry
from tests.support.fixing import findings, fix, read_tree

GOLDEN = Path(__file__).resolve().parents[2] / "fixtures" / "fixes"
CASES = sorted(GOLDEN.glob("SG*/*"))


def _ids(findings_: list) -> Counter:
    return Counter((f.code, f.path, f.subject) for f in findings_)


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.parent.name}-{case.name}")
def test_fix_gives_the_golden_program(case: Path) -> None:
    code = case.parent.name
    before, after = read_tree(case / "before"), read_tree(case / "after")
    assert set(before) == set(after)
    outcome = fix(before, {code})
    assert {**before, **outcome.fixed} == after
    assert outcome.fixed, "the case must need a fix"
    assert fix(after, {code}).fixed == {}, "a second --fix changed something"

    old, new = findings(before), findings(after)
    assert code in {f.code for f in old}
    assert code not in {f.code for f in new}
    appeared = _ids(new) - _ids(old)
    assert all(key[0] == "SG101" for key in appeared), appeared


def test_every_fixable_rule_has_four_golden_cases() -> None:
    counts = Counter(case.parent.name for case in CASES)
    assert set(counts) == registry.codes()
    assert min(counts.values()) >= 4, counts
