"""Advisory file locks: who is working in a folder right now, so that the leftovers of a
process that was killed can be told from work in progress and removed.

POSIX `flock` locks vanish with the process that held them, however it ended. Where there
is no `fcntl` (Windows), locks are not taken and leftovers are judged by age alone.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from docshelf.errors import DocshelfError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

STALE_AFTER = 24 * 3600  # without locks, leftovers older than this are taken for dead


@contextmanager
def hold_lock(
    path: Path,
    *,
    wait: float = 0.0,
    busy: Callable[[], DocshelfError] | None = None,
) -> Iterator[None]:
    """Hold the lock file `path` (created if missing, never deleted) for the block.

    Taken by someone else: wait up to `wait` seconds for it, then raise `busy()` (a
    DocshelfError naming what holds it and what to do) or, without one, a plain
    DocshelfError.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise (
                    busy()
                    if busy
                    else DocshelfError(
                        f"{path} is locked by another docshelf process; wait for it to finish."
                    )
                )
            time.sleep(0.2)
        yield
    finally:
        os.close(fd)  # releases the lock


def is_locked(path: Path) -> bool:
    """True while another process holds the lock file `path` (False if it does not exist)."""
    if fcntl is None or not path.exists():
        return False
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        return not _try_lock(fd)
    finally:
        os.close(fd)


def is_stale(leftover: Path, lock: Path) -> bool:
    """Whether `leftover` belongs to no running process: its lock is free, or (without
    locks on this system) it is older than STALE_AFTER."""
    if fcntl is not None:
        return not is_locked(lock)
    try:
        return time.time() - leftover.lstat().st_mtime > STALE_AFTER
    except OSError:
        return False


def remove_stale(leftovers: Iterable[Path], lock_name: str) -> None:
    """Delete each leftover (a file or a folder) whose folder's lock `lock_name` no running
    process holds (see is_stale); those of work in progress are left alone."""
    for leftover in leftovers:
        if is_stale(leftover, leftover.parent / lock_name):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)


def _try_lock(fd: int) -> bool:
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
