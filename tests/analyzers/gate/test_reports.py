"""Every report format of the gate on the faulty stack, from one run: golden files, then each
format checked by its consumer's rules (SARIF schema and Multitool, a JUnit parser, GitLab's
documented Code Quality fields).

Regenerate the golden files after an intended change with
``STACKGUARD_UPDATE_GOLDEN=1 pytest tests/analyzers/gate/test_reports.py``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from policypack.rules import all_rules
from tests.analyzers.gate.conftest import FIXTURES, check, copy_program

GOLDEN = Path(__file__).parent / "golden"
FORMATS = {"text": "txt", "json": "json", "sarif": "sarif", "junit": "xml", "github": "github.txt",
           "gitlab": "gitlab.json", "markdown": "md"}
GHOST_URN = "urn:pulumi:dev::faulty-stack::awsx:ec2:Vpc$aws:ec2/vpc:Vpc::ghost-vpc"


@pytest.fixture(scope="module")
def run(runtime_results: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    """One gate run over the faulty stack with its runtime results (plus one violation on a
    resource no source creates), writing every format."""
    root = tmp_path_factory.mktemp("gate-reports")
    project = copy_program(FIXTURES / "faulty_stack", root / "faulty_stack")
    (root / ".git").mkdir()  # the repository root: report paths are relative to it
    results = json.loads(runtime_results["faulty_stack"].read_text(encoding="utf-8"))
    results["violations"].append({
        "code": "SG101", "policy": "resource-outside-component", "enforcement": "advisory", "urn": GHOST_URN,
        "type": "aws:ec2/vpc:Vpc", "name": "ghost-vpc", "parent": "",
        "message": "[SG101] aws:ec2/vpc:Vpc 'ghost-vpc' is created at the stack root."})
    (project / "runtime-results.json").write_text(json.dumps(results), encoding="utf-8")
    args = [".", "--runtime-results", "runtime-results.json"]
    for name, suffix in FORMATS.items():
        args += ["--report", f"{name}:out/report.{suffix}"]
    (project / "out").mkdir()
    code, out, err = check(args, project)
    return project / "out", code, out + err


def normalized(name: str, text: str, out: Path) -> str:
    root = out.parent.parent
    text = text.replace(root.resolve().as_uri(), "file:///REPOSITORY").replace(str(root), "/REPOSITORY")
    if name == "sarif":  # the rule descriptors are the catalog's docs, pinned by test_sarif.py
        log = json.loads(text)
        for run in log["runs"]:
            # Which rules are described, and where, follows the catalog: checked here, kept out of
            # the golden file so that adding a rule does not change it.
            ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
            assert ids == [rule.code for rule in all_rules() if rule.static]
            run["tool"]["driver"]["rules"] = "<every static rule of the catalog>"
            for result in run["results"]:
                if "ruleIndex" in result:
                    assert ids[result.pop("ruleIndex")] == result["ruleId"]
        text = json.dumps(log, indent=2, ensure_ascii=False) + "\n"
    return text


@pytest.mark.parametrize("name", FORMATS)
def test_golden(run, name: str) -> None:
    out, code, output = run
    assert code == 1 and output == "", output
    actual = normalized(name, (out / f"report.{FORMATS[name]}").read_text(encoding="utf-8"), out)
    golden = GOLDEN / f"faulty_stack.{FORMATS[name]}"
    if os.environ.get("STACKGUARD_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8")


def load(run, name: str):
    return (run[0] / f"report.{FORMATS[name]}").read_text(encoding="utf-8")


def test_sarif_is_valid_and_places_runtime_findings(run, tmp_path: Path) -> None:
    from tests.analyzers.test_sarif import expected_warnings, multitool_problems, validator

    log = json.loads(load(run, "sarif"))
    validator().validate(log)
    results = log["runs"][0]["results"]
    both = [r for r in results if r["properties"]["detectors"] == ["static", "runtime"]]
    assert {r["ruleId"] for r in both} == {"SG101", "SG201", "SG301", "SG302", "SG303"} and len(both) == 19
    sg201 = next(r for r in both if r["ruleId"] == "SG201")
    assert sg201["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "faulty_stack/__main__.py"
    assert sg201["locations"][0]["physicalLocation"]["region"]["startLine"] == 88
    assert sg201["properties"]["urns"] == ["urn:pulumi:dev::faulty-stack::aws:rds/instance:Instance::postgres-db"]
    [ghost] = [r for r in results if r["properties"].get("sourceLocation") == "unmapped"]
    assert ghost["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "faulty_stack/Pulumi.yaml"
    assert GHOST_URN in ghost["message"]["text"] and ghost["properties"]["urns"] == [GHOST_URN]
    fingerprints = [r["partialFingerprints"]["stackguardFingerprint/v1"] for r in results]
    assert len(set(fingerprints)) == len(fingerprints) == 20
    sarif_file = tmp_path / "gate.sarif"
    sarif_file.write_text(load(run, "sarif"), encoding="utf-8")
    problems = multitool_problems(sarif_file, tmp_path)
    assert [p for p in problems if p[0] == "error"] == []
    assert {rule for level, rule, _ in problems if level == "warning"} <= expected_warnings()


def test_junit_parses_with_a_junit_parser(run) -> None:
    from junitparser import Failure, JUnitXml

    xml = JUnitXml.fromstring(load(run, "junit"))
    [suite] = list(xml)
    assert (suite.name, suite.tests, suite.failures, suite.errors) == ("stackguard", 20, 20, 0)
    cases = list(suite)
    assert all(isinstance(case.result[0], Failure) for case in cases)
    assert {case.classname for case in cases} == {"__main__.py", "Pulumi.yaml"}
    ghost = next(case for case in cases if case.classname == "Pulumi.yaml")
    assert GHOST_URN in ghost.result[0].message


def test_gitlab_has_the_documented_fields(run) -> None:
    issues = json.loads(load(run, "gitlab"))
    assert isinstance(issues, list) and len(issues) == 20
    for issue in issues:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert isinstance(issue["description"], str) and issue["description"]
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert isinstance(issue["location"]["path"], str)
        assert isinstance(issue["location"]["lines"]["begin"], int) and issue["location"]["lines"]["begin"] >= 1
        assert re.fullmatch(r"[0-9a-f]{32}", issue["fingerprint"])
    assert len({issue["fingerprint"] for issue in issues}) == 20
    ghost = next(issue for issue in issues if GHOST_URN in issue["description"])
    assert ghost["location"] == {"path": "faulty_stack/Pulumi.yaml", "lines": {"begin": 1, "end": 1}}


def test_the_fingerprints_are_the_baseline_keys_not_line_numbers(run) -> None:
    results = json.loads(load(run, "sarif"))["runs"][0]["results"]
    sarif = {result["partialFingerprints"]["stackguardFingerprint/v1"] for result in results}
    gitlab = {issue["fingerprint"] for issue in json.loads(load(run, "gitlab"))}
    gate = {f["fingerprint"] for f in json.loads(load(run, "json"))["findings"]}
    assert sarif == gitlab == gate
