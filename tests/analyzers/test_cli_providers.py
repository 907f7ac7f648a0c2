"""The command line and the provider facts: --verbose, the lean imports, and the project cache."""

from __future__ import annotations

import json
from pathlib import Path

from tests.analyzers.test_cli_real import errors_of, imported, stackguard

PROGRAM = '''
import pulumi_aws as aws
import pulumi_unknownthing as unknown

api = aws.apigateway.RestApi("api")
aws.apigateway.Deployment("deployment", rest_api=api.id, stage_name="prod")
unknown.Widget("widget")
'''


def _project(tmp_path: Path, requirement: str) -> Path:
    project = tmp_path / "infra"
    project.mkdir(exist_ok=True)
    (project / "Pulumi.yaml").write_text("name: infra\nruntime: python\n")
    (project / "__main__.py").write_text(PROGRAM)
    (project / "requirements.txt").write_text(f"pulumi>=3\n{requirement}\n")
    return project


def _codes(done) -> list[str]:
    return sorted(finding["code"] for finding in json.loads(done.stdout)["findings"])


def test_verbose_says_where_the_facts_came_from_without_importing_an_sdk(tmp_path: Path) -> None:
    project = _project(tmp_path, "pulumi-aws==7.51.1")
    done = stackguard("lint", "-v", "--no-cache", ".", cwd=project)
    assert done.returncode == 1, done.stderr
    lines = errors_of(done)
    assert any("pulumi_aws: resources from the shipped index" in line and "pinned by requirements.txt" in line
               for line in lines), lines
    assert any("pulumi_unknownthing: not installed here and not in the shipped index" in line for line in lines)
    assert imported(done) <= {"libcst"}
    quiet = stackguard("lint", "--no-cache", ".", cwd=project)
    assert not any("resources from" in line for line in errors_of(quiet))


def test_a_changed_pin_is_not_answered_from_the_project_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    project = _project(tmp_path, "pulumi-aws>=7,<8")
    first = stackguard("lint", "--format", "json", "--cache-dir", str(cache), ".", cwd=project)
    assert "SG402" in _codes(first)  # stage_name was removed in 7
    _project(tmp_path, "pulumi-aws>=6,<7")
    second = stackguard("lint", "--format", "json", "--cache-dir", str(cache), ".", cwd=project)
    assert "SG402" not in _codes(second) and "SG403" in _codes(second)  # only deprecated in 6
