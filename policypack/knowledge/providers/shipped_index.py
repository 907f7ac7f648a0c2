"""The provider index shipped with stackguard: generated facts for common provider SDKs.

``data/`` holds one gzipped JSON entry per SDK package (format: see
``index_builder``) and ``manifest.json`` (versions, generation date). An
entry is loaded only when a program imports that package, once per process;
a class's arguments are parsed only when the class is used.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from policypack.knowledge.providers.schema import (
    ANY,
    COMPONENT,
    CUSTOM,
    KINDS,
    PROVIDER,
    Removed,
    ResourceFacts,
    ResourceSchema,
)

DATA_DIRECTORY = Path(__file__).resolve().parent / "data"
MANIFEST = "manifest.json"
# The biggest entry (pulumi-azure-native's registry) is ~0.3 MB compressed; these bound a damaged file.
_MAX_COMPRESSED = 16 * 1024 * 1024
_MAX_JSON = 128 * 1024 * 1024
_KINDS = {"c": CUSTOM, "m": COMPONENT, "p": PROVIDER}


def entry_file(package: str) -> str:
    return f"{package}.json.gz"


def _data(name: str) -> bytes | None:
    try:
        resource = resources.files(__package__).joinpath("data", name)
        with resource.open("rb") as stream:
            return stream.read(_MAX_COMPRESSED + 1)
    except (OSError, ValueError, TypeError):
        return None


@lru_cache(maxsize=1)
def manifest() -> Mapping[str, Any]:
    raw = _data(MANIFEST)
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def packages() -> frozenset[str]:
    """The SDK packages the index knows (``pulumi_aws``, ...)."""
    listed = manifest().get("packages")
    return frozenset(listed) if isinstance(listed, dict) else frozenset()


@dataclass
class IndexedPackage:
    """One SDK package's entry."""

    package: str
    version: str
    major: int
    older: Mapping[int, str]  # major → the version its facts come from
    schemas: bool
    rows: Mapping[str, object]  # class path → row (a list, from the index's JSON: checked where read)
    generated: str = ""
    _by_token: dict[str, str] | None = field(default=None, repr=False)
    _facts: dict[tuple[str, int | None], ResourceFacts | None] = field(default_factory=dict, repr=False)

    @property
    def majors(self) -> tuple[int, ...]:
        return tuple(sorted({self.major, *self.older}))

    def knows_module(self, module: str) -> bool:
        prefix = module + "."
        return any(path.startswith(prefix) for path in self.rows)

    def facts(self, class_path: str, major: int | None = None) -> ResourceFacts | None:
        """The class's facts as of provider ``major`` (None: this entry's newest major).

        The schema is None when the entry has no arguments for the class, or
        the major is one the entry does not describe.
        """
        key = (class_path, major)
        if key not in self._facts:
            self._facts[key] = self._read(class_path, major)
        return self._facts[key]

    def _read(self, class_path: str, major: int | None) -> ResourceFacts | None:
        row = self.rows.get(class_path)
        if not isinstance(row, list) or len(row) < 6 or not isinstance(row[0], str) or row[1] not in _KINDS:
            return None
        facts = ResourceFacts(row[0], _KINDS[row[1]])
        wanted = self.major if major is None else major
        until = row[6] if len(row) > 6 and isinstance(row[6], int) else None
        if not isinstance(row[2], str) or wanted not in self.majors or (until is not None and wanted > until):
            return facts
        arguments = _arguments(row[2])
        deprecated = {k: v for k, v in _mapping(row[3]).items() if isinstance(v, str)}
        removed = {name: Removed(int(value[0]), str(value[1])) for name, value in _mapping(row[4]).items()
                   if isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)}
        since = {name: value for name, value in _mapping(row[5]).items() if isinstance(value, int)}
        if wanted == (until if until is not None else self.major):
            schema = ResourceSchema(arguments, deprecated, removed)
        else:
            # An older major: without what later majors added, with what they removed.
            older_arguments = {name: kind for name, kind in arguments.items() if since.get(name, 0) <= wanted}
            older_deprecated = {name: text for name, text in deprecated.items() if name in older_arguments}
            for name, gone in removed.items():
                if gone.major > wanted:
                    older_arguments[name] = ANY
                    if gone.message:
                        older_deprecated[name] = gone.message
            schema = ResourceSchema(older_arguments, older_deprecated, {})
        return ResourceFacts(facts.token, facts.kind, schema)

    def class_for_token(self, token: str) -> str | None:
        if self._by_token is None:
            self._by_token = {}
            for path, row in self.rows.items():
                if isinstance(row, list) and row and isinstance(row[0], str):
                    self._by_token.setdefault(row[0], path)
        return self._by_token.get(token)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _arguments(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in text.split():
        name, _, kind = item.partition(":")
        found[name] = kind if kind in KINDS else ANY
    return found


@cache
def package(name: str) -> IndexedPackage | None:
    """The shipped entry for SDK package ``name`` (``pulumi_aws``), loaded on first use."""
    if name not in packages():
        return None
    raw = _data(entry_file(name))
    if raw is None or len(raw) > _MAX_COMPRESSED:
        return None
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
            text = stream.read(_MAX_JSON + 1)
        entry = json.loads(text) if len(text) <= _MAX_JSON else None
    except (OSError, EOFError, ValueError):
        return None
    if not isinstance(entry, dict) or not isinstance(entry.get("classes"), dict):
        return None
    older = {int(major): str(version) for major, version in _mapping(entry.get("older")).items()
             if str(major).isdigit()}
    return IndexedPackage(
        package=name,
        version=str(entry.get("version", "")),
        major=int(entry.get("major", 0)) if isinstance(entry.get("major"), int) else 0,
        older=older,
        schemas=bool(entry.get("schemas")),
        rows=entry["classes"],
        generated=str(entry.get("generated", "")),
    )


def package_for_token(token: str) -> IndexedPackage | None:
    """The entry of the SDK that registers type ``token`` (``aws:s3/bucket:Bucket`` → pulumi_aws)."""
    head = token.split(":", 1)[0]
    if head == "pulumi":
        return None
    return package("pulumi_" + head.replace("-", "_"))
