"""Reading a file of the linted repository without trusting it.

Only regular files are read: a FIFO would block the run forever, ``/dev/zero``
never ends, a socket cannot be read at all. The type is checked on the opened
descriptor (``fstat``), not by a ``stat`` beforehand, so nothing can be
swapped in between; opening with ``O_NONBLOCK`` keeps the ``open`` itself
from waiting on a FIFO. At most ``limit + 1`` bytes are read, whatever size the
file system reports (files in ``/proc`` say 0; a file can grow while read).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_LINK_REFUSED = (errno.ELOOP, getattr(errno, "EMLINK", errno.ELOOP))  # what O_NOFOLLOW gives on a link
_CHUNK = 1024 * 1024

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotRegularFile(OSError):
    """The path names a FIFO, a device, a socket or a directory; ``strerror`` says which."""

    def __init__(self, path: str | Path, mode: int) -> None:
        super().__init__(errno.EINVAL, f"not a regular file: {kind_of(mode)}", str(path))


class FileTooLarge(Exception):
    """More than the limit; ``size`` is the reported size, or None when only the read found out."""

    def __init__(self, size: int | None) -> None:
        super().__init__(size)
        self.size = size


def kind_of(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "a special file")


def read_regular_file(path: str | Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    A symlink is followed to its final target (discovery has judged where it
    leads). Raises NotRegularFile, FileTooLarge, or the OSError of the open.
    """
    descriptor = _open(path)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise NotRegularFile(path, status.st_mode)
        if status.st_size > limit:
            raise FileTooLarge(status.st_size)
        return read_at_most(descriptor, limit, status.st_size)
    finally:
        os.close(descriptor)


def _open(path: str | Path) -> int:
    try:
        return os.open(path, _OPEN_FLAGS | _NO_FOLLOW)
    except OSError as error:
        if _NO_FOLLOW and error.errno in _LINK_REFUSED and os.path.islink(path):
            # Open the link's final target, still refusing a link there.
            return os.open(os.path.realpath(path), _OPEN_FLAGS | _NO_FOLLOW)
        if error.errno == errno.ENXIO:  # a socket (or a device without a driver): say which
            try:
                mode = os.stat(path).st_mode
            except OSError:
                raise error from None
            if not stat.S_ISREG(mode):
                raise NotRegularFile(path, mode) from None
        raise


def read_at_most(descriptor: int, limit: int, expected: int) -> bytes:
    """Read an open file to its end, ``expected`` bytes by its size; FileTooLarge past ``limit``."""
    # The first read asks for the reported size + 1, so a file that tells the truth takes
    # one read plus the one that sees its end (a buffered read of ``limit`` bytes would
    # allocate that much for every file).
    chunks: list[bytes] = []
    total = 0
    request = min(expected, limit) + 1
    while total <= limit:
        chunk = os.read(descriptor, min(request, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        request = _CHUNK
    raise FileTooLarge(None)
