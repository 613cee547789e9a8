"""The stored markdown of a library version's pages, for comparing versions."""

from __future__ import annotations

import sqlite3

_VERSION_PAGES = (
    "SELECT p.path, p.content FROM pages p JOIN versions v ON v.id = p.version_id "
    "WHERE v.library = ? AND v.version = ?"
)


def page_contents(conn: sqlite3.Connection, library: str, version: str) -> dict[str, str]:
    """`{path: markdown body}` of every page of `library@version`, read in one statement."""
    return {row[0]: row[1] for row in conn.execute(_VERSION_PAGES, (library, version))}


def page_content(conn: sqlite3.Connection, library: str, version: str, path: str) -> str | None:
    """The markdown body of one page, or None when that version has no such page."""
    row = conn.execute(_VERSION_PAGES + " AND p.path = ?", (library, version, path)).fetchone()
    return None if row is None else str(row[1])
