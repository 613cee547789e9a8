"""Opening the index: columns added since schema 1 are added in place to older indexes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from docshelf.store import db


def test_an_index_written_before_origin_file_and_sort_key_gains_them_in_place(tmp_path: Path):
    path = tmp_path / "docshelf.db"
    conn = db.connect(path)
    conn.close()
    old = sqlite3.connect(path)
    old.execute("DROP INDEX pages_listing")  # an index older than the column had none
    for table, column in (("versions", "origin"), ("pages", "file"), ("pages", "sort_key")):
        old.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    old.execute(
        "INSERT INTO versions (library, version, source, indexed_at) VALUES ('a', '1', 's', 't')"
    )
    old.commit()
    old.close()
    conn = db.connect(path)
    row = conn.execute("SELECT origin FROM versions").fetchone()
    assert tuple(row) == ("",)
    columns = {r[1] for r in conn.execute("PRAGMA table_info(pages)")}
    assert {"file", "sort_key"} <= columns
    conn.close()


def test_an_index_written_before_page_kinds_gets_every_page_s_kind_and_indexes_on_open(
    tmp_path: Path,
):
    path = tmp_path / "docshelf.db"
    conn = db.connect(path)
    conn.close()
    old = sqlite3.connect(path)
    old.execute("DROP INDEX pages_kind")
    old.execute("DROP INDEX pages_listing")
    old.execute("ALTER TABLE pages DROP COLUMN kind")
    old.execute(
        "INSERT INTO versions (id, library, version, source, indexed_at) "
        "VALUES (1, 'a', '1', 's', 't')"
    )
    for path_, metadata in (
        ("docs/memory", "{}"),
        ("course/01-intro/02-memory", "{}"),
        ("news/launch", '{"date": "2024-01-01", "authors": ["x"]}'),
    ):
        old.execute(
            "INSERT INTO pages (version_id, path, title, metadata, content) "
            "VALUES (1, ?, 't', ?, 'text')",
            (path_, metadata),
        )
    old.commit()
    old.close()
    conn = db.connect(path)
    kinds = dict(conn.execute("SELECT path, kind FROM pages").fetchall())
    indexes = "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'pages_%'"
    assert {r[0] for r in conn.execute(indexes)} == {"pages_kind", "pages_listing"}
    assert kinds == {
        "docs/memory": "guide",
        "course/01-intro/02-memory": "course",
        "news/launch": "blog",
    }
    conn.close()


def test_a_read_only_index_without_the_listing_index_is_read_as_it_is(tmp_path: Path):
    path = tmp_path / "docshelf.db"
    db.connect(path).close()
    old = sqlite3.connect(path)
    old.execute("DROP INDEX pages_listing")
    old.commit()
    old.close()
    read_only = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    db._add_columns(read_only)  # as connect() does: no write, no error
    assert read_only.execute("SELECT count(*) FROM pages").fetchone()[0] == 0
    read_only.close()
