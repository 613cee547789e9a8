"""The SQLite index: opening, schema, and the checks that turn a bad file into a clear error."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from docshelf.errors import StoreError

SCHEMA_VERSION = 1
DB_NAME = "docshelf.db"

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
    content TEXT NOT NULL,
    file TEXT NOT NULL DEFAULT '',
    sort_key TEXT NOT NULL DEFAULT '',
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
    start_line INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sections_page ON sections (page_id, position);
CREATE VIRTUAL TABLE IF NOT EXISTS sections_fts USING fts5 (
    title, headings, path, body, vid,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS pages_fts USING fts5 (
    title, headings, path, intro, body, vid,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
"""

_TABLES = {"meta", "versions", "pages", "sections", "sections_fts", "pages_fts"}


def database_path(home: Path) -> Path:
    return home / DB_NAME


def move_aside(path: Path) -> Path:
    """Rename the database (and its WAL files) to `<name>.old-<UTC time>`; returns the name."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.old-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        part = Path(str(path) + suffix)
        if part.exists():
            part.replace(Path(str(aside) + suffix))
    return aside


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
        conn = sqlite3.connect(path, timeout=30.0, check_same_thread=False, isolation_level=None)
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


def _check_or_create(conn: sqlite3.Connection, path: Path) -> None:
    existing = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if not existing:
        conn.executescript(_SCHEMA)
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
            (str(SCHEMA_VERSION),),
        )
        return
    if "meta" not in existing:
        raise _corrupt(path, "the file is an SQLite database but not a docshelf index")
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    found = int(row[0]) if row and str(row[0]).isdigit() else None
    if found is None or not existing >= _TABLES:
        raise _corrupt(path, "the index is missing tables")
    if found > SCHEMA_VERSION:
        raise StoreError(
            f"The index at {path} was written by a newer docshelf (schema {found}; this one "
            f"reads {SCHEMA_VERSION}). Upgrade docshelf, or run `docshelf reindex` to rebuild "
            "it for this version."
        )
    if found < SCHEMA_VERSION:
        raise StoreError(
            f"The index at {path} uses an older schema ({found}). Run `docshelf reindex` to "
            "rebuild it from its sources."
        )
    conn.execute("SELECT count(*) FROM versions").fetchone()
    _add_columns(conn)


# Columns added since schema 1, added in place to an index written before them: (table,
# column, definition). Rows written before read as '' (no origin, no file, path order).
_ADDED_COLUMNS = (
    ("versions", "origin", "TEXT NOT NULL DEFAULT ''"),
    ("pages", "file", "TEXT NOT NULL DEFAULT ''"),
    ("pages", "sort_key", "TEXT NOT NULL DEFAULT ''"),
)


def _add_columns(conn: sqlite3.Connection) -> None:
    for table, column, definition in _ADDED_COLUMNS:
        columns = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        if column not in columns:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")


def _corrupt(path: Path, detail: str) -> StoreError:
    return StoreError(
        f"The index at {path} cannot be used: {detail}. Run `docshelf reindex` to rebuild it "
        "from its sources (or move the file away and `docshelf add` your libraries again)."
    )
