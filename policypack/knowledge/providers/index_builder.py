"""One provider package's index entry, built from its SDK source (a wheel or an installed tree).

Used by ``scripts/generate_provider_index.py`` (over downloaded wheels) and by
the test that checks the shipped index against the installed SDK. Reads only
text, with ``sdk_reader`` (never imports the SDK).

Entry format (JSON; :data:`INDEX_FORMAT`)::

    {"format": 1, "package": "pulumi_aws", "version": "7.51.1", "major": 7,
     "older": {"6": "6.83.4"}, "schemas": true,
     "classes": {"pulumi_aws.s3.Bucket": [token, kind, arguments, deprecated, removed, since]}}

- ``kind``: ``c`` custom, ``m`` component, ``p`` provider;
- ``arguments``: ``"name:k name:k ..."`` (kinds of ``schema``), or null when the
  package is indexed without schemas; kept as one string so loading the index
  parses only the classes a program uses;
- ``deprecated``: ``{name: message}``; ``removed``: ``{name: [major, message]}``
  (accepted by an older major, not by this one; the message is the older SDK's
  deprecation text); ``since``: ``{name: major}`` for arguments older majors
  don't accept. Classes only older majors have carry ``until`` (their last major)
  as a seventh item.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from policypack.knowledge.providers import sdk_reader
from policypack.knowledge.providers.schema import COMPONENT, CUSTOM, PROVIDER, ResourceSchema

INDEX_FORMAT = 1
KIND_CODES = {CUSTOM: "c", COMPONENT: "m", PROVIDER: "p"}
# SDK modules that hold types, never resource classes.
_TYPE_FILES = frozenset({"__init__.py", "_inputs.py", "outputs.py", "_enums.py", "_utilities.py"})
_VERSION_LINE = re.compile(r"^Version:\s*(?P<version>\S+)\s*$", re.MULTILINE)


class SdkTree(Protocol):
    """Read access to the files of an SDK, by "/"-separated path (``pulumi_aws/s3/bucket.py``)."""

    def read(self, path: str) -> str | None: ...

    def python_files(self, directory: str) -> list[str]: ...

    def version(self, package: str) -> str | None: ...


class DirectoryTree:
    """An installed SDK: ``root`` is the ``site-packages`` directory holding the package."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def read(self, path: str) -> str | None:
        target = self.root / path
        try:
            if target.stat().st_size > sdk_reader.MAX_SDK_FILE_BYTES:
                return None
            return target.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None

    def python_files(self, directory: str) -> list[str]:
        try:
            names = sorted(item.name for item in (self.root / directory).iterdir() if item.suffix == ".py")
        except OSError:
            return []
        return [posixpath.join(directory, name) for name in names]

    def version(self, package: str) -> str | None:
        for info in sorted(self.root.glob(f"{package}-*.dist-info")):
            text = self.read(f"{info.name}/METADATA") or ""
            match = _VERSION_LINE.search(text)
            if match:
                return match.group("version")
        return None


class WheelTree:
    """A downloaded wheel, read in place."""

    def __init__(self, path: Path) -> None:
        self.archive = zipfile.ZipFile(path)
        self.names = set(self.archive.namelist())

    def read(self, path: str) -> str | None:
        if path not in self.names:
            return None
        if self.archive.getinfo(path).file_size > sdk_reader.MAX_SDK_FILE_BYTES:
            return None
        return self.archive.read(path).decode("utf-8", errors="replace")

    def python_files(self, directory: str) -> list[str]:
        prefix = directory.rstrip("/") + "/"
        return sorted(name for name in self.names
                      if name.startswith(prefix) and name.endswith(".py") and "/" not in name[len(prefix):])

    def version(self, package: str) -> str | None:
        for name in sorted(self.names):
            if name.startswith(f"{package}-") and name.endswith(".dist-info/METADATA"):
                match = _VERSION_LINE.search(self.read(name) or "")
                if match:
                    return match.group("version")
        return None


def major_of(version: str) -> int:
    head = version.split(".", 1)[0]
    return int(head) if head.isdigit() else 0


class _Class:
    __slots__ = ("kind", "schema", "token")

    def __init__(self, token: str, kind: str, schema: ResourceSchema | None) -> None:
        self.token, self.kind, self.schema = token, kind, schema


def read_package(tree: SdkTree, package: str, *, schemas: bool) -> dict[str, _Class]:
    """Every resource class of an SDK: registered ones, the provider, and SDK-local components."""
    resources, providers = sdk_reader.read_registry(tree.read(f"{package}/__init__.py") or "")
    found: dict[str, _Class] = {}
    for module, classes in sorted(resources.items()):
        for kinds, schemas_found in _module_classes(tree, module, classes, schemas):
            for name, kind in kinds.items():
                found.setdefault(f"{module}.{name}", _Class(classes[name], kind, schemas_found.get(name)))
        for name, token in classes.items():  # registered, but no module file defines it: still a resource
            found.setdefault(f"{module}.{name}", _Class(token, CUSTOM, None))
    for module, classes in providers.items():
        for kinds, schemas_found in _module_classes(tree, module, classes, schemas):
            for name in kinds:
                found[f"{module}.{name}"] = _Class(classes[name], PROVIDER, schemas_found.get(name))
        for name, token in classes.items():
            found.setdefault(f"{module}.{name}", _Class(token, PROVIDER, None))
    for path, name, token in _local_components(tree, package):
        found.setdefault(f"{path}.{name}", _Class(token, COMPONENT, None))
    return found


def _module_classes(tree: SdkTree, module: str, classes: Mapping[str, str], schemas: bool
                    ) -> Iterator[tuple[dict[str, str], dict[str, ResourceSchema]]]:
    """For each file of ``module``'s directory that defines some of ``classes``: its kinds and schemas."""
    directory = module.replace(".", "/")
    files = tree.python_files(directory) or [f"{directory}.py"]
    wanted = set(classes)
    for path in files:
        if posixpath.basename(path) in _TYPE_FILES or path.rsplit("/", 1)[-1].startswith("get_"):
            continue
        source = tree.read(path)
        if not source:
            continue
        kinds = {name: kind for name, kind in sdk_reader.class_kinds(source).items() if name in wanted}
        if not kinds:
            continue
        yield kinds, sdk_reader.class_schemas(source, kinds) if schemas else {}
        wanted -= set(kinds)
        if not wanted:
            return


def _local_components(tree: SdkTree, package: str) -> Iterator[tuple[str, str, str]]:
    """ComponentResource subclasses the SDK defines itself (``pulumi_kubernetes.helm.v3.Chart``):
    (module, class, token), with the module a program imports them from."""
    pending = [package]
    seen: set[str] = set()
    while pending:
        directory = pending.pop()
        if directory in seen or len(seen) > 5000:
            continue
        seen.add(directory)
        for path in tree.python_files(directory):
            name = posixpath.basename(path)
            if name in _TYPE_FILES:
                continue
            source = tree.read(path) or ""
            for class_name, kind in sdk_reader.class_kinds(source).items():
                if kind == COMPONENT:
                    token = sdk_reader.component_token(source, class_name)
                    if token:
                        yield directory.replace("/", "."), class_name, token
        for sub in _subdirectories(tree, directory):
            pending.append(sub)


def _subdirectories(tree: SdkTree, directory: str) -> list[str]:
    if isinstance(tree, WheelTree):
        prefix = directory + "/"
        return sorted({name[len(prefix):].split("/", 1)[0] and prefix + name[len(prefix):].split("/", 1)[0]
                       for name in tree.names if name.startswith(prefix) and name.count("/") > prefix.count("/")})
    if isinstance(tree, DirectoryTree):
        try:
            return sorted(f"{directory}/{item.name}" for item in (tree.root / directory).iterdir()
                          if item.is_dir() and item.name != "__pycache__")
        except OSError:
            return []
    return []


def build_entry(tree: SdkTree, package: str, *, schemas: bool, older: Sequence[SdkTree] = (),
                generated: str = "") -> dict[str, Any]:
    """The index entry of ``package`` from its newest SDK ``tree`` (and older majors' trees)."""
    version = tree.version(package) or "0"
    major = major_of(version)
    current = read_package(tree, package, schemas=schemas)
    older_versions: dict[str, str] = {}
    previous: dict[str, tuple[int, dict[str, _Class]]] = {}
    for old_tree in older:
        old_version = old_tree.version(package) or "0"
        older_versions[str(major_of(old_version))] = old_version
        previous[old_version] = (major_of(old_version), read_package(old_tree, package, schemas=schemas))
    classes: dict[str, list[Any]] = {}
    for path, found in sorted(current.items()):
        classes[path] = _row(found, major, [(m, c.get(path)) for m, c in previous.values()])
    for old_major, old_classes in sorted(previous.values(), key=lambda item: -item[0]):
        for path, found in sorted(old_classes.items()):
            if path not in classes:
                row = _row(found, old_major, [])
                classes[path] = [*row, old_major]
    return {
        "format": INDEX_FORMAT,
        "package": package,
        "version": version,
        "major": major,
        "older": older_versions,
        "generated": generated,
        "schemas": schemas,
        "classes": classes,
    }


def _row(found: _Class, major: int, older: Sequence[tuple[int, _Class | None]]) -> list[Any]:
    kind = KIND_CODES[found.kind]
    schema = found.schema
    if schema is None:
        return [found.token, kind, None, {}, {}, {}]
    removed: dict[str, list[Any]] = {}
    since: dict[str, int] = {}
    for old_major, old in sorted(older, key=lambda item: -item[0]):
        if old is None or old.schema is None:
            continue
        for name in old.schema.arguments:
            if name not in schema.arguments and name not in removed:
                removed[name] = [old_major + 1, old.schema.deprecated.get(name, "")]
        for name in schema.arguments:
            if name not in old.schema.arguments and name not in since:
                since[name] = old_major + 1
    arguments = " ".join(f"{name}:{kind}" for name, kind in sorted(schema.arguments.items()))
    return [found.token, kind, arguments, dict(sorted(schema.deprecated.items())), removed, since]
