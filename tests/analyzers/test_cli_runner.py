"""The runner around the front end (a stand-in here): grouping, reporting scope, filters, cache."""

from __future__ import annotations

import os
import pickle
import stat as stat_module
from pathlib import Path

import pytest

from analyzers import runner
from analyzers.config import Config, load_config
from analyzers.runner import RunOptions
from analyzers.selection import SelectionLayer
from policypack.rules import rule_by_code_or_name
from policypack.rules.base import Severity
from tests.support import fake_front_end as fake


@pytest.fixture(autouse=True)
def fresh_fake():
    fake.reset()
    yield
    fake.reset()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def lint(tmp_path: Path, *paths: Path, **kwargs) -> runner.RunResult:
    kwargs.setdefault("cache_dir", tmp_path / "cache")
    return runner.run(RunOptions(paths=list(paths) or [tmp_path], **kwargs), front_end=fake, cwd=tmp_path)


def codes(result: runner.RunResult) -> list[tuple[str, str, int]]:
    return [(f.path, f.code, f.line) for f in result.findings]


def project(tmp_path: Path) -> Path:
    root = tmp_path / "infra"
    write(root / "Pulumi.yaml", "name: infra\n")
    write(root / "__main__.py", "import components.db\n# FAULT SG101\n")
    write(root / "components" / "db.py", "x = 1\n# FAULT SG201\n# FAULT SG202\n")
    write(tmp_path / "tools" / "script.py", "# FAULT SG301\n")
    return root


def test_paths_are_relative_to_the_cwd_and_projects_are_analyzed_apart(tmp_path: Path) -> None:
    project(tmp_path)
    result = lint(tmp_path)
    assert codes(result) == [
        ("infra/__main__.py", "SG101", 2),
        ("infra/components/db.py", "SG201", 2),
        ("infra/components/db.py", "SG202", 3),
        ("tools/script.py", "SG301", 1),
    ]
    # the front end saw project-relative paths, one analyze() per project
    assert sorted(fake.analyzed_groups) == [["__main__.py", "components/db.py"], ["tools/script.py"]]
    assert result.files == ["infra/__main__.py", "infra/components/db.py", "tools/script.py"]


def test_explicit_file_reports_only_itself_but_its_project_is_analyzed(tmp_path: Path) -> None:
    root = project(tmp_path)
    result = lint(tmp_path, root / "components" / "db.py")
    assert codes(result) == [("infra/components/db.py", "SG201", 2), ("infra/components/db.py", "SG202", 3)]
    assert fake.analyzed_groups == [["__main__.py", "components/db.py"]]
    assert result.files == ["infra/components/db.py"]


def test_selection_severity_and_per_file_ignores(tmp_path: Path) -> None:
    project(tmp_path)
    write(tmp_path / "pyproject.toml", """[tool.stackguard]
select = ["SG2", "SG3"]
per-file-ignores = {"tools/*.py" = ["SG301"]}
severity = {SG202 = "error", SG201 = "info"}
""")
    config = load_config(tmp_path / "pyproject.toml")
    result = lint(tmp_path, config=config)
    assert [(f.code, f.severity) for f in result.findings] == [("SG201", Severity.INFO), ("SG202", Severity.ERROR)]
    # the command line layer narrows further
    result = lint(tmp_path, config=config, cli_selection=SelectionLayer(ignore=("SG202",)))
    assert [f.code for f in result.findings] == ["SG201"]
    off = Config(severity={"SG201": "off"})
    assert "SG201" not in [f.code for f in lint(tmp_path, config=off).findings]


def test_options_from_config_and_cli_reach_analyze(tmp_path: Path) -> None:
    write(tmp_path / "a.py", "x = 1\n")
    config = Config(options={"SG202": {"warnDays": 30, "minimumMajor": {"postgres": 15}}})
    lint(tmp_path, config=config, cli_options={"SG202": {"warnDays": 90}})
    assert fake.seen_options == [{"SG202": {"warnDays": 90, "minimumMajor": {"postgres": 15}}}]


def test_noqa_and_unused_suppressions(tmp_path: Path) -> None:
    write(tmp_path / "a.py", "x = 1  # FAULT SG201  # noqa: SG201\n"
          "y = 2  # FAULT SG202+1\n"
          "z = 3  # noqa: SG202, SG203\n")
    result = lint(tmp_path)
    assert codes(result) == [("a.py", "SG001", 3)]
    assert result.suppressed == 2
    assert "SG203" in result.findings[0].message
    # SG001 follows selection like any rule
    assert lint(tmp_path, cli_selection=SelectionLayer(ignore=("SG001",))).findings == []


@pytest.mark.xfail(rule_by_code_or_name("SG000") is None, reason="SG000 is not in the catalog yet", strict=True)
def test_unreadable_file_is_an_sg000_finding_and_the_run_goes_on(tmp_path: Path, monkeypatch) -> None:
    locked = write(tmp_path / "locked.py", "# FAULT SG201\n")
    write(tmp_path / "b.py", "# FAULT SG202\n")
    real = os.open

    def refusing_open(path, *args, **kwargs) -> int:  # as root every file opens: simulate the refusal
        if Path(path).name == "locked.py":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    result = lint(tmp_path)
    assert codes(result) == [("b.py", "SG202", 1), ("locked.py", "SG000", 1)]
    unreadable = result.findings[1]
    assert unreadable.message == "[SG000] Cannot read this file (Permission denied); it was not analyzed."
    assert unreadable.severity is Severity.ERROR
    assert locked.exists()


def test_second_run_takes_every_summary_from_the_cache(tmp_path: Path) -> None:
    project(tmp_path)
    first = lint(tmp_path)
    assert fake.calls["summarize_file"] == 3 and first.parsed == 3 and first.cache_hits == 0
    fake.reset()
    second = lint(tmp_path)
    assert fake.calls["summarize_file"] == 0 and second.cache_hits == 3
    assert codes(second) == codes(first)
    # one changed file is summarized again, the others are not
    write(tmp_path / "tools" / "script.py", "# FAULT SG203\n")
    fake.reset()
    third = lint(tmp_path)
    assert fake.calls["summarize_file"] == 1
    assert ("tools/script.py", "SG203", 1) in codes(third)
    # --no-cache reads and writes nothing
    fake.reset()
    lint(tmp_path, use_cache=False)
    assert fake.calls["summarize_file"] == 3


def test_an_entry_that_verifies_but_does_not_decode_is_parsed_after_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project(tmp_path)
    first = lint(tmp_path)

    def undecodable(data: bytes) -> fake.FileSummary:
        raise ValueError("written by a format this version does not read")

    monkeypatch.setattr(fake, "load_summary", undecodable)
    fake.reset()
    second = lint(tmp_path, cli_options={"SG202": {"warnDays": 1}})  # not the stored project result
    assert second.parsed == 3 and second.cache_hits == 0
    assert codes(second) == codes(first)


def test_moving_a_file_misses_the_cache(tmp_path: Path) -> None:
    write(tmp_path / "a.py", "# FAULT SG201\n")
    lint(tmp_path)
    (tmp_path / "a.py").rename(tmp_path / "b.py")
    fake.reset()
    assert codes(lint(tmp_path)) == [("b.py", "SG201", 1)]
    assert fake.calls["summarize_file"] == 1


def test_worker_processes_give_the_same_findings(tmp_path: Path) -> None:
    for index in range(runner.PARALLEL_THRESHOLD + 5):
        write(tmp_path / f"m{index:03}.py", f"# FAULT SG201\n{'#' * index}\n")
    serial = lint(tmp_path, use_cache=False, jobs=1)
    parallel = lint(tmp_path, use_cache=False, jobs=2)
    assert codes(parallel) == codes(serial)
    assert len(serial.findings) == runner.PARALLEL_THRESHOLD + 5


@pytest.mark.xfail(rule_by_code_or_name("SG000") is None, reason="SG000 is not in the catalog yet", strict=True)
def test_too_large_file_is_not_read(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(runner, "MAX_FILE_BYTES", 1000)
    write(tmp_path / "big.py", "# FAULT SG201\n" + "x = 1\n" * 400)
    write(tmp_path / "small.py", "# FAULT SG202\n")
    result = lint(tmp_path)
    assert codes(result) == [("big.py", "SG000", 1), ("small.py", "SG202", 1)]
    assert "too large to analyze (0.0 MiB; the limit is 0 MiB)" in result.findings[0].message
    assert fake.calls["summarize_file"] == 1


def test_lint_sources_runs_the_same_pipeline_in_memory() -> None:
    sources = {"__main__.py": "x = 1  # FAULT SG201\ny = 2  # FAULT SG202  # noqa: SG202\nz = 3  # noqa: SG203\n",
               "lib/helpers.py": b"# FAULT SG101\n"}
    findings = runner.lint_sources(sources, Config(ignore=("SG101",)), front_end=fake)
    assert [(f.path, f.code, f.line) for f in findings] == [("__main__.py", "SG201", 1), ("__main__.py", "SG001", 3)]
    assert fake.analyzed_groups == [["__main__.py", "lib/helpers.py"]]


def test_the_read_itself_is_bounded_when_a_file_lies_about_its_size(tmp_path: Path, monkeypatch) -> None:
    # Files in /proc report a size of 0, and a file can grow between stat and read: the cap
    # must hold for the bytes read, not only for the size the file system reports.
    monkeypatch.setattr(runner, "MAX_FILE_BYTES", 1000)
    write(tmp_path / "big.py", "# FAULT SG201\n" + "x = 1\n" * 400)
    write(tmp_path / "small.py", "# FAULT SG202\n")

    def lying(real):
        def call(*args, **kwargs):
            status = real(*args, **kwargs)
            if stat_module.S_ISREG(status.st_mode) and status.st_size > 1000:
                fields = list(status)
                fields[stat_module.ST_SIZE] = 0
                return os.stat_result(fields)
            return status
        return call

    monkeypatch.setattr(os, "stat", lying(os.stat))
    monkeypatch.setattr(os, "fstat", lying(os.fstat))
    result = lint(tmp_path)
    assert codes(result) == [("big.py", "SG000", 1), ("small.py", "SG202", 1)]
    assert "too large to analyze (more than the limit of 0 MiB)" in result.findings[0].message
    assert fake.calls["summarize_file"] == 1


def test_the_parser_starts_before_the_cache_is_verified_only_when_a_file_must_be_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file without a cache entry will be parsed: its parser process starts (and imports
    the parser) while this process verifies and decodes the other entries. A run with
    nothing to parse starts none."""
    from analyzers import workers
    from analyzers.cache import SummaryCache

    events: list[str] = []
    start_early, verified = workers.start_early, SummaryCache.verified
    monkeypatch.setattr(workers, "start_early", lambda *args: events.append("start") or start_early(*args))
    monkeypatch.setattr(SummaryCache, "verified", lambda self, key: events.append("verify") or verified(self, key))
    project(tmp_path)
    lint(tmp_path)
    events.clear()
    assert codes(lint(tmp_path)) and events == []  # all cached: no parser, nothing verified (the project result)
    write(tmp_path / "tools" / "script.py", "# FAULT SG203\n")
    fake.reset()
    changed = lint(tmp_path)
    assert ("tools/script.py", "SG203", 1) in codes(changed) and fake.calls["summarize_file"] == 1
    assert events[0] == "start" and events.count("start") == 1 and "verify" in events


def test_a_worker_s_answer_travels_as_its_cache_data_alone() -> None:
    # A parser process returns the summary's cache data, which the runner decodes as it
    # decodes a cached entry: the summary's objects are not pickled on top of it.
    from analyzers import project as real

    made = real.summarize_file("app.py", b"import pulumi_aws as aws\nbucket = aws.s3.Bucket('logs')\n")
    payload = real.dump_summary(made)
    sent = pickle.dumps(runner._Summarized(made, payload), protocol=pickle.HIGHEST_PROTOCOL)
    assert pickle.loads(sent) == (None, payload) and len(sent) < len(payload) + 200
    assert real.load_summary(payload) == made
    # a summary the cache can't carry travels whole
    assert pickle.loads(pickle.dumps(runner._Summarized(made, None))) == (made, None)
