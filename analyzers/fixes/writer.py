"""Writing fixed files back into an untrusted repository (design.md, principle 7).

A fixed file is written only when it is a regular file inside the linted
project reached without any symbolic link, and only when its bytes are still
the ones that were analysed (a file changed in the meantime is left alone).
The new content goes to a temporary file in the same directory, with the old
file's permission bits, and replaces the old file by an atomic rename, so a
reader sees either version and an interrupted run leaves the old one.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path, PurePosixPath


class WriteRefused(Exception):
    """Why a file was not written (one line)."""


def _no_links(root: Path, relative: str) -> os.stat_result:
    parts = PurePosixPath(relative).parts
    if not parts or any(part in ("", ".", "..") for part in parts) or PurePosixPath(relative).is_absolute():
        raise WriteRefused("not a path inside the project")
    current = root
    info = None
    for part in parts:
        current = current / part
        try:
            info = os.lstat(current)
        except OSError as error:
            raise WriteRefused(f"cannot stat ({error.strerror})") from None
        if stat.S_ISLNK(info.st_mode):
            raise WriteRefused("it is reached through a symbolic link")
    assert info is not None
    if not stat.S_ISREG(info.st_mode):
        raise WriteRefused("not a regular file")
    return info


def write_file(root: Path, relative: str, original: bytes, text: str) -> None:
    """Replace ``root/relative`` (whose content was ``original``) with ``text`` as UTF-8."""
    path = root / relative
    info = _no_links(root, relative)
    real_root = os.path.realpath(root)
    if os.path.commonpath([os.path.realpath(path), real_root]) != real_root:
        raise WriteRefused("outside the project")
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as error:
        raise WriteRefused(f"cannot open ({error.strerror})") from None
    with os.fdopen(descriptor, "rb") as handle:
        opened = os.fstat(handle.fileno())
        current = handle.read(len(original) + 1)
    if (opened.st_ino, opened.st_dev) != (info.st_ino, info.st_dev) or current != original:
        raise WriteRefused("it changed since it was analyzed")
    data = text.encode("utf-8")
    temporary_fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".stackguard", dir=path.parent)
    try:
        with os.fdopen(temporary_fd, "wb") as handle:
            os.fchmod(handle.fileno(), stat.S_IMODE(opened.st_mode))
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        latest = os.lstat(path)
        if (latest.st_ino, latest.st_dev, latest.st_size) != (info.st_ino, info.st_dev, len(original)) \
                or stat.S_ISLNK(latest.st_mode):
            raise WriteRefused("it changed since it was analyzed")
        os.replace(temporary, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise WriteRefused(f"cannot write ({error.strerror or type(error).__name__})") from None
        raise
