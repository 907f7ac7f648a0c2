"""One lint run: discover → summarize (or take from the cache) → analyze → filter → report.

The front end (``analyzers.project``, through the ``analyzers.front_end.FrontEnd``
interface) does the analysis; this module decides what it reads and what the
user sees:

1. discovery groups files by Pulumi project and marks the ones to report;
2. each file's phase-1 summary comes from the cache or from
   ``summarize_file``, in watched worker processes (``workers``: a file that
   takes too long or crashes its process becomes an SG000, the rest go on);
3. ``analyze`` runs once per project on all its summaries;
4. findings outside the reported files are dropped, then rule selection,
   ``per-file-ignores``, severity overrides and ``# noqa`` comments apply;
   unused ``# noqa`` codes become SG001 findings.

A file that cannot be read is an SG000 finding, and the run goes on; a
symlink discovery did not follow because it leaves the project is an SG002
(info) finding.

Paths come in three shapes, one per layer. The front end sees a project's
files as ``ProjectPath``: "/"-separated, relative to the project root (the
summaries, the findings ``analyze`` returns, the cache keys). What a run
shows is a ``ShownPath``: "/"-separated, relative to the CWD (every finding a
run returns, ``RunResult.files``, the suppression comments' files); the
runner turns the one into the other (``_cwd_relative``) as a project's
findings come back. ``per-file-ignores`` patterns match paths relative to
the config file's directory, computed where they are matched (``_Filter.runs``).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, NewType

import policypack
from analyzers import suppressions
from analyzers.cache import CacheRefused, SummaryCache, choose_directory, load_key
from analyzers.config import Config
from analyzers.discovery import DEFAULT_EXCLUDES, Excludes, collect, glob_matches
from analyzers.findings import Finding
from analyzers.findings_codec import dump_findings, load_findings
from analyzers.front_end import EnvironmentT, FrontEnd, ProjectPath, RuleOptions, SummaryT, can_fix
from analyzers.reading import FileTooLarge, read_regular_file
from analyzers.selection import SelectionLayer, enabled_codes, resolve, severity_overrides
from analyzers.suppressions import SuppressionPolicy
from policypack.rules import clock
from policypack.rules.base import Severity

if TYPE_CHECKING:
    from analyzers.extract.resource_sites import ResourceSite
    from analyzers.extract.summary import FileSummary
    from analyzers.providers import ProviderKnowledge
    from analyzers.workers import Meanwhile, Pool

# A path as a run shows it: "/"-separated, relative to the current directory.
ShownPath = NewType("ShownPath", str)

TOOL_VERSION = policypack.__version__
PARSE_ERROR_CODE = "SG000"
ESCAPING_LINK_CODE = "SG002"
# Parsing is ~10k lines/s: a bigger .py file is generated data, not a program to review,
# and reading it whole could exhaust memory.
MAX_FILE_BYTES = 10 * 1024 * 1024


def __getattr__(name: str) -> Any:
    # PARALLEL_THRESHOLD: below this many files to parse, starting worker processes costs more
    # than it saves where they are whole new interpreters (no fork); forked ones are always
    # used. It is the worker pool's, read without importing the pool in a cached run.
    if name == "PARALLEL_THRESHOLD":
        from analyzers import workers

        return workers.SPAWN_THRESHOLD
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class RunOptions:
    paths: Sequence[Path]
    config: Config = field(default_factory=Config)
    cli_selection: SelectionLayer = field(default_factory=SelectionLayer)
    cli_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # code → option → value
    use_cache: bool = True
    cache_dir: Path | None = None  # --cache-dir
    force_exclude: bool = False
    jobs: int | None = None  # worker processes for parsing; None = one per CPU
    keep_sources: bool = False  # fill RunResult.projects (for fixes)
    # The CI gate's hook: given every project's resource index, findings to add before
    # selection and suppressions apply (runtime violations mapped to source lines).
    extra_findings: Callable[[Sequence[ProjectIndex]], ExtraFindings] | None = None
    # A caller that ends its process without freeing anything (the CLI: os._exit) passes a
    # list: it holds the last project's analysis (its graph and summaries, each project's
    # replacing the one before), which is then never freed object by object (~0.03 s at
    # 1,200 files).
    left_for_exit: list[object] | None = None


@dataclass(frozen=True)
class ProjectIndex:
    """One analysed project's resource construction sites (``extract.resource_sites``)."""

    root: ShownPath  # the project directory ("." for the CWD itself)
    name: str  # the ``name:`` of its Pulumi.yaml (the directory's name without one)
    sites: Sequence[ResourceSite]  # paths are ShownPaths


@dataclass(frozen=True)
class ExtraFindings:
    findings: Sequence[Finding]  # paths relative to the CWD
    paths: Sequence[str] = ()  # files they may be on that a run doesn't read (a Pulumi.yaml)


@dataclass(frozen=True)
class ProjectSources:
    """One project's files as a run read them (``RunOptions.keep_sources``), for fixes."""

    root: Path
    sources: Mapping[str, bytes]  # ProjectPath → the bytes analyzed
    reported: frozenset[str]  # the ProjectPaths (as in ``sources``) whose findings the run shows
    summaries: Sequence[Any]  # the front end's phase-1 summaries of ``sources`` (from the run or its cache)


@dataclass
class RunResult:
    findings: list[Finding]  # sorted; paths are ShownPaths
    files: list[ShownPath]  # the reported files
    indexed: int = 0  # files read, reported or not
    parsed: int = 0  # files summarized in this run (cache misses)
    cache_hits: int = 0
    suppressed: int = 0
    aborted: int = 0  # files phase 1 gave up on (out of time, or they crashed their worker)
    notes: list[str] = field(default_factory=list)  # warnings for the user (stderr), one line each
    suppressed_with_reason: int = 0
    refused_suppressions: dict[str, int] = field(default_factory=dict)  # why a noqa comment did not apply → count
    details: list[str] = field(default_factory=list)  # what --verbose shows (stderr), one line each
    projects: list[ProjectSources] = field(default_factory=list)  # with RunOptions.keep_sources


def load_front_end() -> FrontEnd[FileSummary, ProviderKnowledge]:
    from analyzers import project  # the analysis: loaded by a run, never by --version

    return project


def _cwd_relative(path: Path, cwd: Path) -> ShownPath:
    return ShownPath(Path(os.path.relpath(path, cwd)).as_posix())


def unreadable_finding(path: str, reason: str) -> Finding:
    return _not_analyzed(path, f"Cannot read this file ({reason}); it was not analyzed.")


def _too_large_finding(path: str, size: int | None) -> Finding:
    limit = MAX_FILE_BYTES // 2**20
    if size is None:  # the file system reported less, but the file held more when read
        amount = f"more than the limit of {limit} MiB"
    else:
        amount = f"{size / 2**20:.1f} MiB; the limit is {limit} MiB"
    return _not_analyzed(path, f"This file is too large to analyze ({amount}); exclude it or split it.")


def escaping_link_finding(path: str) -> Finding:
    return Finding.whole_file(ESCAPING_LINK_CODE, path,
                              "This symbolic link leads outside the project root; it was not followed, and "
                              "nothing behind it was read or analyzed.", subject="symlink")


def _not_analyzed(path: str, text: str) -> Finding:
    return Finding.whole_file(PARSE_ERROR_CODE, path, text, subject="not-analyzed")


class _Filter:
    """Rule selection, severity overrides and per-file-ignores, for one run."""

    def __init__(self, config: Config, cli: SelectionLayer, cwd: Path) -> None:
        config_layer = SelectionLayer(config.select, config.extend_select, config.ignore)
        self.enabled = enabled_codes([config_layer, cli])
        self.severity = severity_overrides(config.severity)
        self.base = config.root or cwd
        self.cwd = cwd
        self.per_file = [(pattern, _codes(selectors)) for pattern, selectors in config.per_file_ignores]
        self.suppression = SuppressionPolicy(config.require_reason, _codes(config.unsuppressible))

    def runs(self, code: str, path: str) -> bool:
        """Whether ``code`` applies to the file at ``path`` (a ShownPath)."""
        if code not in self.enabled or (code in self.severity and self.severity[code] is None):
            return False
        if self.per_file:
            absolute = Path(os.path.normpath(self.cwd / path))
            try:  # per-file-ignores patterns are relative to the config file's directory
                config_relative = absolute.relative_to(self.base).as_posix()
            except ValueError:
                config_relative = path
            for pattern, codes in self.per_file:
                if code in codes and glob_matches(pattern, config_relative):
                    return False
        return True

    def adjust(self, finding: Finding) -> Finding:
        severity = self.severity.get(finding.code)
        return replace(finding, severity=severity) if severity and severity is not finding.severity else finding


def _codes(selectors: Sequence[str]) -> frozenset[str]:
    codes: set[str] = set()
    for selector in selectors:
        codes |= resolve(selector)[0]
    return frozenset(codes)


@dataclass(frozen=True)
class _SummarizeEncoded(Generic[SummaryT]):
    """Phase 1 of one file plus its cache encoding, in the worker process that parsed it
    (picklable by reference, for workers that are new interpreters)."""

    summarize: Callable[[str, bytes], SummaryT]
    encode: Callable[[SummaryT], bytes]

    def __call__(self, path: str, source: bytes) -> _Summarized[SummaryT]:
        summary = self.summarize(path, source)
        try:
            return _Summarized(summary, self.encode(summary))
        except ValueError:  # a summary the format can't carry: it just stays uncached
            return _Summarized(summary, None)


class _Summarized(NamedTuple, Generic[SummaryT]):
    """A file's summary and its cache data. Sent from a worker process, it travels as the
    cache data alone (``summary`` None), which the runner decodes as it decodes a cached
    summary: pickling the objects one by one is slower, and the cache data is made anyway."""

    summary: SummaryT | None
    payload: bytes | None

    def __reduce__(self) -> tuple[Any, ...]:
        return _Summarized, ((self.summary, None) if self.payload is None else (None, self.payload))


def run(options: RunOptions, front_end: FrontEnd[Any, Any] | None = None, cwd: Path | None = None) -> RunResult:
    """Lint ``options.paths``. Raises discovery.PathNotFound for a missing path."""
    cwd = cwd or Path.cwd()
    config = options.config
    rules = _Filter(config, options.cli_selection, cwd)
    patterns = (DEFAULT_EXCLUDES if config.exclude is None else config.exclude) + config.extend_exclude
    files = collect(
        options.paths,
        Excludes(tuple(patterns), config.root or cwd),
        force_exclude=options.force_exclude or config.force_exclude,
    )
    front_end = front_end or load_front_end()
    result = RunResult(findings=[], files=[])
    cache = _open_cache(options, front_end, cwd, result.notes) if options.use_cache else None
    lint = _Run(front_end, cache, cwd, options.jobs, _merge_options(config.options, options.cli_options), result,
                left_for_exit=options.left_for_exit)

    shown_problems: set[ShownPath] = set()
    for directory, reason in files.problems:
        if files.shows(directory):
            shown_problems.add(_cwd_relative(directory, cwd))
            lint.raw.append(unreadable_finding(_cwd_relative(directory, cwd), reason))
    for link in files.escaping_links:
        if files.shows(link):
            shown_problems.add(_cwd_relative(link, cwd))
            lint.raw.append(escaping_link_finding(_cwd_relative(link, cwd)))

    indexes: list[ProjectIndex] = []
    keep_summaries = options.extra_findings is not None or options.keep_sources
    try:
        for root, group in sorted(files.groups.items()):
            project = _Project(root, lint.read(root, group, files.reported), front_end.project_environment(root))
            found, summaries = lint.project_findings(project, keep_summaries)
            if options.extra_findings is not None:
                indexes.append(lint.project_index(project, summaries))
            lint.describe_environment(project)
            lint.raw.extend(replace(finding, path=_cwd_relative(root / finding.path, cwd)) for finding in found)
            if options.keep_sources:
                result.projects.append(_project_sources(project, files.reported, summaries))
    finally:
        lint.close()
    if cache is not None and cache.writes:
        cache.prune_if_due()

    reported: set[str] = set(result.files) | shown_problems
    if options.extra_findings is not None:
        extra = options.extra_findings(indexes)
        lint.raw.extend(extra.findings)
        reported.update(extra.paths)
    split = _finish([f for f in lint.raw if f.path in reported], lint.sources, rules)
    result.findings, result.suppressed = split.kept, len(split.suppressed)
    result.suppressed_with_reason, result.refused_suppressions = split.with_reason, split.refused
    result.files.sort()
    return result


def _project_sources(project: _Project[Any], reported: set[Path], summaries: list[Any]) -> ProjectSources:
    shown = frozenset(item.relative for item in project.read if project.root / item.relative in reported)
    return ProjectSources(project.root, {item.relative: item.source for item in project.read}, shown, summaries)


def filter_findings(findings: Sequence[Finding], sources: Mapping[str, bytes], config: Config,
                    cli_selection: SelectionLayer, cwd: Path) -> list[Finding]:
    """What a run shows of ``findings`` (paths relative to ``cwd``): rule selection,
    per-file-ignores, severities and ``# noqa`` (``sources`` holds the files' bytes)."""
    return _finish(findings, sources, _Filter(config, cli_selection, cwd)).kept


def _finish(
    findings: Sequence[Finding], sources: Mapping[str, bytes], rules: _Filter
) -> suppressions.SuppressionResult:
    """Selection, per-file-ignores and severity, then # noqa (and SG001 for unused codes);
    ``kept`` of the result is sorted and holds the SG001 findings."""
    visible = [rules.adjust(finding) for finding in findings if rules.runs(finding.code, finding.path)]
    split = suppressions.apply(visible, sources, rules.runs, rules.suppression)
    extra = [rules.adjust(f) for f in split.unused if rules.runs(f.code, f.path)]
    split.kept = sorted(_unique([*split.kept, *extra]), key=Finding.sort_key)
    return split


def lint_sources(
    sources: Mapping[str, str | bytes],
    config: Config | None = None,
    front_end: FrontEnd[Any, Any] | None = None,
) -> list[Finding]:
    """Lint in-memory files of one project (paths "/"-separated, relative to its root),
    through the same pipeline as a run (selection, options, suppressions), without
    discovery or cache: for rule examples and tests."""
    config = config or Config()
    front_end = front_end or load_front_end()
    data = {path: text.encode() if isinstance(text, str) else text for path, text in sources.items()}
    summaries = [front_end.summarize_file(path, source) for path, source in sorted(data.items())]
    raw = list(front_end.analyze(summaries, _merge_options(config.options, {})))
    return _finish(raw, data, _Filter(config, SelectionLayer(), Path.cwd())).kept


def _open_cache(options: RunOptions, front_end: FrontEnd[Any, Any], cwd: Path, notes: list[str]
                ) -> SummaryCache | None:
    config = options.config
    label = f"{config.path.name} cache-dir" if config.path else "cache-dir"
    location = choose_directory(options.cache_dir, config.cache_dir, config.root or cwd, config_label=label)
    if location.warning:
        notes.append(location.warning)
    try:
        key = load_key()
    except CacheRefused as refused:
        notes.append(f"running without the cache: {refused}")
        return None
    return SummaryCache(location.directory, key, f"{TOOL_VERSION}\0{front_end.SUMMARY_FORMAT_VERSION}")


@dataclass(frozen=True)
class _ReadFile:
    relative: ProjectPath
    source: bytes


@dataclass(frozen=True)
class _Project(Generic[EnvironmentT]):
    """One project of a run: its files as read, and what the front end knows about it
    besides its sources (the provider SDKs installed here, the versions its requirements
    pin), if it has such knowledge."""

    root: Path
    read: Sequence[_ReadFile]
    environment: EnvironmentT | None


@dataclass
class _Run(Generic[SummaryT, EnvironmentT]):
    """What the projects of one run share: the front end, the cache and the options; and
    what the run has gathered so far."""

    front_end: FrontEnd[SummaryT, EnvironmentT]
    cache: SummaryCache | None
    cwd: Path
    jobs: int | None  # worker processes for parsing; None = one per CPU
    options_by_code: RuleOptions
    result: RunResult  # counts, notes, details, the reported files
    raw: list[Finding] = field(default_factory=list)  # before selection and suppressions; ShownPaths
    sources: dict[str, bytes] = field(default_factory=dict)  # ShownPath → bytes of a reported file (its noqa)
    froze: bool = False  # decoded summaries were exempted from the cyclic collector (gc.freeze)
    left_for_exit: list[object] | None = None  # RunOptions': holds the last project's graph and summaries
    parsers: Pool | None = None  # started as soon as a file is known to need parsing

    def close(self) -> None:
        """Stop the parser processes; give the collector back what decoding exempted (a
        library caller's process goes on)."""
        if self.parsers is not None:
            self.parsers.close()
            self.parsers = None
        if self.froze:
            gc.unfreeze()
            self.froze = False

    def start_parsing(self, files: Sequence[_ReadFile]) -> None:
        """Start a parser process now, preparing for ``files`` (importing the parser) while
        this process verifies and decodes the cached summaries (``workers.start_early``):
        the file a hook's run must parse is then parsed without waiting for the import."""
        if self.parsers is None:
            from analyzers import workers

            pending = [(item.relative, item.source) for item in files]
            self.parsers = workers.start_early(self._summarize(), partial(self.front_end.warm_up, pending))

    def _summarize(self) -> _SummarizeEncoded[SummaryT]:
        """What a parser process runs on a file: its summary, and its cache data."""
        return _SummarizeEncoded(self.front_end.summarize_file, self.front_end.dump_summary)

    def read(self, root: Path, group: Sequence[Path], reported: set[Path]) -> list[_ReadFile]:
        """Read each file of a project; one that can't be read is an SG000 finding."""
        read: list[_ReadFile] = []
        prefix = os.path.join(root, "")  # a group's files lie below its root: their names are relative to it
        for path in sorted(group):
            # Shown only when reported (a hook's run reports one file of a thousand read).
            shown = _cwd_relative(path, self.cwd) if path in reported else None
            if shown is not None:
                self.result.files.append(shown)
            try:
                source = read_regular_file(path, MAX_FILE_BYTES)
            except FileTooLarge as error:
                self.raw.append(_too_large_finding(shown or _cwd_relative(path, self.cwd), error.size))
                continue
            except OSError as error:
                reason = error.strerror or type(error).__name__
                self.raw.append(unreadable_finding(shown or _cwd_relative(path, self.cwd), reason))
                continue
            self.result.indexed += 1
            if shown is not None:
                self.sources[shown] = source
            name = str(path)
            relative = name[len(prefix):] if os.sep == "/" and name.startswith(prefix) else (
                path.relative_to(root).as_posix())
            read.append(_ReadFile(ProjectPath(relative), source))
        return read

    def project_findings(self, project: _Project[EnvironmentT], keep: bool
                         ) -> tuple[list[Finding], list[SummaryT]]:
        """Phase 2's findings for one project (ProjectPaths), and the summaries too when
        ``keep`` (else []). From the cache when nothing it depends on changed since a run
        that stored them: first by the files' bytes (no file, option or fact of the
        environment changed, the same day); then, once the changed files are parsed, by
        their summaries (an edit phase 1 does not see, such as a function body in a module
        that is no Pulumi program, leaves every summary as it was); else from the summaries."""
        cache, read, environment = self.cache, project.read, project.environment
        keys = [cache.key(item.relative, item.source) for item in read] if cache else []
        settings = project_key = ""
        if cache:
            facts = environment.fingerprint() if environment is not None else ""
            # Results depend on the day too (support windows, exemptions that expire): a
            # result stored yesterday is recomputed today, from the cached summaries.
            settings = "\0".join((_options_bytes(self.options_by_code).decode(), facts, clock.today().isoformat()))
            project_key = cache.project_key(keys, settings.encode())
            with _collector_paused():
                stored = cache.get_project(project_key, load_findings)
            if stored is not None:
                self.result.cache_hits += len(read)
                # The findings are cached; the summaries are needed all the same (not counted).
                return stored, self._gathered(read, keys, RunResult([], [])).summaries() if keep else []
            missing = [item for item, key in zip(read, keys, strict=True) if not cache.holds(key)]
            if missing:  # files without an entry: they will be parsed, whatever else is cached
                self.start_parsing(missing)
        aborted_before = self.result.aborted
        gathered = self._gathered(read, keys, self.result)
        summary_key = None
        if cache and self.result.aborted == aborted_before and gathered.digests is not None:
            summary_key = cache.project_key(gathered.digests, settings.encode(), kind=b"summaries")
            with _collector_paused():
                stored = cache.get_project(summary_key, load_findings)
            if stored is not None:
                cache.put_project(project_key, dump_findings, stored)  # the next run: by the bytes
                self.result.cache_hits += len(read) - len(gathered.fresh)
                return stored, gathered.summaries() if keep else []
        summaries = gathered.summaries()
        self.result.cache_hits += len(gathered.decoded)
        if self.left_for_exit is not None:
            self.left_for_exit.clear()  # the previous project's: freed before this one's is made
        with _collector_paused(self):  # phase 2's tables and graph live until the run ends, as summaries do
            findings = self._analyze(summaries, environment)
        if cache and self.result.aborted == aborted_before:  # a file given up on may be read next time
            cache.put_project(project_key, dump_findings, findings)
            if summary_key is not None:
                cache.put_project(summary_key, dump_findings, findings)
        return findings, summaries if keep else []

    def _analyze(self, summaries: Sequence[SummaryT], environment: EnvironmentT | None) -> list[Finding]:
        front_end = self.front_end
        if self.left_for_exit is not None and can_fix(front_end):
            findings, graph = front_end.analyze_with_graph(summaries, self.options_by_code, environment=environment)
            self.left_for_exit.append((graph, summaries))
            return findings
        return list(front_end.analyze(summaries, self.options_by_code, environment=environment))

    def _gathered(self, read: Sequence[_ReadFile], keys: Sequence[str], tally: RunResult
                  ) -> _Gathered[SummaryT, EnvironmentT]:
        """Every file's phase-1 summary, as cache data at least: from the cache, or parsed
        (and then stored). The files to parse are known from the cache's verified entries
        before any is decoded; when one of them is a Pulumi program (its summary will
        differ: the project must be analysed again), the worker processes parse it while
        this process decodes the others."""
        cache = self.cache
        payloads: list[bytes | None] = [cache.verified(key) for key in keys] if cache else [None] * len(read)
        first = [index for index, payload in enumerate(payloads) if payload is None]
        gathered = _Gathered(self, read, keys, tally, payloads, frozenset(first))
        gathered.fresh.update(self._parse(read, keys, first, tally, gathered.decode, payloads))
        gathered.digests = _digests(payloads) if cache else None
        return gathered

    def _parse(self, read: Sequence[_ReadFile], keys: Sequence[str], indexes: Sequence[int], tally: RunResult,
               meanwhile: Meanwhile | None, payloads: list[bytes | None]) -> dict[int, SummaryT]:
        """Phase 1 of the files at ``indexes``, by index, stored in the cache (and their cache
        data in ``payloads``); ``meanwhile`` runs here while the workers parse. A file phase
        1 gave up on (out of time, or it crashed its worker process) is an SG000, never cached."""
        pending = [(read[index].relative, read[index].source) for index in indexes]
        if not pending:
            if meanwhile is not None:
                meanwhile(_nothing_to_wait_for)
            return {}
        from analyzers import workers

        cache, front_end = self.cache, self.front_end
        processes = self.jobs if self.jobs is not None else (os.cpu_count() or 1)
        encoded = workers.summarize_all(self._summarize(), pending, processes, meanwhile, self.parsers)
        summaries: dict[int, SummaryT] = {}
        for position, outcome, task in zip(indexes, encoded, pending, strict=True):
            if isinstance(outcome, workers.Aborted):
                tally.aborted += 1
                summaries[position] = front_end.not_analyzed(read[position].relative, outcome.reason)
                continue
            made, payload = outcome
            if made is None and payload is not None:  # a worker's answer: its cache data
                try:
                    made = front_end.load_summary(payload)
                except ValueError:  # a defect (data just made does not read back): parsed here, not cached
                    made, payload = front_end.summarize_file(*task), None
            assert made is not None
            summaries[position] = made
            payloads[position] = payload
            if cache is not None and payload is not None:
                cache.put_encoded(keys[position], payload)
        tally.parsed += len(pending)
        return summaries

    def project_index(self, project: _Project[EnvironmentT], summaries: Sequence[SummaryT]) -> ProjectIndex:
        name = self.front_end.project_name(project.root)
        found = self.front_end.resource_sites(summaries, project=name, environment=project.environment)
        sites = [replace(site, path=_cwd_relative(project.root / site.path, self.cwd)) for site in found]
        return ProjectIndex(_cwd_relative(project.root, self.cwd), name, sites)

    def describe_environment(self, project: _Project[EnvironmentT]) -> None:
        if project.environment is None:
            return
        notes = project.environment.notes() or [
            "no provider facts needed (no pulumi_* package used, or results from the cache)"]
        self.result.details.extend(f"{_cwd_relative(project.root, self.cwd)}: {note}" for note in notes)


@dataclass
class _Gathered(Generic[SummaryT, EnvironmentT]):
    """One project's summaries as a run gathers them: cache data for every file (verified
    entries, and what the workers encoded), decoded only when someone needs the objects."""

    run: _Run[SummaryT, EnvironmentT]
    read: Sequence[_ReadFile]
    keys: Sequence[str]
    tally: RunResult
    payloads: list[bytes | None]  # by file; None: not in the cache (parsed: in ``fresh``)
    parsing: frozenset[int] = frozenset()  # the files parsed in this run
    fresh: dict[int, SummaryT] = field(default_factory=dict)  # parsed in this run, by file
    decoded: dict[int, SummaryT] = field(default_factory=dict)  # from the cache, by file
    digests: list[str] | None = None  # every file's cache data, hashed; None: some file has none
    _decode_from: int = 0

    def decode(self, enough: Callable[[], bool] | None = None) -> None:
        """Decode the cached summaries, in file order; stop early when ``enough()`` (the
        parse running meanwhile has answered: perhaps the project result can be reused
        without the rest). A later call goes on where this one stopped."""
        cache, load = self.run.cache, self.run.front_end.load_summary
        if cache is None:
            self._decode_from = len(self.payloads)
            return
        with _collector_paused(self.run):
            while self._decode_from < len(self.payloads):
                if enough is not None and enough():
                    return
                index = self._decode_from
                self._decode_from += 1
                payload = self.payloads[index]
                if payload is None or index in self.parsing:
                    continue  # parsed in this run
                summary = cache.decoded(self.keys[index], payload, load)
                if summary is not None and getattr(summary, "path", None) == self.read[index].relative:
                    self.decoded[index] = summary

    def summaries(self) -> list[SummaryT]:
        """Every file's summary: the cached ones decoded, the parsed ones as made; a cached
        entry that does not decode (or holds another path) is parsed after all."""
        self.decode()
        decoded = self.decoded
        late = [index for index in range(len(self.read)) if index not in decoded and index not in self.fresh]
        self.fresh.update(self.run._parse(self.read, self.keys, late, self.tally, None, self.payloads))
        return [decoded[index] for index in sorted(decoded)] + [self.fresh[index] for index in sorted(self.fresh)]


def _nothing_to_wait_for() -> bool:
    return True


def _digests(payloads: Sequence[bytes | None]) -> list[str] | None:
    if any(payload is None for payload in payloads):
        return None  # a summary the format can't carry: nothing to key on
    return [hashlib.sha256(payload).hexdigest() for payload in payloads if payload is not None]


def _options_bytes(options_by_code: RuleOptions) -> bytes:
    return json.dumps(options_by_code, sort_keys=True, default=repr).encode()


@contextlib.contextmanager
def _collector_paused(run: _Run[Any, Any] | None = None) -> Iterator[None]:
    """Decoding summaries and phase 2 allocate many objects that live as long as the run;
    the cyclic garbage collector would scan them over and over (a third of a cached run's
    time, ~7 % of phase 2) and find nothing. With ``run``, they stay exempt until the run
    ends (``_Run.close``), unless the process froze objects of its own (they could not be
    told apart at the end)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if run is not None and (run.froze or gc.get_freeze_count() == 0):
                # What was made lives for the run: keep it out of the collector's scans (the
                # first collection after decoding a large project would scan every object once,
                # 15 % of a one-changed-file run at 1,200 files; phase 2's, ~0.045 s more).
                gc.freeze()
                run.froze = True
            gc.enable()


def _merge_options(
    configured: Mapping[str, Mapping[str, Any]], cli: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    merged = {code: dict(values) for code, values in configured.items()}
    for code, values in cli.items():
        merged.setdefault(code, {}).update(values)
    return merged


def _unique(findings: list[Finding]) -> list[Finding]:
    return list(dict.fromkeys(findings))


def fails(findings: Sequence[Finding], threshold: Severity) -> bool:
    return any(finding.severity.rank >= threshold.rank for finding in findings)

