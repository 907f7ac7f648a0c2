"""Fixing one project: propose, verify, apply, in rounds until nothing changes.

Each round analyses the current texts, asks each rule's codemod for a fix of
every finding the user sees (selected, not suppressed, in a reported file,
fixable), keeps the ones that don't touch the same text as an earlier one
(those wait for the next round, computed on the new text), verifies them
(``verify``: the finding is gone, nothing else changed) and applies them.
Rounds stop when a round applies nothing, after ``MAX_ROUNDS``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Generic

from analyzers.findings import Finding
from analyzers.fixes import registry
from analyzers.fixes.model import Edit, FindingKey, Fix, Outcome, apply_edits
from analyzers.fixes.settings import Settings
from analyzers.fixes.verify import Snapshot, problem, snapshot
from analyzers.fixes.workspace import Workspace
from analyzers.front_end import EnvironmentT, FixingFrontEnd, SummaryT
from policypack.rules.base import FixSafety

if TYPE_CHECKING:
    from analyzers.extract.graph_builder import ProjectGraph

MAX_ROUNDS = 8
# A failed batch is retried fix by fix; past this many, the round keeps only the first fix.
MAX_SINGLE_CHECKS = 64


def key_of(finding: Finding) -> FindingKey:
    return FindingKey(finding.code, finding.path, finding.subject, finding.line, finding.column)


class ProjectFixer(Generic[SummaryT, EnvironmentT]):
    """Fixes for the files of one Pulumi project, held in memory until the caller writes them."""

    def __init__(self, front_end: FixingFrontEnd[SummaryT, EnvironmentT], root: Path, sources: Mapping[str, bytes],
                 reported: frozenset[str], summaries: Sequence[SummaryT], settings: Settings) -> None:
        self.front_end = front_end
        self.root = root
        self.settings = settings
        self.reported = reported
        self.sources = dict(sources)
        self.texts: dict[str, str] = {}
        for path, data in sources.items():
            try:
                self.texts[path] = data.decode("utf-8")
            except UnicodeDecodeError:
                continue  # not editable; still analysed from its bytes
        self._summaries: dict[str, tuple[bytes, SummaryT]] = {
            summary.path: (sources.get(summary.path, b""), summary) for summary in summaries
        }

    # --- analysis of a version of the texts ----------------------------------------------

    def _summary(self, path: str, data: bytes) -> SummaryT:
        cached = self._summaries.get(path)
        if cached is not None and cached[0] == data:
            return cached[1]
        summary = self.front_end.summarize_file(path, data)
        self._summaries[path] = (data, summary)
        return summary

    def analyze(self, texts: Mapping[str, str]) -> tuple[list[Finding], ProjectGraph]:
        data = {path: texts[path].encode("utf-8") if path in texts else source
                for path, source in self.sources.items()}
        summaries = [self._summary(path, data[path]) for path in sorted(data)]
        return self.front_end.analyze_with_graph(summaries, self.settings.options, environment=self._environment())

    def _environment(self) -> EnvironmentT | None:
        """The provider facts of this project, as the run that found the faults used them."""
        if not hasattr(self, "_provider_facts"):
            self._provider_facts = self.front_end.project_environment(self.root)
        return self._provider_facts

    def visible(self, raw: Sequence[Finding], texts: Mapping[str, str]) -> list[Finding]:
        """The findings a run would show and the user let us fix."""
        from analyzers.runner import filter_findings

        data = {path: texts[path].encode("utf-8") if path in texts else source
                for path, source in self.sources.items() if path in self.reported}
        shown = filter_findings([f for f in raw if f.path in self.reported], data, self.settings.config,
                                self.settings.selection, self.root)
        return [f for f in shown if f.code in self.settings.fixable and f.path in self.texts]

    # --- proposing and verifying -------------------------------------------------------------

    def proposals(self, texts: Mapping[str, str], project: ProjectGraph, findings: Sequence[Finding],
                  allowed: Callable[[Fix], bool]) -> list[Fix]:
        workspace = Workspace(texts, project)
        found: list[Fix] = []
        for finding in findings:
            propose = registry.proposer(finding.code)
            if propose is None:
                continue
            try:
                fix = propose(workspace, finding)
            except Exception:  # a codemod defect: no fix for this finding, never a failed run
                if _strict():
                    raise
                fix = None
            if fix is not None and allowed(fix):
                found.append(fix)
        return found

    def _check(self, texts: Mapping[str, str], before: Snapshot, fixes: Sequence[Fix]) -> str | None:
        changed = _applied(texts, [edit for fix in _unique(fixes) for edit in fix.edits])
        if changed is None:
            return "overlapping edits"
        for path, text in changed.items():
            if not _compiles(text, path) and _compiles(texts[path], path):
                return f"{path} would no longer compile"
        raw, project = self.analyze({**texts, **changed})
        return problem(before, snapshot(raw, project), fixes)

    def verified(self, texts: Mapping[str, str], before: Snapshot, fixes: Sequence[Fix]) -> list[Fix]:
        """The fixes (or their fallbacks) that keep their promise, alone and together."""
        if not fixes:
            return []
        if self._check(texts, before, fixes) is None:
            return list(fixes)
        good: list[Fix] = []
        for index, fix in enumerate(fixes):
            if index >= MAX_SINGLE_CHECKS:
                break
            candidate: Fix | None = fix
            while candidate is not None and self._check(texts, before, [candidate]) is not None:
                candidate = candidate.fallback
            if candidate is not None:
                good.append(candidate)
        if len(good) > 1 and self._check(texts, before, good) is not None:
            good = good[:1]
        return good

    # --- the two uses: fix the files, or say which findings have a fix -------------------------

    def run(self) -> Outcome:
        texts = dict(self.texts)
        outcome = Outcome(original=dict(self.texts), fixed={})
        refused: set[tuple[str, str, str]] = set()  # _loose keys
        for _ in range(MAX_ROUNDS):
            raw, project = self.analyze(texts)
            before = snapshot(raw, project)
            targets = [f for f in self.visible(raw, texts) if _loose(key_of(f)) not in refused]
            fixes = self.proposals(texts, project, targets, self._allowed)
            chosen = _non_conflicting(fixes)
            if not chosen:
                break
            accepted = self.verified(texts, before, chosen)
            accepted_keys = {_loose(fix.finding) for fix in accepted}
            for fix in chosen:
                if _loose(fix.finding) not in accepted_keys:
                    refused.add(_loose(fix.finding))
                    outcome.rejected.append(fix)
            if not accepted:
                break
            changed = _applied(texts, [edit for fix in _unique(accepted) for edit in fix.edits])
            if not changed:
                break
            texts.update(changed)
            outcome.applied.extend(accepted)
            outcome.rounds += 1
        outcome.fixed = {path: text for path, text in texts.items() if text != self.texts.get(path)}
        return outcome

    def available(self) -> dict[FindingKey, Fix]:
        """The verified fix of each visible finding of the files as they are (for reports)."""
        raw, project = self.analyze(self.texts)
        before = snapshot(raw, project)
        fixes = self.proposals(self.texts, project, self.visible(raw, self.texts), lambda fix: True)
        found: dict[FindingKey, Fix] = {}
        remaining = fixes
        while remaining:  # conflict-free layers, each verified on the current text
            layer = _non_conflicting(remaining)
            for fix in self.verified(self.texts, before, layer):
                found[fix.finding] = fix
            remaining = [fix for fix in remaining if fix not in layer]
        return found

    def _allowed(self, fix: Fix) -> bool:
        return fix.safety is FixSafety.SAFE or self.settings.unsafe


def _compiles(text: str, path: str) -> bool:
    """Whether Python compiles the text (nothing runs): libcst, and so the analyzer, reads some
    programs the compiler refuses, such as a keyword argument given twice."""
    try:
        compile(text, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def _loose(key: FindingKey) -> tuple[str, str, str]:
    return key.code, key.path, key.subject


def _strict() -> bool:
    import os

    return bool(os.environ.get("STACKGUARD_STRICT"))


def _unique(fixes: Sequence[Fix]) -> list[Fix]:
    """Fixes whose edits are the same change are applied once."""
    seen: set[frozenset[Edit]] = set()
    unique = []
    for fix in fixes:
        edits = frozenset(fix.edits)
        if edits not in seen:
            seen.add(edits)
            unique.append(fix)
    return unique


def _non_conflicting(fixes: Sequence[Fix]) -> list[Fix]:
    chosen: list[Fix] = []
    for fix in fixes:
        if not any(fix.conflicts(other) for other in chosen):
            chosen.append(fix)
    return chosen


def _applied(texts: Mapping[str, str], edits: Sequence[Edit]) -> dict[str, str] | None:
    by_path: dict[str, list[Edit]] = {}
    for edit in dict.fromkeys(edits):
        by_path.setdefault(edit.path, []).append(edit)
    changed = {}
    for path, group in by_path.items():
        try:
            changed[path] = apply_edits(texts[path], group)
        except (KeyError, ValueError):
            return None
    return changed
