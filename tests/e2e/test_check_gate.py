"""`stackguard check --preview` with the real Pulumi CLI and engine (see test_preview.py, NOTES.md).

The gate runs `pulumi preview --policy-pack <this repo>` itself, reads the
results the pack writes (STACKGUARD_RESULTS), and maps every violation to the
line that creates its resource; a stack that doesn't exist and a program that
fails are tool errors (exit code 2) with the engine's message.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.test_preview import FIXTURES, REPO, Workspace, manifest

pytestmark = pytest.mark.e2e


def gate(workspace: Workspace, *args: str) -> subprocess.CompletedProcess:
    env = {**workspace.env, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "analyzers", "check", "--no-cache", *args], cwd=workspace.project,
                          env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600,
                          check=False)


def constructor_line(project: Path, name: str) -> int:
    for path in project.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
                    and node.args[0].value == name):
                return node.lineno
    raise AssertionError(f"no constructor call for {name!r}")


def test_the_reference_stack_passes_static_and_preview(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path, REPO / "reference_stack")
    done = gate(workspace, ".", "--preview", "--stack", "dev", "--report", "json")
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["passed"] and report["findings"] == []
    assert report["summary"]["runtime"] == {"source": "pulumi preview (stack dev)", "violations": 0, "mapped": 0,
                                            "ambiguous": 0, "unmapped": 0}


@pytest.mark.parametrize("program", ["faulty_stack", "faulty_variants/sg103_child_missing_parent"])
def test_every_runtime_violation_maps_to_its_line(tmp_path: Path, program: str) -> None:
    expected = manifest(FIXTURES / program)
    workspace = Workspace(tmp_path, FIXTURES / program)
    done = gate(workspace, ".", "--preview", "--report", "json", "--report", "sarif:gate.sarif")
    assert done.returncode == 1, done.stderr[-3000:]
    report = json.loads(done.stdout)
    runtime = report["summary"]["runtime"]
    assert runtime["violations"] == runtime["mapped"] == len(expected)
    found = {}
    for finding in report["findings"]:
        for urn in finding["urns"]:
            found[(finding["code"], urn.rsplit("::", 1)[-1])] = finding
    assert set(found) == expected
    for (code, name), finding in found.items():
        assert finding["line"] == constructor_line(workspace.project, name), (code, name)
        assert "runtime" in finding["detectors"]
    sarif = json.loads((workspace.project / "gate.sarif").read_text(encoding="utf-8"))
    assert len(sarif["runs"][0]["results"]) == len(report["findings"])


def test_a_stack_that_does_not_exist_is_a_tool_error(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path, REPO / "reference_stack")
    done = gate(workspace, ".", "--preview", "--stack", "no-such-stack")
    assert done.returncode == 2 and done.stdout == ""
    assert "before the policy pack ran" in done.stderr and "no-such-stack" in done.stderr
    assert done.stderr.count("\n") == 1


def test_a_program_that_fails_is_a_tool_error_not_a_pass(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path, FIXTURES / "faulty_variants" / "sg305_permission_unscoped")
    main = workspace.project / "__main__.py"
    main.write_text(main.read_text(encoding="utf-8") + '\nraise RuntimeError("database password missing")\n',
                    encoding="utf-8")
    done = gate(workspace, ".", "--preview")
    assert done.returncode == 2 and done.stdout == "", done.stderr
    assert "pulumi preview failed" in done.stderr and done.stderr.count("\n") == 1
    assert "RuntimeError: database password missing" in done.stderr  # the engine's own words
