"""Which major of each provider SDK a project uses, from its own files.

Read from the project root, first match wins per distribution: lock files
(exact versions: ``poetry.lock``, ``uv.lock``, ``pdm.lock``, ``Pipfile.lock``),
then declared requirements (``requirements*.txt``, ``pyproject.toml``'s
``[project]`` and Poetry dependencies, ``Pipfile``). The answer only selects
which major's facts apply, so odd input is skipped, never an error: each
file is read up to :data:`MAX_FILE_BYTES`, and a specifier the reader does
not understand says nothing.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzers.reading import FileTooLarge, read_regular_file

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

MAX_FILE_BYTES = 2 * 1024 * 1024
_LOCK_FILES = ("poetry.lock", "uv.lock", "pdm.lock")
_NAME = re.compile(r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?P<spec>[^;#]*)")
_CLAUSE = re.compile(r"^\s*(?P<op>===|==|~=|!=|<=|>=|<|>|\^|~)?\s*v?(?P<version>\d+(?:\.[\w*]+)*)\s*$")


@dataclass(frozen=True)
class Pin:
    """The major a project's files select for one distribution, and where that came from."""

    major: int
    source: str  # e.g. "requirements.txt: pulumi-aws>=6,<7"


def normalize(name: str) -> str:
    """PEP 503: ``Pulumi_AWS`` → ``pulumi-aws``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def project_pins(root: Path, wanted: Iterable[str] | None = None) -> dict[str, Pin]:
    """Distribution (normalized) → the major the project at ``root`` pins, for ``pulumi-*`` ones."""
    names = {normalize(name) for name in wanted} if wanted is not None else None
    pins: dict[str, Pin] = {}
    for source, name, spec in _declarations(root):
        key = normalize(name)
        if not key.startswith("pulumi-") or key in pins or (names is not None and key not in names):
            continue
        major = major_of_spec(spec)
        if major is not None:
            pins[key] = Pin(major, f"{source}: {name}{spec}".strip())
    return pins


def _declarations(root: Path) -> Iterator[tuple[str, str, str]]:
    """(file, distribution, specifier), locked versions first."""
    for file_name in _LOCK_FILES:
        data = _toml(root / file_name)
        for package in data.get("package", ()) if isinstance(data.get("package"), list) else ():
            if isinstance(package, dict) and isinstance(package.get("name"), str) and isinstance(
                    package.get("version"), str):
                yield file_name, package["name"], f"=={package['version']}"
    pipfile_lock = _json(root / "Pipfile.lock")
    for section in ("default", "develop"):
        entries = pipfile_lock.get(section)
        for name, entry in entries.items() if isinstance(entries, dict) else ():
            if isinstance(entry, dict) and isinstance(entry.get("version"), str):
                yield "Pipfile.lock", name, entry["version"]
    for path in sorted(root.glob("requirements*.txt")) + sorted(root.glob("requirements/*.txt")):
        for name, spec in _requirement_lines(_text(path)):
            yield path.relative_to(root).as_posix(), name, spec
    pyproject = _toml(root / "pyproject.toml")
    project = pyproject.get("project")
    dependencies = project.get("dependencies") if isinstance(project, dict) else None
    for line in dependencies if isinstance(dependencies, list) else ():
        if isinstance(line, str):
            yield from (("pyproject.toml", name, spec) for name, spec in _requirement_lines(line))
    tool = pyproject.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    yield from (("pyproject.toml", name, spec) for name, spec in _table_specs(
        poetry.get("dependencies") if isinstance(poetry, dict) else None))
    yield from (("Pipfile", name, spec) for name, spec in _table_specs(_toml(root / "Pipfile").get("packages")))


def _table_specs(table: Any) -> Iterator[tuple[str, str]]:
    """Poetry/Pipfile tables: ``name = "^6.0"`` or ``name = {version = "^6.0"}``."""
    for name, value in table.items() if isinstance(table, dict) else ():
        if isinstance(value, dict):
            value = value.get("version")
        if isinstance(name, str) and isinstance(value, str):
            yield name, value


def _requirement_lines(text: str) -> Iterator[tuple[str, str]]:
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-")):
            continue
        match = _NAME.match(line)
        if match:
            yield match.group("name"), match.group("spec").strip()


def major_of_spec(spec: str) -> int | None:
    """The major a specifier selects: ``==6.2.0`` / ``~=6.2`` / ``^6`` / ``>=6,<7`` → 6;
    ``>=6,<8`` → 7 (what pip installs: the newest allowed); ``>=6`` alone or ``*`` → None."""
    lowest: int | None = None
    highest: int | None = None
    for clause in spec.replace(" ", "").split(","):
        if not clause or clause == "*":
            continue
        match = _CLAUSE.match(clause)
        if match is None:
            return None
        op = match.group("op") or "=="
        parts = match.group("version").split(".")
        major = int(parts[0])
        if op in ("==", "===", "~=", "^", "~"):
            if "*" in parts[0]:
                return None
            return major
        if op in (">=", ">"):
            lowest = major if lowest is None else max(lowest, major)
        elif op == "<":
            rest_zero = all(part in ("0", "") for part in parts[1:])
            top = major - 1 if rest_zero else major
            highest = top if highest is None else min(highest, top)
        elif op == "<=":
            highest = major if highest is None else min(highest, major)
    if highest is None or highest < 0 or (lowest is not None and lowest > highest):
        return None
    return highest


def _text(path: Path) -> str:
    try:
        return read_regular_file(path, MAX_FILE_BYTES).decode("utf-8", errors="replace")
    except (OSError, FileTooLarge):
        return ""


def _toml(path: Path) -> Mapping[str, Any]:
    text = _text(path)
    if not text:
        return {}
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return {}


def _json(path: Path) -> Mapping[str, Any]:
    text = _text(path)
    if not text:
        return {}
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}
