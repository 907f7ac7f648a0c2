"""Which files a run reads, which it reports on, and how they group into projects.

Cross-file rules need a whole Pulumi project (a component defined in one
module, used in another), so the files a run *indexes* can be more than the
files it *reports*: ``stackguard lint infra/db.py`` (what pre-commit runs)
indexes the project that holds ``infra/db.py`` and reports only that file.

- A project is the nearest directory with a ``Pulumi.yaml`` (or
  ``Pulumi.yml``) at or above a path, never above a git work tree's root.
- An explicit file outside any Pulumi project is indexed with the nearest
  directory above it holding ``pyproject.toml`` or ``.git`` (else its own
  directory); an explicit directory outside any project is indexed as given.
- Directory walks take ``*.py`` files, skip the default excludes and the
  configured globs, never follow directory symlinks and visit each real
  directory once, so symlink loops end. Explicit files are always analyzed
  unless ``force-exclude`` is set (as in Ruff).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DEFAULT_EXCLUDES = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    ".eggs",
    "node_modules",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".stackguard_cache",
    "build",
    "dist",
    ".cache",
    "site-packages",
)

PROJECT_FILES = ("Pulumi.yaml", "Pulumi.yml")


class PathNotFound(Exception):
    """A path given on the command line does not exist."""


@lru_cache(maxsize=512)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    """Translate a glob to a regex over "/"-separated paths: ``*`` and ``?`` stay
    inside one component, ``**`` crosses components."""
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
            continue
        if pattern.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", index + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = pattern[index + 1 : end]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                index = end
        else:
            out.append(re.escape(char))
        index += 1
    return re.compile("".join(out) + r"\Z")


def glob_matches(pattern: str, relative_path: str) -> bool:
    """Whether a glob names a "/"-separated relative path or one of its ancestors.

    A pattern without "/" is matched against every component (``build``,
    ``*_test.py``); one with "/" against the path from its start
    (``tests/fixtures``, ``infra/**/legacy_*.py``).
    """
    pattern = pattern.strip()
    if pattern.startswith("./"):
        pattern = pattern[2:]
    pattern = pattern.rstrip("/")
    if not pattern:
        return False
    parts = relative_path.split("/")
    regex = _glob_regex(pattern)
    if "/" not in pattern:
        return any(regex.match(part) for part in parts)
    return any(regex.match("/".join(parts[:end])) for end in range(1, len(parts) + 1))


def _entry_matches(pattern: str, relative_path: str) -> bool:
    """Like glob_matches, for one entry of a walk (its ancestors were judged on the way down)."""
    pattern = pattern.strip().removeprefix("./").rstrip("/")
    if not pattern:
        return False
    regex = _glob_regex(pattern)
    target = relative_path if "/" in pattern else relative_path.rsplit("/", 1)[-1]
    return regex.match(target) is not None


_GLOB_CHARS = re.compile(r"[*?\[]")


@dataclass(frozen=True)
class Excludes:
    patterns: tuple[str, ...]
    base: Path  # patterns with "/" are relative to it (the config file's directory, or the CWD)

    def excluded(self, path: Path) -> bool:
        """Whether the path or one of its ancestors matches (for --force-exclude)."""
        return any(glob_matches(pattern, _relative_posix(path, self.base)) for pattern in self.patterns)

    def excluded_entry(self, path: Path) -> bool:
        """Whether a directory walk skips this entry: a walk started inside an excluded
        directory that was asked for by name still looks inside it."""
        names, globs = _split_patterns(self.patterns)
        if path.name in names:
            return True
        if not globs:
            return False
        relative = _relative_posix(path, self.base)
        return any(_entry_matches(pattern, relative) for pattern in globs)


@lru_cache(maxsize=64)
def _split_patterns(patterns: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """Plain names (``.venv``, ``build``: a set lookup) and the real globs."""
    cleaned = [pattern.strip().removeprefix("./").rstrip("/") for pattern in patterns]
    names = frozenset(p for p in cleaned if p and "/" not in p and not _GLOB_CHARS.search(p))
    return names, tuple(p for p in cleaned if p and p not in names)


def _relative_posix(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix().lstrip("/")


@dataclass
class FileSet:
    """The result of discovery: absolute paths, grouped by project root."""

    groups: dict[Path, list[Path]] = field(default_factory=dict)
    reported: set[Path] = field(default_factory=set)  # the files whose findings are shown
    problems: list[tuple[Path, str]] = field(default_factory=list)  # unreadable directories
    requested_dirs: list[Path] = field(default_factory=list)

    def shows(self, path: Path) -> bool:
        """Whether a path lies in what the user asked for (a reported file or a requested directory)."""
        return path in self.reported or any(_inside(path, directory) for directory in self.requested_dirs)

    @property
    def file_count(self) -> int:
        return sum(len(files) for files in self.groups.values())


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))


def _is_repo_root(directory: Path) -> bool:
    return (directory / ".git").exists()


class _ProjectRoots:
    """Memoised "nearest directory with Pulumi.yaml" lookups (one stat per directory)."""

    def __init__(self) -> None:
        self._known: dict[Path, Path | None] = {}

    def of(self, directory: Path) -> Path | None:
        visited: list[Path] = []
        found: Path | None = None
        current: Path | None = directory
        while current is not None:
            if current in self._known:
                found = self._known[current]
                break
            visited.append(current)
            if any((current / name).is_file() for name in PROJECT_FILES):
                found = current
                break
            if _is_repo_root(current) or current.parent == current:
                break
            current = current.parent
        for directory_seen in visited:
            self._known[directory_seen] = found
        return found


def _fallback_root(file: Path) -> Path:
    for directory in file.parents:
        if (directory / "pyproject.toml").is_file() or _is_repo_root(directory):
            return directory
    return file.parent


def _walk(top: Path, excludes: Excludes, problems: list[tuple[Path, str]]) -> Iterable[Path]:
    seen_dirs: set[tuple[int, int]] = set()

    def on_error(error: OSError) -> None:
        problems.append((Path(error.filename or top), error.strerror or type(error).__name__))

    for dirpath, dirnames, filenames in os.walk(top, onerror=on_error):
        directory = Path(dirpath)
        try:
            stat = directory.stat()
            identity = (stat.st_dev, stat.st_ino)
        except OSError:
            continue
        if identity in seen_dirs:  # a bind mount or a loop: walked already
            dirnames[:] = []
            continue
        seen_dirs.add(identity)
        dirnames[:] = sorted(
            name
            for name in dirnames
            if not (directory / name).is_symlink() and not excludes.excluded_entry(directory / name)
        )
        for name in sorted(filenames):
            if not name.endswith(".py"):
                continue
            path = directory / name
            if excludes.excluded_entry(path):
                continue
            if path.is_symlink() and not path.is_file():
                continue  # dangling link
            yield path


def collect(paths: Sequence[Path], excludes: Excludes, force_exclude: bool = False) -> FileSet:
    """Discover, group and mark the files for one run. Raises PathNotFound."""
    result = FileSet()
    roots = _ProjectRoots()
    requested_dirs: list[Path] = []
    explicit_files: list[Path] = []
    index_roots: list[Path] = []
    for given in paths:
        path = _absolute(given)
        if not path.exists():
            raise PathNotFound(str(given))
        if path.is_dir():
            requested_dirs.append(path)
            index_roots.append(roots.of(path) or path)
        else:
            if force_exclude and excludes.excluded(path):
                continue
            explicit_files.append(path)
            index_roots.append(roots.of(path.parent) or _fallback_root(path))

    # Walk every index root once (nested ones are covered by their ancestor), then the
    # requested directories too: one that is excluded itself is still walked when asked for.
    unique_roots = list(dict.fromkeys(index_roots))
    tops = [root for root in unique_roots if not any(
        other != root and _inside(root, other) for other in unique_roots)]
    files: dict[Path, None] = {}
    for top in [*tops, *requested_dirs]:
        for file in _walk(top, excludes, result.problems):
            files.setdefault(file, None)
    for file in explicit_files:
        files.setdefault(file, None)

    explicit_real = {os.path.realpath(file) for file in explicit_files}
    seen_real: set[str] = set()
    for file in files:
        real = os.path.realpath(file)
        if real in seen_real:
            continue  # the same file through a symlink
        seen_real.add(real)
        group = roots.of(file.parent) or next((top for top in tops if _inside(file, top)), file.parent)
        result.groups.setdefault(group, []).append(file)
        if real in explicit_real or any(_inside(file, directory) for directory in requested_dirs):
            result.reported.add(file)
    result.problems = list(dict.fromkeys(result.problems))
    result.requested_dirs = requested_dirs
    return result


def _inside(path: Path, directory: Path) -> bool:
    return path == directory or directory in path.parents
