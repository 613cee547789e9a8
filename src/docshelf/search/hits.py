"""Search results as hits: each ranked page with its title, best section and a snippet."""

from __future__ import annotations

import sqlite3

from docshelf.constants import SearchMode
from docshelf.models import Hit, SearchResult
from docshelf.search import hybrid
from docshelf.search.filters import EVERY_PAGE, PageFilter
from docshelf.search.fts import section_headings, section_snippets
from docshelf.search.semantic import SemanticSearch
from docshelf.store.catalog import VersionRef
from docshelf.store.db import Beside


def search_hits(
    conn: sqlite3.Connection,
    semantic: SemanticSearch,
    query: str,
    versions: list[VersionRef],
    *,
    within: PageFilter = EVERY_PAGE,
    limit: int = 10,
    mode: SearchMode = "auto",
    beside: Beside | None = None,
) -> SearchResult:
    """Pages ranked for `query` in `versions` by `mode`, best first, as hits, with the
    mode that ranked them.

    Run it inside one read transaction: the ranking and the page lookups must see the
    same index, or a re-index committed between them would mix two versions' ids.
    """
    by_id = {v.id: v.record for v in versions}
    ranking = hybrid.rank(
        conn, semantic, query, versions, within=within, limit=limit, mode=mode, beside=beside
    )
    # One statement per kind of lookup for the whole hit list, not one per hit.
    matches = ranking.pages
    marks = ",".join("?" * len(matches))
    pages = {
        r[0]: (r[1], r[2], r[3])
        for r in conn.execute(
            f"SELECT id, path, title, kind FROM pages WHERE id IN ({marks})",
            [m.page_id for m in matches],
        )
    }
    by_version: dict[int, list[int]] = {}
    for m in matches:
        if m.section_id is not None:
            by_version.setdefault(m.version_id, []).append(m.section_id)
    headings = section_headings(conn, [sid for ids in by_version.values() for sid in ids])
    snippets: dict[int, str] = {}
    for version_id, section_ids in by_version.items():
        snippets.update(section_snippets(conn, query, version_id, section_ids))
    hits = []
    for match in matches:
        page = pages.get(match.page_id)
        if page is None:  # vectors cached in memory for a page just re-indexed away
            continue
        sid = match.section_id
        heading, anchor = headings.get(sid, ("", "")) if sid is not None else ("", "")
        snippet = snippets.get(sid, "") if sid is not None else ""
        record = by_id[match.version_id]
        path, title, kind = page
        hits.append(
            Hit(
                record.name,
                record.version,
                path,
                title,
                heading,
                anchor,
                match.score,
                snippet,
                kind or "guide",
            )
        )
    return SearchResult(query, tuple(hits), ranking.mode, ranking.note)
