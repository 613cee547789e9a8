"""Re-indexing into a new database beside the live one, swapped in whole at the end.

`docshelf reindex` fills `docshelf.db.reindex-partial` while the live index keeps
serving; only a complete rebuild replaces it. A reindex that is killed leaves the live
index untouched and its partial file behind, which the next reindex (holding the same
lock, so the builder is known to be dead) deletes first.

The swap: when no other process has the live index open, one os.replace puts the new
file in its place and the replaced one is kept as `docshelf.db.old` (the one backup).
When a server has it open, renaming would leave that server reading the replaced file
and could pair its write-ahead log with the new one, so the new index is copied into the
live file with SQLite's backup API instead: one transaction, which open connections see
whole on their next read, and which a kill rolls back.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from docshelf.errors import StoreError
from docshelf.locks import hold_lock

PARTIAL_SUFFIX = ".reindex-partial"
BACKUP_SUFFIX = ".old"
LOCK_SUFFIX = ".reindex-lock"
SIDECARS = ("-wal", "-shm", "-journal")


@contextmanager
def rebuilding(live: Path) -> Iterator[Path]:
    """The path of an empty database to fill; swapped in for `live` when the block ends
    normally, deleted when it raises. One reindex at a time per data directory."""
    lock = live.with_name(f".{live.name}{LOCK_SUFFIX}")
    with hold_lock(lock, busy=lambda: _busy(live)):
        partial = live.with_name(live.name + PARTIAL_SUFFIX)
        remove_database(partial)  # a killed reindex's: we hold its lock, so it is dead
        try:
            yield partial
        except BaseException:
            remove_database(partial)
            raise
        swap_in(partial, live)


def swap_in(new: Path, live: Path) -> Path | None:
    """Make the complete database `new` the one at `live`; returns the backup, if kept."""
    _single_file(new)
    if not live.exists():
        os.replace(new, live)
        return None
    state = _claim(live)
    if state == "in use":
        _copy_into(new, live)
        remove_database(new)
        return None
    backup = live.with_name(live.name + BACKUP_SUFFIX)
    remove_database(backup)
    for legacy in live.parent.glob(f"{live.name}.old-*"):  # earlier reindexes' backups
        legacy.unlink(missing_ok=True)
    for suffix in SIDECARS:  # only a damaged index still has them (see _claim)
        side = Path(f"{live}{suffix}")
        if side.exists():
            os.replace(side, Path(f"{backup}{suffix}"))
    try:
        os.link(live, backup)
    except OSError:  # no hard links here: copy instead (the swap below stays one rename)
        _copy_file(live, backup)
    os.replace(new, live)
    return backup


def remove_database(path: Path) -> None:
    """Delete a database file and its journal/WAL files, if any."""
    for suffix in ("", *SIDECARS):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _single_file(path: Path) -> None:
    """Leave `path` as one self-contained file (rollback journal mode, nothing pending),
    so no write-ahead log is left for another file of the same name to pick up."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()


def _claim(live: Path) -> str:
    """'free' once the live index is one file nobody else has open, 'in use' when another
    connection has it open, 'damaged' when SQLite cannot read it (nobody can use it)."""
    try:
        conn = sqlite3.connect(live, isolation_level=None, timeout=0)
    except sqlite3.Error:
        return "damaged"
    try:
        # Leaving WAL mode needs every other connection gone: the test of "in use".
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except sqlite3.OperationalError as exc:
        return "in use" if "locked" in str(exc) or "busy" in str(exc) else "damaged"
    except sqlite3.DatabaseError:
        return "damaged"
    finally:
        conn.close()
    return "free" if str(mode).lower() == "delete" else "in use"


def _copy_into(new: Path, live: Path) -> None:
    source = sqlite3.connect(new, isolation_level=None)
    target = sqlite3.connect(live, isolation_level=None, timeout=30.0)
    try:
        source.backup(target)  # all pages in one step: one write transaction on `live`
    except sqlite3.Error as exc:
        raise StoreError(
            f"Could not replace the index at {live} while it is open elsewhere ({exc}). The "
            "previous index is unchanged. Stop the servers that use it and run "
            "`docshelf reindex` again."
        ) from exc
    finally:
        source.close()
        target.close()


def _copy_file(source: Path, dest: Path) -> None:
    with source.open("rb") as src, dest.open("wb") as out:
        while chunk := src.read(1024 * 1024):
            out.write(chunk)


def _busy(live: Path) -> StoreError:
    return StoreError(
        f"Another `docshelf reindex` is rebuilding the index at {live}. Wait for it to finish; "
        "the current index keeps serving meanwhile."
    )
