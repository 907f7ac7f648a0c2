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
- Only regular files are read. A FIFO, device or socket (met while walking or
  named on the command line) is a problem reported on its path, never opened.

The linted tree is untrusted, so a symlink is followed only when its target
stays inside the *project root* it was met under: the directory discovery
indexes it with (the Pulumi project, else the directory given, else for a lone
file the directory holding pyproject.toml or .git). With several paths each is
judged against its own root. A path on the command line is judged the same
way, and one below the current directory must also resolve inside it, so a
link planted in place of ``infra/`` cannot redirect ``stackguard lint infra``
(paths typed outside the current directory are the user's own choice). A link
that leads out is recorded once (:attr:`FileSet.escaping_links`, reported as
SG002) and nothing behind it is read; a link that stays inside works as
before: a file link is read (once per real file), a directory link is not
walked (its real directory is, where it lies in the walk).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from analyzers.reading import kind_of

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

    def excluded_name(self, name: str, relative: str) -> bool:
        """Whether a directory walk skips an entry (its name, and its path relative to
        ``base``, "/"-separated): a walk started inside an excluded directory that was
        asked for by name still looks inside it."""
        names, globs = _split_patterns(self.patterns)
        if name in names:
            return True
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
    # Paths not read, and why: unreadable directories, FIFOs, devices, sockets.
    problems: list[tuple[Path, str]] = field(default_factory=list)
    escaping_links: list[Path] = field(default_factory=list)  # symlinks leading out of their root
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


def _walk(top: Path, boundary: str, excludes: Excludes, result: FileSet) -> Iterable[tuple[Path, str]]:
    """The regular ``*.py`` files under ``top`` and their real paths; ``boundary`` is the
    real path of its project root. Top-down, each directory's files (sorted) before its
    subdirectories (sorted), as ``os.walk`` orders them; an entry's kind comes from the
    directory listing (``os.scandir``), so a plain file or directory costs no ``stat``."""
    seen_dirs: set[tuple[int, int]] = set()
    # (directory, its real path, its path relative to the excludes' base): a walked
    # subdirectory is never a link, so its real path is its parent's plus its name.
    pending: list[tuple[Path, str, str]] = [(top, os.path.realpath(top), _relative_posix(top, excludes.base))]
    while pending:
        directory, real_directory, relative = pending.pop()
        try:
            status = os.stat(directory)
            identity = (status.st_dev, status.st_ino)
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=_entry_name)
        except OSError as error:
            result.problems.append((Path(error.filename or directory), error.strerror or type(error).__name__))
            continue
        if identity in seen_dirs:  # a bind mount or a loop: walked already
            continue
        seen_dirs.add(identity)
        subdirectories: list[tuple[Path, str, str]] = []
        for entry in entries:
            name = entry.name
            entry_relative = name if relative == "." else f"{relative}/{name}"
            if _is_directory(entry):
                if excludes.excluded_name(name, entry_relative):
                    continue
                if entry.is_symlink():
                    if not resolves_within(os.path.realpath(entry.path), boundary):
                        result.escaping_links.append(directory / name)
                    continue
                subdirectories.append((directory / name, os.path.join(real_directory, name), entry_relative))
            elif name.endswith(".py") and not excludes.excluded_name(name, entry_relative):
                file = directory / name
                real = _regular_file(entry, file, os.path.join(real_directory, name), boundary, result)
                if real is not None:
                    yield file, real
        pending.extend(reversed(subdirectories))


def _entry_name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _is_directory(entry: os.DirEntry[str]) -> bool:
    """A directory, or a link to one (as ``os.walk`` sorts entries); a listing that fails
    to tell counts as a file, as in ``os.walk``."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _regular_file(entry: os.DirEntry[str], path: Path, real: str, boundary: str, result: FileSet) -> str | None:
    """The real path if ``path`` is (or links, inside the boundary, to) a regular file;
    else None, with a link leading out or a special file recorded on the way. ``real``
    is its real path unless it is a link itself."""
    try:
        if entry.is_file(follow_symlinks=False):  # the listing's type: no stat
            return real
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            real = os.path.realpath(path)
            if not resolves_within(real, boundary):
                result.escaping_links.append(path)
                return None
            mode = os.stat(real).st_mode
    except OSError:
        return None  # gone since the directory was listed, a dangling link, or a loop
    if stat.S_ISREG(mode):
        return real
    result.problems.append((path, f"not a regular file: {kind_of(mode)}"))
    return None


def collect(paths: Sequence[Path], excludes: Excludes, force_exclude: bool = False) -> FileSet:
    """Discover, group and mark the files for one run. Raises PathNotFound."""
    result = FileSet()
    roots = _ProjectRoots()
    cwd = _absolute(Path("."))  # physical: the operating system resolved it
    requested_dirs: list[Path] = []
    explicit_files: list[Path] = []
    index_roots: list[Path] = []
    for given in paths:
        path = _absolute(given)
        try:
            mode = os.stat(path).st_mode
        except OSError as error:
            if error.errno in (errno.ENOENT, errno.ENOTDIR, errno.ELOOP):
                raise PathNotFound(str(given)) from None
            result.problems.append((path, error.strerror or type(error).__name__))
            result.reported.add(path)
            continue
        if stat.S_ISDIR(mode):
            root = roots.of(path) or path
        elif force_exclude and excludes.excluded(path):
            continue
        else:
            root = roots.of(path.parent) or _fallback_root(path)
        if _leaves(path, root, cwd):
            result.escaping_links.append(path)
            result.reported.add(path)
        elif stat.S_ISDIR(mode):
            requested_dirs.append(path)
            index_roots.append(root)
        elif stat.S_ISREG(mode):
            explicit_files.append(path)
            index_roots.append(root)
        else:  # named, but never opened: a FIFO would block, /dev/zero never ends
            result.problems.append((path, f"not a regular file: {kind_of(mode)}"))
            result.reported.add(path)

    # Walk every index root once (nested ones are covered by their ancestor), then the
    # requested directories too: one that is excluded itself is still walked when asked for.
    unique_roots = list(dict.fromkeys(index_roots))
    tops = [root for root in unique_roots if not any(
        other != root and _inside(root, other) for other in unique_roots)]
    boundaries = {top: os.path.realpath(top) for top in tops}
    walks = [(top, boundaries[top]) for top in tops]
    walks += [(directory, boundaries[next(top for top in tops if _inside(directory, top))])
              for directory in requested_dirs]
    files: dict[Path, str] = {}  # → its real path
    for top, boundary in dict.fromkeys(walks):  # `lint .` at a project root: one walk, not two
        for file, real in _walk(top, boundary, excludes, result):
            files.setdefault(file, real)
    for file in explicit_files:
        files.setdefault(file, os.path.realpath(file))

    explicit_real = {files[file] for file in explicit_files}
    seen_real: set[str] = set()
    groups: dict[str, tuple[list[Path], bool]] = {}  # by directory: its group's files, whether requested
    for file, real in files.items():
        if real in seen_real:
            continue  # the same file through a symlink
        seen_real.add(real)
        directory = os.path.dirname(file)
        if directory not in groups:
            parent = file.parent
            group = roots.of(parent) or next((top for top in tops if _inside(parent, top)), parent)
            requested = any(_inside(parent, requested_dir) for requested_dir in requested_dirs)
            groups[directory] = (result.groups.setdefault(group, []), requested)
        members, requested = groups[directory]
        members.append(file)
        if requested or real in explicit_real:
            result.reported.add(file)
    result.problems = list(dict.fromkeys(result.problems))
    result.escaping_links = sorted(set(result.escaping_links))
    result.requested_dirs = requested_dirs
    return result


def _leaves(path: Path, root: Path, cwd: Path) -> bool:
    """Whether a path from the command line leads, through a symlink, out of its project
    root, or (when it lies below the current directory) out of the current directory.
    The root is checked too: it is found through the path and may itself be the link."""
    real, real_root = os.path.realpath(path), os.path.realpath(root)
    if not resolves_within(real, real_root):
        return True
    real_cwd = os.path.realpath(cwd)
    return any(_inside(lexical, cwd) and not resolves_within(resolved, real_cwd)
               for lexical, resolved in ((path, real), (root, real_root)))


def resolves_within(real: str, boundary: str) -> bool:
    """Whether a resolved path is the (resolved) ``boundary`` or below it."""
    return real == boundary or real.startswith(boundary.rstrip(os.sep) + os.sep)


def _inside(path: Path, directory: Path) -> bool:
    return path == directory or directory in path.parents
