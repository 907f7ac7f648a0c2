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

A file that cannot be read is an SG000 finding, and the run goes on.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any

import policypack
from analyzers import suppressions, workers
from analyzers.cache import SummaryCache, default_directory
from analyzers.config import Config
from analyzers.discovery import DEFAULT_EXCLUDES, Excludes, collect, glob_matches
from analyzers.findings import Finding
from analyzers.selection import SelectionLayer, enabled_codes, resolve, severity_overrides
from policypack.rules import rule_by_code_or_name
from policypack.rules.base import Severity

TOOL_VERSION = policypack.__version__
PARSE_ERROR_CODE = "SG000"
# Below this many files to parse, starting worker processes costs more than it saves
# where they are whole new interpreters (no fork); forked ones are always used.
PARALLEL_THRESHOLD = workers.SPAWN_THRESHOLD
# Parsing is ~10k lines/s: a bigger .py file is generated data, not a program to review,
# and reading it whole could exhaust memory.
MAX_FILE_BYTES = 10 * 1024 * 1024


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


@dataclass
class RunResult:
    findings: list[Finding]  # sorted; paths relative to the CWD
    files: list[str]  # the reported files, relative to the CWD
    indexed: int = 0  # files read, reported or not
    parsed: int = 0  # files summarized in this run (cache misses)
    cache_hits: int = 0
    suppressed: int = 0


def load_front_end() -> ModuleType:
    return importlib.import_module("analyzers.project")


def _cwd_relative(path: Path, cwd: Path) -> str:
    return Path(os.path.relpath(path, cwd)).as_posix()


def _rule_meta(code: str, fallback_name: str) -> tuple[str, Severity]:
    rule = rule_by_code_or_name(code)
    return (rule.name, rule.severity) if rule else (fallback_name, Severity.ERROR)


def unreadable_finding(path: str, reason: str) -> Finding:
    return _not_analyzed(path, f"Cannot read this file ({reason}); it was not analyzed.")


def _too_large_finding(path: str, size: int) -> Finding:
    return _not_analyzed(
        path,
        f"This file is too large to analyze ({size / 2**20:.1f} MiB; the limit is "
        f"{MAX_FILE_BYTES // 2**20} MiB); exclude it or split it.",
    )


def _not_analyzed(path: str, text: str) -> Finding:
    name, severity = _rule_meta(PARSE_ERROR_CODE, "parse-error")
    return Finding(
        code=PARSE_ERROR_CODE,
        name=name,
        severity=severity,
        path=path,
        line=1,
        column=1,
        end_line=1,
        end_column=1,
        message=f"[{PARSE_ERROR_CODE}] {text}",
        subject="not-analyzed",
    )


class _Filter:
    """Rule selection, severity overrides and per-file-ignores, for one run."""

    def __init__(self, config: Config, cli: SelectionLayer, cwd: Path) -> None:
        config_layer = SelectionLayer(config.select, config.extend_select, config.ignore)
        self.enabled = enabled_codes([config_layer, cli])
        self.severity = severity_overrides(config.severity)
        self.base = config.root or cwd
        self.cwd = cwd
        self.per_file = [(pattern, _codes(selectors)) for pattern, selectors in config.per_file_ignores]

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


def _summarize_all(
    front_end: ModuleType,
    pending: Sequence[tuple[str, bytes]],
    jobs: int | None,
) -> tuple[list[Any], set[int]]:
    """The summaries of ``pending``, and the positions of those phase 1 gave up on
    (out of time, or the file crashed its worker process): SG000s, never cached."""
    processes = jobs if jobs is not None else (os.cpu_count() or 1)
    summaries = workers.summarize_all(front_end.summarize_file, pending, processes)
    aborted = {index for index, summary in enumerate(summaries) if isinstance(summary, workers.Aborted)}
    for index in aborted:
        summaries[index] = front_end.not_analyzed(pending[index][0], summaries[index].reason)
    return summaries, aborted


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
    cache = None
    if options.use_cache:
        directory = default_directory(options.cache_dir, config.cache_dir, config.root)
        cache = SummaryCache(directory, TOOL_VERSION, front_end.SUMMARY_FORMAT_VERSION)

    raw: list[Finding] = []
    sources: dict[str, bytes] = {}  # reported files, read for their suppression comments
    reported_paths: list[str] = []
    result = RunResult(findings=[], files=reported_paths)
    shown_problems = set()
    for directory, reason in files.problems:
        if files.shows(directory):
            shown_problems.add(_cwd_relative(directory, cwd))
            raw.append(unreadable_finding(_cwd_relative(directory, cwd), reason))

    options_by_code = _merge_options(config.options, options.cli_options)
    for root, group in sorted(files.groups.items()):
        summaries = _summaries(front_end, cache, root, group, files.reported, cwd, options.jobs, result,
                               raw, sources)
        for finding in front_end.analyze(summaries, options_by_code):
            raw.append(replace(finding, path=_cwd_relative(root / finding.path, cwd)))
    if cache is not None and cache.writes:
        cache.prune()
    result.cache_hits = cache.hits if cache else 0

    reported = set(reported_paths) | shown_problems
    kept, suppressed = _finish([f for f in raw if f.path in reported], sources, rules)
    result.findings, result.suppressed = kept, suppressed
    reported_paths.sort()
    return result


def _finish(findings: Sequence[Finding], sources: Mapping[str, bytes], rules: _Filter) -> tuple[list[Finding], int]:
    """Selection, per-file-ignores and severity, then # noqa (and SG001 for unused codes)."""
    visible = [rules.adjust(finding) for finding in findings if rules.runs(finding.code, finding.path)]
    split = suppressions.apply(visible, sources, rules.runs)
    extra = [rules.adjust(f) for f in split.unused if rules.runs(f.code, f.path)]
    return sorted(_unique([*split.kept, *extra]), key=Finding.sort_key), len(split.suppressed)


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
    return _finish(raw, data, _Filter(config, SelectionLayer(), Path.cwd()))[0]


def _summaries(
    front_end: ModuleType,
    cache: SummaryCache | None,
    root: Path,
    group: Sequence[Path],
    reported: set[Path],
    cwd: Path,
    jobs: int | None,
    result: RunResult,
    raw: list[Finding],
    sources: dict[str, bytes],
) -> list[Any]:
    summaries: list[Any] = []
    pending: list[tuple[str, bytes]] = []
    keys: list[str | None] = []
    with _collector_paused():
        _lookup(cache, root, group, reported, cwd, result, raw, sources, summaries, pending, keys)
    fresh, aborted = _summarize_all(front_end, pending, jobs)
    result.parsed += len(fresh)
    for index, (key, summary) in enumerate(zip(keys, fresh, strict=True)):
        if cache and key and index not in aborted:
            cache.put(key, summary)
    return summaries + fresh


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Unpickling summaries allocates many acyclic objects; the cyclic garbage collector
    would scan them over and over (a third of a cached run's time) and find nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _lookup(
    cache: SummaryCache | None,
    root: Path,
    group: Sequence[Path],
    reported: set[Path],
    cwd: Path,
    result: RunResult,
    raw: list[Finding],
    sources: dict[str, bytes],
    summaries: list[Any],
    pending: list[tuple[str, bytes]],
    keys: list[str | None],
) -> None:
    """Read each file of a group; take its summary from the cache or queue it for parsing."""
    for path in sorted(group):
        shown = _cwd_relative(path, cwd)
        if path in reported:
            result.files.append(shown)
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raw.append(_too_large_finding(shown, size))
                continue
            source = path.read_bytes()
        except OSError as error:
            raw.append(unreadable_finding(shown, error.strerror or type(error).__name__))
            continue
        result.indexed += 1
        if path in reported:
            sources[shown] = source
        relative = path.relative_to(root).as_posix()
        key = cache.key(relative, source) if cache else None
        cached = cache.get(key) if cache and key else None
        if cached is not None and getattr(cached, "path", None) == relative:
            summaries.append(cached)
        else:
            pending.append((relative, source))
            keys.append(key)


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

