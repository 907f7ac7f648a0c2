"""``--diff`` output: a patch ``patch -p1`` applies, with repository text escaped."""

from __future__ import annotations

import subprocess
from pathlib import Path

from analyzers.fixes.diff import unified


def apply(tmp_path: Path, name: str, before: str, after: str) -> str:
    (tmp_path / name).write_text(before, encoding="utf-8", newline="")
    done = subprocess.run(["patch", "-p1", "--quiet"], input=unified(name, before, after), cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return (tmp_path / name).read_bytes().decode("utf-8")


def test_applies_to_files_without_a_final_newline_and_with_crlf(tmp_path: Path) -> None:
    assert apply(tmp_path, "a.py", "x = 1\ny = 2", "x = 1\ny = 3") == "x = 1\ny = 3"
    assert apply(tmp_path, "b.py", "x = 1\r\n\ty = 2\r\n", "x = 1\r\n\ty = 3\r\n") == "x = 1\r\n\ty = 3\r\n"


def test_control_characters_from_the_repository_are_escaped() -> None:
    text = unified("evil\x1b[31m.py", 'x = "\x1b]0;pwned\x07"\n', 'x = "\x1b]0;pwned\x07"\ny = 1\n')
    assert "\x1b" not in text and "\x07" not in text
    assert "a/evil\\x1b[31m.py" in text and '\\x1b]0;pwned\\x07' in text
