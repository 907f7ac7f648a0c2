"""The catalog in code, the catalog contract, and the rendered docs agree."""

from pathlib import Path

from policypack import docs
from policypack.rules import all_rules
from policypack.rules.base import Detector

REPO = Path(__file__).resolve().parents[2]

# The rule catalog contract (code, name, default severity, runtime, static): the
# contracted rules never change. Rules added since need no entry here: the
# catalog (policypack.rules.all_rules) is the only list of rules.
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
def test_code_catalog_matches_the_contract() -> None:
    in_code = {
        (r.code, r.name, r.severity.value, Detector.RUNTIME in r.detectors, Detector.STATIC in r.detectors)
        for r in all_rules()
    }
    assert in_code >= CONTRACT, sorted(CONTRACT - in_code)


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
