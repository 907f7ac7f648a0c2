"""SARIF 2.1.0 output: the official schema, the SARIF Multitool's validator, and the fields viewers read."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest

from analyzers.reporters import Report, renderer
from analyzers.reporters.sarif import FINGERPRINT_KEY, SRCROOT, project_urls
from policypack.rules import all_rules
from policypack.rules.base import Severity
from tests.analyzers.reporters.conftest import SCHEMAS, sample_findings

REPO = Path(__file__).resolve().parents[2]


def sarif_of(tmp_path: Path, findings=None, cwd: Path | None = None) -> dict:
    chosen = sample_findings() if findings is None else findings
    report = Report(chosen, sorted({f.path for f in chosen}), Severity.WARNING, "0.1.0", cwd or tmp_path, tmp_path)
    return json.loads(renderer("sarif")(report))


def validator() -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / "sarif-2.1.0.json").read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_valid_against_the_official_schema(tmp_path: Path) -> None:
    validator().validate(sarif_of(tmp_path))
    validator().validate(sarif_of(tmp_path, findings=[]))


def test_schema_check_has_teeth(tmp_path: Path) -> None:
    log = sarif_of(tmp_path)
    log["runs"][0]["results"][0]["level"] = "fatal"
    log["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert len(list(validator().iter_errors(log))) == 2


def test_driver_and_rules_come_from_the_catalog(tmp_path: Path) -> None:
    driver = sarif_of(tmp_path)["runs"][0]["tool"]["driver"]
    assert driver["name"] == "stackguard" and driver["version"] == "0.1.0"
    static = [rule for rule in all_rules() if rule.static]
    assert [rule["id"] for rule in driver["rules"]] == [rule.code for rule in static]
    sg201 = next(rule for rule in driver["rules"] if rule["id"] == "SG201")
    catalog = next(rule for rule in static if rule.code == "SG201")
    assert sg201["name"] == "RdsParameterGroupFamilyMismatch"
    assert sg201["shortDescription"]["text"] == catalog.summary
    assert sg201["fullDescription"]["text"] == catalog.why
    assert sg201["help"]["markdown"] == catalog.markdown()
    assert "`" not in sg201["help"]["text"] and catalog.fix.replace("`", "") in sg201["help"]["text"]
    assert sg201["defaultConfiguration"]["level"] == "error"
    sg001 = next(rule for rule in driver["rules"] if rule["id"] == "SG001")
    assert sg001["defaultConfiguration"]["level"] == "note"


def test_rule_tags_and_security_severity_for_code_scanning(tmp_path: Path) -> None:
    rules = {rule["id"]: rule for rule in sarif_of(tmp_path)["runs"][0]["tool"]["driver"]["rules"]}
    for rule in all_rules():
        if rule.static:
            tags = rules[rule.code]["properties"]["tags"]
            assert rule.name in tags and set(rule.tags) <= set(tags) and rule.tags, rule.code
    assert rules["SG305"]["properties"]["security-severity"] == "7.5"
    assert "security" in rules["SG305"]["properties"]["tags"]
    assert "security-severity" not in rules["SG201"]["properties"]
    assert {"rds", "correctness"} <= set(rules["SG201"]["properties"]["tags"])


def test_information_and_help_uris_point_at_the_rule_docs(tmp_path: Path, monkeypatch) -> None:
    from analyzers.reporters import sarif

    urls = {"homepage": "https://example.test/stackguard", "documentation": "https://example.test/docs/"}
    monkeypatch.setattr(sarif, "project_urls", lambda: urls)
    log = sarif_of(tmp_path)
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == "https://example.test/stackguard"
    sg304 = next(rule for rule in driver["rules"] if rule["id"] == "SG304")
    assert sg304["helpUri"] == "https://example.test/docs/rules.md#sg304-apigateway-deployment-missing-dependencies"
    validator().validate(log)


def test_results_locations_and_fingerprints(tmp_path: Path) -> None:
    run = sarif_of(tmp_path)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["originalUriBaseIds"][SRCROOT]["uri"] == tmp_path.resolve().as_uri() + "/"
    first, second, _ = run["results"]
    assert rules[first["ruleIndex"]]["id"] == first["ruleId"] == "SG201"
    assert [r["level"] for r in run["results"]] == ["error", "warning", "note"]
    assert first["message"]["text"].startswith("[SG201] Instance 'db'")
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "infra/db.py", "uriBaseId": SRCROOT}
    assert location["region"] == {"startLine": 4, "startColumn": 6, "endLine": 13, "endColumn": 2}
    assert first["partialFingerprints"] == {FINGERPRINT_KEY: sample_findings()[0].fingerprint}
    # URIs are percent-encoded
    assert second["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "infra/100%25%20done%2C%20really%3A%20yes.py")


def test_uris_are_relative_to_the_repository_root_not_the_cwd(tmp_path: Path) -> None:
    (tmp_path / "deploy").mkdir()
    run = sarif_of(tmp_path, cwd=tmp_path / "deploy")["runs"][0]
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "deploy/infra/db.py"


def multitool() -> Path:
    """The SARIF Multitool from npm, installed by scripts/install-test-tools (cached in .cache/)."""
    done = subprocess.run(
        ["bash", str(REPO / "scripts" / "install-test-tools"), "--print-bin-dir"],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip().splitlines()[-1]) / "sarif-multitool"


def multitool_problems(sarif_file: Path, tmp_path: Path) -> list[tuple[str, str, str]]:
    """Validate with the SARIF Multitool; return its (level, rule, message) results."""
    out = tmp_path / "validation.sarif"
    done = subprocess.run(
        [str(multitool()), "validate", str(sarif_file), "--output", str(out), "--log", "ForceOverwrite"],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Analysis completed successfully" in done.stdout
    validation = json.loads(out.read_text(encoding="utf-8-sig"))
    return [
        (result.get("level", "warning"), result["ruleId"], result["message"].get("text", ""))
        for run in validation["runs"]
        for result in run.get("results", [])
    ]


def expected_warnings() -> set[str]:
    # SARIF2005 asks for driver.informationUri, which comes from the distribution's
    # [project.urls]; without one the tool has no page to point at.
    return set() if project_urls() else {"SARIF2005"}


@pytest.mark.parametrize("findings", [None, []], ids=["findings", "clean"])
def test_sarif_multitool_validates(tmp_path: Path, findings) -> None:
    sarif_file = tmp_path / "out.sarif"
    sarif_file.write_text(json.dumps(sarif_of(tmp_path, findings=findings)))
    problems = multitool_problems(sarif_file, tmp_path)
    assert [p for p in problems if p[0] == "error"] == []
    assert {rule for level, rule, _ in problems if level == "warning"} <= expected_warnings()


def test_sarif_multitool_reports_a_broken_log(tmp_path: Path) -> None:
    log = sarif_of(tmp_path)
    log["runs"][0]["results"][0]["ruleIndex"] = 99  # points past driver.rules
    sarif_file = tmp_path / "broken.sarif"
    sarif_file.write_text(json.dumps(log))
    problems = multitool_problems(sarif_file, tmp_path)
    assert any(level == "error" for level, _, _ in problems), problems


def test_a_real_run_validates(tmp_path: Path, monkeypatch) -> None:
    """The whole CLI on the faulty fixtures (every rule, a parse error, an unused noqa)."""
    import shutil

    from analyzers import cli

    shutil.copytree(REPO / "tests" / "fixtures" / "faulty_stack", tmp_path / "faulty_stack")
    shutil.copytree(REPO / "tests" / "fixtures" / "faulty_variants", tmp_path / "faulty_variants")
    shutil.copytree(REPO / "tests" / "fixtures" / "syntax_error", tmp_path / "syntax_error")
    (tmp_path / "faulty_stack" / "extra.py").write_text("x = 1  # noqa: SG203\n")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["lint", "--no-cache", "--format", "sarif", "--output", "out.sarif", "."]) == 1
    log = json.loads((tmp_path / "out.sarif").read_text())
    validator().validate(log)
    results = log["runs"][0]["results"]
    assert {"SG000", "SG001", "SG101", "SG201", "SG301"} <= {result["ruleId"] for result in results}
    for result in results:
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == SRCROOT
        assert (tmp_path / location["artifactLocation"]["uri"]).is_file()
    problems = multitool_problems(tmp_path / "out.sarif", tmp_path)
    assert [p for p in problems if p[0] == "error"] == []
    assert {rule for level, rule, _ in problems if level == "warning"} <= expected_warnings()
