"""An index written by docshelf's schema 1 is upgraded in place on first open."""

import json
import sqlite3
from pathlib import Path

import pytest

from corpus import CORPUS
from docshelf.parsing.markdown import page_summary, parse_page
from docshelf.shelf import Shelf
from docshelf.store import db
from docshelf.store.indexing import path_words, with_split_identifiers

SCHEMA_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE versions (id INTEGER PRIMARY KEY, library TEXT NOT NULL, version TEXT NOT NULL,
    source TEXT NOT NULL, indexed_at TEXT NOT NULL, pages INTEGER NOT NULL DEFAULT 0,
    sections INTEGER NOT NULL DEFAULT 0, UNIQUE (library, version));
CREATE TABLE pages (id INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    path TEXT NOT NULL, title TEXT NOT NULL, metadata TEXT NOT NULL DEFAULT '{}',
    content TEXT NOT NULL, UNIQUE (version_id, path));
CREATE TABLE sections (id INTEGER PRIMARY KEY,
    page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE, position INTEGER NOT NULL,
    heading TEXT NOT NULL, heading_path TEXT NOT NULL, level INTEGER NOT NULL,
    anchor TEXT NOT NULL, text TEXT NOT NULL, start_line INTEGER NOT NULL);
CREATE INDEX sections_page ON sections (page_id, position);
CREATE VIRTUAL TABLE sections_fts USING fts5 (title, headings, path, body, vid,
    tokenize = 'porter unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE pages_fts USING fts5 (title, headings, path, intro, body, vid,
    tokenize = 'porter unicode61 remove_diacritics 2');
INSERT INTO meta VALUES ('schema_version', '1');
"""


def write_v1_index(path: Path, libraries: dict[str, dict[str, str]]) -> None:
    """An index as schema 1 wrote it: one FTS pair for all, rows tagged `v<id>`."""
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA_V1)
    for library, files in libraries.items():
        vid = conn.execute(
            "INSERT INTO versions (library, version, source, indexed_at, pages, sections) "
            "VALUES (?, 'local', 'src', '2026-01-01T00:00:00+00:00', 0, 0)",
            (library,),
        ).lastrowid
        for rel, text in files.items():
            page = parse_page(rel.removesuffix(".md"), text)
            pid = conn.execute(
                "INSERT INTO pages (version_id, path, title, metadata, content) "
                "VALUES (?, ?, ?, ?, ?)",
                (vid, page.path, page.title, json.dumps(page.metadata), page.content),
            ).lastrowid
            title = with_split_identifiers(page.title)
            for position, s in enumerate(page.sections):
                sid = conn.execute(
                    "INSERT INTO sections (page_id, position, heading, heading_path, level, "
                    "anchor, text, start_line) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        pid,
                        position,
                        s.heading,
                        json.dumps(s.heading_path),
                        s.level,
                        s.anchor,
                        s.text,
                        s.start_line,
                    ),
                ).lastrowid
                conn.execute(
                    "INSERT INTO sections_fts (rowid, title, headings, path, body, vid) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        sid,
                        title,
                        with_split_identifiers(" ".join(s.heading_path)),
                        path_words(page.path),
                        s.text,
                        f"v{vid}",
                    ),
                )
            conn.execute(
                "INSERT INTO pages_fts (rowid, title, headings, path, intro, body, vid) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    pid,
                    title,
                    with_split_identifiers(" ".join(s.heading for s in page.sections)),
                    path_words(page.path),
                    page_summary(page),
                    page.content,
                    f"v{vid}",
                ),
            )
        conn.execute(
            "UPDATE versions SET pages = (SELECT count(*) FROM pages WHERE version_id = ?), "
            "sections = (SELECT count(*) FROM sections s JOIN pages p ON p.id = s.page_id "
            "WHERE p.version_id = ?) WHERE id = ?",
            (vid, vid, vid),
        )
    conn.commit()
    conn.close()


QUERIES = ["give each tenant its own sandbox", "agent memory", "get agent by id", "v1"]
OTHER = {"a.md": "# Alpha\n\nAgents and memory, sandbox for tenants.\n"}


def results(shelf: Shelf) -> list[list[tuple[str, str, float, str, str]]]:
    return [
        [(h.library, h.path, h.score, h.heading, h.snippet) for h in shelf.search(q)]
        for q in QUERIES
    ]


def test_a_schema_1_index_is_upgraded_in_place_and_searches_as_a_fresh_one(tmp_path, corpus):
    old_home = tmp_path / "old"
    old_home.mkdir()
    write_v1_index(old_home / "docshelf.db", {"demo": CORPUS, "other": OTHER})
    other = tmp_path / "other-src"
    other.mkdir()
    (other / "a.md").write_text(OTHER["a.md"])
    with Shelf(tmp_path / "fresh") as fresh:
        fresh.add_library(str(corpus), name="demo")
        fresh.add_library(str(other), name="other")
        expected = results(fresh)
    with Shelf(old_home) as upgraded:
        assert [v.ref for lib in upgraded.list_libraries() for v in lib.versions] == [
            "demo@local",
            "other@local",
        ]
        assert results(upgraded) == expected
        assert upgraded.search("v1") == []
        version = upgraded.conn.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).fetchone()[0]
        assert version == str(db.SCHEMA_VERSION)
        # Adding after the upgrade takes a new version id, never an old one's tables.
        upgraded.add_library(str(corpus), name="third")
        assert upgraded.search("tenant sandbox", library="third")


def test_an_interrupted_upgrade_leaves_the_schema_1_index_as_it_was(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    write_v1_index(home / "docshelf.db", {"demo": CORPUS})

    def crash(conn, version_id):
        raise KeyboardInterrupt

    monkeypatch.setattr("docshelf.store.migrate.create_version_tables", crash)
    with pytest.raises(KeyboardInterrupt):
        db.connect(home / "docshelf.db")
    conn = sqlite3.connect(home / "docshelf.db")
    assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("1",)
    assert conn.execute("SELECT count(*) FROM pages_fts").fetchone()[0] == len(CORPUS)
    conn.close()
