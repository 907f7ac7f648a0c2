"""``stackguard lint --fix / --diff / --unsafe-fixes`` and the fix column of the reports."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analyzers.config import Config
from analyzers.findings import Finding
from analyzers.reporters import FixInfo, Replacement
from analyzers.selection import SelectionLayer, all_codes

if TYPE_CHECKING:
    from analyzers.fixes.engine import ProjectFixer
    from analyzers.fixes.model import Outcome
    from analyzers.fixes.settings import Settings
    from analyzers.front_end import FrontEnd
    from analyzers.runner import ProjectSources

FIX_INFO_FORMATS = frozenset({"text", "json", "sarif"})


def add_arguments(lint: argparse.ArgumentParser) -> None:
    lint.add_argument("--fix", action="store_true",
                      help="apply the safe fixes to the files, then report what is left")
    lint.add_argument("--diff", action="store_true",
                      help="print the fixes as a unified diff and change nothing (exit 1 when there is one)")
    lint.add_argument("--unsafe-fixes", action="store_true",
                      help="with --fix/--diff, also apply fixes marked unsafe (they add resources or change access)")
    lint.add_argument("--show-fixes", action="store_true",
                      help="say which findings have an automatic fix, safe or unsafe (text, json, sarif `fixes`); "
                           "implied by --fix")


def shows_fixes(args: argparse.Namespace, config: Config) -> bool:
    """Whether the report marks fixes: computing them parses the files involved with libcst, so a
    plain (cached) lint run doesn't, unless asked to."""
    return (args.fix or args.show_fixes or config.show_fixes) and args.format in FIX_INFO_FORMATS \
        and not args.statistics


def settings(config: Config, selection: SelectionLayer, cli_options: Mapping[str, Mapping[str, object]],
             unsafe: bool) -> Settings:
    """What --fix may touch: the run's selection and options, ``fixable``/``unfixable``, --unsafe-fixes."""
    from analyzers.fixes import registry
    from analyzers.fixes.settings import Settings

    options = {code: dict(values) for code, values in config.options.items()}
    for code, values in cli_options.items():
        options.setdefault(code, {}).update(values)

    fixable = SelectionLayer(select=config.fixable, ignore=config.unfixable).apply(frozenset(all_codes()))
    return Settings(config=config, selection=selection, options=options, fixable=fixable & registry.codes(),
                    unsafe=unsafe)


@dataclass
class ProjectOutcome:
    project: ProjectSources
    outcome: Outcome


def _relevant(projects: Sequence[ProjectSources], findings: Sequence[Finding], cwd: Path,
              codes: frozenset[str]) -> list[ProjectSources]:
    """Projects with at least one shown finding a fix may address."""
    wanted = []
    for project in projects:
        root = project.root
        for finding in findings:
            if finding.code not in codes:
                continue
            relative = _relative(cwd / finding.path, root)
            if relative is not None and relative in project.reported:
                wanted.append(project)
                break
    return wanted


def _relative(path: Path, root: Path) -> str | None:
    try:
        return Path(os.path.normpath(path)).relative_to(os.path.normpath(root)).as_posix()
    except ValueError:
        return None


def _fixer(front_end: FrontEnd[Any, Any], project: ProjectSources, fix_settings: Settings
           ) -> ProjectFixer[Any, Any] | None:
    from analyzers.fixes.engine import ProjectFixer
    from analyzers.front_end import can_fix

    if not can_fix(front_end):
        return None  # a front end without a graph (test stand-ins) offers no fixes
    return ProjectFixer(front_end, project.root, project.sources, project.reported,
                        project.summaries, fix_settings)


def fix_projects(front_end: FrontEnd[Any, Any], projects: Sequence[ProjectSources], findings: Sequence[Finding],
                 cwd: Path, fix_settings: Settings) -> list[ProjectOutcome]:
    outcomes = []
    for project in _relevant(projects, findings, cwd, fix_settings.fixable):
        fixer = _fixer(front_end, project, fix_settings)
        if fixer is not None:
            outcomes.append(ProjectOutcome(project, fixer.run()))
    return outcomes


def _shown_path(root: Path, relative: str, cwd: Path) -> str:
    return Path(os.path.relpath(root / relative, cwd)).as_posix()


def diff_text(outcomes: Sequence[ProjectOutcome], cwd: Path) -> str:
    from analyzers.fixes.diff import unified

    parts = []
    for item in outcomes:
        root = item.project.root
        outcome = item.outcome
        for relative in sorted(outcome.fixed):
            parts.append(unified(_shown_path(root, relative, cwd), outcome.original[relative], outcome.fixed[relative]))
    return "".join(parts)


def write(outcomes: Sequence[ProjectOutcome], cwd: Path) -> tuple[int, int, list[str]]:
    """Write the fixed files: (findings fixed, files written, one-line notes for what was refused)."""
    from analyzers.fixes.writer import WriteRefused, write_file
    from analyzers.reporters.escaping import printable

    fixed = files = 0
    notes: list[str] = []
    for item in outcomes:
        root = item.project.root
        outcome = item.outcome
        written: set[str] = set()
        for relative, text in sorted(outcome.fixed.items()):
            try:
                write_file(root, relative, item.project.sources[relative], text)
            except WriteRefused as refused:
                notes.append(f"not fixed: {printable(_shown_path(root, relative, cwd))}: {refused}")
                continue
            written.add(relative)
            files += 1
        fixed += sum(1 for fix in outcome.applied
                     if set(fix.paths) <= written)
    return fixed, files, notes


def count(outcomes: Sequence[ProjectOutcome]) -> int:
    return sum(len(item.outcome.applied) for item in outcomes)


def available(front_end: FrontEnd[Any, Any], projects: Sequence[ProjectSources], findings: Sequence[Finding],
              cwd: Path, fix_settings: Settings) -> dict[Finding, FixInfo]:
    """The verified fix of each shown finding that has one, for the reports."""
    from analyzers.fixes.source import SourceFile

    by_key: dict[tuple[str, str, int, int], Finding] = {
        (finding.code, finding.path, finding.line, finding.column): finding for finding in findings
    }
    result: dict[Finding, FixInfo] = {}
    for project in _relevant(projects, findings, cwd, fix_settings.fixable):
        fixer = _fixer(front_end, project, fix_settings)
        if fixer is None:
            continue
        try:
            found = fixer.available()
        except Exception:  # a defect in a codemod must not turn a lint run into an error
            if os.environ.get("STACKGUARD_STRICT"):
                raise
            continue
        root = project.root
        files: dict[str, SourceFile] = {}
        for key, fix in found.items():
            finding = by_key.get((key.code, _shown_path(root, key.path, cwd), key.line, key.column))
            if finding is None:
                continue
            replacements = []
            for edit in fix.edits:
                file = files.setdefault(edit.path, SourceFile(edit.path, fixer.texts[edit.path]))
                start_line, end_line = file.line_of(edit.start), file.line_of(edit.end)
                replacements.append(Replacement(
                    _shown_path(root, edit.path, cwd), start_line, edit.start - file.line_start(edit.start) + 1,
                    end_line, edit.end - file.line_start(edit.end) + 1, edit.text))
            result[finding] = FixInfo(fix.safety.value, fix.description, tuple(replacements))
    return result
