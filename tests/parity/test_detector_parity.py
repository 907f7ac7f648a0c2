"""Both detectors on the same programs: the reference stack and the faulty fixtures.

Each fixture's ``expected.json`` names, per rule code, the resources the policy
pack (runtime) and the analyzer (static) must report. Where a rule has both
forms, the two detectors must name the same resources — the parity the shared
knowledge core is meant to give by construction.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from analyzers.runner import RunOptions, run
from policypack.crossguard.local import analyze_stack
from policypack.harness import capture_program, to_analyze_stack_request
from policypack.rules import all_rules
from policypack.rules.base import Detector

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
PROGRAMS = sorted(path.parent for path in FIXTURES.rglob("expected.json"))
RUNNABLE = [p for p in PROGRAMS if json.loads((p / "expected.json").read_text())["runtime"] is not None]
BOTH_FORMS = {r.code for r in all_rules() if r.detectors == frozenset(Detector)}


@pytest.fixture(autouse=True)
def strict(monkeypatch):
    monkeypatch.setenv("STACKGUARD_STRICT", "1")


def runtime_findings(program: Path, *, preview: bool) -> dict[str, list[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for result in analyze_stack(to_analyze_stack_request(capture_program(program, preview=preview))):
        found[result.code].add(result.name)
    return {code: sorted(names) for code, names in found.items()}


def static_findings(program: Path) -> dict[str, list[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for finding in run(RunOptions(paths=[program], use_cache=False)).findings:
        if finding.code == "SG000":  # about the file, not a resource
            found[finding.code].add(Path(finding.path).name)
        elif finding.code != "SG001":
            found[finding.code].add(finding.subject)
    return {code: sorted(names) for code, names in found.items()}


def expectation(program: Path) -> dict:
    return json.loads((program / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("program", RUNNABLE, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_runtime_findings_match_the_manifest(program: Path) -> None:
    expected = expectation(program)["runtime"]
    assert runtime_findings(program, preview=False) == expected
    assert runtime_findings(program, preview=True) == expected


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_static_findings_match_the_manifest(program: Path) -> None:
    assert static_findings(program) == expectation(program)["static"]


@pytest.mark.parametrize("program", RUNNABLE, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_rules_with_both_forms_name_the_same_resources(program: Path) -> None:
    runtime = {c: n for c, n in runtime_findings(program, preview=False).items() if c in BOTH_FORMS}
    static = {c: n for c, n in static_findings(program).items() if c in BOTH_FORMS}
    # SG103 (static) reports a component child without parent=self that the engine sees at the root (SG101).
    sg103 = set(static_findings(program).get("SG103", ()))
    runtime_sg101 = set(runtime.pop("SG101", ())) - sg103
    if runtime_sg101:
        runtime["SG101"] = sorted(runtime_sg101)
    assert static == runtime


def test_reference_stack_is_clean_in_both_detectors() -> None:
    reference = REPO / "reference_stack"
    assert runtime_findings(reference, preview=False) == {}
    assert runtime_findings(reference, preview=True) == {}
    assert static_findings(reference) == {}


def _broken_copy(tmp_path: Path, module: str, old: str, new: str) -> Path:
    copy = tmp_path / "reference_stack"
    shutil.copytree(REPO / "reference_stack", copy)
    source = copy / "components" / module
    text = source.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {module}: update this test with the reference stack"
    source.write_text(text.replace(old, new), encoding="utf-8")
    return copy


def test_changing_the_engine_version_alone_trips_sg201(tmp_path: Path) -> None:
    broken = _broken_copy(tmp_path, "database.py", "engine_version=args.engine_version,",
                          'engine_version="16.4",')
    for preview in (False, True):
        runtime = runtime_findings(broken, preview=preview)
        assert set(runtime) == {"SG201"} and len(runtime["SG201"]) == 1


def test_dropping_the_permission_trips_sg301_in_both_detectors(tmp_path: Path) -> None:
    broken = _broken_copy(tmp_path, "serverless.py", "aws.lambda_.Permission(", "(lambda *args, **kwargs: None)(")
    runtime = runtime_findings(broken, preview=True)
    static = static_findings(broken)
    assert set(runtime) == {"SG301"} and set(static) == {"SG301"}
    # The integration's logical name is an f-string of the component's name: the
    # analyzer reports the call site, the engine the resolved name.
    assert len(runtime["SG301"]) == len(static["SG301"]) == 1
    assert runtime["SG301"][0].endswith("-items-integration")
