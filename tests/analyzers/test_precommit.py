"""The pre-commit hook, run by the real pre-commit on a throwaway git repository.

``pre-commit try-repo`` clones the hook repository at a commit, so the test
first snapshots this working tree (the files the package is built from) into a
temporary repository of its own: uncommitted work is tested as it is, and the
test does not depend on the state of the real checkout. pre-commit then builds
a virtualenv with this package and libcst from PyPI, as a user's machine would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGE_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml")
PACKAGE_DIRS = ("analyzers", "policypack")

# A component-based program whose only fault is SG201; the engine version lives in
# another module, so the hook must index the whole project to see it.
SETTINGS = '''\
ENGINE_VERSION = "17.5"
'''

FAULTY = '''\
import pulumi
import pulumi_aws as aws

from settings import ENGINE_VERSION


class Database(pulumi.ComponentResource):
    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("demo:index:Database", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        params = aws.rds.ParameterGroup(f"{name}-params", family="postgres14", opts=child)
        self.instance = aws.rds.Instance(
            f"{name}-db",
            engine="postgres",
            engine_version=ENGINE_VERSION,
            instance_class="db.t4g.micro",
            allocated_storage=20,
            username="app",
            manage_master_user_password=True,
            parameter_group_name=params.name,
            opts=child,
        )
        self.register_outputs({"endpoint": self.instance.endpoint})


Database("app")
'''


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def init_repo(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.email", "tests@example.com")
    git(path, "config", "user.name", "tests")
    git(path, "config", "commit.gpgsign", "false")


def snapshot_hook_repo(destination: Path) -> Path:
    init_repo(destination)
    for name in PACKAGE_FILES:
        shutil.copy2(REPO / name, destination / name)
    for name in PACKAGE_DIRS:
        shutil.copytree(REPO / name, destination / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    git(destination, "add", "-A")
    git(destination, "commit", "-q", "-m", "snapshot")
    return destination


def try_repo(hook_repo: Path, project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("STACKGUARD_CACHE_DIR", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "stackguard", "--all-files",
         "--verbose"],
        cwd=project, env=env, capture_output=True, text=True, timeout=900,
    )


def test_manifest_is_valid_for_pre_commit() -> None:
    from pre_commit.clientlib import load_manifest

    [hook] = load_manifest(str(REPO / ".pre-commit-hooks.yaml"))
    assert hook["id"] == "stackguard"
    assert hook["entry"] == "stackguard lint"
    assert hook["language"] == "python"
    assert hook["types"] == ["python"]
    assert hook["require_serial"] is True
    assert hook["pass_filenames"] is True


def test_hook_fails_on_a_fault_and_passes_once_fixed(tmp_path: Path) -> None:
    hook_repo = snapshot_hook_repo(tmp_path / "hook")
    project = tmp_path / "project"
    init_repo(project)
    (project / "Pulumi.yaml").write_text("name: demo\nruntime: python\n")
    (project / "__main__.py").write_text(FAULTY)
    (project / "settings.py").write_text(SETTINGS)
    (project / "notes.txt").write_text("not python: the hook never sees it\n")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "faulty")

    failed = try_repo(hook_repo, project, tmp_path / "pre-commit-home")
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    assert "stackguard" in output and "Failed" in output, output
    assert "__main__.py:12:25: SG201 [error]" in output, output
    assert "Found 1 finding (1 error)." in output, output
    assert "postgres14" in output and "postgres17" in output, output

    (project / "__main__.py").write_text(FAULTY.replace('family="postgres14"', 'family="postgres17"'))
    git(project, "commit", "-q", "-am", "fixed")
    passed = try_repo(hook_repo, project, tmp_path / "pre-commit-home")
    output = passed.stdout + passed.stderr
    assert passed.returncode == 0, output
    assert "Passed" in output, output
    # the hook's cache lives in the user's cache directory, not in the project
    assert not (project / ".stackguard_cache").exists()
    assert list((Path(os.environ["XDG_CACHE_HOME"]) / "stackguard" / "projects").iterdir())
