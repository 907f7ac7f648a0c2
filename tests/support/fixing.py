"""Fix a project held in memory, through the same engine ``stackguard lint --fix`` runs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from analyzers import project as front_end
from analyzers.findings import Finding
from analyzers.fixes import registry
from analyzers.fixes.engine import ProjectFixer
from analyzers.fixes.model import Outcome
from analyzers.fixes.settings import Settings


def fixer(files: Mapping[str, str], codes: Iterable[str] | None = None, unsafe: bool = True) -> ProjectFixer:
    sources = {path: text.encode("utf-8") for path, text in files.items()}
    summaries = [front_end.summarize_file(path, data) for path, data in sorted(sources.items())]
    fixable = frozenset(codes) if codes is not None else registry.codes()
    return ProjectFixer(front_end, Path("/project"), sources, frozenset(sources), summaries,
                        Settings(fixable=fixable, unsafe=unsafe))


def fix(files: Mapping[str, str], codes: Iterable[str] | None = None, unsafe: bool = True) -> Outcome:
    return fixer(files, codes, unsafe).run()


def fixed_files(files: Mapping[str, str], codes: Iterable[str] | None = None, unsafe: bool = True
                ) -> dict[str, str]:
    """Every file after fixing (unchanged ones as they were)."""
    return {**files, **fix(files, codes, unsafe).fixed}


def findings(files: Mapping[str, str]) -> list[Finding]:
    summaries = [front_end.summarize_file(path, text.encode("utf-8")) for path, text in sorted(files.items())]
    return front_end.analyze(summaries)


def read_tree(root: Path) -> dict[str, str]:
    return {path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(root.rglob("*.py"))}
