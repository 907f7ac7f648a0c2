"""The catalog in code, the catalog contract, and the rendered docs agree."""

from pathlib import Path

from policypack import docs
from policypack.rules import all_rules
from policypack.rules.base import Detector

REPO = Path(__file__).resolve().parents[2]

# The rule catalog contract (code, name, default severity, runtime, static).
CONTRACT = {
    ("SG000", "parse-error", "error", False, True),
    ("SG101", "resource-outside-component", "warning", True, True),
    ("SG102", "component-missing-register-outputs", "warning", False, True),
    ("SG103", "component-child-missing-parent", "warning", False, True),
    ("SG201", "rds-parameter-group-family-mismatch", "error", True, True),
    ("SG202", "rds-engine-version-end-of-support", "warning", True, True),
    ("SG203", "rds-option-group-engine-mismatch", "error", True, True),
    ("SG301", "apigateway-lambda-permission-missing", "error", True, True),
    ("SG302", "apigateway-rest-api-missing-deployment", "error", True, True),
    ("SG303", "apigateway-missing-stage", "error", True, True),
    ("SG304", "apigateway-deployment-missing-dependencies", "error", True, True),
    ("SG305", "lambda-permission-source-unscoped", "error", True, True),
    ("SG306", "apigateway-stage-deployment-mismatch", "error", True, True),
}
# Rules added after the contract was written (next free number in their block).
ADDITIONS = {
    ("SG001", "unused-suppression", "info", False, True),
    ("SG002", "symlink-outside-project", "info", False, True),
    ("SG401", "unknown-resource-argument", "error", False, True),
    ("SG402", "removed-resource-argument", "error", False, True),
    ("SG403", "deprecated-resource-argument", "warning", True, True),
    ("SG404", "argument-type-mismatch", "error", False, True),
}


def test_code_catalog_matches_the_contract() -> None:
    in_code = {
        (r.code, r.name, r.severity.value, Detector.RUNTIME in r.detectors, Detector.STATIC in r.detectors)
        for r in all_rules()
    }
    assert in_code - ADDITIONS == CONTRACT


def test_codes_and_names_are_unique_and_well_formed() -> None:
    rules = all_rules()
    assert len({r.code for r in rules}) == len(rules) == len({r.name for r in rules})
    for rule in rules:
        assert rule.code[:2] == "SG" and rule.code[2:].isdigit() and len(rule.code) == 5
        assert rule.name == rule.name.lower() and " " not in rule.name
        assert rule.summary and rule.why and rule.fix and rule.bad and rule.good


def test_docs_file_is_up_to_date() -> None:
    assert docs.DOCS_PATH.read_text(encoding="utf-8") == docs.render_all(), (
        "docs/rules.md is stale: run `python -m policypack.docs`")


def test_readme_rule_table_is_up_to_date() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert docs.catalog_table() in readme
    assert docs.with_generated_tables(readme) == readme, "README tables are stale: run `make docs`"
