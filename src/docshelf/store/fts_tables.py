"""The full-text tables: one FTS5 pair per library version, and the shelf-wide page cards.

Each version gets `sections_fts_<id>` and `pages_fts_<id>`, created in the transaction that
writes the version and dropped with it. Their BM25 statistics (row count, average length,
document frequencies) are the version's own, so a search in one version ranks exactly as
if that version were alone on the shelf, and costs the same however many others there
are. They are external-content tables: the text they index is read back through the
views `sections_doc` and `pages_doc` (for snippets) instead of being stored twice, and
dropping a version's tables needs none of its old values.

`cards` is the one shelf-wide table: a short card per page (title, heading words, path
words, the lead's first sentence). An all-library
search queries it (search/routing.py) to pick which versions it ranks in full, and to
compare pages of different libraries by statistics they share. Its rows carry their
version in an UNINDEXED column, which no query can match.
"""

from __future__ import annotations

import re
import sqlite3

TOKENIZE = "porter unicode61 remove_diacritics 2"
CARDS_TABLE = "cards"
CARD_LEAD_WORDS = 30  # at most this many words of a page's lead go on its card

# The text each FTS column indexes, stored once on the rows it describes.
FTS_SCHEMA = f"""
CREATE VIEW IF NOT EXISTS sections_doc AS
    SELECT s.id AS id, p.fts_title AS title, s.fts_headings AS headings, p.fts_path AS path,
        s.text AS body
    FROM sections s JOIN pages p ON p.id = s.page_id;
CREATE VIEW IF NOT EXISTS pages_doc AS
    SELECT id, fts_title AS title, fts_headings AS headings, fts_path AS path,
        fts_intro AS intro, content AS body
    FROM pages;
CREATE VIRTUAL TABLE IF NOT EXISTS {CARDS_TABLE} USING fts5 (
    title, headings, path, lead, version_id UNINDEXED,
    tokenize = '{TOKENIZE}'
);
"""

_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
_PATH_WORDS = re.compile(r"[/_.\-]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_IDENT = re.compile(r"\b\w*[a-z][A-Z]\w*\b")


def path_words(path: str) -> str:
    """`reference/ai-sdk/getAgentById` -> `reference ai sdk getAgentById get Agent By Id`."""
    return with_split_identifiers(_PATH_WORDS.sub(" ", path).strip())


def with_split_identifiers(text: str) -> str:
    """Append the parts of camelCase identifiers, so `getAgentById` also matches `agent`."""
    parts = [_CAMEL.sub(" ", ident) for ident in dict.fromkeys(_IDENT.findall(text))]
    return " ".join([text, *parts]) if parts else text


def section_table(version_id: int) -> str:
    """The name of a version's section FTS table (an id from our versions table: an int)."""
    return f"sections_fts_{int(version_id)}"


def page_table(version_id: int) -> str:
    """The name of a version's page FTS table."""
    return f"pages_fts_{int(version_id)}"


def card_lead(intro: str) -> str:
    """The first sentence of a page's lead, at most CARD_LEAD_WORDS words."""
    first = _SENTENCE_END.split(intro.strip(), maxsplit=1)[0]
    return " ".join(first.split()[:CARD_LEAD_WORDS])


def create_version_tables(conn: sqlite3.Connection, version_id: int) -> None:
    """Create and fill a version's FTS tables from its rows; the caller owns the transaction.

    The version's pages and sections (with their fts_* columns) must already be written.
    """
    sections, pages = section_table(version_id), page_table(version_id)
    conn.execute(
        f"CREATE VIRTUAL TABLE {sections} USING fts5 (title, headings, path, body, "
        f"tokenize = '{TOKENIZE}', content = 'sections_doc', content_rowid = 'id')"
    )
    conn.execute(
        f"CREATE VIRTUAL TABLE {pages} USING fts5 (title, headings, path, intro, body, "
        f"tokenize = '{TOKENIZE}', content = 'pages_doc', content_rowid = 'id')"
    )
    conn.execute(
        f"INSERT INTO {sections} (rowid, title, headings, path, body) "
        "SELECT s.id, p.fts_title, s.fts_headings, p.fts_path, s.text "
        "FROM sections s JOIN pages p ON p.id = s.page_id WHERE p.version_id = ? ORDER BY s.id",
        (version_id,),
    )
    conn.execute(
        f"INSERT INTO {pages} (rowid, title, headings, path, intro, body) "
        "SELECT id, fts_title, fts_headings, fts_path, fts_intro, content "
        "FROM pages WHERE version_id = ? ORDER BY id",
        (version_id,),
    )
    # One segment per table: a version is written once and then only read.
    conn.execute(f"INSERT INTO {sections} ({sections}) VALUES ('optimize')")
    conn.execute(f"INSERT INTO {pages} ({pages}) VALUES ('optimize')")


def add_cards(conn: sqlite3.Connection, version_id: int) -> None:
    """Put a card for every page of a version in the shelf-wide `cards` table."""
    rows = conn.execute(
        "SELECT id, fts_title, fts_headings, fts_path, fts_intro FROM pages WHERE version_id = ?",
        (version_id,),
    ).fetchall()
    conn.executemany(
        f"INSERT INTO {CARDS_TABLE} (rowid, title, headings, path, lead, version_id) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(r[0], r[1], r[2], r[3], card_lead(r[4]), version_id) for r in rows],
    )


def drop_version_tables(conn: sqlite3.Connection, version_id: int) -> None:
    """Drop a version's FTS tables and its cards; the caller owns the transaction."""
    conn.execute(f"DROP TABLE IF EXISTS {section_table(version_id)}")
    conn.execute(f"DROP TABLE IF EXISTS {page_table(version_id)}")
    conn.execute(
        f"DELETE FROM {CARDS_TABLE} WHERE rowid IN (SELECT id FROM pages WHERE version_id = ?)",
        (version_id,),
    )
