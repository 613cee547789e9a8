"""The stored pages of a library version: listed, looked up by path, read whole.

What the features above the shelf (reading, guides, version diffs) need from the index,
as records: they never see a row.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from docshelf.models import Section

_CHUNK = 500  # paths per IN (...) list, well under SQLite's variable limit
_VERSION_PAGES = (
    "SELECT p.path, p.content FROM pages p JOIN versions v ON v.id = p.version_id "
    "WHERE v.library = ? AND v.version = ?"
)


@dataclass(frozen=True)
class PageEntry:
    """A page as listed in a directory: its path, title, and place in listings."""

    path: str
    title: str
    order: str = ""  # the path as its files order it (`01-app/x` for `app/x`); "" = path


@dataclass(frozen=True)
class StoredPage:
    """A page as indexed: its title, markdown body and sections in order."""

    title: str
    content: str
    sections: list[Section]
    file: str = ""  # the file it was read from, relative to the source's root


def list_pages(conn: sqlite3.Connection, version_id: int) -> list[PageEntry]:
    """Every page of one version, in its files' order (by path where that is the same)."""
    rows = conn.execute(
        "SELECT path, title, sort_key FROM pages WHERE version_id = ? ORDER BY path",
        (version_id,),
    )
    entries = [PageEntry(r[0], r[1], r[2]) for r in rows]
    return sorted(entries, key=lambda e: e.order or e.path)


def page_files(conn: sqlite3.Connection, version_id: int) -> dict[str, str]:
    """`{page path: file it was read from}` for every page of one version ("" if unknown)."""
    rows = conn.execute("SELECT path, file FROM pages WHERE version_id = ?", (version_id,))
    return {r[0]: r[1] for r in rows}


def find_page(conn: sqlite3.Connection, version_id: int, path: str) -> StoredPage | None:
    """The page at `path` of one version, or None when there is none."""
    row = conn.execute(
        "SELECT id, title, content, file FROM pages WHERE version_id = ? AND path = ?",
        (version_id, path),
    ).fetchone()
    if row is None:
        return None
    sections = [
        Section(r[0], tuple(json.loads(r[1])), r[2], r[3], r[4], r[5])
        for r in conn.execute(
            "SELECT heading, heading_path, level, anchor, text, start_line FROM sections "
            "WHERE page_id = ? ORDER BY position",
            (row["id"],),
        )
    ]
    return StoredPage(row["title"], row["content"], sections, row["file"])


def has_subpages(conn: sqlite3.Connection, version_id: int, path: str) -> bool:
    """Whether any page of one version lies under the folder `path`."""
    prefix = f"{path}/"
    row = conn.execute(
        "SELECT 1 FROM pages WHERE version_id = ? AND substr(path, 1, ?) = ? LIMIT 1",
        (version_id, len(prefix), prefix),
    ).fetchone()
    return row is not None


def page_sections(
    conn: sqlite3.Connection, library: str, version: str, paths: Iterable[str]
) -> dict[str, list[Section]]:
    """The sections of some pages of `library@version`, in page order, by page path."""
    wanted = sorted(set(paths))
    out: dict[str, list[Section]] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT p.path, s.heading, s.heading_path, s.level, s.anchor, s.text, s.start_line "
            "FROM sections s JOIN pages p ON p.id = s.page_id JOIN versions v "
            "ON v.id = p.version_id WHERE v.library = ? AND v.version = ? "
            f"AND p.path IN ({marks}) ORDER BY s.page_id, s.position",
            (library, version, *chunk),
        )
        for r in rows:
            section = Section(r[1], tuple(json.loads(r[2])), r[3], r[4], r[5], r[6])
            out.setdefault(r[0], []).append(section)
    return out


def page_paths(conn: sqlite3.Connection, version_id: int, prefix: str, limit: int) -> list[str]:
    """Page paths of one version that start with `prefix`, sorted, at most `limit` of them."""
    rows = conn.execute(
        "SELECT path FROM pages WHERE version_id = ? AND substr(path, 1, ?) = ? "
        "ORDER BY path LIMIT ?",
        (version_id, len(prefix), prefix, limit),
    )
    return [r[0] for r in rows]


def page_contents(conn: sqlite3.Connection, library: str, version: str) -> dict[str, str]:
    """`{path: markdown body}` of every page of `library@version`, read in one statement."""
    return {row[0]: row[1] for row in conn.execute(_VERSION_PAGES, (library, version))}


def page_content(conn: sqlite3.Connection, library: str, version: str, path: str) -> str | None:
    """The markdown body of one page, or None when that version has no such page."""
    row = conn.execute(_VERSION_PAGES + " AND p.path = ?", (library, version, path)).fetchone()
    return None if row is None else str(row[1])
