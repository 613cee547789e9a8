"""One-time upgrade of an index written by an older docshelf, in place and in one transaction."""

from __future__ import annotations

import sqlite3

from docshelf.store.fts_tables import FTS_SCHEMA, add_cards, create_version_tables


def migrate_v1_to_v2(conn: sqlite3.Connection) -> None:
    """Schema 1 (one FTS pair for all versions, each row tagged with a searchable `v<id>`
    word) to schema 2 (an FTS pair per version, see store/fts_tables.py).

    The words each FTS column indexed are taken from the old tables, so every version
    indexes exactly the text it did; nothing is fetched or parsed again. The caller holds
    the write transaction: a crash leaves the old index as it was.
    """
    for table, column in (
        ("pages", "fts_title"),
        ("pages", "fts_headings"),
        ("pages", "fts_path"),
        ("pages", "fts_intro"),
        ("sections", "fts_headings"),
    ):
        conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
    conn.execute(
        "UPDATE pages SET fts_title = f.title, fts_headings = f.headings, fts_path = f.path, "
        "fts_intro = f.intro FROM pages_fts f WHERE f.rowid = pages.id"
    )
    conn.execute(
        "UPDATE sections SET fts_headings = f.headings FROM sections_fts f "
        "WHERE f.rowid = sections.id"
    )
    conn.execute("DROP TABLE sections_fts")
    conn.execute("DROP TABLE pages_fts")
    for statement in FTS_SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    version_ids = [r[0] for r in conn.execute("SELECT id FROM versions ORDER BY id")]
    for version_id in version_ids:
        create_version_tables(conn, version_id)
        add_cards(conn, version_id)
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('last_version_id', ?)",
        (str(max(version_ids, default=0)),),
    )
