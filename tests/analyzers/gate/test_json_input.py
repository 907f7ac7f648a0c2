"""Baselines and runtime-results files may come from the repository: a FIFO or a
device in their place is a one-line error, never a hang or an unbounded read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]

_LOAD = """
import sys
from pathlib import Path
from analyzers.gate import baseline, runtime_results
from analyzers.gate.errors import GateError
try:
    if sys.argv[1] == "baseline":
        baseline.load(Path(sys.argv[2]), sys.argv[2])
    else:
        runtime_results.load(Path(sys.argv[2]))
except GateError as error:
    print(error)
"""


@pytest.mark.parametrize("kind", ["baseline", "results"])
@pytest.mark.parametrize("special", ["fifo", "device"])
def test_a_special_file_in_place_of_the_json_is_an_error_not_a_hang(tmp_path: Path, kind: str,
                                                                      special: str) -> None:
    path = Path("/dev/zero") if special == "device" else tmp_path / "input.json"
    if special == "fifo":
        os.mkfifo(path)
    done = subprocess.run([sys.executable, "-c", _LOAD, kind, str(path)], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    assert "cannot read (not a regular file: a " in done.stdout, done.stdout


_WRITE_BASELINE = """
import sys
from analyzers.cli import main
sys.exit(main(["check", ".", "--write-baseline", "baseline.json", "--format", "json"]))
"""


def test_write_baseline_in_a_project_holding_a_fifo_ends(tmp_path: Path) -> None:
    """The FIFO is an SG000 finding; the baseline's scope reader must not open it either."""
    (tmp_path / "Pulumi.yaml").write_text("name: demo\nruntime: python\n")
    (tmp_path / "__main__.py").write_text('import pulumi_aws as aws\naws.s3.Bucket("logs")\n')
    os.mkfifo(tmp_path / "pipe.py")
    done = subprocess.run([sys.executable, "-c", _WRITE_BASELINE], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode in (0, 1), done.stderr
    assert "pipe.py" in (tmp_path / "baseline.json").read_text()
