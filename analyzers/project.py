"""The static analyzer's front end: file summaries (phase 1) and project analysis (phase 2).

Phase 1, :func:`summarize_file`, is a pure function of one file's relative
path and bytes, so its result can be cached by content hash. Files that
never mention pulumi get a cheap summary (their module-level names, from
the stdlib ``ast``) so Pulumi modules can still import constants from them;
only Pulumi files are parsed with libcst.

Phase 2, :func:`analyze`, links the summaries of one project (imports of
sibling modules, base classes defined elsewhere, constants), builds one
``ResourceGraph``, runs every rule's graph check plus the source-only rules,
and maps each violation back to the resource's constructor call. Rule
selection, severity overrides and suppressions are the caller's business.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analyzers.findings import Finding
from policypack.rules.base import Rule, Violation

if TYPE_CHECKING:  # the summary and IR types load with the first summary (a run the cache answers needs none)
    from analyzers.extract.graph_builder import Node, ProjectGraph
    from analyzers.extract.resource_sites import ResourceSite
    from analyzers.extract.summary import FileSummary
    from analyzers.providers import ProviderKnowledge

# Bump when FileSummary (or anything it holds) changes shape, phase 1 extracts
# differently, or the cache encoding (``analyzers.cache_codec``) changes: it is
# part of the cache key.
SUMMARY_FORMAT_VERSION = 13
DEFAULT_PROJECT = "project"
_PROJECT_FILE_BYTES = 1024 * 1024
_NAME_LINE = re.compile(r"^name\s*:\s*(?P<name>[^#\s][^#]*?)\s*(?:#.*)?$")

__all__ = [
    "SUMMARY_FORMAT_VERSION", "analyze", "analyze_with_graph", "dump_summary", "load_summary",
    "not_analyzed", "project_environment", "project_name", "resource_sites", "summarize_file", "warm_up",
]


def dump_summary(summary: FileSummary) -> bytes:
    """A summary as cache data (no pickle: see ``analyzers.cache_codec``)."""
    from analyzers.cache_codec import dumps

    return dumps(summary)


def load_summary(data: bytes) -> FileSummary:
    """The inverse of :func:`dump_summary`; raises ValueError for anything else."""
    from analyzers.cache_codec import loads

    return loads(data)


def summarize_file(path: str, source: bytes) -> FileSummary:
    """Phase 1 for one file. Never raises: problems become SG000 findings."""
    from analyzers.extract.phase1 import summarize
    from analyzers.extract.summary import FileSummary, ParseProblem

    try:
        return summarize(path, source)
    except Exception as error:  # a defect of the analyzer, not of the file: say so, don't crash the run
        return FileSummary(path, problems=(ParseProblem(
            1, 1, f"internal error while analyzing this file ({type(error).__name__}); please report it"),))


def warm_up(files: Sequence[tuple[str, bytes]]) -> None:
    """Import what phase 1 needs for ``files`` (path, bytes), ahead of them: libcst when
    one is a Pulumi program (most of a parser process's first file otherwise)."""
    from analyzers.extract import phase1

    if any(phase1.may_need_libcst(path, source) for path, source in files):
        from analyzers.extract import cst_summary  # noqa: F401


def not_analyzed(path: str, reason: str) -> FileSummary:
    """The summary of a file phase 1 gave up on (out of time, or it crashed its worker
    process): ``analyze`` reports it as one SG000 reading ``reason``."""
    from analyzers.extract.summary import ABORTED, FileSummary, ParseProblem

    return FileSummary(path, problems=(ParseProblem(1, 1, reason, ABORTED),))


def project_name(directory: Path) -> str:
    """The ``name:`` of ``directory``'s Pulumi.yaml (a one-line read, no YAML library)."""
    from analyzers.reading import FileTooLarge, read_regular_file

    for file_name in ("Pulumi.yaml", "Pulumi.yml"):
        try:  # the repository's file: a FIFO or a huge file in its place must not stall the run
            text = read_regular_file(directory / file_name, _PROJECT_FILE_BYTES).decode("utf-8", errors="replace")
        except (OSError, FileTooLarge):
            continue
        for line in text.splitlines():
            match = _NAME_LINE.match(line)
            if match:
                return match.group("name").strip("'\"") or DEFAULT_PROJECT
    return directory.name or DEFAULT_PROJECT


def project_environment(root: Path) -> ProviderKnowledge:
    """What phase 2 knows about the project at ``root`` besides its sources: the provider
    SDKs installed here and the versions its requirements pin (``analyzers.providers``)."""
    from analyzers.providers import ProviderKnowledge

    return ProviderKnowledge.for_project(root)


def analyze(
    summaries: Sequence[FileSummary],
    options: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    project: str = DEFAULT_PROJECT,
    environment: ProviderKnowledge | None = None,
) -> list[Finding]:
    """Phase 2 for one project: every static rule over all its files' summaries.

    ``options`` maps a rule code (or name) to that rule's option values.
    ``project`` only names the synthetic URNs. ``environment`` (from
    :func:`project_environment`) defaults to the installed SDKs with no pins.
    """
    return analyze_with_graph(summaries, options, project=project, environment=environment)[0]


def analyze_with_graph(
    summaries: Sequence[FileSummary],
    options: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    project: str = DEFAULT_PROJECT,
    environment: ProviderKnowledge | None = None,
) -> tuple[list[Finding], ProjectGraph]:
    """:func:`analyze`, also returning the project's graph,
    which fixes read to learn where the values behind a finding were written."""
    from analyzers.branch_paths import PathCheck
    from analyzers.extract.graph_builder import build
    from analyzers.extract.limits import stack_room
    from analyzers.folding import fold
    from analyzers.static_rules import SourceContext, source_checks
    from policypack.rules import static_rules

    options = options or {}
    findings: list[Finding] = []
    with stack_room():  # evaluation recurses (boundedly) deeper than a caller may leave room for
        project_graph = build(summaries, project, environment)
        paths = PathCheck(project_graph.graph, {urn: node.site.condition for urn, node in project_graph.nodes.items()
                                                if node.site is not None and node.site.condition})
        context = SourceContext(summaries, project_graph)
        source = source_checks()
        for rule in static_rules():
            settings = options.get(rule.code, options.get(rule.name))
            if rule.code in source:
                findings.extend(source[rule.code](context))
            elif rule.check is not None:
                for violation in paths.keep(rule, settings, rule.run(project_graph.graph, settings)):
                    finding = to_finding(rule, violation)
                    if finding is not None:
                        findings.append(_keyed_by_site(finding, project_graph.nodes.get(violation.resource.urn)))
    return fold(findings), project_graph


def _keyed_by_site(finding: Finding, node: Node | None) -> Finding:
    """A finding on a call that may run several times is keyed by the call, not the instance."""
    from dataclasses import replace

    from analyzers.folding import runs_many, site_subject

    if node is None or node.site is None or not runs_many(node.site.site):
        return finding
    site = node.site.site
    return replace(finding, site_key=site_subject(node.module.path, site, node.type), instances=(node.label,))


def resource_sites(
    summaries: Sequence[FileSummary],
    *,
    project: str = DEFAULT_PROJECT,
    environment: ProviderKnowledge | None = None,
) -> list[ResourceSite]:
    """Every resource construction site of one project (``extract.resource_sites.ResourceSite``):
    where it is, its type token and its logical name or name pattern; the CI gate's index for
    pointing runtime violations at source lines. ``environment`` as for :func:`analyze`."""
    from analyzers.extract.graph_builder import build
    from analyzers.extract.limits import stack_room
    from analyzers.extract.resource_sites import resource_sites as sites_of

    with stack_room():
        return sites_of(build(summaries, project, environment))


def to_finding(rule: Rule, violation: Violation) -> Finding | None:
    """A violation on a graph resource → a finding at its constructor call (or class)."""
    location = violation.resource.location
    if location is None:
        return None  # the synthetic stack: nothing in the source to point at
    return Finding.with_message(rule, location.path, location, violation.message, subject=violation.resource.name)
