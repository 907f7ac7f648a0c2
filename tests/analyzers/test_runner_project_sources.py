"""``RunOptions.keep_sources``: each project's files and summaries, for fixes, without parsing twice."""

from __future__ import annotations

from pathlib import Path

from analyzers import runner
from analyzers.config import Config
from analyzers.runner import RunOptions
from analyzers.selection import SelectionLayer
from tests.support import fake_front_end as fake


def setup_project(tmp_path: Path) -> Path:
    root = tmp_path / "infra"
    (root / "lib").mkdir(parents=True)
    (root / "Pulumi.yaml").write_text("name: infra\nruntime: python\n")
    (root / "__main__.py").write_text("# FAULT SG201\n")
    (root / "lib" / "util.py").write_text("# FAULT SG201  # noqa: SG201\n# FAULT SG201\n")
    return root


def run(tmp_path: Path, *paths: Path, **kwargs) -> runner.RunResult:
    return runner.run(RunOptions(paths=list(paths), keep_sources=True, **kwargs), front_end=fake, cwd=tmp_path)


def test_projects_hold_every_file_and_which_ones_are_reported(tmp_path: Path) -> None:
    fake.reset()
    root = setup_project(tmp_path)
    result = run(tmp_path, root / "__main__.py", use_cache=False)
    [project] = result.projects
    assert project.root == root
    assert set(project.sources) == {"__main__.py", "lib/util.py"}
    assert project.sources["__main__.py"] == b"# FAULT SG201\n"
    assert project.reported == frozenset({"__main__.py"})
    parsed = fake.calls["summarize_file"]
    assert [s.path for s in project.summaries] == ["__main__.py", "lib/util.py"]
    assert fake.calls["summarize_file"] == parsed  # the run's own summaries, not parsed again
    assert runner.run(RunOptions(paths=[root], use_cache=False), front_end=fake, cwd=tmp_path).projects == []


def test_summaries_after_a_cached_project_come_from_the_cache(tmp_path: Path) -> None:
    fake.reset()
    root = setup_project(tmp_path)
    run(tmp_path, root, cache_dir=tmp_path / "cache")
    fake.reset()
    [project] = run(tmp_path, root, cache_dir=tmp_path / "cache").projects
    assert len(project.summaries) == 2 and fake.calls["summarize_file"] == 0


def test_filter_findings_is_what_a_run_shows(tmp_path: Path) -> None:
    fake.reset()
    root = setup_project(tmp_path)
    result = run(tmp_path, root, use_cache=False)
    [project] = result.projects
    raw = fake.analyze(project.summaries)
    shown = runner.filter_findings(raw, project.sources, Config(), SelectionLayer(), root)
    assert sorted((f.path, f.line) for f in shown) == [("__main__.py", 1), ("lib/util.py", 2)]
    assert runner.filter_findings(raw, project.sources, Config(), SelectionLayer(ignore=("SG2",)), root) == []
