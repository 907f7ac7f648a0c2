"""Reports say which findings have an automatic fix, and whether it is safe."""

from __future__ import annotations

import json

from analyzers.reporters import FixInfo, Replacement, renderer
from tests.analyzers.reporters.conftest import sample_findings

SAFE = FixInfo("safe", "set the family to 'postgres17'",
               (Replacement("infra/db.py", 5, 12, 5, 24, '"postgres17"'),))
UNSAFE = FixInfo("unsafe", "add a Permission", (Replacement("infra/db.py", 14, 1, 14, 1, "x = 1\x1b\n"),))


def report(make_report):
    findings = sample_findings()
    return make_report(fixes={findings[0]: SAFE, findings[1]: UNSAFE})


def test_text_marks_each_finding_and_sums_up(make_report) -> None:
    lines = renderer("text")(report(make_report)).splitlines()
    assert lines[0].startswith("infra/db.py:4:6: SG201 [error] [fix] Instance 'db'")
    assert " SG101 [warning] [unsafe-fix] Bucket 'logs'" in lines[1]
    assert " SG001 [info] Unused suppression" in lines[2]
    assert lines[-1] == "[fix] 1 fixable with --fix; [unsafe-fix] 1 more with --fix --unsafe-fixes."
    assert "[fix]" not in renderer("text")(make_report())


def test_json_and_sarif_carry_the_edits(make_report) -> None:
    findings = json.loads(renderer("json")(report(make_report)))["findings"]
    assert findings[0]["fix"]["applicability"] == "safe" and findings[1]["fix"]["applicability"] == "unsafe"
    assert findings[1]["fix"]["edits"][0]["content"] == "x = 1\x1b\n"  # JSON escapes it
    assert "fix" not in findings[2]
    results = json.loads(renderer("sarif")(report(make_report)))["runs"][0]["results"]
    insertion = results[1]["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert insertion["deletedRegion"] == {"startLine": 14, "startColumn": 1, "endLine": 14, "endColumn": 1}
    assert results[1]["fixes"][0]["description"]["text"].endswith("[unsafe fix (--unsafe-fixes)]")
    assert "fixes" not in results[2]
