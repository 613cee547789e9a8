"""Write one library version into the index in a single transaction: all of it or none."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from docshelf.errors import DiskFullError
from docshelf.models import LibraryVersion, Page
from docshelf.parsing.markdown import page_summary
from docshelf.parsing.page_kinds import page_kind
from docshelf.store.fts_tables import (
    add_cards,
    create_version_tables,
    drop_version_tables,
    path_words,
    with_split_identifiers,
)


def write_version(
    conn: sqlite3.Connection,
    library: str,
    version: str,
    source: str,
    pages: Iterable[Page],
    *,
    on_page: Callable[[Page], None] | None = None,
    origin: str = "",
) -> LibraryVersion:
    """Replace `library@version` with `pages`, atomically.

    Everything happens in one transaction: readers keep seeing the previous index until
    the commit, and a crash, Ctrl-C or full disk before it leaves the previous index
    intact (SQLite rolls the transaction back).
    """
    indexed_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    page_count = section_count = 0
    conn.execute("BEGIN IMMEDIATE")
    try:
        delete_version(conn, library, version)
        version_id = _next_version_id(conn)
        conn.execute(
            "INSERT INTO versions (id, library, version, source, indexed_at, origin) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (version_id, library, version, source, indexed_at, origin),
        )
        for page in pages:
            section_count += _insert_page(conn, version_id, page)
            page_count += 1
            if on_page is not None:
                on_page(page)
        conn.execute(
            "UPDATE versions SET pages = ?, sections = ? WHERE id = ?",
            (page_count, section_count, version_id),
        )
        create_version_tables(conn, version_id)
        add_cards(conn, version_id)
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:  # SQLite may have rolled back already (e.g. disk full)
            conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.OperationalError) and "full" in str(exc):
            raise DiskFullError(f"{library}@{version}", str(exc)) from exc
        raise
    return LibraryVersion(library, version, source, page_count, section_count, indexed_at, origin)


def _next_version_id(conn: sqlite3.Connection) -> int:
    """A version id never used before in this index: FTS table names are made from it, so
    a name never comes back for another version (readers may still hold the old one)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'last_version_id'").fetchone()
    highest = conn.execute("SELECT coalesce(max(id), 0) FROM versions").fetchone()[0]
    version_id = max(int(row[0]) if row else 0, int(highest)) + 1
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('last_version_id', ?)",
        (str(version_id),),
    )
    return version_id


def _insert_page(conn: sqlite3.Connection, version_id: int, page: Page) -> int:
    """Insert a page and its sections with the words their FTS columns index."""
    headings = with_split_identifiers(" ".join(s.heading for s in page.sections))
    page_id = conn.execute(
        "INSERT INTO pages (version_id, path, title, metadata, content, file, sort_key, kind, "
        "fts_title, fts_headings, fts_path, fts_intro) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            version_id,
            page.path,
            page.title,
            json.dumps(page.metadata),
            page.content,
            page.file,
            page.order,
            page_kind(page.path, page.metadata, page.content),
            with_split_identifiers(page.title),
            headings,
            path_words(page.path),
            page_summary(page),
        ),
    ).lastrowid
    conn.executemany(
        "INSERT INTO sections (page_id, position, heading, heading_path, level, anchor, "
        "text, start_line, fts_headings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                page_id,
                position,
                section.heading,
                json.dumps(section.heading_path),
                section.level,
                section.anchor,
                section.text,
                section.start_line,
                with_split_identifiers(" ".join(section.heading_path)),
            )
            for position, section in enumerate(page.sections)
        ],
    )
    return len(page.sections)


def delete_versions(conn: sqlite3.Connection, versions: Iterable[tuple[str, str]]) -> None:
    """Remove (library, version) pairs, their FTS tables and the vectors only they used, all in
    one transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for library, version in versions:
            delete_version(conn, library, version)
        _delete_unused_vectors(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _delete_unused_vectors(conn: sqlite3.Connection) -> None:
    """Drop the stored vectors no page or section uses any more (search/vector_tables.py's
    tables, made on first use: absent when semantic search was never used).

    Only on removal: a re-index keeps them, so unchanged pages and sections reuse them by
    hash.
    """
    tables = {
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name IN ('embeddings', 'section_vectors', 'page_vectors')"
        )
    }
    if "embeddings" not in tables:
        return
    # A vector is in use while a page or a section maps to it (an index from before page
    # vectors has no page_vectors table).
    unused = [
        f"NOT EXISTS (SELECT 1 FROM {table} v "
        "WHERE v.model = embeddings.model AND v.hash = embeddings.hash)"
        for table in ("section_vectors", "page_vectors")
        if table in tables
    ]
    conn.execute(f"DELETE FROM embeddings WHERE {' AND '.join(unused) or '1'}")


def delete_version(conn: sqlite3.Connection, library: str, version: str) -> bool:
    """Remove one version and its FTS tables; the caller owns the transaction."""
    row = conn.execute(
        "SELECT id FROM versions WHERE library = ? AND version = ?", (library, version)
    ).fetchone()
    if row is None:
        return False
    version_id = row[0]
    drop_version_tables(conn, version_id)  # before the rows: the cards go by page id
    conn.execute("DELETE FROM versions WHERE id = ?", (version_id,))
    return True
