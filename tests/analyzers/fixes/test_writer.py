"""Writing fixes into an untrusted repository: inside it, no links, unchanged files only, atomically."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from analyzers.fixes.writer import WriteRefused, write_file

OLD = b"x = 1\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "main.py").write_bytes(OLD)
    return root


def leftovers(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.endswith(".stackguard")]


def test_writes_utf8_and_keeps_the_mode(project: Path) -> None:
    target = project / "pkg" / "main.py"
    os.chmod(target, 0o750)
    write_file(project, "pkg/main.py", OLD, "x = 'é'\n")
    assert target.read_text(encoding="utf-8") == "x = 'é'\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o750
    assert leftovers(target.parent) == []


def test_refuses_a_file_that_changed_since_it_was_read(project: Path) -> None:
    (project / "pkg" / "main.py").write_bytes(b"x = 2\n")
    with pytest.raises(WriteRefused, match="changed"):
        write_file(project, "pkg/main.py", OLD, "x = 3\n")
    assert (project / "pkg" / "main.py").read_bytes() == b"x = 2\n"


def test_refuses_to_write_through_a_symlinked_file(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_bytes(OLD)
    (project / "link.py").symlink_to(outside)
    with pytest.raises(WriteRefused, match="symbolic link"):
        write_file(project, "link.py", OLD, "pwned = True\n")
    assert outside.read_bytes() == OLD and (project / "link.py").is_symlink()


def test_refuses_to_write_through_a_symlinked_directory(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "main.py").write_bytes(OLD)
    (project / "linked").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(WriteRefused, match="symbolic link"):
        write_file(project, "linked/main.py", OLD, "pwned = True\n")
    assert (elsewhere / "main.py").read_bytes() == OLD


@pytest.mark.parametrize("relative", ["../outside.py", "/etc/passwd", "pkg/../../outside.py", ""])
def test_refuses_paths_that_leave_the_project(project: Path, tmp_path: Path, relative: str) -> None:
    (tmp_path / "outside.py").write_bytes(OLD)
    with pytest.raises(WriteRefused):
        write_file(project, relative, OLD, "pwned = True\n")
    assert (tmp_path / "outside.py").read_bytes() == OLD


def test_refuses_what_is_not_a_regular_file(project: Path) -> None:
    os.mkfifo(project / "pipe.py")
    with pytest.raises(WriteRefused, match="regular"):
        write_file(project, "pipe.py", b"", "x = 1\n")


def test_a_failed_write_leaves_the_old_file_and_no_temporary(project: Path, monkeypatch) -> None:
    def refuse(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(WriteRefused, match="No space left"):
        write_file(project, "pkg/main.py", OLD, "x = 2\n")
    assert (project / "pkg" / "main.py").read_bytes() == OLD
    assert leftovers(project / "pkg") == []
