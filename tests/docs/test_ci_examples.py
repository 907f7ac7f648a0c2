"""docs/ci and action.yml are ready to copy: valid YAML, valid against the GitHub Actions and
GitLab CI schemas (check-jsonschema's vendored copies), and every stackguard command in them
parses with the real command line."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
FILES = {
    "docs/ci/github-actions.yml": "vendor.github-workflows",
    "docs/ci/gitlab-ci.yml": "vendor.gitlab-ci",
    "action.yml": "vendor.github-actions",
}


@pytest.mark.parametrize(("file", "schema"), FILES.items())
def test_valid_against_the_ci_schema(file: str, schema: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(REPO / file)],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_schema_check_has_teeth(tmp_path: Path) -> None:
    broken = tmp_path / "workflow.yml"
    broken.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    stepz: []\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                           str(broken)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1


def shell_commands() -> list[tuple[str, str]]:
    """Every `stackguard ...` command in the examples' shell steps (``run:``, ``script:``)."""
    commands = []
    for file in FILES:
        pending = [yaml.safe_load((REPO / file).read_text(encoding="utf-8"))]
        scripts: list[str] = []
        while pending:
            node = pending.pop()
            if isinstance(node, dict):
                for key, value in node.items():
                    if key in ("run", "script"):
                        scripts.extend([value] if isinstance(value, str) else value)
                    else:
                        pending.append(value)
            elif isinstance(node, list):
                pending.extend(node)
        for script in scripts:
            for match in re.finditer(r"(?m)^\s*(stackguard (?:check|lint)\b[^\n]*)", script):
                commands.append((file, match.group(1)))
    return commands


def test_every_stackguard_command_parses() -> None:
    from analyzers.cli import build_parser
    from analyzers.gate.reports import parse_spec

    commands = shell_commands()
    assert {file for file, _ in commands} == {"docs/ci/github-actions.yml", "docs/ci/gitlab-ci.yml"}
    assert len(commands) == 5
    for file, command in commands:
        words = shlex.split(command)
        words = [re.sub(r"\$\{\{[^}]*\}\}|\$\w+", "x", word) for word in words]
        args = build_parser().parse_args(words[1:])
        assert args.command in ("check", "lint"), (file, command)
        for spec in getattr(args, "report", []):
            parse_spec(spec)  # a known format, and a file name it can write


def test_the_action_runs_the_gate_with_its_inputs() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    script = "\n".join(step.get("run", "") for step in action["runs"]["steps"])
    assert "stackguard \"${args[@]}\"" in script and "--report github" in script
    for name in action["inputs"]:
        if name not in ("version", "python-version"):
            assert f"inputs.{name}" in yaml.safe_dump(action["runs"]["steps"]), name
    # inputs reach the script through env, never pasted into it (no injection through an input)
    assert "${{" not in script
