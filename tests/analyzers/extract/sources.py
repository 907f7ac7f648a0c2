"""Helpers for the extraction tests: source text in, graph or findings out."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

from analyzers.extract.graph_builder import ProjectGraph, build
from analyzers.findings import Finding
from analyzers.project import analyze, summarize_file
from policypack.graph import Resource, ResourceGraph


def _summaries(files: Mapping[str, str]) -> list:
    return [summarize_file(path, textwrap.dedent(code).encode()) for path, code in files.items()]


def project_of(files: Mapping[str, str] | str) -> ProjectGraph:
    if isinstance(files, str):
        files = {"__main__.py": files}
    return build(_summaries(files), "test")


def graph_of(files: Mapping[str, str] | str) -> ResourceGraph:
    return project_of(files).graph


def findings_of(files: Mapping[str, str] | str, options: Mapping | None = None) -> list[Finding]:
    if isinstance(files, str):
        files = {"__main__.py": files}
    return analyze(_summaries(files), options or {})


def by_name(graph: ResourceGraph, name: str) -> Resource:
    found = [r for r in graph if r.name == name]
    assert len(found) == 1, (name, [r.name for r in graph])
    return found[0]


def deps_names(graph: ResourceGraph, resource: Resource, prop: str) -> set[str]:
    return {graph.get(urn).name for urn in resource.property_dependencies.get(prop, ())}
