"""A stand-in for ``analyzers.project`` in unit tests of the layers around it.

It honours the front end's contract (``analyzers.front_end.FrontEnd``: summaries that are a pure function of
(path, bytes) and round-trip through ``dump_summary``/``load_summary`` as data;
``analyze`` links them and returns Findings) with a trivial "analysis": a line
containing ``FAULT SGxxx`` is a finding of that rule spanning that line and,
with ``FAULT SGxxx+N``, the N lines after it. A file holding ``import
nothing(`` is a parse error (SG000); ``not_analyzed`` gives a file an SG000
with the runner's reason. It counts its calls so tests can prove what the
runner did (or did not) ask for.
"""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgpack

from analyzers.findings import Finding
from policypack.rules import rule_by_code_or_name
from policypack.rules.base import Severity

SUMMARY_FORMAT_VERSION = 1

class _Counters:
    """Call counts that include calls in forked processes (the runner summarizes files in
    worker processes)."""

    def __init__(self, *names: str) -> None:
        self._values = {name: multiprocessing.Value("l", 0) for name in names}

    def __getitem__(self, name: str) -> int:
        return self._values[name].value

    def add(self, name: str) -> None:
        with self._values[name].get_lock():
            self._values[name].value += 1

    def reset(self) -> None:
        for value in self._values.values():
            value.value = 0


calls = _Counters("summarize_file", "analyze")
analyzed_groups: list[list[str]] = []  # the summary paths of each analyze() call
seen_options: list[Mapping[str, Mapping[str, Any]] | None] = []

_FAULT = re.compile(rb"FAULT (SG\d{3})(?:\+(\d+))?")


@dataclass(frozen=True)
class FileSummary:
    path: str
    faults: tuple[tuple[str, int, int, int], ...]  # (code, line, column, extra lines)
    reason: str = ""  # why it was not analyzed (not_analyzed)


def dump_summary(summary: FileSummary) -> bytes:
    return msgpack.packb([summary.path, [list(fault) for fault in summary.faults], summary.reason])


def load_summary(data: bytes) -> FileSummary:
    path, faults, reason = msgpack.unpackb(data)
    return FileSummary(path, tuple(tuple(fault) for fault in faults), reason)


def reset() -> None:
    calls.reset()
    analyzed_groups.clear()
    seen_options.clear()


def warm_up(files: Sequence[tuple[str, bytes]]) -> None:
    pass  # nothing to import ahead of the first file


def summarize_file(path: str, source: bytes) -> FileSummary:
    calls.add("summarize_file")
    faults = []
    if b"import nothing(" in source:
        faults.append(("SG000", 1, 1, 0))
    for number, line in enumerate(source.splitlines(), start=1):
        for match in _FAULT.finditer(line):
            faults.append((match.group(1).decode(), number, match.start() + 1, int(match.group(2) or 0)))
    return FileSummary(path, tuple(faults))


def not_analyzed(path: str, reason: str) -> FileSummary:
    return FileSummary(path, (("SG000", 1, 1, 0),), reason)


def project_name(directory: Path) -> str:
    return directory.name or "project"


def project_environment(root: Path) -> None:
    return None  # no knowledge besides the sources


def resource_sites(summaries: Sequence[FileSummary], *, project: str, environment: None = None) -> list[Any]:
    return []


def analyze(
    summaries: Sequence[FileSummary], options: Mapping[str, Mapping[str, Any]] | None = None, *,
    environment: None = None,
) -> list[Finding]:
    calls.add("analyze")
    analyzed_groups.append(sorted(summary.path for summary in summaries))
    seen_options.append(options)
    findings = []
    for summary in summaries:
        for code, line, column, extra in summary.faults:
            rule = rule_by_code_or_name(code)
            findings.append(
                Finding(
                    code=code,
                    name=rule.name if rule else "unknown",
                    severity=rule.severity if rule else Severity.ERROR,
                    path=summary.path,
                    line=line,
                    column=column,
                    end_line=line + extra,
                    end_column=column + 5,
                    message=f"[{code}] {summary.reason or 'fake finding'} at line {line}.",
                    subject=f"{code}@{line}",
                )
            )
    return findings
