"""Provider SDKs installed in the interpreter that runs stackguard, read statically.

Only the running interpreter's ``sys.path`` is searched, never the linted
project: a repository could commit a fake ``venv/.../pulumi_aws/__init__.py``
that registers no resources, to make its resources vanish and hide its
findings. So ``''`` and relative entries (the CWD), the CWD itself, and any
entry inside a linted project root (or above one, which would reach into it)
are skipped — unless the entry is the interpreter's own installation
(``sys.prefix``' site-packages): an interpreter that lives in the repository
already runs that repository's code at start-up, so reading its files adds
nothing an attacker doesn't have.

Nothing is imported: the registry comes from the package's ``__init__.py``
and a class's arguments from its module file, both parsed by
``policypack.knowledge.providers.sdk_reader``; results are kept per process.
"""

from __future__ import annotations

import contextlib
import os
import re
import site
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from policypack.knowledge.providers import sdk_reader
from policypack.knowledge.providers.schema import CUSTOM, PROVIDER, ResourceFacts

_VERSION_LINE = re.compile(r"^Version:\s*(?P<version>\S+)\s*$", re.MULTILINE)
# A module directory with more files than this is scanned for a class only by file name.
_MAX_SCANNED_FILES = 2000


def _own_installation() -> frozenset[Path]:
    places = {sys.prefix, sys.base_prefix, sys.exec_prefix}
    with contextlib.suppress(AttributeError):  # some virtualenv builds lack it
        places.update(site.getsitepackages())
    user = site.getusersitepackages() if hasattr(site, "getusersitepackages") else None
    if isinstance(user, str):
        places.add(user)
    return frozenset(Path(os.path.realpath(place)) for place in places if place)


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def search_path(excluded: Sequence[Path] = ()) -> tuple[Path, ...]:
    """The ``sys.path`` directories an installed SDK may be read from (see the module doc)."""
    cwd = Path(os.path.realpath(os.getcwd()))
    roots = [Path(os.path.realpath(path)) for path in excluded]
    own = _own_installation()
    entries: list[Path] = []
    for entry in sys.path:
        if not entry or not os.path.isabs(entry):
            continue
        path = Path(os.path.realpath(entry))
        if path in entries or not path.is_dir():
            continue
        trusted = any(_within(path, place) for place in own)
        if not trusted and (path == cwd or any(_within(path, root) or _within(root, path) for root in roots)):
            continue
        entries.append(path)
    return tuple(entries)


def find(package: str, path: Sequence[Path]) -> InstalledPackage | None:
    """The first ``path`` entry holding ``package`` as a regular package (as Python finds it)."""
    for entry in path:
        init = entry / package / "__init__.py"
        try:
            stat = init.stat()
        except OSError:
            continue
        return _installed(entry, package, stat.st_mtime_ns, stat.st_size)
    return None


@lru_cache(maxsize=64)
def _installed(entry: Path, package: str, mtime: int, size: int) -> InstalledPackage:
    del mtime, size  # only part of the cache key: a package installed again is read again
    return InstalledPackage(entry, package, _version(entry, package))


def _version(entry: Path, package: str) -> str | None:
    try:
        infos = sorted(item for item in os.listdir(entry)
                       if item.startswith(f"{package}-") and item.endswith(".dist-info"))
    except OSError:
        return None
    for info in infos:
        try:
            with open(entry / info / "METADATA", encoding="utf-8", errors="replace") as stream:
                head = stream.read(64 * 1024)
        except OSError:
            continue
        match = _VERSION_LINE.search(head)
        if match:
            return match.group("version")
    return None


@dataclass
class InstalledPackage:
    root: Path  # the sys.path entry
    package: str
    version: str | None
    _registry: tuple[sdk_reader.Registry, sdk_reader.Registry] | None = field(default=None, repr=False)
    _facts: dict[tuple[str, str, bool], ResourceFacts | None] = field(default_factory=dict, repr=False)

    @property
    def location(self) -> Path:
        return self.root / self.package

    def registry(self) -> tuple[sdk_reader.Registry, sdk_reader.Registry]:
        if self._registry is None:
            self._registry = sdk_reader.read_registry(_read(self.location / "__init__.py"))
        return self._registry

    def registers_resources(self) -> bool:
        resources, providers = self.registry()
        return bool(resources or providers)

    def facts(self, module: str, name: str, *, schemas: bool) -> ResourceFacts | None:
        """The registered class ``module.name`` (None when the SDK registers no such class)."""
        key = (module, name, schemas)
        if key not in self._facts:
            self._facts[key] = self._read_facts(module, name, schemas)
        return self._facts[key]

    def _read_facts(self, module: str, name: str, schemas: bool) -> ResourceFacts | None:
        resources, providers = self.registry()
        token = resources.get(module, {}).get(name)
        kind = CUSTOM
        if token is None:
            token = providers.get(module, {}).get(name)
            kind = PROVIDER
        if token is None:
            return None
        source = self._class_source(module, name, token)
        if source is None:
            return ResourceFacts(token, kind)
        kind = sdk_reader.class_kinds(source).get(name, kind)
        schema = sdk_reader.class_schemas(source, [name]).get(name) if schemas else None
        return ResourceFacts(token, kind, schema)

    def _class_source(self, module: str, name: str, token: str) -> str | None:
        """The text of the module file that defines class ``name`` of package module ``module``."""
        directory = self.root / module.replace(".", "/")
        middle = token.split(":")[1] if token.count(":") >= 2 else ""
        guesses = [sdk_reader.python_module_name(middle.rsplit("/", 1)[-1]) + ".py", f"{name}.py"]
        definition = re.compile(rf"^class {re.escape(name)}\(", re.MULTILINE)
        for guess in guesses:
            text = _read(directory / guess)
            if definition.search(text):
                return text
        try:
            names = sorted(item for item in os.listdir(directory) if item.endswith(".py"))
        except OSError:
            names = []
        for item in names[:_MAX_SCANNED_FILES]:
            if item in guesses or item.startswith(("get_", "_")) or item == "outputs.py":
                continue
            text = _read(directory / item)
            if definition.search(text):
                return text
        return None


def _read(path: Path) -> str:
    try:
        if path.stat().st_size > sdk_reader.MAX_SDK_FILE_BYTES:
            return ""
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
