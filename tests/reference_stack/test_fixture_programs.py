"""The faulty fixture programs run under capture, and their manifests name real resources.

The fixtures are integration tests (whole stacks through both detectors,
tests/parity/); a rule's required evidence is its own examples
(tests/policypack/rules/test_catalog_evidence.py), so no rule must appear here.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

pytest.importorskip("pulumi_aws")

from policypack.harness import capture_program_detailed
from policypack.rules import all_rules
from policypack.rules.base import Detector

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PROGRAMS = sorted(p.parent for p in FIXTURES.rglob("Pulumi.yaml"))


def manifest(directory: Path) -> dict:
    return json.loads((directory / "expected.json").read_text())


def test_fixture_programs_are_found():
    names = {p.relative_to(FIXTURES).as_posix() for p in PROGRAMS}
    assert "faulty_stack" in names
    assert len(names) == 9


@pytest.mark.parametrize("preview", [False, True], ids=["deploy", "preview"])
@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_program_runs_and_runtime_names_exist(program: Path, preview: bool):
    capture = capture_program_detailed(program, preview=preview)
    names = {r.name for r in capture.resources if r.custom}
    for code, flagged in (manifest(program)["runtime"] or {}).items():
        assert set(flagged) <= names, f"{program.name} {code}: {set(flagged) - names} not registered"


def _triggered(detector: Detector) -> set[str]:
    """Codes some fixture's expected.json lists under ``detector`` ("runtime" / "static")."""
    codes: set[str] = set()
    for path in FIXTURES.rglob("expected.json"):
        codes |= set(json.loads(path.read_text())[detector.value] or {})
    return codes


def test_fixtures_name_only_catalog_rules():
    known = {r.code for r in all_rules()}
    assert _triggered(Detector.RUNTIME) | _triggered(Detector.STATIC) <= known


def test_faulty_stack_is_flat_and_procedural():
    capture = capture_program_detailed(FIXTURES / "faulty_stack")
    assert [r.type for r in capture.resources if not r.custom] == ["pulumi:pulumi:Stack"]
    types = {r.type for r in capture.resources}
    assert "aws:apigateway/integration:Integration" in types
    assert not types & {"aws:lambda/permission:Permission", "aws:apigateway/deployment:Deployment",
                        "aws:apigateway/stage:Stage"}
    flagged = manifest(FIXTURES / "faulty_stack")["runtime"]["SG101"]
    assert sorted(r.name for r in capture.resources if r.custom) == flagged


def test_syntax_error_fixture_does_not_parse():
    broken = FIXTURES / "syntax_error" / "broken.py"
    with pytest.raises(SyntaxError):
        ast.parse(broken.read_text())
    assert manifest(FIXTURES / "syntax_error")["static"] == {"SG000": ["broken.py"]}
