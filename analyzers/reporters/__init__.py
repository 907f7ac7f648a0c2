"""Output formats: one module per format, each exposing ``render(report) -> str``.

Modules are imported only when their format is asked for, so a run pays for
the reporter it uses and nothing else.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from analyzers.findings import Finding
from policypack.rules.base import Severity

FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab", "markdown")


@dataclass(frozen=True)
class Replacement:
    """One text change of a fix: 1-based lines and columns (code points), end exclusive."""

    path: str  # relative to the CWD, "/" separated
    start_line: int
    start_column: int
    end_line: int
    end_column: int
    text: str


@dataclass(frozen=True)
class FixInfo:
    """The automatic fix of a finding (``stackguard lint --fix``)."""

    safety: str  # "safe" | "unsafe"
    description: str
    replacements: tuple[Replacement, ...]


@dataclass(frozen=True)
class Report:
    """Everything a reporter needs: the findings to show and the run's context."""

    findings: Sequence[Finding]  # sorted; paths relative to ``cwd``, "/" separated
    files: Sequence[str]  # the files whose findings are shown, relative to ``cwd``
    fail_on: Severity
    tool_version: str
    cwd: Path
    # The directory SARIF's %SRCROOT% and GitLab's paths are relative to: the
    # git work tree holding the CWD, else the CWD.
    source_root: Path
    statistics: bool = False
    quiet: bool = False
    fixes: Mapping[Finding, FixInfo] = field(default_factory=dict)  # findings with an automatic fix

    def path_from_source_root(self, finding: Finding) -> str:
        # Only the CWD is resolved: resolving the finding's own path would follow a
        # symlink and print where it points (outside the project, for SG002).
        absolute = Path(os.path.normpath(self.cwd.resolve() / finding.path))
        try:
            return absolute.relative_to(self.source_root.resolve()).as_posix()
        except ValueError:
            return absolute.as_posix()

    @property
    def files_checked(self) -> int:
        return len(self.files)

    def failing(self, finding: Finding) -> bool:
        return finding.severity.rank >= self.fail_on.rank


def renderer(name: str) -> Callable[[Report], str]:
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}")
    return importlib.import_module(f"{__name__}.{name}").render


def message_without_code(finding: Finding) -> str:
    """The message without its leading ``[SG201] `` (formats that show the code apart)."""
    prefix = f"[{finding.code}]"
    text = finding.message
    return text[len(prefix) :].lstrip() if text.startswith(prefix) else text


def count_phrase(findings: Sequence[Finding]) -> str:
    """``3 findings (2 errors, 1 warning)``."""
    total = len(findings)
    parts = []
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        count = sum(1 for finding in findings if finding.severity is severity)
        if count:
            parts.append(f"{count} {severity.value}{'' if count == 1 else 's'}")
    noun = "finding" if total == 1 else "findings"
    return f"{total} {noun} ({', '.join(parts)})" if parts else f"{total} {noun}"
