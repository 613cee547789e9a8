"""The vector tables: their schema, what a page or a section is embedded and stored as,
and how much of a version has vectors. No numpy: asking costs only SQL.

Three tables, created on first use (older indexes open unchanged, no schema bump):
`embeddings` holds each distinct vector once, addressed by (model and length, hash of the
text embedded); `page_vectors` and `section_vectors` map a page or a section to its hash
and go away with it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from docshelf.search.embed import PAGE_TOKENS, SECTION_TOKENS, page_text, section_text, vector_key

SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    model TEXT NOT NULL,
    hash BLOB NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, hash)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS section_vectors (
    section_id INTEGER NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (section_id, model)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS section_vectors_hash ON section_vectors (model, hash);
CREATE TABLE IF NOT EXISTS page_vectors (
    page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (page_id, model)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS page_vectors_hash ON page_vectors (model, hash);
"""
TABLES = ("embeddings", "section_vectors", "page_vectors")
Unit = Literal["pages", "sections"]
# How pages are ranked by vectors: by their page vector; by their sections' (today's: the
# mean of the sections' centroid and the best section); or by the page vector and the best
# section. See VectorIndex.rank and benchmarks/pooled.py.
Route = Literal["page", "section", "page+section"]
ROUTES: tuple[Route, ...] = ("page", "section", "page+section")
_NEEDS: dict[Route, tuple[Unit, ...]] = {
    "page": ("pages",),
    "section": ("sections",),
    "page+section": ("pages", "sections"),
}


@dataclass(frozen=True)
class Coverage:
    """How many pages or sections of a version have a vector for a model."""

    done: int
    total: int

    @property
    def complete(self) -> bool:
        return self.done >= self.total


def ensure_schema(conn: sqlite3.Connection) -> None:
    if not has_tables(conn):
        conn.executescript(SCHEMA)


def has_tables(conn: sqlite3.Connection) -> bool:
    marks = ",".join("?" * len(TABLES))
    row = conn.execute(
        f"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ({marks})", TABLES
    ).fetchone()
    return bool(row[0] == len(TABLES))


def copy_embeddings(target: sqlite3.Connection, source: Path) -> int:
    """Copy the stored vectors of the index at `source` into `target` (a re-index's new
    database), so that its unchanged pages and sections reuse them by hash instead of
    being embedded again; returns how many were copied.

    Nothing is copied from an index SQLite cannot read (a damaged one being rebuilt) or
    one without vectors. The next build maps units to them and collects the rest.
    """
    if not source.exists():
        return 0
    try:
        target.execute("ATTACH DATABASE ? AS previous", (str(source),))
    except sqlite3.DatabaseError:
        return 0
    try:
        found = target.execute(
            "SELECT 1 FROM previous.sqlite_master WHERE type = 'table' AND name = 'embeddings'"
        ).fetchone()
        if found is None:
            return 0
        ensure_schema(target)
        target.execute("BEGIN IMMEDIATE")
        try:
            copied = target.execute(
                "INSERT OR IGNORE INTO main.embeddings (model, hash, vector) "
                "SELECT model, hash, vector FROM previous.embeddings"
            ).rowcount
            target.execute("COMMIT")
        except BaseException:
            target.execute("ROLLBACK")
            raise
        return int(copied)
    except sqlite3.DatabaseError:
        return 0
    finally:
        target.execute("DETACH DATABASE previous")


@dataclass(frozen=True)
class _Units:
    """How one kind of unit (pages or sections) is embedded and stored."""

    table: str  # its vector table
    key: str  # the table's id column
    tokens: int  # embedded length
    alias: str  # of the unit's own table in `rows` and `total`
    rows: str  # SELECT id, <text parts> FROM ..., to which a WHERE clause is added
    total: str  # counts a version's units

    def text(self, row: tuple[object, ...]) -> str:
        if self.table == "page_vectors":
            return page_text(str(row[1]), str(row[2]))
        return section_text(str(row[1]), json.loads(str(row[2])), str(row[3]))


_UNITS = {
    "sections": _Units(
        "section_vectors",
        "section_id",
        SECTION_TOKENS,
        "s",
        "SELECT s.id, p.title, s.heading_path, s.text FROM sections s "
        "JOIN pages p ON p.id = s.page_id",
        "SELECT count(*) FROM sections s JOIN pages p ON p.id = s.page_id WHERE p.version_id = ?",
    ),
    "pages": _Units(
        "page_vectors",
        "page_id",
        PAGE_TOKENS,
        "p",
        "SELECT p.id, p.title, p.content FROM pages p",
        "SELECT count(*) FROM pages p WHERE p.version_id = ?",
    ),
}


def unit_key(model: str, unit: Unit) -> str:
    """What a unit's vectors are stored under: the model and the length embedded."""
    return vector_key(model, _UNITS[unit].tokens)


def coverage(
    conn: sqlite3.Connection, version_id: int, model: str, unit: Unit = "sections"
) -> Coverage:
    units = _UNITS[unit]
    total = conn.execute(units.total, (version_id,)).fetchone()[0]
    if not has_tables(conn):
        return Coverage(0, total)
    done = conn.execute(
        f"{units.total} AND EXISTS (SELECT 1 FROM {units.table} v "
        f"WHERE v.{units.key} = {units.alias}.id AND v.model = ?)",
        (version_id, unit_key(model, unit)),
    ).fetchone()[0]
    return Coverage(done, total)


def complete(conn: sqlite3.Connection, version_id: int, model: str, route: Route) -> bool:
    """Whether every page or section `route` ranks by has a vector for `model`."""
    return has_tables(conn) and all(
        coverage(conn, version_id, model, unit).complete for unit in _NEEDS[route]
    )
