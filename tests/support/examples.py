"""A rule's examples are its evidence: what each detector must be shown, and how it is shown.

Every example runs through each detector it is meant for: the runtime ones as
real programs through the policy pack (tests/policypack/rules/test_runtime_examples.py),
the static ones through ``runner.lint_sources`` (tests/analyzers/test_static_examples.py),
except a rule whose findings are about the file tree rather than a file's
text — its check runs in ``analyzers.runner``'s discovery, which needs files
on disk — whose examples are built as trees (tests/analyzers/test_discovery_examples.py).
"""

from __future__ import annotations

from policypack.rules import all_rules
from policypack.rules.base import Rule

# Checks ``runner.run`` makes while it walks the project, before any file is read.
_DISCOVERY = "analyzers.runner:"


def runs_as_tree(rule: Rule) -> bool:
    """Whether the rule's static examples must be built as a file tree and linted by a full run."""
    return rule.static_check.startswith(_DISCOVERY)


def missing_evidence(rule: Rule) -> list[str]:
    """What the rule lacks to show each of its detectors a fault and a clean program, in words."""
    missing = [f"a {kind} example for the {detector.value} detector"
               for detector in sorted(rule.detectors)
               for kind, examples in (("bad", rule.bad), ("good", rule.good))
               if not any(detector in example.detectors for example in examples)]
    missing += [f"a flagged name in bad example {index}" for index, example in enumerate(rule.bad)
                if not example.flagged]
    missing += [f"good example {index} to flag nothing" for index, example in enumerate(rule.good)
                if example.flagged]
    return missing


def example_programs() -> list[tuple[str, str]]:
    """Every example of every rule as (label, program text): the programs tests compare two
    ways of analysing on (they must give the same graph, or the same findings)."""
    return [(f"{rule.code}-{kind}-{position}", example.code)
            for rule in all_rules()
            for kind, examples in (("bad", rule.bad), ("good", rule.good))
            for position, example in enumerate(examples)]
