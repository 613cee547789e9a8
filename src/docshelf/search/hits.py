"""Search results as hits: each ranked page with its title, best section and a snippet."""

from __future__ import annotations

import sqlite3

from docshelf.constants import SearchMode
from docshelf.models import Hit, SearchResult
from docshelf.search import hybrid
from docshelf.search.filters import EVERY_PAGE, PageFilter
from docshelf.search.fts import section_heading, section_snippet
from docshelf.search.semantic import SemanticSearch
from docshelf.store.catalog import VersionRef

_PAGE = "SELECT path, title, kind FROM pages WHERE id = ?"


def search_hits(
    conn: sqlite3.Connection,
    semantic: SemanticSearch,
    query: str,
    versions: list[VersionRef],
    *,
    within: PageFilter = EVERY_PAGE,
    limit: int = 10,
    mode: SearchMode = "auto",
) -> SearchResult:
    """Pages ranked for `query` in `versions` by `mode`, best first, as hits, with the
    mode that ranked them.

    Run it inside one read transaction: the ranking and the page lookups must see the
    same index, or a re-index committed between them would mix two versions' ids.
    """
    by_id = {v.id: v.record for v in versions}
    ranking = hybrid.rank(conn, semantic, query, versions, within=within, limit=limit, mode=mode)
    hits = []
    for match in ranking.pages:
        row = conn.execute(_PAGE, (match.page_id,)).fetchone()
        if row is None:  # vectors cached in memory for a page just re-indexed away
            continue
        heading, anchor, snippet = "", "", ""
        if match.section_id is not None:
            heading, anchor = section_heading(conn, match.section_id)
            snippet = section_snippet(conn, query, match.version_id, match.section_id)
        record = by_id[match.version_id]
        hits.append(
            Hit(
                record.name,
                record.version,
                row[0],
                row[1],
                heading,
                anchor,
                match.score,
                snippet,
                row[2] or "guide",
            )
        )
    return SearchResult(query, tuple(hits), ranking.mode, ranking.note)
