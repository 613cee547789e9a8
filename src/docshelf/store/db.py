"""The SQLite index: opening, schema, and the checks that turn a bad file into a clear error."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol, TypeVar

from docshelf.errors import StoreError
from docshelf.parsing.page_kinds import page_kind
from docshelf.store.fts_tables import CARDS_TABLE, FTS_SCHEMA

SCHEMA_VERSION = 2  # 2: full-text tables per library version (store/fts_tables.py)
DB_NAME = "docshelf.db"
# Prepared statements kept per connection: each version's FTS tables have their own SQL
# text, so a shelf of 50 versions needs a few hundred to search them all without
# preparing any statement twice.
CACHED_STATEMENTS = 512

_T = TypeVar("_T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    library TEXT NOT NULL,
    version TEXT NOT NULL,
    source TEXT NOT NULL,
    indexed_at TEXT NOT NULL,
    pages INTEGER NOT NULL DEFAULT 0,
    sections INTEGER NOT NULL DEFAULT 0,
    origin TEXT NOT NULL DEFAULT '',
    UNIQUE (library, version)
);
CREATE TABLE IF NOT EXISTS pages (
    id INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    title TEXT NOT NULL,
    metadata TEXT NOT NULL DEFAULT '{}',
    kind TEXT NOT NULL DEFAULT '',  -- before content: cheaper to read (see pages_kind)
    content TEXT NOT NULL,
    file TEXT NOT NULL DEFAULT '',
    sort_key TEXT NOT NULL DEFAULT '',
    fts_title TEXT NOT NULL DEFAULT '',
    fts_headings TEXT NOT NULL DEFAULT '',
    fts_path TEXT NOT NULL DEFAULT '',
    fts_intro TEXT NOT NULL DEFAULT '',
    UNIQUE (version_id, path)
);
CREATE TABLE IF NOT EXISTS sections (
    id INTEGER PRIMARY KEY,
    page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    heading TEXT NOT NULL,
    heading_path TEXT NOT NULL,
    level INTEGER NOT NULL,
    anchor TEXT NOT NULL,
    text TEXT NOT NULL,
    start_line INTEGER NOT NULL,
    fts_headings TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS sections_page ON sections (page_id, position);
-- search asks which of a few hundred pages are of some kinds (search/kinds.py), and a
-- listing of libraries counts each version's pages by kind: both answered from this index,
-- without reading the rows (an index upgraded in place has its kind column after the
-- content, whose overflow pages a row read would walk)
CREATE INDEX IF NOT EXISTS pages_kind ON pages (kind, version_id);
-- reading a page resolves its links through every page's path and file, and a folder
-- lists its pages' titles in their order: both from this index, not from rows whose
-- content comes before the file and the order (about 3 ms a read for 1,000 pages)
CREATE INDEX IF NOT EXISTS pages_listing ON pages (version_id, path, title, sort_key, file);
"""

_TABLES = {"meta", "versions", "pages", "sections", CARDS_TABLE}


def database_path(home: Path) -> Path:
    return home / DB_NAME


def connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """Open (creating if needed) the index at `path`, checked and ready to use.

    Raises StoreError with the fix when the file is not a docshelf index, is corrupted,
    or was written by a newer docshelf.
    """
    if readonly and not path.exists():
        raise StoreError(
            f"No docshelf index at {path}. Run `docshelf add SOURCE` to create one, or point "
            "--home / DOCSHELF_HOME at the directory that holds it."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(
            path,
            timeout=30.0,
            check_same_thread=False,
            isolation_level=None,
            cached_statements=CACHED_STATEMENTS,
        )
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA foreign_keys = ON")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA synchronous = NORMAL")
        _check_or_create(conn, path)
    except sqlite3.DatabaseError as exc:
        raise _corrupt(path, str(exc)) from exc
    return conn


@contextmanager
def snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """One read transaction around several statements (nested uses join the outer one).

    Every statement then sees the same snapshot, so a library re-indexed meanwhile (even
    by another process) is seen entirely old or entirely new, never half of each.
    """
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


class Beside(Protocol):
    """Runs `work` on a second connection to the same index, in another thread (see
    Shelf.beside); `work` opens its own read transaction."""

    def __call__(self, work: Callable[[sqlite3.Connection], _T]) -> Future[_T]: ...


def schema_cookie(conn: sqlite3.Connection) -> int:
    """The schema's change counter as `conn` sees it: SQLite bumps it with every change of
    tables or indexes (a version added or dropped, an upgrade in place, a copied-in rebuild)."""
    return int(conn.execute("PRAGMA schema_version").fetchone()[0])


def _check_or_create(conn: sqlite3.Connection, path: Path) -> None:
    existing = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if not existing:
        conn.executescript(_SCHEMA + FTS_SCHEMA)
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
            (str(SCHEMA_VERSION),),
        )
        return
    if "meta" not in existing:
        raise _corrupt(path, "the file is an SQLite database but not a docshelf index")
    found = _schema_version(conn)
    if found == 1 and existing >= _TABLES_V1:
        found = _migrate_v1(conn, path)
        existing = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if found is not None and found > SCHEMA_VERSION:
        raise StoreError(
            f"The index at {path} was written by a newer docshelf (schema {found}; this one "
            f"reads {SCHEMA_VERSION}). Upgrade docshelf, or run `docshelf reindex` to rebuild "
            "it for this version."
        )
    if found is None or not existing >= _TABLES:
        raise _corrupt(path, "the index is missing tables")
    if found < SCHEMA_VERSION:
        raise StoreError(
            f"The index at {path} uses an older schema ({found}). Run `docshelf reindex` to "
            "rebuild it from its sources."
        )
    conn.execute("SELECT count(*) FROM versions").fetchone()
    _add_columns(conn)


# Columns added since schema 1, added in place to an index written before them: (table,
# column, definition). Rows written before read as '' (no origin, no file, path order),
# except a page's kind, which is worked out for them as they are (parsing/page_kinds.py).
_ADDED_COLUMNS = (
    ("versions", "origin", "TEXT NOT NULL DEFAULT ''"),
    ("pages", "file", "TEXT NOT NULL DEFAULT ''"),
    ("pages", "sort_key", "TEXT NOT NULL DEFAULT ''"),
    ("pages", "kind", "TEXT NOT NULL DEFAULT ''"),
)


def _add_columns(conn: sqlite3.Connection) -> None:
    missing = _missing_columns(conn)
    if not missing and _has_indexes(conn):
        return
    # pages_listing only makes reads faster: an index that cannot be written (read-only
    # media) is read as it is without it
    optional = not missing and _has_indexes(conn, ("pages_kind",))
    try:
        conn.execute("BEGIN IMMEDIATE")  # one upgrade, even with two processes opening at once
        for table, column, definition in _missing_columns(conn):
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
            if (table, column) == ("pages", "kind"):
                _fill_page_kinds(conn)
        conn.execute("CREATE INDEX IF NOT EXISTS pages_kind ON pages (kind, version_id)")
        conn.execute(
            "CREATE INDEX IF NOT EXISTS pages_listing "
            "ON pages (version_id, path, title, sort_key, file)"
        )
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF  # the primary result code
        if optional and code == sqlite3.SQLITE_READONLY:
            return
        raise


def _has_indexes(
    conn: sqlite3.Connection, names: tuple[str, ...] = ("pages_kind", "pages_listing")
) -> bool:
    marks = ", ".join("?" * len(names))
    found = f"SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ({marks})"
    return bool(conn.execute(found, names).fetchone()[0] == len(names))


def _missing_columns(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    found: dict[str, set[str]] = {}
    for table, _column, _definition in _ADDED_COLUMNS:
        if table not in found:
            found[table] = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
    return [added for added in _ADDED_COLUMNS if added[1] not in found[added[0]]]


def _fill_page_kinds(conn: sqlite3.Connection) -> None:
    """Give every page of an index written before kinds its kind, from its stored text."""
    last = 0
    while rows := conn.execute(
        "SELECT id, path, metadata, content FROM pages WHERE id > ? ORDER BY id LIMIT 500",
        (last,),
    ).fetchall():
        conn.executemany(
            "UPDATE pages SET kind = ? WHERE id = ?",
            [(page_kind(r[1], json.loads(r[2] or "{}"), r[3]), r[0]) for r in rows],
        )
        last = rows[-1][0]


def _schema_version(conn: sqlite3.Connection) -> int | None:
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row and str(row[0]).isdigit() else None


def _migrate_v1(conn: sqlite3.Connection, path: Path) -> int | None:
    """Rewrite a schema-1 index (one FTS table pair for every version) in place, in one
    transaction; returns the schema version found once the write lock is held (another
    process may have migrated it meanwhile)."""
    from docshelf.store.migrate import migrate_v1_to_v2

    conn.execute("BEGIN IMMEDIATE")
    try:
        found = _schema_version(conn)
        if found == 1:
            migrate_v1_to_v2(conn)
            conn.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),)
            )
            found = SCHEMA_VERSION
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.OperationalError) and "full" in str(exc):
            raise StoreError(
                f"The index at {path} needs a one-time upgrade (schema 1 to {SCHEMA_VERSION}) "
                "and the disk is full. Free some space and run the command again, or run "
                "`docshelf reindex` to rebuild it from its sources."
            ) from exc
        raise
    return found


_TABLES_V1 = {"meta", "versions", "pages", "sections", "sections_fts", "pages_fts"}


def _corrupt(path: Path, detail: str) -> StoreError:
    return StoreError(
        f"The index at {path} cannot be used: {detail}. Run `docshelf reindex` to rebuild it "
        "from its sources (or move the file away and `docshelf add` your libraries again)."
    )
