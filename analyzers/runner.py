"""One lint run: discover → summarize (or take from the cache) → analyze → filter → report.

The front end (``analyzers.project``) does the analysis; this module decides
what it reads and what the user sees:

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
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any

import policypack
from analyzers import suppressions
from analyzers.cache import CacheRefused, SummaryCache, choose_directory, load_key
from analyzers.cache_codec import dump_findings, load_findings
from analyzers.config import Config
from analyzers.discovery import DEFAULT_EXCLUDES, Excludes, collect, glob_matches
from analyzers.findings import Finding
from analyzers.reading import FileTooLarge, read_regular_file
from analyzers.selection import SelectionLayer, enabled_codes, resolve, severity_overrides
from analyzers.suppressions import SuppressionPolicy
from policypack.rules.base import Severity

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


@dataclass(frozen=True)
class ProjectIndex:
    """One analysed project's resource construction sites (``extract.resource_sites``)."""

    root: str  # the project directory, relative to the CWD ("." for the CWD itself)
    name: str  # the ``name:`` of its Pulumi.yaml (the directory's name without one)
    sites: Sequence[Any]  # ResourceSite, paths relative to the CWD


@dataclass(frozen=True)
class ExtraFindings:
    findings: Sequence[Finding]  # paths relative to the CWD
    paths: Sequence[str] = ()  # files they may be on that a run doesn't read (a Pulumi.yaml)


@dataclass(frozen=True)
class ProjectSources:
    """One project's files as a run read them (``RunOptions.keep_sources``), for fixes."""

    root: Path
    sources: Mapping[str, bytes]  # "/"-separated path relative to ``root`` → the bytes analyzed
    reported: frozenset[str]  # the paths (as in ``sources``) whose findings the run shows
    summaries: Sequence[Any]  # the phase-1 summaries of ``sources`` (from the run or its cache)


@dataclass
class RunResult:
    findings: list[Finding]  # sorted; paths relative to the CWD
    files: list[str]  # the reported files, relative to the CWD
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


def load_front_end() -> ModuleType:
    return importlib.import_module("analyzers.project")


def _cwd_relative(path: Path, cwd: Path) -> str:
    return Path(os.path.relpath(path, cwd)).as_posix()


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
        if code not in self.enabled or (code in self.severity and self.severity[code] is None):
            return False
        if self.per_file:
            absolute = Path(os.path.normpath(self.cwd / path))
            try:
                relative = absolute.relative_to(self.base).as_posix()
            except ValueError:
                relative = path
            for pattern, codes in self.per_file:
                if code in codes and glob_matches(pattern, relative):
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
class _SummarizeEncoded:
    """Phase 1 of one file plus its cache encoding, in the worker process that parsed it
    (picklable by reference, for workers that are new interpreters)."""

    summarize: Callable[[str, bytes], Any]
    encode: Callable[[Any], bytes]

    def __call__(self, path: str, source: bytes) -> tuple[Any, bytes | None]:
        summary = self.summarize(path, source)
        try:
            return summary, self.encode(summary)
        except ValueError:  # a summary the format can't carry: it just stays uncached
            return summary, None


def run(options: RunOptions, front_end: ModuleType | None = None, cwd: Path | None = None) -> RunResult:
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
    reported_paths: list[str] = []
    result = RunResult(findings=[], files=reported_paths)
    cache = _open_cache(options, front_end, cwd, result.notes) if options.use_cache else None

    raw: list[Finding] = []
    sources: dict[str, bytes] = {}  # reported files, read for their suppression comments
    shown_problems = set()
    for directory, reason in files.problems:
        if files.shows(directory):
            shown_problems.add(_cwd_relative(directory, cwd))
            raw.append(unreadable_finding(_cwd_relative(directory, cwd), reason))
    for link in files.escaping_links:
        if files.shows(link):
            shown_problems.add(_cwd_relative(link, cwd))
            raw.append(escaping_link_finding(_cwd_relative(link, cwd)))

    options_by_code = _merge_options(config.options, options.cli_options)
    indexes: list[ProjectIndex] = []
    for root, group in sorted(files.groups.items()):
        read = _read_group(root, group, files.reported, cwd, result, raw, sources)
        environment = _environment(front_end, root)
        made: list[Any] = []  # this project's summaries, for fixes (keep_sources)

        def on_summaries(summaries: list[Any], root: Path = root, made: list[Any] = made,
                         environment: Any = environment) -> None:
            if options.extra_findings is not None:
                indexes.append(_project_index(front_end, root, summaries, cwd, environment))
            if options.keep_sources:
                made.extend(summaries)

        wanted = on_summaries if options.extra_findings is not None or options.keep_sources else None
        found = _project_findings(front_end, cache, read, options_by_code, options.jobs, result, environment,
                                  wanted)
        _describe_environment(root, cwd, environment, result)
        for finding in found:
            raw.append(replace(finding, path=_cwd_relative(root / finding.path, cwd)))
        if options.keep_sources:
            result.projects.append(_project_sources(root, read, files.reported, made))
    if cache is not None and cache.writes:
        cache.prune()

    reported = set(reported_paths) | shown_problems
    if options.extra_findings is not None:
        extra = options.extra_findings(indexes)
        raw.extend(extra.findings)
        reported.update(extra.paths)
    split = _finish([f for f in raw if f.path in reported], sources, rules)
    result.findings, result.suppressed = split.kept, len(split.suppressed)
    result.suppressed_with_reason, result.refused_suppressions = split.with_reason, split.refused
    reported_paths.sort()
    return result


def _project_index(
    front_end: ModuleType, root: Path, summaries: list[Any], cwd: Path, environment: Any
) -> ProjectIndex:
    name = front_end.project_name(root)
    found = (front_end.resource_sites(summaries, project=name, environment=environment) if environment is not None
             else front_end.resource_sites(summaries, project=name))
    sites = [replace(site, path=_cwd_relative(root / site.path, cwd)) for site in found]
    return ProjectIndex(_cwd_relative(root, cwd), front_end.project_name(root), sites)


def _project_sources(root: Path, read: Sequence[_ReadFile], reported: set[Path], made: list[Any]) -> ProjectSources:
    shown = frozenset(item.relative for item in read if root / item.relative in reported)
    return ProjectSources(root, {item.relative: item.source for item in read}, shown, made)


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
    front_end: ModuleType | None = None,
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


def _open_cache(options: RunOptions, front_end: ModuleType, cwd: Path, notes: list[str]) -> SummaryCache | None:
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
    relative: str  # "/"-separated, relative to the project root
    source: bytes


def _environment(front_end: ModuleType, root: Path) -> Any:
    """What the front end knows about the project besides its sources (the provider SDKs
    installed here, the versions its requirements pin), if it has such knowledge."""
    describe = getattr(front_end, "project_environment", None)
    return describe(root) if describe is not None else None


def _describe_environment(root: Path, cwd: Path, environment: Any, result: RunResult) -> None:
    if environment is None:
        return
    notes = environment.notes() or [
        "no provider facts needed (no pulumi_* package used, or results from the cache)"]
    result.details.extend(f"{_cwd_relative(root, cwd)}: {note}" for note in notes)


def _project_findings(
    front_end: ModuleType,
    cache: SummaryCache | None,
    read: Sequence[_ReadFile],
    options_by_code: Mapping[str, Mapping[str, Any]],
    jobs: int | None,
    result: RunResult,
    environment: Any = None,
    on_summaries: Callable[[list[Any]], None] | None = None,
) -> list[Finding]:
    """Phase 2's findings for one project: from the cache when no file, no option and
    nothing of the environment changed since a run that stored them, else from the
    summaries (which ``on_summaries``, when given, also receives)."""
    keys = [cache.key(item.relative, item.source) for item in read] if cache else []
    project_key = ""
    if cache:
        facts = environment.fingerprint().encode() if environment is not None else b""
        project_key = cache.project_key(keys, _options_bytes(options_by_code) + b"\0" + facts)
        with _collector_paused():
            stored = cache.get_project(project_key, load_findings)
        if stored is not None:
            result.cache_hits += len(read)
            if on_summaries is not None:  # the findings are cached; the summaries are needed all the same
                on_summaries(_summaries(front_end, cache, read, keys, jobs, RunResult([], [])))
            return stored
    aborted_before = result.aborted
    summaries = _summaries(front_end, cache, read, keys, jobs, result)
    if on_summaries is not None:
        on_summaries(summaries)
    if environment is not None:
        findings = list(front_end.analyze(summaries, options_by_code, environment=environment))
    else:
        findings = list(front_end.analyze(summaries, options_by_code))
    if cache and result.aborted == aborted_before:  # a file given up on may be read next time
        cache.put_project(project_key, dump_findings, findings)
    return findings


def _options_bytes(options_by_code: Mapping[str, Mapping[str, Any]]) -> bytes:
    return json.dumps(options_by_code, sort_keys=True, default=repr).encode()


def _summaries(
    front_end: ModuleType,
    cache: SummaryCache | None,
    read: Sequence[_ReadFile],
    keys: Sequence[str],
    jobs: int | None,
    result: RunResult,
) -> list[Any]:
    """Every file's phase-1 summary: from the cache, or parsed (and then stored).

    The files to parse are known from the cache's verified entries before any is decoded,
    so the worker processes parse them while this process decodes the others (one
    changed file in a big project: its parse costs nothing extra)."""
    payloads = [cache.verified(key) for key in keys] if cache else [None] * len(read)
    decoded: dict[int, Any] = {}

    def decode_cached() -> None:
        with _collector_paused():
            for index, payload in enumerate(payloads):
                if payload is None or cache is None:
                    continue  # parsed meanwhile
                summary = cache.decoded(keys[index], payload, front_end.load_summary)
                if summary is not None and getattr(summary, "path", None) == read[index].relative:
                    decoded[index] = summary

    first = [index for index, payload in enumerate(payloads) if payload is None]
    fresh = _parse(front_end, cache, read, keys, first, jobs, result, decode_cached)
    # A verified entry that did not decode (or holds another path) is parsed after all.
    late = [index for index, payload in enumerate(payloads) if payload is not None and index not in decoded]
    fresh.update(_parse(front_end, cache, read, keys, late, jobs, result, None))
    result.cache_hits += len(decoded)
    return [decoded[index] for index in sorted(decoded)] + [fresh[index] for index in sorted(fresh)]


def _parse(
    front_end: ModuleType,
    cache: SummaryCache | None,
    read: Sequence[_ReadFile],
    keys: Sequence[str],
    indexes: Sequence[int],
    jobs: int | None,
    result: RunResult,
    meanwhile: Callable[[], None] | None,
) -> dict[int, Any]:
    """Phase 1 of the files at ``indexes`` (stored in the cache), running ``meanwhile`` here
    while the workers parse; by index."""
    pending = [(read[index].relative, read[index].source) for index in indexes]
    if not pending:
        if meanwhile is not None:
            meanwhile()
        return {}
    from analyzers import workers  # only when something is parsed: a cached run forks nothing

    processes = jobs if jobs is not None else (os.cpu_count() or 1)
    task = _SummarizeEncoded(front_end.summarize_file, front_end.dump_summary) if cache else front_end.summarize_file
    results = workers.summarize_all(task, pending, processes, meanwhile)
    summaries: dict[int, Any] = {}
    for position, found in zip(indexes, results, strict=True):
        relative = read[position].relative
        if isinstance(found, workers.Aborted):  # a timeout or a crash may not happen next time: not cached
            result.aborted += 1
            summaries[position] = front_end.not_analyzed(relative, found.reason)
            continue
        summary, payload = found if cache else (found, None)
        summaries[position] = summary
        if cache and payload is not None:
            cache.put(keys[position], lambda _summary, payload=payload: payload, summary)
    result.parsed += len(pending)
    return summaries


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Decoding summaries allocates many acyclic objects; the cyclic garbage collector
    would scan them over and over (a third of a cached run's time) and find nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read_group(
    root: Path,
    group: Sequence[Path],
    reported: set[Path],
    cwd: Path,
    result: RunResult,
    raw: list[Finding],
    sources: dict[str, bytes],
) -> list[_ReadFile]:
    """Read each file of a project; one that can't be read is an SG000 finding."""
    read: list[_ReadFile] = []
    for path in sorted(group):
        shown = _cwd_relative(path, cwd)
        if path in reported:
            result.files.append(shown)
        try:
            source = read_regular_file(path, MAX_FILE_BYTES)
        except FileTooLarge as error:
            raw.append(_too_large_finding(shown, error.size))
            continue
        except OSError as error:
            raw.append(unreadable_finding(shown, error.strerror or type(error).__name__))
            continue
        result.indexed += 1
        if path in reported:
            sources[shown] = source
        read.append(_ReadFile(path.relative_to(root).as_posix(), source))
    return read


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

