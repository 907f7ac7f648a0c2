"""Reading a file of the program under test (its Pulumi.yaml, Pulumi.<stack>.yaml) without trusting it.

The program's directory is untrusted input: a FIFO named ``Pulumi.dev.yaml``
would block the harness forever and a link to ``/dev/zero`` never ends. Only
a regular file of at most ``limit`` bytes is read, its type checked on the
opened descriptor (``fstat``), so nothing can be swapped in after a check;
``O_NONBLOCK`` keeps the ``open`` itself from waiting on a FIFO. The harness
may not import the analyzer, so this is its own (stdlib only) counterpart of
``analyzers.reading``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


class UnreadableFile(Exception):
    """Not read: its message says why, in a few words ("not a regular file: a FIFO")."""


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at ``path`` (a link is followed to its final target).

    Raises UnreadableFile for anything else, for more than ``limit`` bytes, or when it cannot be opened.
    """
    try:
        # The target is opened with O_NOFOLLOW: a link swapped in after realpath is refused, not followed.
        descriptor = os.open(os.path.realpath(path), _FLAGS)
    except OSError as error:
        raise UnreadableFile(error.strerror or type(error).__name__) from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _KINDS if test(mode)), "a special file")
            raise UnreadableFile(f"not a regular file: {kind}")
        chunks: list[bytes] = []
        total = 0
        while total <= limit:  # at most limit + 1 bytes, whatever size the file claims (/proc says 0)
            chunk = os.read(descriptor, limit + 1 - total)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            total += len(chunk)
    finally:
        os.close(descriptor)
    raise UnreadableFile(f"larger than {limit >> 20} MiB")
