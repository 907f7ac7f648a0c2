"""Baselines: adopt the gate on an existing codebase without fixing everything first.

A baseline records today's findings keyed without line numbers, so they
survive code moving and unrelated edits::

    (code, file, enclosing class/function, resource logical name or URN) → count

The file is relative to the repository root (the git work tree), so the key
doesn't depend on where the gate runs. ``split`` reports only findings beyond
the recorded counts (new), and lists entries that match fewer findings than
recorded (fixed) so ``--update-baseline`` can ratchet the counts down. The
same key, with an occurrence number, is each finding's stable fingerprint
(SARIF ``partialFingerprints``, GitLab ``fingerprint``).

A baseline file is repository content, so it is validated field by field with
one-line errors. Rules configured ``unsuppressible`` are never baselined.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from analyzers.gate.errors import GateError
from analyzers.gate.json_input import read_json
from analyzers.gate.merge import COMPUTED_NAME, RUNTIME, STATIC, GateFinding
from analyzers.gate.runtime_results import parse_urn
from analyzers.gate.source_map import MAPPED
from analyzers.reading import FileTooLarge, read_regular_file

FORMAT = "stackguard-baseline"
FORMAT_VERSION = 1
FINGERPRINT_VERSION = "stackguard-baseline/v1"
MAX_BYTES = 64 * 1024 * 1024
MAX_ENTRIES = 500_000
MAX_TEXT = 4096
MAX_SCOPE_FILE_BYTES = 10 * 1024 * 1024
_CODE = re.compile(r"^SG\d{3}$")


@dataclass(frozen=True, order=True)
class Key:
    code: str
    path: str  # relative to the repository root, "/"-separated
    scope: str  # "Class.method", "function", or "" at module level
    subject: str  # the resource's logical name (or URN without the stack), a class name, ...

    def as_json(self, count: int) -> dict[str, Any]:
        return {"code": self.code, "path": self.path, "scope": self.scope, "subject": self.subject, "count": count}


class Scopes:
    """The enclosing class/function of a line, per file (parsed once, with the stdlib ``ast``)."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self._files: dict[str, list[tuple[int, int, str]]] = {}

    def of(self, path: str, line: int) -> str:
        if not path.endswith(".py"):
            return ""
        if path not in self._files:
            self._files[path] = self._read(path)
        best = ""
        best_size = None
        for start, end, name in self._files[path]:
            if start <= line <= end and (best_size is None or end - start <= best_size):
                best, best_size = name, end - start
        return best

    def _read(self, path: str) -> list[tuple[int, int, str]]:
        try:
            tree = ast.parse(read_regular_file(self.cwd / path, MAX_SCOPE_FILE_BYTES))
        except (OSError, FileTooLarge, SyntaxError, ValueError, RecursionError, MemoryError):
            return []  # an unreadable or broken file: module level for every finding
        spans: list[tuple[int, int, str]] = []
        pending: list[tuple[ast.AST, str]] = [(tree, "")]
        while pending:
            node, prefix = pending.pop()
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    name = f"{prefix}.{child.name}" if prefix else child.name
                    first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                    spans.append((first, child.end_lineno or child.lineno, name))
                    pending.append((child, name))
                else:
                    pending.append((child, prefix))
        return spans


def key_of(finding: GateFinding, repo_path: str, scopes: Scopes) -> Key:
    """The line-free key of a finding."""
    subject = finding.site_key or finding.subject  # a call that may run several times: the call
    if COMPUTED_NAME.match(subject):
        subject = subject.rsplit(":", 1)[0]  # "Bucket at infra/x.py:12" → "Bucket at infra/x.py"
    runtime_only = RUNTIME in finding.detectors and STATIC not in finding.detectors
    if runtime_only and finding.location != MAPPED and finding.urns:
        urn = parse_urn(finding.urns[0])
        subject = urn.without_stack if urn is not None else finding.urns[0]
        return Key(finding.code, repo_path, "", subject)
    return Key(finding.code, repo_path, scopes.of(finding.path, finding.line), subject)


def fingerprints(keys: Sequence[Key]) -> list[str]:
    """One stable fingerprint per finding: its key and its occurrence among equal keys."""
    seen: dict[Key, int] = {}
    result = []
    for key in keys:
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        text = "\x1f".join((FINGERPRINT_VERSION, key.code, key.path, key.scope, key.subject, str(occurrence)))
        result.append(hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32])
    return result


def with_fingerprints(findings: Sequence[GateFinding], keys: Sequence[Key]) -> list[GateFinding]:
    return [replace(f, stable_fingerprint=fp) for f, fp in zip(findings, fingerprints(keys), strict=True)]


@dataclass(frozen=True)
class Split:
    new: list[GateFinding]
    baselined: list[GateFinding]
    fixed: list[tuple[Key, int]]  # entries matching fewer findings than recorded: (key, how many fewer)
    current: dict[Key, int]  # every entry's count today (for --update-baseline), capped at the recorded one


def split(findings: Sequence[GateFinding], keys: Sequence[Key], baseline: Mapping[Key, int],
          never_baselined: Callable[[str], bool]) -> Split:
    groups: dict[Key, list[int]] = {}
    for position, key in enumerate(keys):
        groups.setdefault(key, []).append(position)
    baselined_positions: set[int] = set()
    current: dict[Key, int] = {}
    for key, recorded in baseline.items():
        if never_baselined(key.code):
            continue
        matches = groups.get(key, [])
        taken = matches[:recorded]  # findings are in source order: the first ones are the old ones
        baselined_positions.update(taken)
        if taken:
            current[key] = len(taken)
    fixed = sorted((key, recorded - len(groups.get(key, [])[:recorded])) for key, recorded in baseline.items()
                   if not never_baselined(key.code) and len(groups.get(key, [])) < recorded)
    new = [f for position, f in enumerate(findings) if position not in baselined_positions]
    old = [f for position, f in enumerate(findings) if position in baselined_positions]
    return Split(new, old, fixed, current)


def entries_of(keys: Iterable[Key]) -> dict[Key, int]:
    counted: dict[Key, int] = {}
    for key in keys:
        counted[key] = counted.get(key, 0) + 1
    return counted


def dumps(entries: Mapping[Key, int]) -> str:
    document = {
        "tool": "stackguard",
        "format": FORMAT,
        "formatVersion": FORMAT_VERSION,
        "findings": [key.as_json(count) for key, count in sorted(entries.items()) if count > 0],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write(path: Path, entries: Mapping[Key, int], label: str) -> None:
    """Write atomically (a temporary file beside it, renamed over it)."""
    text = dumps(entries)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=".stackguard-baseline-", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", errors="surrogateescape") as stream:
                stream.write(text)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise GateError(f"baseline {label}: cannot write ({error.strerror or type(error).__name__})") from None


def load(path: Path, label: str) -> dict[Key, int]:
    where = f"baseline {label}"
    document = read_json(path, where, MAX_BYTES, missing="file not found (create one with --write-baseline)",
                         errors="surrogateescape")
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise GateError(f"{where}: not a stackguard baseline (format must be {FORMAT!r})")
    if document.get("formatVersion") != FORMAT_VERSION:
        raise GateError(f"{where}: formatVersion {document.get('formatVersion')!r} is not supported")
    entries = document.get("findings")
    if not isinstance(entries, list):
        raise GateError(f"{where}: findings must be a list")
    if len(entries) > MAX_ENTRIES:
        raise GateError(f"{where}: too many entries ({len(entries)}; the limit is {MAX_ENTRIES})")
    result: dict[Key, int] = {}
    for index, entry in enumerate(entries):
        at = f"{where}: findings[{index}]"
        if not isinstance(entry, dict):
            raise GateError(f"{at} must be an object")
        values = []
        for name in ("code", "path", "scope", "subject"):
            value = entry.get(name)
            if not isinstance(value, str) or len(value) > MAX_TEXT:
                raise GateError(f"{at}.{name} must be a string of at most {MAX_TEXT} characters")
            values.append(value)
        if not _CODE.match(values[0]):
            raise GateError(f"{at}.code must look like SG201")
        count = entry.get("count")
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 1_000_000:
            raise GateError(f"{at}.count must be a whole number from 1 to 1000000")
        key = Key(*values)
        result[key] = result.get(key, 0) + count
    return result

