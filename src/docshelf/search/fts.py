"""Full-text search: FTS5 BM25 over sections and pages, fused into one ranked list of pages."""

from __future__ import annotations

import itertools
import json
import math
import sqlite3
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace

from docshelf.search import kinds
from docshelf.search.filters import EVERY_PAGE, PageFilter
from docshelf.search.query import fts_match, query_terms
from docshelf.store import catalog, db
from docshelf.store.catalog import VersionRef
from docshelf.store.fts_tables import page_table, section_table

SECTION_WEIGHTS = (6.0, 3.0, 3.0, 1.0)  # BM25 column weights: title, headings, path words, body
PAGE_WEIGHTS = (6.0, 2.0, 4.0, 3.0, 1.0)  # title, headings, path words, intro, body
SECTION_POOL = 200  # best sections considered before grouping to pages
PAGE_POOL = 100
FUSION_K = 20.0  # reciprocal rank fusion constant: small k trusts the top ranks more
NEAR_DISTANCE = 4  # tokens allowed between two consecutive query words
# Sections a version scores at most in a search past the routing budget (search/routing.py):
# BM25 costs per matching row, and a common word is in a good share of a version's sections.
SECTION_MATCHES = 600

Scored = list[tuple[int, float]]  # (row id, BM25 score: lower is better), best first


@dataclass(frozen=True)
class PageMatch:
    """A page found by full text: its ids, fused score and best section."""

    page_id: int
    version_id: int
    section_id: int | None
    score: float


@dataclass(frozen=True)
class PageRankings:
    """The full-text rankings of page ids that rank_pages fuses, for other fusions to reuse."""

    rankings: list[list[int]]  # best section's page, page BM25, query words near each other
    best_section: dict[int, int]  # page id -> its best section by BM25
    sections: list[int] = field(default_factory=list)  # section ids by BM25, best first
    # Page id -> BM25 score, negated (higher is better), of its best section and of the
    # page itself (of its card, by shelf-wide statistics, when several versions are
    # ranked): the scores hybrid fusion combines.
    section_scores: dict[int, float] = field(default_factory=dict)
    page_scores: dict[int, float] = field(default_factory=dict)


@dataclass(frozen=True)
class FusedPages:
    """Pages ranked by fusion, and the sections full text ranked them by (ids by BM25, best
    first): the evidence other choices of sections reuse (search/excerpts.py)."""

    pages: list[PageMatch]
    sections: list[int]


@dataclass(frozen=True)
class VersionLists:
    """One version's three BM25 lists, best first, each cut to its pool."""

    sections: Scored
    pages: Scored
    near: Scored  # pages where consecutive query words stand close together


def rank_pages(
    conn: sqlite3.Connection,
    query: str,
    versions: list[VersionRef],
    *,
    within: PageFilter = EVERY_PAGE,
    limit: int = 10,
    shelf_wide: Sequence[tuple[int, float]] = (),
    rare_words: bool = False,
    beside: db.Beside | None = None,
) -> FusedPages:
    """Pages ranked by reciprocal rank fusion of section-level and page-level BM25 (and
    `shelf_wide`, pages by shelf-wide statistics, when given; `rare_words` as in
    page_rankings; `beside` as in sections_beside)."""
    sections = (
        sections_beside(beside, conn, query, versions, within, rare_words=rare_words)
        if beside
        else None
    )
    found = page_rankings(
        conn,
        query,
        versions,
        within=within,
        shelf_wide=shelf_wide,
        rare_words=rare_words,
        sections=sections,
    )
    scores = reciprocal_rank_fusion(found.rankings)
    kinds.reweigh(conn, query, scores, limit)
    ranked = sorted(scores, key=lambda pid: (-scores[pid], pid))[:limit]
    version_of = page_versions(conn, ranked)
    pages = [
        PageMatch(pid, version_of[pid], found.best_section.get(pid), round(scores[pid] * 100, 4))
        for pid in ranked
    ]
    return FusedPages(pages, found.sections)


def page_rankings(
    conn: sqlite3.Connection,
    query: str,
    versions: list[VersionRef],
    *,
    within: PageFilter = EVERY_PAGE,
    shelf_wide: Sequence[tuple[int, float]] = (),
    rare_words: bool = False,
    sections: Future[list[Scored] | None] | None = None,
    proximity: bool = True,
) -> PageRankings:
    """Section BM25, page BM25 and word-proximity rankings of the pages matching `query`.

    Each version is ranked in its own tables, with its own statistics. With several
    versions, each list is merged across them by BM25 score and cut to its pool again;
    their scores come from different statistics, so a ranking by shelf-wide ones
    (`shelf_wide`, the page cards', with their BM25) joins them as a vote, in place of
    the versions' page BM25: fewer statements per version, and better all-library results
    on the judged sets of eight real libraries (benchmarks/all_libraries.py). With
    `rare_words` (versions routed from a shelf past the budget), each of several versions
    scores only its sections holding the query's rarer words (section_list). Without
    `proximity`, the word-proximity ranking is left empty (hybrid fusion does not use it).

    `sections`, from sections_beside, are the section lists (the costliest) being ranked
    on a second connection while this one ranks the pages.
    """
    terms = query_terms(query)
    if not terms or not versions:
        return PageRankings([], {})
    one = len(versions) == 1
    rare = rare_words and not one
    lists = [
        version_lists(
            conn,
            terms,
            v.id,
            within,
            page_bm25=one,
            section_bm25=sections is None,
            rare_words=rare,
            near=proximity,
        )
        for v in versions
    ]
    if sections is not None:
        # None: the other connection saw another index (a re-index between): rank here.
        ranked = sections.result() or [
            section_list(conn, terms, v.id, within, rare_words=rare) for v in versions
        ]
        lists = [replace(found, sections=s) for found, s in zip(lists, ranked, strict=True)]
    found = merge_lists(
        lists, [(_rarest(v.record.sections), _rarest(v.record.pages)) for v in versions]
    )
    page_of = _pages_of(conn, [row[0] for row in found.sections])
    best_section: dict[int, int] = {}
    section_scores: dict[int, float] = {}
    for sid, score in found.sections:
        if page_of[sid] not in best_section:
            best_section[page_of[sid]] = sid
            section_scores[page_of[sid]] = -score
    rankings = [list(best_section), [r[0] for r in found.pages], [r[0] for r in found.near]]
    if shelf_wide:
        rankings.append([page for page, _ in shelf_wide])
    return PageRankings(
        rankings,
        best_section,
        [row[0] for row in found.sections],
        section_scores,
        {page: -score for page, score in (shelf_wide or found.pages)},
    )


def version_lists(
    conn: sqlite3.Connection,
    terms: list[str],
    version_id: int,
    within: PageFilter = EVERY_PAGE,
    *,
    page_bm25: bool = True,
    section_bm25: bool = True,
    rare_words: bool = False,
    near: bool = True,
) -> VersionLists:
    """The three BM25 lists of one version (from its own FTS tables) for query words
    (the page list left empty when not `page_bm25`, the section list when not
    `section_bm25`, the proximity list when not `near`; `rare_words` as in
    section_list)."""
    section_rows = (
        section_list(conn, terms, version_id, within, rare_words=rare_words) if section_bm25 else []
    )
    pages = page_table(version_id)
    pages_under, params = within.subquery([version_id])
    pages_under = f"AND rowid IN ({pages_under})" if pages_under else ""
    cursor = _plain(conn)
    page_sql = (
        f"SELECT rowid, bm25({pages}, {_w(PAGE_WEIGHTS)}) AS r FROM {pages} "
        f"WHERE {pages} MATCH ? {pages_under} ORDER BY r LIMIT ?"
    )
    page_rows: Scored = []
    if page_bm25:
        page_rows = cursor.execute(page_sql, (fts_match(terms), *params, PAGE_POOL)).fetchall()
    near_rows: Scored = []
    if near and len(terms) > 1:
        # Sequential dependence: pages where consecutive query words stand close together.
        pairs = " OR ".join(
            f"NEAR({fts_match([a])} {fts_match([b])}, {NEAR_DISTANCE})"
            for a, b in itertools.pairwise(terms)
        )
        near_rows = cursor.execute(page_sql, (pairs, *params, PAGE_POOL)).fetchall()
    return VersionLists(section_rows, page_rows, near_rows)


def section_list(
    conn: sqlite3.Connection,
    terms: list[str],
    version_id: int,
    within: PageFilter = EVERY_PAGE,
    *,
    rare_words: bool = False,
) -> Scored:
    """One version's sections by BM25 for query words, best first, cut to the pool.

    With `rare_words`, only the sections holding one of the query's rarer words in this
    version are scored (rare_terms, at most SECTION_MATCHES sections), still by all of
    its words and this version's statistics: a section holding only common words rarely
    makes the pool, and scoring them is most of a ranking's time.
    """
    sections = section_table(version_id)
    pages_under, params = within.subquery([version_id])
    sections_under = (
        f"AND rowid IN (SELECT id FROM sections WHERE page_id IN ({pages_under}))"
        if pages_under
        else ""
    )
    cursor = _plain(conn)
    section_params = [fts_match(terms), *params]
    rare = rare_terms(cursor, sections, terms, SECTION_MATCHES) if rare_words else terms
    if rare and len(rare) < len(terms):
        # `+rowid`: a filter on the rows FTS5 finds (bm25() is computed only for those
        # kept), not a lookup per row id; the scores are the full query's.
        sections_under += f" AND +rowid IN (SELECT rowid FROM {sections} WHERE {sections} MATCH ?)"
        section_params.append(fts_match(rare))
    rows: Scored = cursor.execute(
        f"SELECT rowid, bm25({sections}, {_w(SECTION_WEIGHTS)}) AS r FROM {sections} "
        f"WHERE {sections} MATCH ? {sections_under} ORDER BY r LIMIT ?",
        (*section_params, SECTION_POOL),
    ).fetchall()
    return rows


def sections_beside(
    beside: db.Beside,
    conn: sqlite3.Connection,
    query: str,
    versions: list[VersionRef],
    within: PageFilter = EVERY_PAGE,
    *,
    rare_words: bool = False,
) -> Future[list[Scored] | None] | None:
    """Each version's section list for page_rankings, ranked by `beside` on a second
    connection (None when there is nothing to rank; `rare_words` as in page_rankings).
    The future gives None (rank them on `conn`) when that connection's snapshot may not
    be `conn`'s, a re-index committed between the two: both must see the same schema and
    the same version rows."""
    terms = query_terms(query)
    if not terms or not versions:
        return None
    schema = db.schema_cookie(conn)
    rare = rare_words and len(versions) > 1

    def rank(other: sqlite3.Connection) -> list[Scored] | None:
        with db.snapshot(other):
            if db.schema_cookie(other) != schema or not catalog.sees_versions(other, versions):
                return None
            return [section_list(other, terms, v.id, within, rare_words=rare) for v in versions]

    return beside(rank)


def merge_lists(
    lists: list[VersionLists], rarest: Sequence[tuple[float, float]] = ()
) -> VersionLists:
    """Several versions' lists as one, by BM25 score (ties by id), cut to the pools.

    A version's scores are first divided by `rarest`, the weight BM25 gives there to a
    word found in one row (of its sections, of its pages): BM25 weighs a rare word by
    the log of the row count, so without it a big library would outscore a small one on
    the same words by its size alone.
    """
    if len(lists) == 1:
        return lists[0]
    scales = rarest or [(1.0, 1.0)] * len(lists)

    def merged(part: str, scale: int, pool: int) -> Scored:
        rows = [
            (score / weights[scale], rowid)
            for found, weights in zip(lists, scales, strict=True)
            for rowid, score in getattr(found, part)
        ]
        rows.sort()  # by score, ties by id
        return [(rowid, score) for score, rowid in rows[:pool]]

    return VersionLists(
        merged("sections", 0, SECTION_POOL),
        merged("pages", 1, PAGE_POOL),
        merged("near", 1, PAGE_POOL),
    )


def _rarest(rows: int) -> float:
    """FTS5's BM25 weight (IDF) of a word found in one of `rows` rows, at least 1e-6."""
    return max(math.log((rows - 1 + 0.5) / (1 + 0.5)), 1e-6)


def reciprocal_rank_fusion(
    rankings: list[list[int]], k: float = 0.0, weights: list[float] | None = None
) -> dict[int, float]:
    """Sum of weight/(k + rank) over the rankings each item appears in (weights: 1 each)."""
    k = k or FUSION_K
    scores: dict[int, float] = {}
    for i, ranking in enumerate(rankings):
        weight = 1.0 if weights is None else weights[i]
        for rank, item in enumerate(ranking, 1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return scores


def section_snippets(
    conn: sqlite3.Connection,
    query: str,
    version_id: int,
    section_ids: Sequence[int],
    tokens: int = 28,
) -> dict[int, str]:
    """A short excerpt of each section around the query words (one statement for all:
    a hit list costs one FTS lookup, not one per hit); a section without the words
    starts its excerpt at its beginning."""
    if not section_ids:
        return {}
    terms = query_terms(query)
    marks = ",".join("?" * len(section_ids))
    out: dict[int, str] = {}
    if terms:
        table = section_table(version_id)
        rows = _plain(conn).execute(
            f"SELECT rowid, snippet({table}, 3, '', '', '…', {int(tokens)}) FROM {table} "
            f"WHERE {table} MATCH ? AND rowid IN ({marks})",
            (fts_match(terms), *section_ids),
        )
        out = {r[0]: " ".join(r[1].split()) for r in rows if r[1] and r[1].strip()}
    rest = [sid for sid in section_ids if sid not in out]
    if rest:
        rows = _plain(conn).execute(
            f"SELECT id, text FROM sections WHERE id IN ({','.join('?' * len(rest))})", rest
        )
        out.update((r[0], " ".join(r[1].split())[: tokens * 7]) for r in rows)
    return out


def section_headings(
    conn: sqlite3.Connection, section_ids: Sequence[int]
) -> dict[int, tuple[str, str]]:
    """(heading path joined by ' > ', anchor) of each section."""
    if not section_ids:
        return {}
    rows = _plain(conn).execute(
        "SELECT id, heading_path, anchor FROM sections "
        f"WHERE id IN ({','.join('?' * len(section_ids))})",
        list(section_ids),
    )
    return {r[0]: (" > ".join(json.loads(r[1])), r[2]) for r in rows}


def _plain(conn: sqlite3.Connection) -> sqlite3.Cursor:
    """A cursor yielding plain tuples: much cheaper than sqlite3.Row on hot paths."""
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor


def _pages_of(conn: sqlite3.Connection, section_ids: list[int]) -> dict[int, int]:
    """Page id of each section; one lookup after the sort is cheaper than a join before it."""
    if not section_ids:
        return {}
    marks = ",".join("?" * len(section_ids))
    rows = _plain(conn).execute(
        f"SELECT id, page_id FROM sections WHERE id IN ({marks})", section_ids
    )
    return {r[0]: r[1] for r in rows}


def page_versions(conn: sqlite3.Connection, page_ids: Iterable[int]) -> dict[int, int]:
    """Version id of each page."""
    page_ids = set(page_ids)
    if not page_ids:
        return {}
    marks = ",".join("?" * len(page_ids))
    rows = _plain(conn).execute(
        f"SELECT id, version_id FROM pages WHERE id IN ({marks})", tuple(page_ids)
    )
    return {r[0]: r[1] for r in rows}


def _w(weights: tuple[float, ...]) -> str:
    return ", ".join(f"{w:.2f}" for w in weights)


def rare_terms(cursor: sqlite3.Cursor, table: str, terms: list[str], most: int) -> list[str]:
    """The rarest of `terms` in FTS table `table`, as many as are in at most `most` rows
    together (always the rarest one in any row), in query order; words in no row are
    left out. Counting a word's rows reads its index entries; it scores nothing."""
    counts = {
        term: cursor.execute(
            f"SELECT count(*) FROM {table} WHERE {table} MATCH ?", (fts_match([term]),)
        ).fetchone()[0]
        for term in terms
    }
    kept: set[str] = set()
    total = 0
    for term in sorted((t for t in terms if counts[t]), key=lambda t: counts[t]):  # stable
        if kept and total + counts[term] > most:
            break
        kept.add(term)
        total += counts[term]
    return [term for term in terms if term in kept]
