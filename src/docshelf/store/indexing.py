"""Write one library version into the index in a single transaction: all of it or none."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from docshelf.errors import DiskFullError
from docshelf.models import LibraryVersion, Page
from docshelf.parsing.markdown import page_summary

_PATH_WORDS = re.compile(r"[/_.\-]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_IDENT = re.compile(r"\b\w*[a-z][A-Z]\w*\b")


def path_words(path: str) -> str:
    """`reference/ai-sdk/getAgentById` -> `reference ai sdk getAgentById get Agent By Id`."""
    return with_split_identifiers(_PATH_WORDS.sub(" ", path).strip())


def version_token(version_id: int | None) -> str:
    """The token that tags every FTS row with its version, so MATCH itself filters by it."""
    return f"v{version_id}"


def with_split_identifiers(text: str) -> str:
    """Append the parts of camelCase identifiers, so `getAgentById` also matches `agent`."""
    parts = [_CAMEL.sub(" ", ident) for ident in dict.fromkeys(_IDENT.findall(text))]
    return " ".join([text, *parts]) if parts else text


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
        version_id = conn.execute(
            "INSERT INTO versions (library, version, source, indexed_at, origin) "
            "VALUES (?, ?, ?, ?, ?)",
            (library, version, source, indexed_at, origin),
        ).lastrowid
        for page in pages:
            section_count += _insert_page(conn, version_id, page)
            page_count += 1
            if on_page is not None:
                on_page(page)
        conn.execute(
            "UPDATE versions SET pages = ?, sections = ? WHERE id = ?",
            (page_count, section_count, version_id),
        )
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:  # SQLite may have rolled back already (e.g. disk full)
            conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.OperationalError) and "full" in str(exc):
            raise DiskFullError(f"{library}@{version}", str(exc)) from exc
        raise
    return LibraryVersion(library, version, source, page_count, section_count, indexed_at, origin)


def _insert_page(conn: sqlite3.Connection, version_id: int | None, page: Page) -> int:
    page_id = conn.execute(
        "INSERT INTO pages (version_id, path, title, metadata, content, file, sort_key) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            version_id,
            page.path,
            page.title,
            json.dumps(page.metadata),
            page.content,
            page.file,
            page.order,
        ),
    ).lastrowid
    words = path_words(page.path)
    title = with_split_identifiers(page.title)
    all_headings = []
    for position, section in enumerate(page.sections):
        section_id = conn.execute(
            "INSERT INTO sections (page_id, position, heading, heading_path, level, anchor, "
            "text, start_line) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                page_id,
                position,
                section.heading,
                json.dumps(section.heading_path),
                section.level,
                section.anchor,
                section.text,
                section.start_line,
            ),
        ).lastrowid
        headings = with_split_identifiers(" ".join(section.heading_path))
        all_headings.append(section.heading)
        conn.execute(
            "INSERT INTO sections_fts (rowid, title, headings, path, body, vid) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (section_id, title, headings, words, section.text, version_token(version_id)),
        )
    headings_text = with_split_identifiers(" ".join(all_headings))
    conn.execute(
        "INSERT INTO pages_fts (rowid, title, headings, path, intro, body, vid) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            page_id,
            title,
            headings_text,
            words,
            page_summary(page),
            page.content,
            version_token(version_id),
        ),
    )
    return len(page.sections)


def delete_versions(conn: sqlite3.Connection, versions: Iterable[tuple[str, str]]) -> None:
    """Remove (library, version) pairs and their FTS rows, all in one transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for library, version in versions:
            delete_version(conn, library, version)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def delete_version(conn: sqlite3.Connection, library: str, version: str) -> bool:
    """Remove one version and its FTS rows; the caller owns the transaction."""
    row = conn.execute(
        "SELECT id FROM versions WHERE library = ? AND version = ?", (library, version)
    ).fetchone()
    if row is None:
        return False
    version_id = row[0]
    conn.execute(
        "DELETE FROM sections_fts WHERE rowid IN (SELECT s.id FROM sections s "
        "JOIN pages p ON p.id = s.page_id WHERE p.version_id = ?)",
        (version_id,),
    )
    conn.execute(
        "DELETE FROM pages_fts WHERE rowid IN (SELECT id FROM pages WHERE version_id = ?)",
        (version_id,),
    )
    conn.execute("DELETE FROM versions WHERE id = ?", (version_id,))
    return True
