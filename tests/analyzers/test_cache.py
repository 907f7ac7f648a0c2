"""The summary cache: authenticated data-only entries, location, symlinks, pruning, cleaning."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import stat
import time
from pathlib import Path

import pytest

from analyzers.cache import (
    ENV_VAR,
    KEY_FILE,
    MAX_AGE_SECONDS,
    PROJECTS_DIR,
    PRUNE_NOW_WRITES,
    REFRESH_SECONDS,
    CacheRefused,
    SummaryCache,
    choose_directory,
    load_key,
)
from tests.support import fake_front_end
from tests.support.fake_front_end import FileSummary

KEY = b"k" * 32


def cache_in(tmp_path: Path, key: bytes = KEY, **kwargs) -> SummaryCache:
    return SummaryCache(tmp_path / "cache", key, "0.1.0\0001", **kwargs)


def put(cache: SummaryCache, relative: str, source: bytes, summary: FileSummary) -> str:
    key = cache.key(relative, source)
    cache.put_encoded(key, fake_front_end.dump_summary(summary))
    return key


def get(cache: SummaryCache, key: str) -> FileSummary | None:
    return cache.get(key, fake_front_end.load_summary)


def entry_of(cache: SummaryCache, key: str) -> Path:
    [entry] = list(cache.directory.rglob(f"{key}.sgc"))
    return entry


def test_round_trip_and_directory_tags(tmp_path: Path) -> None:
    cache = cache_in(tmp_path)
    summary = FileSummary("infra/db.py", (("SG201", 3, 1, 0),))
    key = cache.key("infra/db.py", b"source")
    assert get(cache, key) is None
    cache.put_encoded(key, fake_front_end.dump_summary(summary))
    assert get(cache, key) == summary
    assert (cache.hits, cache.misses, cache.writes) == (1, 1, 1)
    assert (cache.directory / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (cache.directory / ".gitignore").read_text().endswith("*\n")
    assert not list(cache.directory.rglob(".tmp-*"))  # the temporary file was renamed into place


def test_key_covers_path_content_and_versions(tmp_path: Path) -> None:
    base = cache_in(tmp_path).key("a.py", b"x")
    assert cache_in(tmp_path).key("a.py", b"x") == base
    assert cache_in(tmp_path).key("b.py", b"x") != base
    assert cache_in(tmp_path).key("a.py", b"y") != base
    assert SummaryCache(tmp_path, KEY, "0.2.0\0001").key("a.py", b"x") != base


def test_entries_hold_data_not_pickles(tmp_path: Path) -> None:
    cache = cache_in(tmp_path)
    key = put(cache, "a.py", b"x", FileSummary("a.py", ()))
    data = entry_of(cache, key).read_bytes()
    assert data.startswith(b"SGC1")
    with pytest.raises(pickle.UnpicklingError):
        pickle.loads(data)


def test_a_planted_pickle_never_runs(tmp_path: Path) -> None:
    """An entry committed by a repository, in the old format or the new one, with a
    payload that would touch a marker file if it were ever unpickled."""
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    cache = cache_in(tmp_path)
    key = cache.key("a.py", b"x")
    entry = cache.directory / key[:2] / f"{key}.sgc"
    entry.parent.mkdir(parents=True)
    for planted in (pickle.dumps(Payload()), b"SGC1" + b"\0" * 32 + pickle.dumps(Payload())):
        entry.write_bytes(planted)
        assert get(cache, key) is None
        assert not marker.exists()
        assert not entry.exists()  # dropped, to be rewritten
    put(cache, "a.py", b"x", FileSummary("a.py", ()))
    assert get(cache, key) == FileSummary("a.py", ())


def test_an_entry_signed_with_another_key_is_a_miss(tmp_path: Path) -> None:
    """A decoy summary ("no findings") made by someone without the user's key."""
    theirs = cache_in(tmp_path, key=b"x" * 32)
    key = put(theirs, "a.py", b"# FAULT SG201\n", FileSummary("a.py", ()))
    ours = cache_in(tmp_path)
    assert get(ours, key) is None
    assert ours.misses == 1


def test_tampered_payload_or_mac_is_a_miss(tmp_path: Path) -> None:
    cache = cache_in(tmp_path)
    for index, flip in enumerate((4, 40, -1)):  # inside the MAC, the payload, the last byte
        key = put(cache, f"m{index}.py", b"x", FileSummary(f"m{index}.py", (("SG201", 1, 1, 0),)))
        entry = entry_of(cache, key)
        data = bytearray(entry.read_bytes())
        data[flip] ^= 0x01
        entry.write_bytes(bytes(data))
        assert get(cache, key) is None


def test_an_entry_moved_to_another_key_is_a_miss(tmp_path: Path) -> None:
    cache = cache_in(tmp_path)
    clean = put(cache, "a.py", b"fixed", FileSummary("a.py", ()))
    faulty = cache.key("a.py", b"# FAULT SG201\n")
    target = cache.directory / faulty[:2] / f"{faulty}.sgc"
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(entry_of(cache, clean).read_bytes())
    assert get(cache, faulty) is None


def test_corrupt_and_truncated_entries_are_misses(tmp_path: Path) -> None:
    cache = cache_in(tmp_path)
    key = put(cache, "a.py", b"x", FileSummary("a.py", ()))
    entry = entry_of(cache, key)
    for damaged in (b"", b"SGC1", entry.read_bytes()[:-3], b"\xff" * 100):
        entry.write_bytes(damaged)
        assert get(cache, key) is None


def test_an_entry_is_read_by_its_size_not_by_the_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading an entry asks for its own size: a read of the bound (64 MiB) allocated that
    much for every entry of a run (a tenth of a second at 1,200 files); with a bound past
    what memory holds, it could not read at all."""
    import analyzers.cache

    cache = cache_in(tmp_path)
    summary = FileSummary("a.py", (("SG201", 1, 1, 0),))
    key = put(cache, "a.py", b"x", summary)
    monkeypatch.setattr(analyzers.cache, "MAX_ENTRY_BYTES", 2**50)
    assert get(cache, key) == summary
    # an entry past the bound is still no entry
    monkeypatch.setattr(analyzers.cache, "MAX_ENTRY_BYTES", 8)
    assert get(cache, key) is None


def test_a_symlinked_cache_directory_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "cache").symlink_to(elsewhere)
    cache = cache_in(tmp_path)
    put(cache, "a.py", b"x", FileSummary("a.py", ()))
    assert cache.writes == 0 and list(elsewhere.iterdir()) == []
    assert get(cache, cache.key("a.py", b"x")) is None


def test_symlinked_shards_and_entries_are_not_followed(tmp_path: Path) -> None:
    cache = cache_in(tmp_path)
    key = put(cache, "a.py", b"x", FileSummary("a.py", ()))
    entry = entry_of(cache, key)
    outside = tmp_path / "outside.sgc"
    outside.write_bytes(entry.read_bytes())
    entry.unlink()
    entry.symlink_to(outside)
    assert get(cache, key) is None  # not read through the link

    fresh = SummaryCache(tmp_path / "fresh", KEY, "v")
    other = fresh.key("b.py", b"y")
    (tmp_path / "fresh").mkdir()
    target = tmp_path / "shard-target"
    target.mkdir()
    (tmp_path / "fresh" / other[:2]).symlink_to(target)
    put(fresh, "b.py", b"y", FileSummary("b.py", ()))
    assert fresh.writes == 0 and list(target.iterdir()) == []


def test_unwritable_cache_degrades_to_no_cache(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("a file where the cache directory should be")
    cache = SummaryCache(tmp_path / "file" / "cache", KEY, "v")
    cache.put_encoded(cache.key("a.py", b"x"), fake_front_end.dump_summary(FileSummary("a.py", ())))  # no exception
    assert cache.writes == 0 and get(cache, cache.key("a.py", b"x")) is None


def test_an_existing_gitignore_is_never_overwritten(tmp_path: Path) -> None:
    """``--cache-dir .`` must not clobber the project's own files."""
    project = tmp_path / "project"
    project.mkdir()
    (project / ".gitignore").write_text("dist/\n")
    cache = SummaryCache(project, KEY, "v")
    put(cache, "a.py", b"x", FileSummary("a.py", ()))
    assert (project / ".gitignore").read_text() == "dist/\n"
    assert not (project / "CACHEDIR.TAG").exists()


def test_prune_keeps_the_newest_within_the_bound(tmp_path: Path) -> None:
    cache = cache_in(tmp_path, max_bytes=2_000)
    keys = []
    for index in range(30):
        key = put(cache, f"m{index}.py", b"x", FileSummary(f"m{index}.py", (("SG201", index, 1, 0),) * 20))
        os.utime(entry_of(cache, key), (1_000_000 + index, time.time() - 1000 + index))
        keys.append(key)
    total = sum(p.stat().st_size for p in cache.directory.rglob("*.sgc"))
    assert total > 2_000
    assert cache.prune() > 0
    remaining = sum(p.stat().st_size for p in cache.directory.rglob("*.sgc"))
    assert remaining <= 2_000
    assert get(cache, keys[-1]) is not None
    assert get(cache, keys[0]) is None
    assert cache.prune() == 0  # within bounds now


def test_prune_drops_entries_unused_for_a_month(tmp_path: Path) -> None:
    cache = cache_in(tmp_path)
    old = put(cache, "old.py", b"x", FileSummary("old.py", ()))
    new = put(cache, "new.py", b"x", FileSummary("new.py", ()))
    stale = time.time() - MAX_AGE_SECONDS - 3600
    os.utime(entry_of(cache, old), (stale, stale))
    assert cache.prune() == 1
    assert get(cache, old) is None and get(cache, new) is not None


def _aged(cache: SummaryCache, relative: str, seconds: float) -> str:
    key = put(cache, relative, b"x", FileSummary(relative, ()))
    then = time.time() - seconds
    os.utime(entry_of(cache, key), (then, then))
    return key


def test_pruning_happens_once_a_day_or_after_a_run_that_wrote_much(tmp_path: Path) -> None:
    """A run that wrote an entry prunes only when the last prune is a day old: scanning
    every entry on every one-changed-file run cost 0.02 s at 1,200 files."""
    cache = cache_in(tmp_path)
    now = time.time()
    _aged(cache, "a.py", MAX_AGE_SECONDS + 60)
    assert cache.prune_if_due(now) == 1  # never pruned before: now, and the time is recorded
    _aged(cache, "b.py", MAX_AGE_SECONDS + 60)
    assert cache.prune_if_due(now + 3600) == 0  # within the day: not again
    assert cache.prune_if_due(now + REFRESH_SECONDS + 1) == 1  # a day later
    _aged(cache, "c.py", MAX_AGE_SECONDS + 60)
    (cache.directory / "pruned").write_text(f"{now + 10**6:.0f}\n")  # a time to come is not believed
    assert cache.prune_if_due(now) == 1
    _aged(cache, "d.py", MAX_AGE_SECONDS + 60)
    cache.writes = PRUNE_NOW_WRITES  # a cold run of a large project: the size bound holds at once
    assert cache.prune_if_due(now + 1) == 1
    cache.clean()  # the record is the cache's own: it goes too
    assert not cache.directory.exists()


@pytest.mark.parametrize("planted", ["fifo", "link", "garbage"])
def test_a_planted_prune_record_neither_blocks_nor_redirects(tmp_path: Path, planted: str) -> None:
    cache = cache_in(tmp_path)
    _aged(cache, "a.py", MAX_AGE_SECONDS + 60)
    record, outside = cache.directory / "pruned", tmp_path / "outside.txt"
    outside.write_text("keep me\n")
    if planted == "fifo":
        os.mkfifo(record)
    elif planted == "link":
        record.symlink_to(outside)
    else:
        record.write_bytes(b"\xff" * 1000)
    assert cache.prune_if_due() == 1  # no believable record: pruned (and no wait on the FIFO)
    assert outside.read_text() == "keep me\n"


def test_an_entry_is_marked_used_at_most_once_a_day(tmp_path: Path) -> None:
    """Reading an entry marks it used (pruned last) only when its mark is a day old: a
    cached run no longer touches every entry it reads."""
    cache = cache_in(tmp_path)
    recent = _aged(cache, "recent.py", 3600)
    old = _aged(cache, "old.py", 2 * REFRESH_SECONDS)
    later = cache_in(tmp_path)  # the next run
    assert get(later, recent) is not None and get(later, old) is not None
    assert entry_of(later, recent).stat().st_mtime < time.time() - 3000  # left as it was
    assert entry_of(later, old).stat().st_mtime > time.time() - 60  # marked used


def test_clean_removes_only_cache_files(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "main.py").write_text("print('keep me')\n")
    (project / "pruned").mkdir()  # not a record we wrote
    (project / "ab").mkdir()
    (project / "ab" / "notes.txt").write_text("keep me too\n")
    cache = SummaryCache(project, KEY, "v")
    put(cache, "a.py", b"x", FileSummary("a.py", ()))
    assert cache.clean() == 1
    assert (project / "main.py").exists() and (project / "ab" / "notes.txt").exists()
    assert not list(project.rglob("*.sgc"))


# --- where the cache lives --------------------------------------------------


def test_default_location_is_the_user_cache_keyed_by_project(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    user = tmp_path / "user-cache"
    one = choose_directory(None, None, tmp_path / "one", user_root=user)
    two = choose_directory(None, None, tmp_path / "two", user_root=user)
    assert one.directory.parent == user / PROJECTS_DIR
    assert one.directory != two.directory
    assert one.directory.name.startswith("one-")
    assert choose_directory(None, None, tmp_path / "one", user_root=user) == one


def test_cli_and_environment_may_choose_any_directory(tmp_path: Path, monkeypatch) -> None:
    user = tmp_path / "user-cache"
    assert choose_directory(tmp_path / "flag", None, tmp_path, user_root=user).directory == tmp_path / "flag"
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env"))
    assert choose_directory(None, tmp_path / "cfg", tmp_path, user_root=user).directory == tmp_path / "env"
    assert choose_directory(tmp_path / "flag", None, tmp_path, user_root=user).directory == tmp_path / "flag"


def test_a_repository_config_may_not_move_the_cache_out(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    user = tmp_path / "user-cache"
    project = tmp_path / "project"
    for configured in (project, project / ".stackguard_cache", tmp_path / "anywhere", user / ".." / "x"):
        location = choose_directory(None, configured, project, user_root=user)
        assert location.directory.parent == user / PROJECTS_DIR
        assert location.warning and "outside the user cache directory" in location.warning
    inside = choose_directory(None, user / "mine", project, user_root=user)
    assert inside.directory == user / "mine" and inside.warning is None


# --- the key ----------------------------------------------------------------


def test_the_key_is_created_once_owner_only(tmp_path: Path) -> None:
    user = tmp_path / "user-cache"
    key = load_key(user)
    assert len(key) == 32
    assert stat.S_IMODE((user / KEY_FILE).stat().st_mode) == 0o600
    assert load_key(user) == key
    assert load_key(tmp_path / "other-user") != key


def test_a_key_others_can_read_or_a_symlinked_key_is_refused(tmp_path: Path) -> None:
    user = tmp_path / "user-cache"
    load_key(user)
    (user / KEY_FILE).chmod(0o644)
    with pytest.raises(CacheRefused, match="readable by others"):
        load_key(user)
    (user / KEY_FILE).unlink()
    (tmp_path / "planted.key").write_bytes(b"p" * 32)
    (tmp_path / "planted.key").chmod(0o600)
    (user / KEY_FILE).symlink_to(tmp_path / "planted.key")
    with pytest.raises(CacheRefused):
        load_key(user)


# --- a repository that plants cache entries, through the real command line -----------


_PAYLOAD = """
import pickle, sys
class Payload:
    def __reduce__(self):
        return (open, (sys.argv[1], "w"))
sys.stdout.buffer.write(pickle.dumps(Payload()))
"""


def _plant(project: Path, marker: Path, cache_dir: Path) -> None:
    """Entries at every name a run could look up (the keys hash public values): an old
    pickle entry whose payload touches ``marker``, and a decoy "no findings" summary
    in the current format signed with a key the attacker made up."""
    import subprocess
    import sys

    from analyzers import project as front_end
    from analyzers.extract.summary import FileSummary as RealSummary
    from analyzers.runner import TOOL_VERSION

    payload = subprocess.run([sys.executable, "-c", _PAYLOAD, str(marker)], capture_output=True,
                             check=True).stdout
    forged = SummaryCache(cache_dir, b"attacker" * 4, f"{TOOL_VERSION}\0{front_end.SUMMARY_FORMAT_VERSION}")
    legacy_salt = f"{TOOL_VERSION}\0{5}\0{sys.version_info[:3]}\0".encode()  # 0.1.0's pickle cache
    for path in project.rglob("*.py"):
        relative = path.relative_to(project).as_posix()
        key = forged.key(relative, path.read_bytes())
        forged.put_encoded(key, front_end.dump_summary(RealSummary(relative)))
        legacy = hashlib.sha256(legacy_salt + relative.encode() + b"\0" + path.read_bytes()).hexdigest()
        for name in (key, legacy):
            (cache_dir / name[:2]).mkdir(exist_ok=True)
            (cache_dir / name[:2] / f"{name}.pickle").write_bytes(payload)
    (cache_dir / "legacy.pickle").write_bytes(payload)


@pytest.mark.parametrize("where", ["default", "committed-dir-via-config", "committed-dir-via-flag", "isolated"])
def test_planted_cache_entries_neither_run_code_nor_hide_findings(tmp_path: Path, where: str) -> None:
    from tests.analyzers.test_cli_real import copy_fixture, stackguard

    project = copy_fixture("faulty_stack", tmp_path)
    marker = tmp_path / "pwned"
    committed = project / ".stackguard_cache"
    _plant(project, marker, committed)
    args = ["lint", "--format", "json"]
    if where == "committed-dir-via-config":
        (project / "pyproject.toml").write_text('[tool.stackguard]\ncache-dir = ".stackguard_cache"\n')
    if where == "committed-dir-via-flag":
        args += ["--cache-dir", str(committed)]  # even where the user points the cache into the repository
    if where == "isolated":
        args.append("--isolated")
    for _ in range(2):  # a cold run, then a warm one
        done = stackguard(*args, ".", cwd=project)
        assert done.returncode == 1, done.stderr
        codes = {finding["code"] for finding in json.loads(done.stdout)["findings"]}
        assert "SG201" in codes, done.stdout
        assert not marker.exists()
    if where == "committed-dir-via-config":
        assert "cache-dir" in done.stderr and "ignored" in done.stderr


def test_a_committed_cache_symlink_is_not_followed(tmp_path: Path) -> None:
    from tests.analyzers.test_cli_real import copy_fixture, stackguard

    project = copy_fixture("faulty_stack", tmp_path)
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / ".gitignore").write_text("precious\n")
    (project / ".stackguard_cache").symlink_to(victim)
    done = stackguard("lint", "--cache-dir", str(project / ".stackguard_cache"), ".", cwd=project)
    assert done.returncode == 1 and "SG201" in done.stdout, done.stderr
    assert sorted(p.name for p in victim.iterdir()) == [".gitignore"]
    assert (victim / ".gitignore").read_text() == "precious\n"


def test_cache_dir_and_clean_commands(tmp_path: Path) -> None:
    from tests.analyzers.test_cli_real import copy_fixture, stackguard

    project = copy_fixture("faulty_stack", tmp_path)
    shown = stackguard("cache", "dir", ".", cwd=project)
    assert shown.returncode == 0, shown.stderr
    directory = Path(shown.stdout.strip())
    assert Path(os.environ["XDG_CACHE_HOME"]) in directory.parents
    stackguard("lint", ".", cwd=project)
    assert list(directory.rglob("*.sgc"))
    cleaned = stackguard("cache", "clean", ".", cwd=project)
    assert cleaned.returncode == 0 and cleaned.stdout.startswith("removed "), cleaned.stderr
    assert not directory.exists()
    assert stackguard("cache", "clean", "--all", cwd=project).returncode == 0
    missing = stackguard("cache", cwd=project)
    assert missing.returncode == 2 and "missing action" in missing.stderr
