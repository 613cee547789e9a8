"""Reading a file from a user's disk: regular files only, size-capped (the one helper
every reader of source folders and installed packages uses)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from docshelf.models import SkippedFile
from docshelf.sources.errors import UnreadableFileError

MAX_FILE_BYTES = 8 * 1024 * 1024  # one page; larger files are left out, and named
_MIB = 1024 * 1024
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_NOCTTY = getattr(os, "O_NOCTTY", 0)
_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)

OnSkip = Callable[[SkippedFile], None]


def read_regular_text(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The text of `path` (UTF-8, bad bytes replaced) if it is a regular file of at most
    `max_bytes`; else UnreadableFileError saying why.

    Opening a named pipe waits for a writer and a device may never end, so the file is
    opened without blocking and checked (fstat) before a byte is read: the check and the
    read are on the same open file, so it cannot be swapped in between.
    """
    try:
        fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_NOCTTY)
    except OSError as exc:
        raise UnreadableFileError(str(path), exc.strerror or str(exc)) from exc
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a file")
            raise UnreadableFileError(str(path), f"it is {kind}, not a regular file")
        if info.st_size > max_bytes:
            raise UnreadableFileError(
                str(path), f"{_size(info.st_size)}, over the {_limit(max_bytes)} limit"
            )
        data = file.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew after the check
        raise UnreadableFileError(str(path), f"it is over the {_limit(max_bytes)} limit")
    return data.decode("utf-8", errors="replace")


def _size(count: int) -> str:
    return f"{count / _MIB:.1f} MiB" if count >= _MIB else f"{count} bytes"


def _limit(count: int) -> str:
    return f"{count / _MIB:g} MiB" if count >= _MIB else f"{count}-byte"
