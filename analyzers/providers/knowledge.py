"""Is this class a resource, of which type, and which arguments does it take?

For a class of a ``pulumi_*`` package, the answer comes from, in order:

1. the SDK installed in the interpreter running stackguard (see ``installed``),
   read statically: its ``_utilities.register(...)`` registry lists every
   resource class and type token; a class it does not register (an input
   type such as ``docker.DockerBuild``, an enum, a function) is no resource.
   When the installed version is the one the shipped index was generated
   from, the index is used instead (same facts, checked in CI, faster);
2. the shipped index (``policypack.knowledge.providers.shipped_index``) for
   the common providers;
3. for a package neither knows, the old naming heuristic
   (``analyzers.extract.naming.resource_class``: a capitalised class not
   ending in ``Args``); ``--verbose`` says so.

An installed ``pulumi_*`` package that registers nothing (a company's own
library of components) has no resource classes.

Arguments are checked against the provider major the project uses
(``versions``: lock files, then requirements; else the installed SDK's
version; else the newest major the index knows, and the messages say so).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from analyzers.extract import naming
from analyzers.providers import installed, versions
from policypack.knowledge.providers import shipped_index
from policypack.knowledge.providers.index_builder import major_of
from policypack.knowledge.providers.schema import (
    COMPONENT,
    CONSTRUCTOR_KEYWORDS,
    CUSTOM,
    PROVIDER,
    ResourceFacts,
    ResourceSchema,
)

_KINDS = {CUSTOM: naming.CUSTOM, COMPONENT: naming.COMPONENT, PROVIDER: naming.PROVIDER}
INSTALLED = "installed"
INDEX = "index"
HEURISTIC = "heuristic"
NOT_AN_SDK = "no-registry"


@dataclass(frozen=True)
class ArgumentFacts:
    """What one resource class accepts, for the provider major the project uses."""

    class_label: str  # "aws.apigateway.Deployment"
    distribution: str  # "pulumi-aws"
    major: int
    basis: str  # why this major: "pinned by requirements.txt: pulumi-aws==7.2.0", ...
    schema: ResourceSchema

    def accepts(self, name: str) -> bool:
        return name in CONSTRUCTOR_KEYWORDS or name in self.schema.arguments

    @property
    def provider(self) -> str:
        """``pulumi-aws 7 (pinned by requirements.txt: ...)``, for messages."""
        return f"{self.distribution} {self.major} ({self.basis})"


@dataclass
class _Package:
    """Where one SDK package's facts come from in this run."""

    name: str  # pulumi_aws
    source: str  # INSTALLED, INDEX, HEURISTIC or NOT_AN_SDK
    installed: installed.InstalledPackage | None
    indexed: shipped_index.IndexedPackage | None
    major: int | None = None  # the major whose arguments apply
    basis: str = ""

    @property
    def distribution(self) -> str:
        return self.name.replace("_", "-")


class ProviderKnowledge:
    """Provider facts for one project (its pins, the interpreter's installed SDKs)."""

    def __init__(self, search_path: Sequence[Path] | None = None,
                 pins: Mapping[str, versions.Pin] | None = None) -> None:
        self.search_path = tuple(search_path) if search_path is not None else installed.search_path()
        self.pins = dict(pins or {})
        self._packages: dict[str, _Package] = {}
        self._classes: dict[str, naming.ResourceClass | None] = {}
        self._arguments: dict[str, ArgumentFacts | None] = {}

    @classmethod
    def for_project(cls, root: Path) -> ProviderKnowledge:
        return cls(installed.search_path([root]), versions.project_pins(root))

    # --- resources ----------------------------------------------------------------------

    def resource_class(self, path: str) -> naming.ResourceClass | None:
        """The resource an SDK class path like ``pulumi_aws.rds.Instance`` constructs, if any."""
        if path in self._classes:
            return self._classes[path]
        found = self._resource_class(path)
        self._classes[path] = found
        return found

    def _resource_class(self, path: str) -> naming.ResourceClass | None:
        package = self._package_of(path)
        if package is None:
            return None
        if package.source == HEURISTIC:
            return naming.resource_class(path)
        facts = self._facts(package, path, schemas=False)
        if facts is None:
            indexed, module = package.indexed, path.rsplit(".", 1)[0]
            if self._pinned_to_another_major(package) and indexed is not None and not indexed.knows_module(module):
                # Registries move between majors (azure-native 3 renamed whole modules): in a
                # module the index's major lacks, a class may be a resource of the pinned one.
                # In a module it has, an unlisted class is an input type or a function.
                return naming.resource_class(path)
            return None
        return naming.ResourceClass(facts.token, _KINDS[facts.kind])

    def _pinned_to_another_major(self, package: _Package) -> bool:
        """The project pins a major of a package only the shipped index describes, and not
        the index's major."""
        if package.source != INDEX or package.indexed is None:
            return False
        if package.installed is not None and package.installed.version == package.indexed.version:
            return False
        pin = self.pins.get(versions.normalize(package.distribution))
        return pin is not None and pin.major != package.indexed.major

    def _facts(self, package: _Package, path: str, *, schemas: bool) -> ResourceFacts | None:
        for module, name in _locations(path):
            if package.source == INSTALLED and package.installed is not None:
                found = package.installed.facts(module, name, schemas=schemas)
                if found is not None:
                    return found
            if package.indexed is not None:
                found = package.indexed.facts(f"{module}.{name}")
                # with the installed SDK as the source, the index adds only the SDK's own
                # components, which no registry lists (pulumi_kubernetes.helm.v3.Chart)
                if found is not None and (package.source != INSTALLED or found.kind == COMPONENT):
                    return found
        return None

    # --- arguments ----------------------------------------------------------------------

    def arguments(self, path: str) -> ArgumentFacts | None:
        """What the class's constructor accepts, or None when that is not known."""
        if path not in self._arguments:
            self._arguments[path] = self._read_arguments(path)
        return self._arguments[path]

    def _read_arguments(self, path: str) -> ArgumentFacts | None:
        package = self._package_of(path)
        if package is None or package.source in (HEURISTIC, NOT_AN_SDK) or package.major is None:
            return None
        schema: ResourceSchema | None = None
        class_path = path
        for module, name in _locations(path):
            class_path = f"{module}.{name}"
            schema = self._schema(package, module, name)
            if schema is not None:
                break
        if schema is None:
            return None
        label = class_path.removeprefix("pulumi_")
        return ArgumentFacts(label, package.distribution, package.major, package.basis, schema)

    def _schema(self, package: _Package, module: str, name: str) -> ResourceSchema | None:
        class_path = f"{module}.{name}"
        local = package.installed
        if (package.source == INSTALLED and local is not None and local.version is not None
                and major_of(local.version) == package.major):
            facts = local.facts(module, name, schemas=True)
            if facts is None or facts.schema is None:
                return None
            removed = {}
            index = package.indexed if package.indexed is not None and package.indexed.major == package.major else None
            indexed = index.facts(class_path) if index is not None else None
            if indexed is not None and indexed.schema is not None:
                removed = {key: value for key, value in indexed.schema.removed.items()
                           if key not in facts.schema.arguments}
            return ResourceSchema(facts.schema.arguments, facts.schema.deprecated, removed)
        if package.indexed is not None:
            facts = package.indexed.facts(class_path, package.major)
            return facts.schema if facts is not None else None
        return None

    # --- packages -----------------------------------------------------------------------

    def _package_of(self, path: str) -> _Package | None:
        name = path.split(".", 1)[0]
        if not name.startswith("pulumi_") or name == "pulumi_policy" or name == path:
            return None
        if name not in self._packages:
            self._packages[name] = self._choose(name)
        return self._packages[name]

    def _choose(self, name: str) -> _Package:
        local = installed.find(name, self.search_path)
        indexed = shipped_index.package(name)
        if local is not None and local.registers_resources():
            same = indexed is not None and local.version == indexed.version
            package = _Package(name, INDEX if same else INSTALLED, local, indexed)
        elif indexed is not None:
            package = _Package(name, INDEX, local, indexed)
        elif local is not None:
            package = _Package(name, NOT_AN_SDK, local, None)
        else:
            package = _Package(name, HEURISTIC, None, None)
        self._choose_major(package)
        return package

    def _choose_major(self, package: _Package) -> None:
        pin = self.pins.get(versions.normalize(package.distribution))
        if pin is not None:
            package.major, package.basis = pin.major, f"pinned by {pin.source}"
        elif package.installed is not None and package.installed.version:
            package.major = major_of(package.installed.version)
            package.basis = f"{package.installed.version} installed"
        elif package.indexed is not None:
            package.major = package.indexed.major
            package.basis = ("no version found in the project's requirements or lock files; "
                             "checked against the newest major stackguard knows")
        describable = {major_of(package.installed.version)} if (
            package.source == INSTALLED and package.installed and package.installed.version) else set()
        if package.indexed is not None and package.indexed.schemas:
            describable.update(package.indexed.majors)
        if package.major is not None and package.major not in describable:
            package.basis += "; stackguard has no argument facts for this major, so arguments are not checked"
            package.major = None

    # --- reporting ------------------------------------------------------------------------

    def notes(self) -> list[str]:
        """One line per provider package the program used: where its facts came from."""
        return [_describe(package) for _, package in sorted(self._packages.items())]

    def fingerprint(self) -> str:
        """Everything the facts depend on besides the source: for the project cache key."""
        parts = [repr(sorted((name, pin.major, pin.source) for name, pin in self.pins.items()))]
        listed = shipped_index.manifest()
        parts.append(f"{listed.get('format')}/{listed.get('generated')}/{sorted(shipped_index.packages())}")
        for entry in self.search_path:  # only entries holding provider packages: the rest change nothing
            try:
                names = sorted(item for item in os.listdir(entry) if item.startswith("pulumi_"))
            except OSError:
                continue
            if names:
                parts.append(f"{entry}:{','.join(names)}")
        return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _locations(path: str) -> list[tuple[str, str]]:
    """``pulumi_aws.s3.Bucket`` → [("pulumi_aws.s3", "Bucket")]; a class named through its
    file module (``pulumi_aws.s3.bucket.Bucket``) is registered one level up."""
    module, _, name = path.rpartition(".")
    found = [(module, name)]
    parent, _, file_module = module.rpartition(".")
    if parent and file_module:
        found.append((parent, name))
    return found


def _describe(package: _Package) -> str:
    name = package.name
    local, indexed = package.installed, package.indexed
    if package.source == HEURISTIC:
        return (f"{name}: not installed here and not in the shipped index; its classes are recognised "
                "by name (a capitalised class not ending in Args is taken for a resource)")
    if package.source == NOT_AN_SDK and local is not None:
        return f"{name}: installed at {local.location} without a resource registry; none of its classes is a resource"
    if package.source == INSTALLED and local is not None:
        where = f"the installed SDK {local.version or '(version unknown)'} at {local.location}"
    elif indexed is not None:
        same = (" (the installed SDK is the same version)"
                if local is not None and local.version == indexed.version else "")
        where = f"the shipped index ({name.replace('_', '-')} {indexed.version}){same}"
    else:
        where = "nowhere"
    arguments = (f"arguments checked against {package.distribution} {package.major} ({package.basis})"
                 if package.major is not None else f"arguments not checked ({package.basis or 'no schema'})")
    return f"{name}: resources from {where}; {arguments}"
