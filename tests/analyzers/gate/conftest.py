"""Runtime results for the gate's tests, produced by the real pack without the Pulumi CLI.

Each program runs under the SDK's mock monitor (``policypack.harness``, as
``pulumi preview`` would run it) and the pack evaluates the recorded graph
through pulumi-policy's servicer with ``STACKGUARD_RESULTS`` set, so the
files are exactly what the pack writes during a real preview. Built once per
session.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "fixtures"
FAULTY = sorted(path.parent for path in FIXTURES.rglob("expected.json")
                if json.loads(path.read_text(encoding="utf-8"))["runtime"] is not None)


def program_id(program: Path) -> str:
    return program.relative_to(FIXTURES).as_posix()


def write_runtime_results(program: Path, out: Path) -> Path:
    from policypack.crossguard.results import ENV
    from policypack.harness.offline import evaluate

    saved = os.environ.get(ENV)
    os.environ[ENV] = str(out)
    try:
        evaluate(program, preview=True)
    finally:
        if saved is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = saved
    return out


@pytest.fixture(scope="session")
def runtime_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """program id → the results file the pack wrote for it."""
    directory = tmp_path_factory.mktemp("runtime-results")
    return {program_id(program): write_runtime_results(program, directory / f"{program.name}.json")
            for program in FAULTY}


def copy_program(program: Path, destination: Path) -> Path:
    shutil.copytree(program, destination, ignore=shutil.ignore_patterns("__pycache__", "expected.json"))
    return destination


@contextlib.contextmanager
def chdir(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def check(args: Sequence[str], cwd: Path) -> tuple[int, str, str]:
    """``stackguard check`` in-process: (exit code, stdout, stderr)."""
    from analyzers.cli import main

    out, err = io.StringIO(), io.StringIO()
    with chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["check", "--no-cache", *args])
    return code, out.getvalue(), err.getvalue()


def check_json(args: Sequence[str], cwd: Path) -> tuple[int, dict, str]:
    code, out, err = check([*args, "--report", "json"], cwd)
    assert code in (0, 1), err
    return code, json.loads(out), err
