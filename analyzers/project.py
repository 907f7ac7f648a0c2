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
from typing import Any

from analyzers.extract.summary import ABORTED, FileSummary, ParseProblem
from analyzers.findings import Finding
from policypack.rules.base import Rule, Violation

# Bump when FileSummary (or anything it holds) changes shape, or phase 1 extracts
# differently: it is part of the cache key.
SUMMARY_FORMAT_VERSION = 6
DEFAULT_PROJECT = "project"
_NAME_LINE = re.compile(r"^name\s*:\s*(?P<name>[^#\s][^#]*?)\s*(?:#.*)?$")

__all__ = ["SUMMARY_FORMAT_VERSION", "FileSummary", "analyze", "not_analyzed", "project_name", "summarize_file"]


def summarize_file(path: str, source: bytes) -> FileSummary:
    """Phase 1 for one file. Never raises: problems become SG000 findings."""
    from analyzers.extract.phase1 import summarize

    try:
        return summarize(path, source)
    except Exception as error:  # a defect of the analyzer, not of the file: say so, don't crash the run
        return FileSummary(path, problems=(ParseProblem(
            1, 1, f"internal error while analyzing this file ({type(error).__name__}); please report it"),))


def not_analyzed(path: str, reason: str) -> FileSummary:
    """The summary of a file phase 1 gave up on (out of time, or it crashed its worker
    process): ``analyze`` reports it as one SG000 reading ``reason``."""
    return FileSummary(path, problems=(ParseProblem(1, 1, reason, ABORTED),))


def project_name(directory: Path) -> str:
    """The ``name:`` of ``directory``'s Pulumi.yaml (a one-line read, no YAML library)."""
    for file_name in ("Pulumi.yaml", "Pulumi.yml"):
        try:
            text = (directory / file_name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for line in text.splitlines():
            match = _NAME_LINE.match(line)
            if match:
                return match.group("name").strip("'\"") or DEFAULT_PROJECT
    return directory.name or DEFAULT_PROJECT


def analyze(
    summaries: Sequence[FileSummary],
    options: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    project: str = DEFAULT_PROJECT,
) -> list[Finding]:
    """Phase 2 for one project: every static rule over all its files' summaries.

    ``options`` maps a rule code (or name) to that rule's option values.
    ``project`` only names the synthetic URNs.
    """
    from analyzers.extract.graph_builder import build
    from analyzers.extract.limits import stack_room
    from analyzers.static_rules import SourceContext, source_checks
    from policypack.rules import static_rules

    options = options or {}
    findings: list[Finding] = []
    with stack_room():  # evaluation recurses (boundedly) deeper than a caller may leave room for
        project_graph = build(summaries, project)
        context = SourceContext(summaries, project_graph)
        source = source_checks()
        for rule in static_rules():
            settings = options.get(rule.code, options.get(rule.name))
            if rule.code in source:
                findings.extend(source[rule.code](context))
            elif rule.check is not None:
                for violation in rule.run(project_graph.graph, settings):
                    finding = to_finding(rule, violation)
                    if finding is not None:
                        findings.append(finding)
    return sorted(set(findings), key=Finding.sort_key)


def to_finding(rule: Rule, violation: Violation) -> Finding | None:
    """A violation on a graph resource → a finding at its constructor call (or class)."""
    location = violation.resource.location
    if location is None:
        return None  # the synthetic stack: nothing in the source to point at
    return Finding(
        code=rule.code,
        name=rule.name,
        severity=rule.severity,
        path=location.path,
        line=location.line,
        column=location.column,
        end_line=location.end_line,
        end_column=location.end_column,
        message=violation.message,
        subject=violation.resource.name,
    )
