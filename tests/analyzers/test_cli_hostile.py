"""The command line on hostile repositories, in subprocesses (a crash must not take the test run along).

Whatever one file does (nest ten thousand levels deep, crash the parser's
process, keep it busy forever), the run finishes with a defined exit code, no
traceback, one SG000 for that file and every other file's findings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analyzers import runner
from tests.support.hostile_code import FAULTY_FILE, NESTED

REPO = Path(__file__).resolve().parents[2]
NEWER_SYNTAX = "type Name = str\n"  # Python 3.12: this interpreter's parser rejects it, libcst reads it

# The CLI, with a front end that misbehaves on marked files: the same process layout as a real run.
_DRIVER = """
import os, signal, sys, time
import analyzers.project
real = analyzers.project.summarize_file

def summarize_file(path, source):
    if b"CRASH-HERE" in source:
        os.kill(os.getpid(), signal.SIGSEGV)
    if b"EXIT-HERE" in source:
        os._exit(3)
    if b"HANG-HERE" in source and os.environ.get("TEST_HANG") == "1":
        time.sleep(600)
    return real(path, source)

analyzers.project.summarize_file = summarize_file
try:
    import analyzers.workers
    analyzers.workers.FILE_TIME_BUDGET = float(os.environ.get("TEST_FILE_BUDGET", "60"))
except ImportError:
    pass
from analyzers.cli import main
sys.exit(main(sys.argv[1:]))
"""


def lint(project: Path, *args: str, budget: float = 60.0, hang: bool = True, timeout: float = 120
         ) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(REPO), "TEST_FILE_BUDGET": str(budget),
                   "TEST_HANG": "1" if hang else "0"}
    environment.pop("STACKGUARD_CACHE_DIR", None)
    if "--cache-dir" not in args:
        args = ("--no-cache", *args)
    command = [sys.executable, "-c", _DRIVER, "lint", "--format", "json", "--select", "SG000,SG201", *args, "."]
    return subprocess.run(command,
                          cwd=project, env=environment, capture_output=True, text=True, timeout=timeout)


def findings(done: subprocess.CompletedProcess[str]) -> dict[str, list[tuple[str, str]]]:
    """Per file, its (code, message) pairs; also checks what every run must be."""
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    by_path: dict[str, list[tuple[str, str]]] = {}
    for finding in json.loads(done.stdout)["findings"]:
        by_path.setdefault(finding["path"], []).append((finding["code"], finding["message"]))
    return by_path


def project_with(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "project"
    root.mkdir(parents=True)
    (root / "Pulumi.yaml").write_text("name: hostile\n")
    (root / "faulty.py").write_text(FAULTY_FILE)
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def assert_faulty_file_reported(found: dict[str, list[tuple[str, str]]]) -> None:
    assert [code for code, _ in found["faulty.py"]] == ["SG201"]


def test_deep_trailer_chains_are_refused_in_linear_time(tmp_path: Path) -> None:
    seconds = {}
    for links in (1_000, 3_000, 10_000):
        files = {}
        for kind in ("attribute", "subscript", "call"):
            chain = f"import pulumi\nx = {NESTED[kind](links)}\n"
            files[f"{kind}.py"] = chain
            files[f"{kind}_newer.py"] = NEWER_SYNTAX + chain  # no ast tree: measured from tokens
        project = project_with(tmp_path / str(links), files)
        started = time.monotonic()
        found = findings(lint(project))
        seconds[links] = time.monotonic() - started
        assert_faulty_file_reported(found)
        for name in files:
            [(code, message)] = found[name]
            assert code == "SG000" and "This file is too deeply nested to analyze" in message, (name, message)
    assert seconds[10_000] <= 8 * seconds[1_000] + 5, seconds


@pytest.mark.parametrize("files", [3, runner.PARALLEL_THRESHOLD + 2])
def test_a_file_that_crashes_its_process_costs_only_itself(tmp_path: Path, files: int) -> None:
    others = {f"m{index:02}.py": FAULTY_FILE for index in range(files - 2)}
    project = project_with(tmp_path, {"crash.py": "# CRASH-HERE\nimport pulumi\n", **others})
    found = findings(lint(project, "--jobs", "2"))
    assert found["crash.py"] == [("SG000", "[SG000] The analyzer crashed on this file (killed by SIGSEGV); "
                                           "it was not analyzed.")]
    assert_faulty_file_reported(found)
    assert all([code for code, _ in found[name]] == ["SG201"] for name in others)


def test_a_file_that_ends_its_process_costs_only_itself(tmp_path: Path) -> None:
    project = project_with(tmp_path, {"exit.py": "# EXIT-HERE\n"})
    found = findings(lint(project))
    assert found["exit.py"] == [("SG000", "[SG000] The analyzer crashed on this file (its process exited "
                                          "with status 3); it was not analyzed.")]
    assert_faulty_file_reported(found)


def test_a_file_past_its_time_budget_is_cut_off(tmp_path: Path) -> None:
    project = project_with(tmp_path, {"slow.py": "# HANG-HERE\n", "other.py": FAULTY_FILE})
    started = time.monotonic()
    found = findings(lint(project, budget=2.0, timeout=60))
    assert time.monotonic() - started < 40
    assert found["slow.py"] == [("SG000", "[SG000] This file took longer than 2 s to analyze; it was not analyzed.")]
    assert_faulty_file_reported(found)
    assert [code for code, _ in found["other.py"]] == ["SG201"]


def test_a_cut_off_file_is_not_cached(tmp_path: Path) -> None:
    project = project_with(tmp_path, {"slow.py": "# HANG-HERE\n"})
    cache = ("--cache-dir", str(tmp_path / "cache"))
    first = findings(lint(project, *cache, budget=1.0, timeout=60))
    assert "took longer than 1 s" in first["slow.py"][0][1]
    # the same file, on a machine where it does not hang: summarized again, not taken from the cache
    second = findings(lint(project, *cache, hang=False, timeout=60))
    assert "slow.py" not in second
    assert_faulty_file_reported(second)
