"""The summary cache: keys, atomic entries, corrupt entries, pruning."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from analyzers.cache import DEFAULT_DIR_NAME, ENV_VAR, SummaryCache, default_directory
from tests.support.fake_front_end import FileSummary


def cache_in(tmp_path: Path, **kwargs) -> SummaryCache:
    return SummaryCache(tmp_path / "cache", "0.1.0", 1, **kwargs)


def test_round_trip_and_directory_tags(tmp_path: Path) -> None:
    cache = cache_in(tmp_path)
    key = cache.key("infra/db.py", b"source")
    assert cache.get(key) is None
    summary = FileSummary("infra/db.py", (("SG201", 3, 1, 0),))
    cache.put(key, summary)
    assert cache.get(key) == summary
    assert (cache.hits, cache.misses, cache.writes) == (1, 1, 1)
    assert (tmp_path / "cache" / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (tmp_path / "cache" / ".gitignore").read_text().endswith("*\n")
    # no temporary files are left behind
    assert not [p for p in (tmp_path / "cache").rglob(".tmp-*")]


def test_key_depends_on_path_content_and_versions(tmp_path: Path) -> None:
    base = cache_in(tmp_path).key("a.py", b"x")
    assert cache_in(tmp_path).key("a.py", b"x") == base
    assert cache_in(tmp_path).key("b.py", b"x") != base
    assert cache_in(tmp_path).key("a.py", b"y") != base
    assert SummaryCache(tmp_path, "0.2.0", 1).key("a.py", b"x") != base
    assert SummaryCache(tmp_path, "0.1.0", 2).key("a.py", b"x") != base


@pytest.mark.parametrize("garbage", [b"", b"not a pickle", pickle.dumps(FileSummary("a.py", ()))[:-3]])
def test_corrupt_entries_are_misses_and_removed(tmp_path: Path, garbage: bytes) -> None:
    cache = cache_in(tmp_path)
    key = cache.key("a.py", b"x")
    cache.put(key, FileSummary("a.py", ()))
    entry = next((tmp_path / "cache").rglob(f"{key}.pickle"))
    entry.write_bytes(garbage)
    assert cache.get(key) is None
    assert not entry.exists()


def test_unwritable_cache_degrades_to_no_cache(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("a file where the cache directory should be")
    cache = SummaryCache(tmp_path / "file" / "cache", "0.1.0", 1)
    cache.put(cache.key("a.py", b"x"), FileSummary("a.py", ()))  # no exception
    assert cache.writes == 0 and cache.get(cache.key("a.py", b"x")) is None


def test_prune_removes_oldest_entries_first(tmp_path: Path) -> None:
    cache = cache_in(tmp_path, max_bytes=2_000)
    keys = []
    for index in range(40):
        key = cache.key(f"m{index}.py", b"x")
        cache.put(key, FileSummary(f"m{index}.py", (("SG201", index, 1, 0),) * 20))
        entry = next((tmp_path / "cache").rglob(f"{key}.pickle"))
        os.utime(entry, (1_000_000 + index, 1_000_000 + index))
        keys.append(key)
    total = sum(p.stat().st_size for p in (tmp_path / "cache").rglob("*.pickle"))
    assert total > 2_000
    removed = cache.prune()
    assert removed > 0
    remaining = sum(p.stat().st_size for p in (tmp_path / "cache").rglob("*.pickle"))
    assert remaining <= 1_600
    # the newest survive, the oldest went
    assert cache.get(keys[-1]) is not None
    assert cache.get(keys[0]) is None
    assert cache.prune() == 0  # within bounds now


def test_directory_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert default_directory(None, None, tmp_path) == tmp_path / DEFAULT_DIR_NAME
    assert default_directory(None, tmp_path / "cfg", tmp_path) == tmp_path / "cfg"
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env"))
    assert default_directory(None, tmp_path / "cfg", tmp_path) == tmp_path / "env"
    assert default_directory(tmp_path / "cli", tmp_path / "cfg", tmp_path) == tmp_path / "cli"
