"""The faulty fixture programs run under capture, and their manifests name real resources."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

pytest.importorskip("pulumi_aws")

from policypack.harness import capture_program_detailed

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PROGRAMS = sorted(p.parent for p in FIXTURES.rglob("Pulumi.yaml"))
CATALOG_CODES = {"SG000", "SG101", "SG102", "SG103", "SG201", "SG202", "SG203",
                 "SG301", "SG302", "SG303", "SG304", "SG305", "SG306", "SG401", "SG402", "SG403", "SG404"}


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


def test_every_catalog_rule_is_triggered_somewhere():
    triggered: set[str] = set()
    for path in FIXTURES.rglob("expected.json"):
        data = json.loads(path.read_text())
        for detector in ("runtime", "static"):
            triggered |= set(data[detector] or {})
    assert triggered == CATALOG_CODES


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
