"""Which project module an import names (phase 2).

Paths are relative to the analysis root. An absolute import ``config`` from
``infra/app/__main__.py`` is looked up next to the importing file first
(Pulumi runs the program with its directory on ``sys.path``), then in each
directory above it up to the root (package-style imports from the project
root). Relative imports follow the package the file is in. Names that match
no project file are external (``pulumi_aws``, ``json``, ...).

Module keys are file paths, or ``dir/`` for a directory without
``__init__.py`` (a namespace package) that holds modules.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable


class ModuleIndex:
    def __init__(self, paths: Iterable[str]) -> None:
        self.files = set(paths)
        self.directories: set[str] = set()
        for path in self.files:
            directory = posixpath.dirname(path)
            while directory and directory not in self.directories:
                self.directories.add(directory)
                directory = posixpath.dirname(directory)

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
        directory = posixpath.dirname(importer)
        while True:
            found = self._at(directory, dotted)
            if found is not None:
                return found
            if not directory:
                return None
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
        return self.relative(importer, dotted, level) if level else self.absolute(importer, dotted)
