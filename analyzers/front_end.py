"""The static front end as the runner, the fixes and the CI gate use it.

``analyzers.project`` is the front end; unit tests of the layers around it
pass a stand-in (``tests/support/fake_front_end.py``). Both are modules that
satisfy :class:`FrontEnd`. The runner never looks inside a summary (but for
the file it is of) nor inside an environment (but for its cache fingerprint
and its notes): it hands them back to the front end that made them, so the
protocol is generic in both.

This module is loaded by every run, cached runs and ``--version`` included:
it imports nothing of the analysis (no libcst, no cache codec).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NewType, Protocol, TypeGuard, TypeVar

from analyzers.findings import Finding

if TYPE_CHECKING:
    from analyzers.extract.graph_builder import ProjectGraph
    from analyzers.extract.resource_sites import ResourceSite

# A file's path as the front end sees it: "/"-separated, relative to its project's root.
ProjectPath = NewType("ProjectPath", str)

# Rule code (or name) → option → value.
RuleOptions = Mapping[str, Mapping[str, Any]]


class Summary(Protocol):
    """A file's phase-1 summary: a pure function of its path and bytes, cached as data."""

    @property
    def path(self) -> str: ...  # the ProjectPath it was made from


class ProjectEnvironment(Protocol):
    """What the front end knows of a project besides its sources (the provider SDKs
    installed, the versions its requirements pin)."""

    def fingerprint(self) -> str: ...  # everything it depends on: part of the project's cache key

    def notes(self) -> list[str]: ...  # what --verbose says about it, one line each


SummaryT = TypeVar("SummaryT", bound=Summary)
EnvironmentT = TypeVar("EnvironmentT", bound=ProjectEnvironment)


class FrontEnd(Protocol[SummaryT, EnvironmentT]):
    """Phase 1 (one file → a summary) and phase 2 (a project's summaries → findings)."""

    # Part of the cache key: bumped when a summary changes shape.
    SUMMARY_FORMAT_VERSION: int

    def summarize_file(self, path: str, source: bytes) -> SummaryT: ...  # never raises

    # In a parser process before its first file: imports what summarizing ``files`` needs.
    def warm_up(self, files: Sequence[tuple[str, bytes]]) -> None: ...

    def not_analyzed(self, path: str, reason: str) -> SummaryT: ...  # a file phase 1 gave up on: one SG000

    def dump_summary(self, summary: SummaryT) -> bytes: ...

    def load_summary(self, data: bytes) -> SummaryT: ...  # raises ValueError for anything but a dump

    def project_name(self, directory: Path) -> str: ...

    def project_environment(self, root: Path) -> EnvironmentT | None: ...

    def analyze(self, summaries: Sequence[SummaryT], options: RuleOptions | None = None, *,
                environment: EnvironmentT | None = None) -> list[Finding]: ...  # paths as the summaries'

    def resource_sites(self, summaries: Sequence[SummaryT], *, project: str,
                       environment: EnvironmentT | None = None) -> list[ResourceSite]: ...


class FixingFrontEnd(FrontEnd[SummaryT, EnvironmentT], Protocol):
    """A front end that also hands out the project graph the fixes read (not the stand-ins)."""

    def analyze_with_graph(self, summaries: Sequence[SummaryT], options: RuleOptions | None = None, *,
                           environment: EnvironmentT | None = None) -> tuple[list[Finding], ProjectGraph]: ...


def can_fix(front_end: FrontEnd[SummaryT, EnvironmentT]) -> TypeGuard[FixingFrontEnd[SummaryT, EnvironmentT]]:
    return hasattr(front_end, "analyze_with_graph")
