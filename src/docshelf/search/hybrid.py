"""Hybrid ranking: full-text and vector scores of pages, normalised and combined.

Each page's evidence is three scores: the BM25 of its best section, the BM25 of the page
(of its card, with several versions), and the vector ranking's cosine. Each is min-max
normalised over the pages its ranking found (a page it did not find counts 0), and the
three are added with fixed weights. This convex combination ranks better than reciprocal
rank fusion of the same rankings (with section vectors, on every judged set), as Bruch et
al. found ("An Analysis of Fusion Functions for Hybrid Retrieval", 2023): a score says
how far ahead a page is, a rank does not. A page both find rises, a page only the vectors
find (the agent's words are not the docs' words) still gets in. Full text's
word-proximity ranking is left out: it rescores the page BM25's own pages, and counting
that evidence twice lowered the pooled judged sets' MRR@10 (benchmarks/README.md).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from docshelf.constants import SEARCH_MODES, SearchMode
from docshelf.errors import UsageError
from docshelf.search import kinds, routing
from docshelf.search.filters import EVERY_PAGE, PageFilter
from docshelf.search.fts import (
    FusedPages,
    PageMatch,
    page_rankings,
    page_versions,
    rank_pages,
    sections_beside,
)
from docshelf.search.query import query_terms
from docshelf.store.catalog import VersionRef
from docshelf.store.db import Beside
from docshelf.wording import Call, Param

if TYPE_CHECKING:
    import numpy as np

    from docshelf.search.semantic import SemanticSearch
    from docshelf.search.vectors import SectionVector, VectorIndex

SEMANTIC_POOL = 200  # pages the vector ranking contributes, as full text's page pool
# The vector score's share of a page's fused score; the section and page BM25 share the
# rest equally. Chosen on benchmarks/pooled.py's seven judged sets by leaving one set out,
# not on the dev set alone: with section vectors, each set's best share on the other six
# was 0.55, every time (0.5-0.6 all within 0.006 MRR@10 of it). Page vectors alone (the
# first build, or section vectors turned off) say less: 0.3 or 0.4 by set; 0.4, the one
# that lowers no set's MRR@10 by more than 0.01 against reciprocal rank fusion.
VECTOR_WEIGHT = 0.55
PAGE_VECTOR_WEIGHT = 0.4


@dataclass(frozen=True)
class Ranking:
    """Ranked pages, and the mode that ranked them."""

    pages: list[PageMatch]
    mode: SearchMode  # fulltext, semantic or hybrid: what actually ranked the pages
    note: str = ""  # why an automatic search used full text only, and what to do about it
    # the section ids full text ranked the pages by (BM25, best first; none by vectors alone)
    sections: list[int] = field(default_factory=list)


def rank(
    conn: sqlite3.Connection,
    semantic: SemanticSearch,
    query: str,
    versions: list[VersionRef],
    *,
    within: PageFilter = EVERY_PAGE,
    limit: int = 10,
    mode: str = "auto",
    beside: Beside | None = None,
) -> Ranking:
    """Pages for `query` by `mode`: fulltext, semantic, hybrid, or auto (hybrid when ready).

    auto never waits: while the model loads or vectors are being built, it is full text,
    and the ranking's note says so. Over many versions, the ones ranked in full are routed
    first (search/routing.py). With `beside`, full text ranks sections on a second
    connection meanwhile (fts.page_rankings).
    """
    if mode not in SEARCH_MODES:
        raise UsageError(f"Unknown search mode {mode!r}; use auto, fulltext, semantic or hybrid.")
    if mode == "fulltext" or (mode == "auto" and not semantic.available):
        fused = _rank_text(conn, query, versions, within, limit, beside)
        note = semantic.fallback_note(conn, versions) if mode == "auto" else ""
        return Ranking(fused.pages, "fulltext", note, fused.sections)
    if not query_terms(query) or not versions:
        return Ranking([], "semantic" if mode == "semantic" else "hybrid")
    if mode == "auto":
        # Vectors first: loading the model is worth it only when they are complete.
        model = semantic.model_id
        indexes = semantic.indexes(conn, versions, model) if model else None
        queries = (
            semantic.embedder(wait=not semantic.load_in_background) if indexes is not None else None
        )
        if indexes is None or queries is None:
            fused = _rank_text(conn, query, versions, within, limit, beside)
            note = semantic.fallback_note(conn, versions)
            return Ranking(fused.pages, "fulltext", note, fused.sections)
    else:
        queries = semantic.require()
        indexes = semantic.indexes(conn, versions, queries.embedder.model_id)
        if indexes is None:
            raise UsageError(
                f"The vectors of {', '.join(v.record.ref for v in versions)} are not built "
                "yet. Build them with ",
                Call("embed"),
                " (or wait for `docshelf serve` to build them), or search with ",
                Param("mode", "fulltext"),
                ".",
            )
    if mode == "semantic":  # the vectors alone choose; the words would bias them
        vector = queries.vector(query)
        versions = routing.route(conn, "", versions, cards=[], indexes=indexes, vector=vector)
        kept = {v.id for v in versions}
        indexes = [i for i in indexes if i.version_id in kept]
        pages = rank_semantic(conn, indexes, vector, within=within, limit=limit)
        return Ranking(pages, "semantic")
    # The query is embedded in a worker thread while full text ranks here.
    pending = queries.vector_soon(query)
    cards = _cards(conn, query, versions, within)
    routed = routing.needs_routing(versions)
    if routed:
        vector = pending.result()
        versions = routing.route(conn, query, versions, cards=cards, indexes=indexes, vector=vector)
    kept = {v.id for v in versions}
    indexes = [i for i in indexes if i.version_id in kept]
    fused = rank_hybrid(
        conn,
        query,
        versions,
        indexes,
        pending,
        within=within,
        limit=limit,
        shelf_wide=[(page, score) for page, version, score in cards if version in kept],
        rare_words=routed,
        beside=beside,
    )
    return Ranking(fused.pages, "hybrid", sections=fused.sections)


def _rank_text(
    conn: sqlite3.Connection,
    query: str,
    versions: list[VersionRef],
    within: PageFilter,
    limit: int,
    beside: Beside | None = None,
) -> FusedPages:
    cards = _cards(conn, query, versions, within)
    routed = routing.needs_routing(versions)
    versions = routing.route(conn, query, versions, cards=cards)
    kept = {v.id for v in versions}
    return rank_pages(
        conn,
        query,
        versions,
        within=within,
        limit=limit,
        shelf_wide=[(page, score) for page, version, score in cards if version in kept],
        rare_words=routed,
        beside=beside,
    )


def _cards(
    conn: sqlite3.Connection, query: str, versions: list[VersionRef], within: PageFilter
) -> list[tuple[int, int, float]]:
    """The page cards that best match `query` across several versions (none for one: its
    own statistics already rank it as if it were alone)."""
    if len(versions) < 2:
        return []
    wanted = {v.id for v in versions}
    cards = routing.rank_cards(conn, query, wanted, rare_words=routing.needs_routing(versions))
    allowed = _kept_pages(conn, [v.id for v in versions], within)
    return cards if allowed is None else [c for c in cards if c[0] in allowed]


def rank_hybrid(
    conn: sqlite3.Connection,
    query: str,
    versions: list[VersionRef],
    indexes: list[VectorIndex],
    vector: np.ndarray | Future[np.ndarray],
    *,
    within: PageFilter = EVERY_PAGE,
    limit: int = 10,
    shelf_wide: Sequence[tuple[int, float]] = (),
    rare_words: bool = False,
    beside: Beside | None = None,
) -> FusedPages:
    """Full text's scores and the vector ranking's, fused (fuse_scores); the snippet's
    section is full text's best when it found the page, else the section closest to the
    query.

    `vector` may still be being computed (a Future): full text ranks first, meanwhile.
    `rare_words`: as in fts.page_rankings. With `beside`, the sections are ranked on a
    second connection while this one ranks by the vector (when it is at hand) and the
    pages."""
    sections = (
        sections_beside(beside, conn, query, versions, within, rare_words=rare_words)
        if beside
        else None
    )
    at_hand = not isinstance(vector, Future) or vector.done()
    near = _vector_pages(conn, indexes, vector, within) if at_hand else None
    found = page_rankings(
        conn,
        query,
        versions,
        within=within,
        shelf_wide=shelf_wide,
        rare_words=rare_words,
        sections=sections,
        proximity=False,
    )
    if near is None:
        near = _vector_pages(conn, indexes, vector, within)
    by_pages = bool(indexes) and all(i.pages_only for i in indexes)
    weight = PAGE_VECTOR_WEIGHT if by_pages else VECTOR_WEIGHT
    scores = fuse_scores(
        [found.section_scores, found.page_scores, {m.page_id: m.score for m in near}],
        [(1.0 - weight) / 2, (1.0 - weight) / 2, weight],
    )
    kinds.reweigh(conn, query, scores, limit)
    ranked = sorted(scores, key=lambda pid: (-scores[pid], pid))[:limit]
    by_page = {m.page_id: m for m in near}
    version_of = page_versions(conn, [pid for pid in ranked if pid not in by_page])
    version_of.update((m.page_id, m.version_id) for m in near)
    pages = [
        PageMatch(
            pid,
            version_of[pid],
            # full text's best section, else the vectors' (a page only page BM25 found,
            # and the vectors rank below their pool, has neither: None)
            found.best_section.get(pid) or (by_page[pid].section_id if pid in by_page else None),
            round(scores[pid] * 100, 4),
        )
        for pid in ranked
    ]
    return FusedPages(pages, found.sections)


def fuse_scores(evidence: list[dict[int, float]], weights: list[float]) -> dict[int, float]:
    """Page id -> the weighted sum of its scores (higher is better), each min-max
    normalised over its own pages to [0, 1]: a page missing from one counts 0 there, as
    its worst page does; one that holds a single score (or the same score for all) gives
    them 1."""
    fused: dict[int, float] = {}
    for scores, weight in zip(evidence, weights, strict=True):
        if not scores:
            continue
        low, high = min(scores.values()), max(scores.values())
        span = high - low
        for page, score in scores.items():
            share = (score - low) / span if span > 0 else 1.0
            fused[page] = fused.get(page, 0.0) + weight * share
    return fused


def _vector_pages(
    conn: sqlite3.Connection,
    indexes: list[VectorIndex],
    vector: np.ndarray | Future[np.ndarray],
    within: PageFilter,
) -> list[SectionVector]:
    """The vector ranking's pool, once the query's vector is computed."""
    vector = vector.result() if isinstance(vector, Future) else vector
    return semantic_pages(conn, indexes, vector, within, SEMANTIC_POOL)


def rank_semantic(
    conn: sqlite3.Connection,
    indexes: list[VectorIndex],
    vector: np.ndarray,
    *,
    within: PageFilter = EVERY_PAGE,
    limit: int = 10,
) -> list[PageMatch]:
    """Pages by vectors alone (for evaluation); score is the cosine x 100."""
    return [
        PageMatch(m.page_id, m.version_id, m.section_id, round(m.score * 100, 4))
        for m in semantic_pages(conn, indexes, vector, within, limit)
    ]


def semantic_pages(
    conn: sqlite3.Connection,
    indexes: list[VectorIndex],
    vector: np.ndarray,
    within: PageFilter,
    limit: int = SEMANTIC_POOL,
) -> list[SectionVector]:
    """The `limit` pages of the indexes (kept by `within`) closest to `vector`, best
    first; ties keep the indexes' order."""
    allowed = _kept_pages(conn, [i.version_id for i in indexes], within)
    pages = [m for index in indexes for m in index.top_pages(vector, limit, allowed)]
    if len(indexes) > 1:
        pages.sort(key=lambda m: -m.score)
    return pages[:limit]


def _kept_pages(
    conn: sqlite3.Connection, version_ids: list[int], within: PageFilter
) -> set[int] | None:
    """Ids of the pages `within` keeps, or None when it keeps every page."""
    sql, params = within.subquery(version_ids)
    return {r[0] for r in conn.execute(sql, params)} if sql else None
