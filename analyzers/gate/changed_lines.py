"""``--diff-base REF``: which lines changed since a git ref.

The whole project is analysed (cross-file rules need it); only findings that
touch a changed line are reported. "Changed" is what ``git diff REF`` shows
against the working tree (commits since REF and uncommitted edits), plus
untracked files, whole. A deletion marks the lines around it, so removing a
``depends_on`` inside a call counts as changing that call.

git runs with external diff drivers and text conversion off: the repository's
attributes can't make it run a program.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from analyzers.gate.errors import GateError

GIT_TIMEOUT = 300
_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(?P<start>\d+)(?:,(?P<count>\d+))? @@")
_ESCAPE = re.compile(rb"\\([0-7]{3}|.)", re.DOTALL)
_ESCAPES = {b"n": b"\n", b"t": b"\t", b'"': b'"', b"\\": b"\\", b"a": b"\a", b"b": b"\b", b"f": b"\f",
            b"r": b"\r", b"v": b"\v"}
WHOLE_FILE = None  # a file whose every line counts as changed


@dataclass(frozen=True)
class ChangedLines:
    files: Mapping[str, frozenset[int] | None]  # repo-relative path → lines (WHOLE_FILE: all)

    def touches(self, repo_path: str, first: int, last: int) -> bool:
        if repo_path not in self.files:
            return False
        lines = self.files[repo_path]
        return lines is WHOLE_FILE or any(line in lines for line in range(first, max(first, last) + 1))


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"}
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, env=env,
                              timeout=GIT_TIMEOUT, stdin=subprocess.DEVNULL, check=False)
    except FileNotFoundError:
        raise GateError("--diff-base needs git, which is not on PATH") from None
    except subprocess.TimeoutExpired:
        raise GateError(f"--diff-base: git {args[0]} did not finish in {GIT_TIMEOUT} s") from None


def changed_lines(root: Path, ref: str) -> ChangedLines:
    """Lines changed since ``ref`` in the git work tree at ``root``; GateError when it can't tell."""
    if not ref or ref.startswith("-") or "\0" in ref:
        raise GateError(f"--diff-base {ref!r}: not a git revision")
    verified = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    if verified.returncode != 0:
        inside = _git(root, "rev-parse", "--is-inside-work-tree")
        if inside.returncode != 0:
            raise GateError(f"--diff-base: {root} is not inside a git work tree")
        raise GateError(f"--diff-base {ref!r}: no such commit in this repository (fetch it first, "
                        "e.g. actions/checkout with fetch-depth: 0)")
    commit = verified.stdout.decode("ascii", "replace").strip()
    diff = _git(root, "diff", "--no-color", "--no-ext-diff", "--no-textconv", "--unified=0", "--find-renames",
                "--diff-filter=AMRC", "--src-prefix=a/", "--dst-prefix=b/", commit, "--")
    if diff.returncode != 0:
        raise GateError(f"--diff-base: git diff failed: {_first_line(diff.stderr)}")
    files: dict[str, frozenset[int] | None] = dict(parse_diff(diff.stdout))
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "-z")
    if untracked.returncode == 0:
        for raw in untracked.stdout.split(b"\0"):
            if raw:
                files[os.fsdecode(raw)] = WHOLE_FILE
    return ChangedLines(files)


def parse_diff(output: bytes) -> dict[str, frozenset[int]]:
    """``git diff --unified=0`` → repo-relative path → new-side line numbers changed."""
    files: dict[str, set[int]] = {}
    current: set[int] | None = None
    for line in output.split(b"\n"):
        if line.startswith(b"+++ "):
            target = line[4:]
            if target == b"/dev/null":
                current = None
                continue
            path = _unquote(target)
            path = path[2:] if path.startswith(b"b/") else path
            current = files.setdefault(os.fsdecode(path), set())
        elif current is not None and (match := _HUNK.match(line)):
            start = int(match.group("start"))
            count = int(match.group("count")) if match.group("count") is not None else 1
            if count:
                current.update(range(start, start + count))
            else:  # a pure deletion after line `start`: the lines on either side
                current.update(line_number for line_number in (start, start + 1) if line_number > 0)
    return {path: frozenset(lines) for path, lines in files.items()}


def _unquote(path: bytes) -> bytes:
    """git's C-style quoting of unusual file names (``"b/caf\\303\\251.py"``)."""
    if not (path.startswith(b'"') and path.endswith(b'"') and len(path) >= 2):
        return path
    def one(match: re.Match[bytes]) -> bytes:
        escaped = match.group(1)
        return bytes([int(escaped, 8) & 0xFF]) if len(escaped) == 3 else _ESCAPES.get(escaped, escaped)

    return _ESCAPE.sub(one, path[1:-1])


def _first_line(data: bytes) -> str:
    text = data.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else "no message"
