"""Runtime violations → findings at source lines, given the analyzer's resource index.

The runner calls :meth:`RuntimeLink.findings` with every analysed project's
index (``runner.RunOptions.extra_findings``) before selection and
suppressions apply, so rule selection, per-file-ignores, severity overrides
and ``# noqa`` treat runtime findings exactly like static ones.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from analyzers.discovery import PROJECT_FILES
from analyzers.gate.gate_report import RuntimeSummary
from analyzers.gate.merge import runtime_finding
from analyzers.gate.runtime_results import RuntimeViolation
from analyzers.gate.source_map import AMBIGUOUS, MAPPED, Mapping, SourceIndex
from analyzers.runner import ExtraFindings, ProjectIndex


class RuntimeLink:
    def __init__(self, violations: Sequence[RuntimeViolation], source: str, cwd: Path) -> None:
        self.violations = list(violations)
        self.source = source
        self.cwd = cwd
        self.mappings: list[Mapping] = []

    def findings(self, projects: Sequence[ProjectIndex]) -> ExtraFindings:
        indexes = [(project, SourceIndex(project.sites)) for project in projects]
        found = []
        files: set[str] = set()
        self.mappings = []
        for violation in self.violations:
            chosen = self._project(indexes, violation.urn.project)
            if chosen is None:
                mapping, project_file = Mapping("unmapped"), "Pulumi.yaml"
            else:
                project, index = chosen
                mapping, project_file = index.map(violation), self._project_file(project.root)
            self.mappings.append(mapping)
            files.add(project_file)
            found.append(runtime_finding(violation, mapping, project_file))
        return ExtraFindings(found, sorted(files))

    @staticmethod
    def _project(indexes: list[tuple[ProjectIndex, SourceIndex]], name: str
                 ) -> tuple[ProjectIndex, SourceIndex] | None:
        named = [entry for entry in indexes if entry[0].name == name]
        if len(named) == 1:
            return named[0]
        return indexes[0] if len(indexes) == 1 else None  # a renamed project, or the only one there is

    def _project_file(self, root: str) -> str:
        for name in PROJECT_FILES:
            candidate = os.path.normpath(os.path.join(root, name))
            if (self.cwd / candidate).is_file():
                return Path(candidate).as_posix()
        return Path(os.path.normpath(os.path.join(root, PROJECT_FILES[0]))).as_posix()

    def summary(self) -> RuntimeSummary:
        statuses = [mapping.status for mapping in self.mappings]
        return RuntimeSummary(
            source=self.source,
            violations=len(self.violations),
            mapped=statuses.count(MAPPED),
            ambiguous=statuses.count(AMBIGUOUS),
            unmapped=len(statuses) - statuses.count(MAPPED) - statuses.count(AMBIGUOUS),
        )
