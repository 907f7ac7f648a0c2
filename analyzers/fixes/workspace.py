"""One version of a project as fixes see it: file texts, the analyzer's graph, and the way
from a finding or a graph resource to the libcst nodes that wrote it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import libcst as cst

from analyzers.findings import Finding
from analyzers.fixes.model import FindingKey
from analyzers.fixes.source import SourceFile
from analyzers.fixes.verify import Identity, identities
from policypack.graph import Resource, ResourceGraph, SourceLocation

if TYPE_CHECKING:
    from analyzers.extract.graph_builder import Node, ProjectGraph


class Workspace:
    def __init__(self, texts: Mapping[str, str], project: ProjectGraph) -> None:
        self.texts = texts
        self.project = project
        self.graph: ResourceGraph = project.graph
        self._files: dict[str, SourceFile | None] = {}
        self._by_location: dict[tuple[str, int, int], list[Resource]] = {}
        for resource in self.graph:
            where = resource.location
            if where is not None:
                self._by_location.setdefault((where.path, where.line, where.column), []).append(resource)
        self._identities: dict[str, Identity] | None = None

    def file(self, path: str) -> SourceFile | None:
        """The file at ``path`` when fixes may read and edit it (in the project, UTF-8, parseable)."""
        if path not in self._files:
            text = self.texts.get(path)
            found = SourceFile(path, text) if text is not None else None
            if found is not None:
                try:
                    found.module  # noqa: B018 - parse now: a file libcst can't read is not editable
                except Exception:
                    found = None
            self._files[path] = found
        return self._files[path]

    def identity(self, resource: Resource) -> Identity:
        if self._identities is None:
            self._identities = identities(self.project)
        return self._identities.get(resource.urn, ("?", resource.urn))

    # --- from findings and resources to source -----------------------------------------

    def resources_at(self, finding: Finding | FindingKey) -> list[Resource]:
        """Every graph resource built by the call a finding points at (one per run of that call)."""
        return self.built_at(finding.path, finding.line, finding.column)

    def built_at(self, path: str, line: int, column: int) -> list[Resource]:
        """The resources built by the call starting at 1-based ``line`` and ``column`` of ``path``."""
        return list(self._by_location.get((path, line, column), ()))

    def call(self, resource: Resource) -> tuple[SourceFile, cst.Call] | None:
        """The constructor call that built ``resource``, when fixes may edit its file."""
        where: SourceLocation | None = resource.location
        if where is None:
            return None
        file = self.file(where.path)
        if file is None:
            return None
        call = file.call_at(where)
        return (file, call) if call is not None else None

    def node(self, resource: Resource) -> Node | None:
        return self.project.nodes.get(resource.urn)
