"""A per-file cache of phase-1 summaries, so unchanged files are never parsed twice.

A summary is a pure function of (relative path, source bytes), so the key is a
hash of those plus everything that could change the summary's shape: the
stackguard version, the front end's ``SUMMARY_FORMAT_VERSION`` and the Python
version (pickles are not portable across them). Options and rule selection act
later, in ``analyze``, and are not part of the key.

Entries are pickles written atomically (temporary file + rename), so a crash
or a parallel run never leaves half an entry; an unreadable or corrupt entry
is a miss. The directory is pruned to a size bound, oldest entries first (a
hit refreshes an entry's mtime).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

DEFAULT_DIR_NAME = ".stackguard_cache"
ENV_VAR = "STACKGUARD_CACHE_DIR"
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
_SUFFIX = ".pickle"


class SummaryCache:
    def __init__(
        self,
        directory: Path,
        tool_version: str,
        format_version: int,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self._salt = f"{tool_version}\0{format_version}\0{sys.version_info[:3]}\0".encode()
        self.hits = 0
        self.misses = 0
        self.writes = 0
        self._usable = True

    def key(self, relative_path: str, source: bytes) -> str:
        digest = hashlib.sha256(self._salt)
        digest.update(relative_path.encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
        digest.update(source)
        return digest.hexdigest()

    def _entry(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}{_SUFFIX}"

    def get(self, key: str) -> Any | None:
        entry = self._entry(key)
        try:
            with entry.open("rb") as handle:
                value = pickle.load(handle)
        except FileNotFoundError:
            self.misses += 1
            return None
        except Exception:  # corrupt, truncated, from an incompatible build: a miss
            self.misses += 1
            with contextlib.suppress(OSError):
                entry.unlink()
            return None
        with contextlib.suppress(OSError):
            os.utime(entry)  # recently used: pruned last
        self.hits += 1
        return value

    def put(self, key: str, value: Any) -> None:
        if not self._usable:
            return
        entry = self._entry(key)
        try:
            self._prepare()
            entry.parent.mkdir(exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=_SUFFIX)
            try:
                with os.fdopen(handle, "wb") as stream:
                    pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, entry)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            # A read-only checkout or an odd value: run uncached rather than fail.
            self._usable = False
            return
        self.writes += 1

    def _prepare(self) -> None:
        """Create the directory, tagged so backup tools and git leave it alone."""
        if (self.directory / "CACHEDIR.TAG").exists():
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / ".gitignore").write_text("# created by stackguard\n*\n")
        (self.directory / "CACHEDIR.TAG").write_text(
            "Signature: 8a477f597d28d172789f06886806bc55\n"
            "# This file is a cache directory tag created by stackguard.\n"
        )

    def prune(self) -> int:
        """Delete the oldest entries until the cache fits ``max_bytes``; return how many."""
        entries: list[tuple[float, int, Path]] = []
        total = 0
        try:
            shards = [entry for entry in os.scandir(self.directory) if entry.is_dir()]
        except OSError:
            return 0
        for shard in shards:
            try:
                for item in os.scandir(shard.path):
                    if not item.name.endswith(_SUFFIX):
                        continue
                    stat = item.stat()
                    entries.append((stat.st_mtime, stat.st_size, Path(item.path)))
                    total += stat.st_size
            except OSError:
                continue
        removed = 0
        if total <= self.max_bytes:
            return 0
        target = self.max_bytes * 0.8  # leave headroom so the next run doesn't prune again
        for _, size, path in sorted(entries):
            if total <= target:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size
                removed += 1
        return removed


def default_directory(cli: Path | None, configured: Path | None, config_root: Path | None) -> Path:
    """Where the cache lives: ``--cache-dir``, else ``$STACKGUARD_CACHE_DIR`` (the
    flag's environment form, as in Ruff), else the config file's ``cache-dir``,
    else ``.stackguard_cache`` beside the config file or in the CWD."""
    if cli is not None:
        return cli
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return Path(from_env).expanduser()
    if configured is not None:
        return configured
    return (config_root or Path.cwd()) / DEFAULT_DIR_NAME
