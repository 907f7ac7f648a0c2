"""The command line on a hostile tree: FIFOs, devices, symlinks leaving the project, loops.

Everything runs in a subprocess with a timeout and an address-space limit, so a
regression (a read that never ends, a read until memory runs out) fails the test
instead of hanging it or exhausting the machine.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab", "markdown")
MARKER = "Q7MARKERXJ"  # the content behind a link: must never reach any output
# A coding cookie the front end names in its SG000 message: a file read is a file shown.
SECRET = f"# -*- coding: {MARKER} -*-\n{MARKER} = '{MARKER}'\n"
FLAT_BUCKET = "import pulumi_aws as aws\n\naws.s3.Bucket('logs')\n"  # SG101, a warning
TIMEOUT = 90  # seconds: generous for a shared machine, finite for a hang
MEMORY = 3 * 2**30  # bytes of address space: a read of /dev/zero fails fast, not after the machine's RAM


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def stackguard(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    environment.pop("STACKGUARD_CACHE_DIR", None)
    return subprocess.run(
        [sys.executable, "-m", "analyzers", "lint", "--no-cache", *args],
        cwd=cwd, env=environment, capture_output=True, text=True, timeout=TIMEOUT, preexec_fn=_limit_memory,
    )


def findings(done: subprocess.CompletedProcess[str]) -> list[tuple[str, str, str]]:
    assert done.stderr == "", done.stderr
    return sorted((f["path"], f["code"], f["severity"]) for f in json.loads(done.stdout)["findings"])


def messages(done: subprocess.CompletedProcess[str], code: str) -> list[str]:
    return [f["message"] for f in json.loads(done.stdout)["findings"] if f["code"] == code]


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    """tmp/work/proj (a Pulumi project, the CWD of the runs) and tmp/outside (not part of it)."""
    project = tmp_path / "work" / "proj"
    project.mkdir(parents=True)
    (project / "Pulumi.yaml").write_text("name: proj\nruntime: python\n")
    (project / "__main__.py").write_text(FLAT_BUCKET)
    outside = tmp_path / "outside"
    (outside / "lib").mkdir(parents=True)
    (outside / "secret.txt").write_text(SECRET)
    (outside / "lib" / f"{MARKER}_mod.py").write_text(SECRET)
    return project


def test_a_fifo_in_the_tree_is_reported_and_the_run_ends(layout: Path) -> None:
    os.mkfifo(layout / "pipe.py")
    done = stackguard("--format", "json", ".", cwd=layout)
    assert done.returncode == 1
    assert findings(done) == [("__main__.py", "SG101", "warning"), ("pipe.py", "SG000", "error")]
    assert messages(done, "SG000") == [
        "[SG000] Cannot read this file (not a regular file: a FIFO); it was not analyzed."]


def test_a_fifo_named_on_the_command_line_is_reported(layout: Path) -> None:
    os.mkfifo(layout / "pipe.py")
    done = stackguard("--format", "json", "pipe.py", "__main__.py", cwd=layout)
    assert done.returncode == 1
    assert findings(done) == [("__main__.py", "SG101", "warning"), ("pipe.py", "SG000", "error")]
    assert "not a regular file: a FIFO" in messages(done, "SG000")[0]


def test_a_character_device_named_on_the_command_line_is_not_read(tmp_path: Path) -> None:
    done = stackguard("--format", "json", "/dev/zero", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    [(path, code, severity)] = findings(done)
    assert (Path(os.path.normpath(tmp_path / path)), code, severity) == (Path("/dev/zero"), "SG000", "error")
    assert "not a regular file: a character device" in messages(done, "SG000")[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_file_link_leaving_the_project_is_reported_never_read(layout: Path, fmt: str) -> None:
    os.symlink("../../outside/secret.txt", layout / "relative.py")
    os.symlink(layout.parent.parent / "outside" / "secret.txt", layout / "absolute.py")
    done = stackguard("--format", fmt, ".", cwd=layout)
    assert done.returncode == 1  # the SG101 warning; the links are info
    assert MARKER not in done.stdout + done.stderr
    assert "SG002" in done.stdout
    # every format names the link, never where it points
    assert "relative.py" in done.stdout and "absolute.py" in done.stdout
    assert "secret.txt" not in done.stdout + done.stderr


def test_file_links_leaving_the_project_are_info_findings(layout: Path) -> None:
    os.symlink("../../outside/secret.txt", layout / "relative.py")
    (layout / "lib").mkdir()
    os.symlink(layout.parent.parent / "outside" / "secret.txt", layout / "lib" / "absolute.py")
    done = stackguard("--format", "json", ".", cwd=layout)
    assert findings(done) == [
        ("__main__.py", "SG101", "warning"),
        ("lib/absolute.py", "SG002", "info"),
        ("relative.py", "SG002", "info"),
    ]
    # named on the command line (as pre-commit does with changed files): the same, and only that
    done = stackguard("--format", "json", "relative.py", cwd=layout)
    assert done.returncode == 0
    assert findings(done) == [("relative.py", "SG002", "info")]
    assert MARKER not in done.stdout


def test_a_directory_link_leaving_the_project_is_reported_never_walked(layout: Path) -> None:
    os.symlink("../../outside/lib", layout / "lib")
    walked = stackguard("--format", "json", ".", cwd=layout)
    assert findings(walked) == [("__main__.py", "SG101", "warning"), ("lib", "SG002", "info")]
    named = stackguard("--format", "json", "lib", cwd=layout)
    assert named.returncode == 0
    assert findings(named) == [("lib", "SG002", "info")]
    assert MARKER not in walked.stdout + named.stdout


def test_a_linked_directory_that_looks_like_a_project_is_not_walked(layout: Path) -> None:
    # The target holds its own Pulumi.yaml, so the link itself would become the project root.
    stack = layout.parent.parent / "outside" / "stack"
    stack.mkdir()
    (stack / "Pulumi.yaml").write_text("name: other\n")
    (stack / "__main__.py").write_text(SECRET)
    os.symlink(stack, layout / "stack")
    done = stackguard("--format", "json", "stack", cwd=layout)
    assert findings(done) == [("stack", "SG002", "info")]
    assert MARKER not in done.stdout


def test_links_that_stay_inside_the_project_keep_working(layout: Path) -> None:
    (layout / "components").mkdir()
    (layout / "components" / "storage.py").write_text(FLAT_BUCKET)
    os.symlink("components/storage.py", layout / "storage.py")
    os.symlink("components", layout / "parts")
    done = stackguard("--format", "json", ".", cwd=layout)
    # the file is analyzed once, under the first name the walk meets (the link at the top)
    assert findings(done) == [("__main__.py", "SG101", "warning"), ("storage.py", "SG101", "warning")]
    # a project reached through a link the user typed, outside the CWD, is linted as usual
    alias = layout.parent.parent / "alias"
    os.symlink(layout, alias)
    done = stackguard("--format", "json", str(alias), cwd=layout.parent.parent / "outside")
    assert findings(done) == [("../alias/__main__.py", "SG101", "warning"), ("../alias/storage.py", "SG101", "warning")]


def test_symlink_loops_end_and_the_one_leaving_the_project_is_reported_once(layout: Path) -> None:
    os.symlink("b.py", layout / "a.py")
    os.symlink("a.py", layout / "b.py")
    os.symlink(".", layout / "loop")
    os.symlink("..", layout / "up")  # up/proj/up/proj/...: a loop through the project's parent
    done = stackguard("--format", "json", ".", cwd=layout)
    assert findings(done) == [("__main__.py", "SG101", "warning"), ("up", "SG002", "info")]
    looping = stackguard("a.py", cwd=layout)
    assert (looping.returncode, looping.stderr) == (2, "stackguard: error: path not found: a.py\n")


def test_a_config_file_that_is_a_fifo_is_an_error_not_a_hang(layout: Path) -> None:
    os.mkfifo(layout / "lint.toml")
    named = stackguard("--config", "lint.toml", ".", cwd=layout)
    assert (named.returncode, named.stdout) == (2, "")
    assert named.stderr == "stackguard: error: lint.toml: cannot read config file (not a regular file: a FIFO)\n"
    # found while looking for the settings: it cannot be known not to hold [tool.stackguard]
    os.rename(layout / "lint.toml", layout / "pyproject.toml")
    found = stackguard(".", cwd=layout)
    assert (found.returncode, found.stderr) == (
        2, "stackguard: error: pyproject.toml: cannot read config file (not a regular file: a FIFO)\n")


def test_the_settings_behind_a_directory_link_leaving_the_project_are_not_read(layout: Path) -> None:
    # Read, they would change the gate: here they would hide the very finding about the link.
    outside = layout.parent.parent / "outside" / "lib"
    (outside / "pyproject.toml").write_text('[tool.stackguard]\nignore = ["SG002"]\n')
    os.symlink("../../outside/lib", layout / "lib")
    done = stackguard("--format", "json", "lib", cwd=layout)
    assert done.returncode == 0
    assert findings(done) == [("lib", "SG002", "info")]
