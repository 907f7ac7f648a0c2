"""Which project module an import names (phase 2).

Paths are relative to the analysis root. Absolute imports resolve as Python
resolves them, from what is on ``sys.path`` when the program runs, never by a
directory's name: Pulumi runs a program with its directory first on
``sys.path``, so an absolute import ``config`` is looked up in the directory
of the program (``__main__.py``) that holds the importing file, innermost
first, then at the analysis root (the project directory). A file in a
directory that is not a regular package may be a script run directly, so its
own directory is searched first. A package directory deeper in the tree is
never a place absolute imports start from: ``import pulumi`` in
``cloud_foundry/pulumi/network.py`` is the SDK, not ``cloud_foundry/pulumi/``.
A directory without ``__init__.py`` (a namespace package) never shadows the
installed ``pulumi`` SDK, as regular packages win over namespace portions.
Relative imports follow the package the file is in. Names that match no
project file are external (``pulumi_aws``, ``json``, ...).

Module keys are file paths, or ``dir/`` for a directory without
``__init__.py`` (a namespace package) that holds modules.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

# Top-level names a namespace directory of the project never shadows (always installed).
_INSTALLED_REGULAR_PACKAGES = frozenset({"pulumi"})


class ModuleIndex:
    def __init__(self, paths: Iterable[str]) -> None:
        self.files = set(paths)
        self.directories: set[str] = set()
        for path in self.files:
            directory = posixpath.dirname(path)
            while directory and directory not in self.directories:
                self.directories.add(directory)
                directory = posixpath.dirname(directory)
        # Where ``sys.path`` starts for the programs in the analysis: each program's directory
        # (the one holding its ``__main__.py``) and the analysis root (the project directory).
        self.program_directories = {posixpath.dirname(path) for path in self.files
                                    if posixpath.basename(path) == "__main__.py"} | {""}
        # The files never change once indexed: each import is resolved once per importer,
        # and the search path once per directory.
        self._resolved: dict[tuple[str, str, int], str | None] = {}
        self._search_paths: dict[str, list[str]] = {}

    def _at(self, base: str, dotted: str) -> str | None:
        relative = dotted.replace(".", "/")
        stem = posixpath.join(base, relative) if base else relative
        if not stem:
            return None
        for candidate in (f"{stem}.py", f"{stem}/__init__.py"):
            if candidate in self.files:
                return candidate
        if stem in self.directories:
            return stem + "/"
        return None

    def absolute(self, importer: str, dotted: str) -> str | None:
        """The module ``import dotted`` names from file ``importer``, if in the project."""
        if not dotted:
            return None
        top = dotted.split(".", 1)[0]
        for base in self._search_path(importer):
            found = self._at(base, dotted)
            if found is None:
                continue
            if top in _INSTALLED_REGULAR_PACKAGES and self._at(base, top) == f"{posixpath.join(base, top)}/":
                continue  # a namespace directory: the installed regular package wins
            return found
        return None

    def _search_path(self, importer: str) -> list[str]:
        """The directories ``sys.path`` holds for ``importer``'s program, in order."""
        directory = posixpath.dirname(importer)
        found = self._search_paths.get(directory)
        if found is None:
            found = self._search_paths[directory] = self._search_path_of(directory)
        return found

    def _search_path_of(self, directory: str) -> list[str]:
        bases: list[str] = []
        if directory and posixpath.join(directory, "__init__.py") not in self.files:
            bases.append(directory)  # a script's own directory
        while True:
            if directory in self.program_directories and directory not in bases:
                bases.append(directory)
            if not directory:
                return bases
            directory = posixpath.dirname(directory)

    def relative(self, importer: str, dotted: str, level: int) -> str | None:
        """The module ``from <level dots><dotted> import ...`` names from ``importer``."""
        package = posixpath.dirname(importer)
        for _ in range(level - 1):
            if not package:
                return None
            package = posixpath.dirname(package)
        if not dotted:
            init = posixpath.join(package, "__init__.py") if package else "__init__.py"
            if init in self.files:
                return init
            return package + "/" if package in self.directories else None
        return self._at(package, dotted)

    def submodule(self, module: str, name: str) -> str | None:
        """``module.name`` when ``module`` is a package (``pkg/__init__.py`` or ``pkg/``)."""
        if module.endswith("/"):
            directory = module[:-1]
        elif module.endswith("/__init__.py") or module == "__init__.py":
            directory = posixpath.dirname(module)
        else:
            return None
        return self._at(directory, name)

    def resolve(self, importer: str, dotted: str, level: int) -> str | None:
        key = (importer, dotted, level)
        if key not in self._resolved:
            self._resolved[key] = self.relative(importer, dotted, level) if level else self.absolute(importer, dotted)
        return self._resolved[key]
