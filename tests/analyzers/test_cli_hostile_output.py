"""Writing reports about a hostile repository: a non-UTF-8 file name and a resource name full of
control characters and markup, through the real front end, to ``-o FILE`` and to stdout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from analyzers import cli
from analyzers.reporters import FORMATS

REPO = Path(__file__).resolve().parents[2]
# The resource name as a Python string literal: the escapes are the program's own.
HOSTILE_NAME = r"x\n::error file=x::pwned\r\x1b[31m\x00</failure>[link](http://evil)@org/team<img src=x>`|\u00e9"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()  # the repository root: no config above it is read
    (tmp_path / "Pulumi.yaml").write_text("name: hostile\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(f'import pulumi_aws as aws\naws.s3.Bucket("{HOSTILE_NAME}")\n')
    not_utf8 = tmp_path / os.fsdecode(b"bad\xff.py")
    not_utf8.write_text('import pulumi_aws as aws\naws.s3.Bucket("b")\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STACKGUARD_CACHE_DIR", raising=False)
    return tmp_path


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_writes_a_non_utf8_file_name(project: Path, capsys, fmt: str) -> None:
    assert cli.main(["lint", "--no-cache", "--format", fmt, "-o", "report.out", "."]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    written = (project / "report.out").read_bytes().decode("utf-8")  # strict
    # JSON doubles the backslash of \xff; a SARIF URI percent-encodes the real byte
    marker = {"sarif": "bad%FF.py", "json": "bad\\\\xff.py", "gitlab": "bad\\\\xff.py"}.get(fmt, "bad\\xff.py")
    assert marker in written
    assert "\x1b" not in written and "\x00" not in written
    assert cli.main(["lint", "--no-cache", "--format", fmt, "."]) == 1
    assert capsys.readouterr().out == written  # stdout gets the same report


def test_the_same_file_gets_the_same_fingerprint_every_run(project: Path, capsys) -> None:
    def fingerprints(*flags: str) -> dict[str, str]:
        assert cli.main(["lint", "--format", "json", *flags, "."]) == 1
        return {item["path"]: item["fingerprint"] for item in json.loads(capsys.readouterr().out)["findings"]}

    first = fingerprints("--cache-dir", "cache")
    assert set(first) == {"__main__.py", "bad\\xff.py"}
    assert fingerprints("--cache-dir", "cache") == first  # from the cache
    assert fingerprints("--no-cache") == first


def run_with_ascii_stdout(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    environment = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "ascii"}
    environment.pop("STACKGUARD_CACHE_DIR", None)
    return subprocess.run([sys.executable, "-m", "analyzers", "lint", "--no-cache", *args, "."], cwd=cwd,
                          env=environment, capture_output=True, timeout=300)


def test_an_ascii_stdout_gets_escapes_for_text_and_utf8_for_machine_formats(project: Path) -> None:
    done = run_with_ascii_stdout(cwd=project)
    assert done.returncode == 1 and done.stderr == b"", done.stderr
    lines = done.stdout.decode("ascii").splitlines()  # strict: nothing but ASCII
    assert len(lines) == 3 and lines[-1] == "Found 2 findings (2 warnings)."
    assert lines[0].startswith("__main__.py:2:1: SG101 [warning] aws:s3/bucket:Bucket 'x\\n::error file=x::pwned"
                               "\\r\\x1b[31m\\x00</failure>")
    assert "`|\\xe9' is created" in lines[0]  # what the terminal can't show degrades to an escape
    assert lines[1].startswith("bad\\xff.py:2:1: SG101 [warning]")
    done = run_with_ascii_stdout("--format", "json", cwd=project)
    assert done.returncode == 1 and done.stderr == b"", done.stderr
    document = json.loads(done.stdout.decode("utf-8"))  # JSON is UTF-8 whatever the locale
    messages = {item["path"]: item["message"] for item in document["findings"]}
    assert "\x1b[31m\x00</failure>[link](http://evil)@org/team<img src=x>`|\u00e9'" in messages["__main__.py"]
    assert set(messages) == {"__main__.py", "bad\\xff.py"}
