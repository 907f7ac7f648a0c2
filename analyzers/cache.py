"""An authenticated, data-only cache of phase-1 summaries and project results.

The linted repository is untrusted (a pull request from a stranger), and a
cache is something a later run believes. So:

- entries hold data only (``cache_codec``: MessagePack read back into a
  closed set of dataclasses), never pickles;
- every entry carries an HMAC-SHA256 made with a per-user secret key kept in
  the user's cache directory (created on first use, mode 0600), so an entry
  that a repository commits, or anyone else writes, fails to verify and is
  ignored and rewritten;
- the cache lives in the user's cache directory by default, one folder per
  project root, not in the repository; a repository's ``cache-dir`` setting
  may only choose a folder inside the user's cache directory (``--cache-dir``
  and ``$STACKGUARD_CACHE_DIR`` may choose any);
- a cache directory or shard that is a symlink is refused, entries are
  opened without following symlinks and read up to a size bound;
- writes are atomic (temporary file + rename), so concurrent runs never see
  half an entry; the folder is pruned to a size bound and a maximum age.

Keys are hashes of everything a value depends on: the stackguard version,
the summary and codec formats, the Python version, and (for a summary) the
file's path and bytes or (for a project result) the keys of all its files
and the rule options.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from analyzers.reading import FileTooLarge, read_at_most, read_regular_file

ENV_VAR = "STACKGUARD_CACHE_DIR"
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
MAX_AGE_SECONDS = 30 * 24 * 3600  # entries unused this long are pruned
# Entries live for a month, so marking one used (its mtime) and pruning need not happen on
# every run: once a day is soon enough, as Go's build cache trims. A run that wrote many
# entries (a cold run of a large project) prunes at once, so the size bound holds.
REFRESH_SECONDS = 24 * 3600
PRUNE_NOW_WRITES = 256
MAX_ENTRY_BYTES = 64 * 1024 * 1024  # a bigger entry was not written by us: not read
KEY_FILE = "secret.key"
KEY_BYTES = 32
PROJECTS_DIR = "projects"
_MAGIC = b"SGC1"
_MAC_BYTES = 32
_SUFFIX = ".sgc"
_SUMMARY = b"summary"
_PROJECT = b"project"
_PRUNED = "pruned"  # when the cache was last pruned: a Unix time, as text
_TAG_TEXT = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by stackguard.\n"
)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)

T = TypeVar("T")


class CacheRefused(Exception):
    """The cache can't be used safely here; the run goes on without it."""


def user_cache_root() -> Path:
    """The user's cache directory for stackguard (XDG on Linux, the platform's
    convention elsewhere)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("stackguard", appauthor=False))


@dataclass(frozen=True)
class Location:
    directory: Path
    warning: str | None = None  # why a configured directory was not used


def choose_directory(
    cli: Path | None,
    configured: Path | None,
    project_root: Path,
    *,
    config_label: str = "cache-dir",
    user_root: Path | None = None,
) -> Location:
    """Where this project's cache lives.

    ``--cache-dir`` wins, then ``$STACKGUARD_CACHE_DIR`` (its environment form,
    as in Ruff): both are set by whoever runs stackguard. Then the config
    file's ``cache-dir``, which comes from the repository and so may only
    name a folder inside the user's cache directory. By default, a folder of
    the user's cache directory named after the project root.
    """
    if cli is not None:
        return Location(cli)
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return Location(Path(from_env).expanduser())
    user_root = user_root or user_cache_root()
    warning = None
    if configured is not None:
        if _is_within(configured, user_root):
            return Location(configured)
        warning = (
            f"{config_label} {str(configured)!r} is outside the user cache directory and is ignored "
            f"(a repository may not choose where the cache is written; use --cache-dir or ${ENV_VAR})"
        )
    digest = hashlib.sha256(os.fsencode(project_root.resolve())).hexdigest()[:16]
    name = _safe_name(project_root.resolve().name)
    return Location(user_root / PROJECTS_DIR / f"{name}-{digest}", warning)


def _is_within(path: Path, root: Path) -> bool:
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(root))
    except ValueError:
        return False
    return True


def _safe_name(name: str) -> str:
    kept = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in name)
    return kept.strip(".")[:40] or "project"


def load_key(user_root: Path | None = None) -> bytes:
    """The per-user secret that authenticates entries, created on first use.

    It lives outside every project, readable by its owner only. A key file
    that is a symlink, belongs to someone else, or is readable by others is
    not trusted (CacheRefused): entries signed with a key others can read
    prove nothing.
    """
    user_root = user_root or user_cache_root()
    path = user_root / KEY_FILE
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    try:
        user_root.mkdir(parents=True, exist_ok=True, mode=0o700)
        _create_key(path)
        return _read_key(path)
    except OSError as error:
        raise CacheRefused(f"cannot create the cache key {path} ({error.strerror or error})") from None


def _create_key(path: Path) -> None:
    """Write a fresh key under a temporary name and link it into place: a
    concurrent first run either wins or reads the winner's complete key."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(secrets.token_bytes(KEY_BYTES))
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _read_key(path: Path) -> bytes:
    try:
        descriptor = os.open(path, os.O_RDONLY | _NOFOLLOW | _BINARY)
    except FileNotFoundError:
        raise  # load_key creates it
    except OSError as error:
        raise CacheRefused(f"cannot read the cache key {path} ({error.strerror or error})") from None
    with os.fdopen(descriptor, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise CacheRefused(f"the cache key {path} is not a regular file")
        if _foreign(info) or (os.name == "posix" and info.st_mode & 0o077):
            raise CacheRefused(f"the cache key {path} is readable by others or not yours; remove it")
        key = stream.read(KEY_BYTES + 1)
    if len(key) != KEY_BYTES:
        raise CacheRefused(f"the cache key {path} is damaged; remove it")
    return key


def _foreign(info: os.stat_result) -> bool:
    return hasattr(os, "geteuid") and info.st_uid != os.geteuid()


class SummaryCache:
    """One project's entries: file summaries and whole-project results."""

    def __init__(
        self,
        directory: Path,
        key: bytes,
        salt: str,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.directory = directory
        self._folder = os.path.join(directory, "")
        self.max_bytes = max_bytes
        self._key = key
        self._salt = f"{salt}\0{sys.version_info[:3]}\0".encode()
        self.hits = 0
        self.misses = 0
        self.writes = 0
        self._usable = not _is_symlink(directory)
        self._checked = False
        self._stale: set[str] = set()  # keys of verified entries last marked used over a day ago

    def key(self, relative_path: str, source: bytes) -> str:
        digest = hashlib.sha256(self._salt)
        digest.update(relative_path.encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
        digest.update(source)
        return digest.hexdigest()

    def project_key(self, file_keys: list[str], options: bytes, kind: bytes = b"project") -> str:
        """The key of a project result: every file's key (in order; or, with another
        ``kind``, another per-file digest, such as its summary's) and the settings."""
        digest = hashlib.sha256(self._salt + kind + b"\0")
        for file_key in file_keys:
            digest.update(file_key.encode("ascii"))
        digest.update(b"\0")
        digest.update(options)
        return digest.hexdigest()

    def get(self, key: str, decode: Callable[[bytes], T]) -> T | None:
        """The summary stored under ``key``, or None (a miss) for anything that
        is absent, fails to verify or fails to decode."""
        return self._get(_SUMMARY, key, decode)

    def get_project(self, key: str, decode: Callable[[bytes], T]) -> T | None:
        return self._get(_PROJECT, key, decode)

    def put_project(self, key: str, encode: Callable[[Any], bytes], value: Any) -> None:
        self._put(_PROJECT, key, encode, value)

    def _entry(self, key: str) -> Path:
        return Path(self._entry_name(key))

    def _entry_name(self, key: str) -> str:
        """Where the entry for ``key`` lives, as a string: a run looks up every file's entry."""
        return f"{self._folder}{key[:2]}{os.sep}{key}{_SUFFIX}"

    def _mac(self, kind: bytes, key: str, payload: bytes) -> bytes:
        return hmac.new(self._key, _MAGIC + kind + b"\0" + key.encode("ascii") + b"\0" + payload,
                        hashlib.sha256).digest()

    def _get(self, kind: bytes, key: str, decode: Callable[[bytes], T]) -> T | None:
        payload = self._verified(kind, key)
        return None if payload is None else self._decoded(key, payload, decode)

    def holds(self, key: str) -> bool:
        """Whether an entry is stored under ``key``: a hint, read before any is verified
        (verification may still refuse it)."""
        return self._usable and os.path.lexists(self._entry_name(key))

    def verified(self, key: str) -> bytes | None:
        """The payload of the summary stored under ``key`` once its MAC checks, not yet
        decoded (a run learns which files it must parse before it decodes the rest)."""
        return self._verified(_SUMMARY, key)

    def decoded(self, key: str, payload: bytes, decode: Callable[[bytes], T]) -> T | None:
        """``decode(payload)`` of a :meth:`verified` summary; None (a miss) if it fails."""
        return self._decoded(key, payload, decode)

    def _verified(self, kind: bytes, key: str) -> bytes | None:
        if not self._usable:
            return None
        entry = self._entry_name(key)
        found = _read_entry(entry)
        if found is None:
            self.misses += 1
            return None
        data, modified = found
        mac, payload = data[len(_MAGIC):len(_MAGIC) + _MAC_BYTES], data[len(_MAGIC) + _MAC_BYTES:]
        if data.startswith(_MAGIC) and hmac.compare_digest(mac, self._mac(kind, key, payload)):
            if not 0 <= time.time() - modified < REFRESH_SECONDS:
                self._stale.add(key)
            return payload
        self._discard(Path(entry))
        return None

    def _decoded(self, key: str, payload: bytes, decode: Callable[[bytes], T]) -> T | None:
        value = None
        with contextlib.suppress(ValueError):  # the codecs raise ValueErrors for bad data
            value = decode(payload)
        if value is None:
            self._discard(self._entry(key))
            return None
        if key in self._stale:
            self._stale.discard(key)
            with contextlib.suppress(OSError):
                os.utime(self._entry(key))  # used again: pruned last
        self.hits += 1
        return value

    def _discard(self, entry: Path) -> None:
        """Planted, damaged or from another key: never trusted, replaced on the next write."""
        self.misses += 1
        with contextlib.suppress(OSError):
            entry.unlink()

    def _put(self, kind: bytes, key: str, encode: Callable[[Any], bytes], value: Any) -> None:
        if not self._usable:
            return
        try:
            payload = encode(value)
        except ValueError:
            return  # a value the format can't carry: this one stays uncached
        self._store(kind, key, payload)

    def put_encoded(self, key: str, payload: bytes) -> None:
        """A summary already encoded (by the worker process that made it)."""
        self._store(_SUMMARY, key, payload)

    def _store(self, kind: bytes, key: str, payload: bytes) -> None:
        if not self._usable:
            return
        entry = self._entry(key)
        try:
            self._prepare(entry.parent)
            handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=_SUFFIX)
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(_MAGIC + self._mac(kind, key, payload) + payload)
                os.replace(temporary, entry)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except (OSError, CacheRefused):
            # A read-only location or a refused one: run uncached rather than fail.
            self._usable = False
            return
        self.writes += 1

    def _prepare(self, shard: Path) -> None:
        """Create the directory (tagged so backup tools and git leave it alone) and
        the shard, refusing symlinks and folders that belong to someone else."""
        if not self._checked:
            created = not self.directory.exists()
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            info = os.lstat(self.directory)
            if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode) or _foreign(info):
                raise CacheRefused(f"{self.directory} is a symlink, not a folder, or not yours")
            if created:
                # Only in a folder we made: never overwrite a file someone else put there.
                _write_new(self.directory / ".gitignore", "# created by stackguard\n*\n")
                _write_new(self.directory / "CACHEDIR.TAG", _TAG_TEXT)
            self._checked = True
        with contextlib.suppress(FileExistsError):
            shard.mkdir(mode=0o700)
        if _is_symlink(shard):
            raise CacheRefused(f"{shard} is a symlink")

    def entries(self) -> Iterator[tuple[Path, os.stat_result]]:
        """Every entry file (and leftover temporary file), without following symlinks."""
        try:
            shards = [item for item in os.scandir(self.directory) if _is_shard(item)]
        except OSError:
            return
        for shard in shards:
            try:
                for item in os.scandir(shard.path):
                    if item.name.endswith(_SUFFIX) and item.is_file(follow_symlinks=False):
                        yield Path(item.path), item.stat(follow_symlinks=False)
            except OSError:
                continue

    def prune_if_due(self, now: float | None = None) -> int:
        """:meth:`prune` when a day has passed since the cache was last pruned (or the time
        recorded is not believable), or when this run wrote ``PRUNE_NOW_WRITES`` entries."""
        now = time.time() if now is None else now
        last = self._last_pruned()
        if self.writes < PRUNE_NOW_WRITES and last is not None and 0 <= now - last < REFRESH_SECONDS:
            return 0
        removed = self.prune(now)
        self._record_pruned(now)
        return removed

    def _last_pruned(self) -> float | None:
        found = _read_entry(self.directory / _PRUNED, limit=64)
        if found is None:
            return None
        try:
            return float(found[0].decode("ascii"))
        except ValueError:
            return None

    def _record_pruned(self, now: float) -> None:
        if not self._usable or _is_symlink(self.directory):
            return
        # Not through a link, not into a FIFO (O_NONBLOCK: no reader is an error, not a
        # wait), only into a regular file; a torn write reads as "never", so pruned again.
        flags = os.O_WRONLY | os.O_CREAT | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0)
        with contextlib.suppress(OSError):
            descriptor = os.open(self.directory / _PRUNED, flags, 0o600)
            try:
                if stat.S_ISREG(os.fstat(descriptor).st_mode):
                    os.ftruncate(descriptor, 0)
                    os.write(descriptor, f"{now:.0f}\n".encode("ascii"))
            finally:
                os.close(descriptor)

    def prune(self, now: float | None = None) -> int:
        """Delete entries unused for ``MAX_AGE_SECONDS``, then the oldest until the
        cache fits ``max_bytes``; return how many were deleted."""
        if _is_symlink(self.directory):
            return 0
        now = time.time() if now is None else now
        kept: list[tuple[float, int, Path]] = []
        removed = 0
        for path, info in self.entries():
            if now - info.st_mtime > MAX_AGE_SECONDS:
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed += 1
                continue
            kept.append((info.st_mtime, info.st_size, path))
        total = sum(size for _, size, _ in kept)
        if total <= self.max_bytes:
            return removed
        target = self.max_bytes * 0.8  # headroom, so the next run doesn't prune again
        for _, size, path in sorted(kept):
            if total <= target:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size
                removed += 1
        return removed

    def clean(self) -> int:
        """Delete every entry (and the folder when nothing else is left in it)."""
        if _is_symlink(self.directory):
            raise CacheRefused(f"{self.directory} is a symlink; not cleaning it")
        removed = 0
        for path, _ in list(self.entries()):
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
        with contextlib.suppress(OSError):
            for shard in os.scandir(self.directory):
                if _is_shard(shard):
                    with contextlib.suppress(OSError):
                        os.rmdir(shard.path)
        for name in (".gitignore", "CACHEDIR.TAG"):
            with contextlib.suppress(OSError, FileTooLarge):
                if b"stackguard" in read_regular_file(self.directory / name, 4096):  # only the tags we wrote
                    (self.directory / name).unlink()
        if self._last_pruned() is not None:  # only a time, as we write it
            with contextlib.suppress(OSError):
                (self.directory / _PRUNED).unlink()
        with contextlib.suppress(OSError):
            self.directory.rmdir()
        return removed


def _is_shard(item: os.DirEntry[str]) -> bool:
    name = item.name
    return len(name) == 2 and all(ch in "0123456789abcdef" for ch in name) and item.is_dir(follow_symlinks=False)


def _is_symlink(path: Path) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        return False


def _read_entry(path: str | Path, limit: int | None = None) -> tuple[bytes, float] | None:
    """An entry's bytes and when it was last marked used (its mtime): a regular file, not
    through a symlink, of at most ``limit`` (default ``MAX_ENTRY_BYTES``) bytes."""
    limit = MAX_ENTRY_BYTES if limit is None else limit
    try:
        descriptor = os.open(path, os.O_RDONLY | _NOFOLLOW | _BINARY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        return read_at_most(descriptor, limit, info.st_size), info.st_mtime
    except (OSError, FileTooLarge):  # unreadable, or grown past the bound while read
        return None
    finally:
        os.close(descriptor)


def _write_new(path: Path, text: str) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644)
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(text)
