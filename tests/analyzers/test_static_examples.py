"""Every rule's examples, through the static analyzer (the Fixit pattern).

For each rule the analyzer reports, each example meant for the static
detector is written to a temporary project as ``__main__.py``, summarized and
analyzed; the findings of that rule must name exactly the example's
``flagged`` subjects (logical names; class names for SG102; ``line N`` for
SG000). Good examples must produce no finding of the rule.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzers.project import analyze, summarize_file
from policypack.rules import all_rules
from policypack.rules.base import Detector, Example, Rule

# Rules the CLI layer implements on top of analyze(): suppression bookkeeping (SG001,
# test_suppressions_examples.py) and discovery (SG002, test_discovery_examples.py).
# Their static_check lives outside analyzers.static_rules.
_NOT_FROM_ANALYZE = {r.code for r in all_rules()
                     if r.static_check and not r.static_check.startswith("analyzers.static_rules.")}


def _cases() -> list[tuple[Rule, Example]]:
    cases = []
    for rule in all_rules():
        if not rule.static or rule.code in _NOT_FROM_ANALYZE:
            continue
        for kind, examples in (("bad", rule.bad), ("good", rule.good)):
            for index, example in enumerate(examples):
                if Detector.STATIC in example.detectors:
                    cases.append(pytest.param(rule, example, id=f"{rule.code}-{kind}-{index}"))
    return cases


@pytest.mark.parametrize(("rule", "example"), _cases())
def test_example(rule: Rule, example: Example, tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: example\nruntime: python\n")
    main = tmp_path / "__main__.py"
    main.write_text(example.code)
    summary = summarize_file("__main__.py", main.read_bytes())
    findings = analyze([summary], {rule.code: dict(example.config)}, project="example")
    flagged = sorted({name for finding in findings if finding.code == rule.code
                      for name in finding.instances or (finding.subject,)})  # folded: every instance
    assert flagged == sorted(example.flagged), [f.message for f in findings if f.code == rule.code]
    for finding in findings:
        assert finding.path == "__main__.py"
        assert finding.message.startswith(f"[{finding.code}]")
