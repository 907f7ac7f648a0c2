"""Program resolution: which file runs, from which directory, with which project name and plain config.

As the language host does it: a project directory (``__main__.py`` or
Pulumi.yaml's ``main``) or a single ``.py`` file; config from Pulumi.yaml and
Pulumi.<stack>.yaml; cwd and sys.path set for the run and restored after.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from policypack.harness.reading import UnreadableFile, read_bounded
from policypack.harness.records import CaptureError

__all__ = ["Program", "check_project_name", "program_environment", "resolve_program"]

# Pulumi.yaml and Pulumi.<stack>.yaml are a few kilobytes (a stack's encrypted secrets included);
# the cap keeps a hostile one from exhausting memory.
MAX_PROJECT_FILE_BYTES = 4 << 20


@dataclass(frozen=True)
class Program:
    main: Path  # the file or directory runpy runs
    root: Path  # cwd and sys.path entry, like the language host
    project: str | None
    config: dict[str, str]


def _config_text(value: Any) -> str | None:
    """A config value as the engine passes it to the program (strings; JSON for the rest)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict) and "secure" in value:
        return None  # encrypted: not readable without the stack's secrets provider
    return json.dumps(value)


def _load_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(read_bounded(path, MAX_PROJECT_FILE_BYTES).decode("utf-8"))
    except (UnreadableFile, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CaptureError(f"{path}: cannot read: {exc}") from None
    return data if isinstance(data, dict) else {}


# The engine's rule for stack and project names (tokens.IsName): they become
# URN segments delimited by "::", and the stack name a file name.
_NAME = re.compile(r"[A-Za-z0-9_.-]+")


def _check_stack_name(stack: str) -> None:
    if not stack:
        raise CaptureError("a stack name may not be empty")
    if len(stack) > 100:
        raise CaptureError("a stack name cannot exceed 100 characters")
    if not _NAME.fullmatch(stack):
        raise CaptureError(f"a stack name may only contain alphanumeric, hyphens, underscores, or periods: "
                           f"invalid stack name {stack!r}")


def check_project_name(name: str, where: str) -> None:
    if not name:
        raise CaptureError(f"{where}: project names may not be empty")
    if len(name) > 100:
        raise CaptureError(f"{where}: project names are limited to 100 characters")
    if not _NAME.fullmatch(name):
        raise CaptureError(f"{where}: project names may only contain alphanumerics, hyphens, underscores, "
                           f"and periods (got {name!r})")


def resolve_program(program: str | os.PathLike[str], stack: str) -> Program:
    _check_stack_name(stack)
    path = Path(program).resolve()
    if path.is_file():
        return Program(main=path, root=path.parent, project=None, config={})
    if not path.is_dir():
        raise CaptureError(f"{program}: no such program file or directory")
    project_file = next((path / n for n in ("Pulumi.yaml", "Pulumi.yml") if os.path.lexists(path / n)), None)
    project_data = _load_yaml(project_file) if project_file else {}
    project = project_data.get("name") if isinstance(project_data.get("name"), str) else None
    if project is not None:
        check_project_name(project, str(project_file))
    main = path / str(project_data.get("main") or ".")
    if main.is_dir() and not (main / "__main__.py").is_file():
        raise CaptureError(f"{program}: no __main__.py in {main}")
    if not main.exists():
        raise CaptureError(f"{program}: main {main} does not exist")

    def qualified(key: str) -> str:
        return key if ":" in key or project is None else f"{project}:{key}"

    config: dict[str, str] = {}
    for key, spec in (project_data.get("config") or {}).items():
        value = spec.get("default", spec.get("value")) if isinstance(spec, dict) else spec
        text = _config_text(value) if value is not None else None
        if text is not None:
            config[qualified(str(key))] = text
    stack_file = path / f"Pulumi.{stack}.yaml"
    for key, value in ((_load_yaml(stack_file).get("config") or {}) if os.path.lexists(stack_file) else {}).items():
        text = _config_text(value)
        if text is not None:
            config[qualified(str(key))] = text
    return Program(main=main, root=main if main.is_dir() else main.parent, project=project, config=config)


def _is_under(module: Any, root: str) -> bool:
    location = getattr(module, "__file__", None) or ""
    return bool(location) and os.path.abspath(location).startswith(root + os.sep)


@contextlib.contextmanager
def program_environment(root: Path) -> Iterator[None]:
    """cwd and sys.path as the language host sets them; program-local modules removed afterwards."""
    saved_cwd, saved_path = os.getcwd(), list(sys.path)
    before = set(sys.modules)
    os.chdir(root)
    sys.path.insert(0, str(root))
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        sys.path[:] = saved_path
        root_text = str(root)
        for name in [n for n in sys.modules if n not in before]:
            if _is_under(sys.modules[name], root_text):
                del sys.modules[name]
