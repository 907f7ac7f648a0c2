"""Discovery: which files a run indexes, which it reports, and how they group into projects."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analyzers.discovery import DEFAULT_EXCLUDES, Excludes, PathNotFound, collect, glob_matches


def touch(path: Path, text: str = "import pulumi\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def excludes(base: Path, *extra: str) -> Excludes:
    return Excludes((*DEFAULT_EXCLUDES, *extra), base)


def rel(paths, base: Path) -> set[str]:
    return {p.relative_to(base).as_posix() for p in paths}


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("build", "build/x.py", True),
        ("build", "a/build/x.py", True),
        ("build", "builder/x.py", False),
        ("*_test.py", "a/b_test.py", True),
        ("tests/fixtures", "tests/fixtures/a/b.py", True),
        ("tests/fixtures", "other/tests/fixtures/b.py", False),
        ("./tests/fixtures/", "tests/fixtures/b.py", True),
        ("infra/**/legacy_*.py", "infra/a/b/legacy_db.py", True),
        ("infra/**/legacy_*.py", "infra/legacy_db.py", True),
        ("infra/*.py", "infra/a/b.py", False),
        ("infra/*.py", "infra/b.py", True),
        ("db_?.py", "db_1.py", True),
        ("db_[!0-9].py", "db_1.py", False),
        ("", "a.py", False),
    ],
)
def test_glob_matching(pattern: str, path: str, matches: bool) -> None:
    assert glob_matches(pattern, path) is matches


def test_directory_walk_takes_py_files_and_skips_default_and_configured_excludes(tmp_path: Path) -> None:
    for name in ("a.py", "pkg/b.py", "pkg/notes.txt", ".venv/lib/c.py", "node_modules/d.py",
                 "build/e.py", "legacy/f.py", "pkg/__pycache__/g.py"):
        touch(tmp_path / name)
    files = collect([tmp_path], excludes(tmp_path, "legacy"))
    assert rel(files.reported, tmp_path) == {"a.py", "pkg/b.py"}
    assert files.groups == {tmp_path: sorted(files.groups[tmp_path])}
    assert files.file_count == 2


def test_files_group_by_pulumi_project(tmp_path: Path) -> None:
    touch(tmp_path / "tools" / "x.py")
    touch(tmp_path / "infra" / "Pulumi.yaml", "name: infra\n")
    touch(tmp_path / "infra" / "__main__.py")
    touch(tmp_path / "infra" / "components" / "db.py")
    touch(tmp_path / "edge" / "Pulumi.yml", "name: edge\n")
    touch(tmp_path / "edge" / "__main__.py")
    files = collect([tmp_path], excludes(tmp_path))
    groups = {root.relative_to(tmp_path).as_posix(): rel(paths, tmp_path) for root, paths in files.groups.items()}
    assert groups == {
        ".": {"tools/x.py"},
        "infra": {"infra/__main__.py", "infra/components/db.py"},
        "edge": {"edge/__main__.py"},
    }


def test_explicit_file_indexes_its_project_but_reports_only_itself(tmp_path: Path) -> None:
    touch(tmp_path / "infra" / "Pulumi.yaml", "name: infra\n")
    main = touch(tmp_path / "infra" / "__main__.py")
    db = touch(tmp_path / "infra" / "components" / "db.py")
    files = collect([db], excludes(tmp_path))
    assert files.groups == {tmp_path / "infra": [main, db]} or set(files.groups[tmp_path / "infra"]) == {main, db}
    assert files.reported == {db}


def test_subdirectory_of_a_project_indexes_the_project(tmp_path: Path) -> None:
    touch(tmp_path / "Pulumi.yaml", "name: p\n")
    main = touch(tmp_path / "__main__.py")
    db = touch(tmp_path / "components" / "db.py")
    files = collect([tmp_path / "components"], excludes(tmp_path))
    assert set(files.groups[tmp_path]) == {main, db}
    assert files.reported == {db}


def test_explicit_file_outside_a_project_indexes_its_pyproject_root(tmp_path: Path) -> None:
    touch(tmp_path / "pyproject.toml", "")
    a = touch(tmp_path / "lib" / "a.py")
    b = touch(tmp_path / "lib" / "sub" / "b.py")
    files = collect([a], excludes(tmp_path))
    assert set(files.groups[tmp_path]) == {a, b}
    assert files.reported == {a}


def test_explicit_files_are_analyzed_even_when_excluded_unless_force_exclude(tmp_path: Path) -> None:
    touch(tmp_path / "pyproject.toml", "")
    legacy = touch(tmp_path / "legacy" / "old.py")
    assert collect([legacy], excludes(tmp_path, "legacy")).reported == {legacy}
    assert collect([legacy], excludes(tmp_path, "legacy"), force_exclude=True).reported == set()
    # an excluded directory asked for by name is walked too
    assert collect([tmp_path / "legacy"], excludes(tmp_path, "legacy")).reported == {legacy}


def test_explicit_file_of_any_extension(tmp_path: Path) -> None:
    script = touch(tmp_path / "deploy")
    assert collect([script], excludes(tmp_path)).reported == {script}


def test_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(PathNotFound, match="nope"):
        collect([tmp_path / "nope"], excludes(tmp_path))


def test_symlink_loops_end_and_links_do_not_duplicate_files(tmp_path: Path) -> None:
    a = touch(tmp_path / "pkg" / "a.py")
    os.symlink(tmp_path, tmp_path / "pkg" / "loop")  # directory link: not followed
    os.symlink(a, tmp_path / "alias.py")  # file link to a file already seen
    os.symlink(tmp_path / "missing.py", tmp_path / "dangling.py")
    files = collect([tmp_path], excludes(tmp_path))
    assert files.file_count == 1
    assert len(files.reported) == 1


def test_unreadable_directory_reported_and_the_walk_goes_on(tmp_path: Path, monkeypatch) -> None:
    # As root every directory is readable, so make listing one directory fail.
    touch(tmp_path / "a.py")
    touch(tmp_path / "locked" / "hidden.py")
    touch(tmp_path / "open" / "b.py")
    real_scandir = os.scandir

    def scandir(path):
        if Path(path) == tmp_path / "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    files = collect([tmp_path], excludes(tmp_path))
    assert files.problems == [(tmp_path / "locked", "Permission denied")]
    assert files.shows(tmp_path / "locked")
    assert sorted(files.groups[tmp_path]) == [tmp_path / "a.py", tmp_path / "open" / "b.py"]


def test_walk_order_and_link_deduplication_follow_the_directory_tree(tmp_path: Path) -> None:
    # Top-down, a directory's files before its subdirectories, both sorted: the first
    # path met for a real file is the one kept.
    touch(tmp_path / "b" / "z.py")
    touch(tmp_path / "b" / "a" / "y.py")
    touch(tmp_path / "a" / "x.py")
    touch(tmp_path / "m.py")
    os.symlink(tmp_path / "a" / "x.py", tmp_path / "b" / "link.py")
    files = collect([tmp_path], excludes(tmp_path))
    assert [path.relative_to(tmp_path).as_posix() for path in files.groups[tmp_path]] == [
        "m.py", "a/x.py", "b/z.py", "b/a/y.py"]


def test_links_leaving_the_root_are_recorded_once_and_not_followed(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    main = touch(project / "__main__.py")
    real = touch(project / "lib" / "real.py")
    touch(tmp_path / "outside" / "secret.py")
    os.symlink("../outside/secret.py", project / "secret.py")
    os.symlink(tmp_path / "outside", project / "lib" / "vendored")
    os.symlink("lib/real.py", project / "alias.py")  # stays inside: followed (and deduplicated)
    os.symlink("lib", project / "parts")  # a directory link inside: not walked, not reported
    # the project root is walked, and lib again because it was asked for by name
    files = collect([project, project / "lib"], excludes(project))
    assert files.escaping_links == [project / "lib" / "vendored", project / "secret.py"]
    assert {path for group in files.groups.values() for path in group} | {real} == {main, project / "alias.py", real}
    assert all("outside" not in os.path.realpath(path) for group in files.groups.values() for path in group)


def test_a_link_named_on_the_command_line_is_judged_like_one_found_walking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "proj"
    touch(project / "Pulumi.yaml", "name: p\n")
    touch(project / "__main__.py")
    touch(tmp_path / "outside" / "Pulumi.yaml", "name: other\n")
    touch(tmp_path / "outside" / "secret.py")
    os.symlink("../outside/secret.py", project / "secret.py")
    os.symlink("../outside", project / "stack")
    monkeypatch.chdir(project)
    files = collect([Path("secret.py"), Path("stack")], excludes(project))
    assert files.escaping_links == [project / "secret.py", project / "stack"]
    assert files.groups == {} and all(files.shows(link) for link in files.escaping_links)


def test_files_that_are_not_regular_are_problems_never_files(tmp_path: Path) -> None:
    touch(tmp_path / "a.py")
    os.mkfifo(tmp_path / "pipe.py")
    files = collect([tmp_path, Path("/dev/null")], excludes(tmp_path))
    assert files.groups == {tmp_path: [tmp_path / "a.py"]}
    assert set(files.problems) == {(tmp_path / "pipe.py", "not a regular file: a FIFO"),
                                   (Path("/dev/null"), "not a regular file: a character device")}
    assert files.shows(tmp_path / "pipe.py") and files.shows(Path("/dev/null"))


def test_a_project_root_asked_for_by_name_is_walked_once(tmp_path: Path, monkeypatch) -> None:
    """``stackguard lint .`` at a project's root names the directory the project walk
    starts from: each file is looked at once (a second identical walk doubled discovery)."""
    import analyzers.discovery as discovery

    touch(tmp_path / "Pulumi.yaml", "name: infra\n")
    for name in ("__main__.py", "pkg/a.py", "pkg/b.py"):
        touch(tmp_path / name)
    examined: list[Path] = []
    regular_file = discovery._regular_file
    monkeypatch.setattr(discovery, "_regular_file", lambda entry, path, *rest: examined.append(path) or regular_file(
        entry, path, *rest))
    files = collect([tmp_path], excludes(tmp_path))
    assert rel(files.reported, tmp_path) == {"__main__.py", "pkg/a.py", "pkg/b.py"}
    assert sorted(examined) == sorted(set(examined)) and len(examined) == 3


def test_real_paths_from_a_walk_match_the_operating_systems(tmp_path: Path) -> None:
    """A walk resolves each directory once and names its files' real paths from it: a
    file reached through a linked project directory and through its real one is one file."""
    real = touch(tmp_path / "real" / "pkg" / "a.py")
    touch(tmp_path / "real" / "Pulumi.yaml", "name: infra\n")
    os.symlink(tmp_path / "real", tmp_path / "alias")
    files = collect([tmp_path / "alias" / "pkg", tmp_path / "real" / "pkg"], excludes(tmp_path))
    assert files.file_count == 1
    (only,) = [file for group in files.groups.values() for file in group]
    assert os.path.realpath(only) == str(real.resolve())
