"""The best sections for a question, packed to a token budget: the docs' answer in one call.

Pages come from the usual ranking (`hybrid.rank`). Each of the top pages gives its best
section first (the one search shows), so the budget holds several pages rather than one
long one; then come the other sections with evidence of their own (full text's section
BM25; the section vectors, once built), best first by reciprocal rank fusion with their
page's rank. A section whose own text is short brings the subsections under it. Nothing
is shown twice, and a cursor resumes where the budget stopped.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docshelf.errors import UsageError
from docshelf.models import Answer, Excerpt
from docshelf.reading.answers import excerpt_header
from docshelf.reading.tokens import approx_tokens, cut_to_tokens
from docshelf.search import hybrid
from docshelf.search.filters import EVERY_PAGE, PageFilter
from docshelf.search.fts import FUSION_K
from docshelf.store.catalog import VersionRef

if TYPE_CHECKING:
    from docshelf.search.semantic import SemanticSearch

PAGES = 10  # pages whose sections may be chosen: search's default page count
EXCERPT_SHARE = 3  # one excerpt takes at most a third of the budget, so several fit,
MIN_EXCERPT_TOKENS = 300  # but it may always take this many
SHORT_SECTION_TOKENS = 100  # a section shorter than this brings the subsections under it
MIN_FILL_TOKENS = 150  # room left for which an excerpt that does not fit is cut to fit
VECTOR_SECTIONS = 2  # sections of each page the vectors may put forward
MAX_TOKENS = 20_000


@dataclass(frozen=True)
class _Section:
    id: int
    page_id: int
    position: int
    level: int
    heading_path: tuple[str, ...]
    anchor: str
    text: str


@dataclass(frozen=True)
class _Page:
    id: int
    path: str
    title: str
    library: str
    version: str


def select_excerpts(
    conn: sqlite3.Connection,
    semantic: SemanticSearch,
    query: str,
    versions: list[VersionRef],
    *,
    max_tokens: int = 2000,
    cursor: str | None = None,
    within: PageFilter = EVERY_PAGE,
) -> Answer:
    """The sections that best answer `query`, about `max_tokens` of them, from `cursor`.

    Run it inside one read transaction, as search_hits.
    """
    if not 1 <= max_tokens <= MAX_TOKENS:
        raise UsageError(f"max_tokens must be between 1 and {MAX_TOKENS:,}, e.g. 2000.")
    start = decode_cursor(cursor, query)
    ranking = hybrid.rank(conn, semantic, query, versions, within=within, limit=PAGES, mode="auto")
    pages = _pages(conn, [m.page_id for m in ranking.pages], versions)
    if not pages:
        return Answer(query, (), 0, None, ranking.mode, ranking.note)
    sections = _sections(conn, list(pages))
    order = _candidates(conn, semantic, query, versions, ranking, sections)
    units = _excerpts(order, sections, pages, max(MIN_EXCERPT_TOKENS, max_tokens // EXCERPT_SHARE))
    if start > len(units):
        raise UsageError(
            f"This cursor points past the {len(units)} excerpts there are for {query!r}; "
            "ask again without a cursor to start over."
        )
    chosen: list[Excerpt] = []
    used = 0
    end = start
    for excerpt in units[start:]:
        cost = excerpt_tokens(excerpt)
        room = max_tokens - used
        if cost > room:
            if chosen and room < MIN_FILL_TOKENS:
                break
            text, _ = cut_to_tokens(
                excerpt.text, max(room - (cost - approx_tokens(excerpt.text)), 1)
            )
            excerpt = dataclasses.replace(excerpt, text=text, truncated=True)
            cost = excerpt_tokens(excerpt)
        chosen.append(excerpt)
        used += cost
        end += 1
        if cost >= room:
            break
    more = encode_cursor(query, end) if end < len(units) else None
    return Answer(query, tuple(chosen), used, more, ranking.mode, ranking.note)


def excerpt_tokens(excerpt: Excerpt) -> int:
    """What an excerpt costs an agent: its text and the line naming where it is from."""
    return approx_tokens(excerpt_header(excerpt)) + approx_tokens(excerpt.text)


def _candidates(
    conn: sqlite3.Connection,
    semantic: SemanticSearch,
    query: str,
    versions: list[VersionRef],
    ranking: hybrid.Ranking,
    sections: dict[int, list[_Section]],
) -> list[int]:
    """Section ids in the order they are offered: each top page's best section, page by
    page, then the other sections with evidence, best first."""
    page_rank = {
        m.page_id: rank for rank, m in enumerate(ranking.pages, 1) if m.page_id in sections
    }
    first = []
    for match in ranking.pages:
        own = sections.get(match.page_id)
        if own:
            known = {s.id for s in own}
            first.append(match.section_id if match.section_id in known else own[0].id)
    page_of = {s.id: s.page_id for own in sections.values() for s in own}
    # The section list the pages were ranked by (on a big shelf, of the versions routed).
    rankings = [[sid for sid in ranking.sections if sid in page_of]]
    if ranking.mode != "fulltext":
        rankings.append(_vector_order(conn, semantic, query, versions, page_of))
    fused: dict[int, float] = {}
    for order in rankings:
        for rank, sid in enumerate(order, 1):
            fused[sid] = fused.get(sid, 0.0) + 1.0 / (FUSION_K + rank)
    for sid in fused:
        fused[sid] += 1.0 / (FUSION_K + page_rank[page_of[sid]])
    chosen = set(first)
    rest = sorted(
        (sid for sid in fused if sid not in chosen),
        key=lambda sid: (-fused[sid], page_rank[page_of[sid]], sid),
    )
    return first + rest


def _vector_order(
    conn: sqlite3.Connection,
    semantic: SemanticSearch,
    query: str,
    versions: list[VersionRef],
    page_of: dict[int, int],
) -> list[int]:
    """The sections (of the pages in `page_of`, section id -> page id) the section vectors
    put forward, VECTOR_SECTIONS a page, closest first; none before they are built."""
    import numpy as np

    queries = semantic.embedder(wait=False)
    model = semantic.model_id
    indexes = semantic.indexes(conn, versions, model) if queries and model else None
    if not indexes or queries is None:
        return []
    vector = queries.vector(query)
    wanted = np.fromiter(page_of, np.int64, len(page_of))
    scored: dict[int, list[tuple[float, int]]] = {}
    for index in indexes:
        if len(index.section_ids) == len(index.page_ids):
            continue  # the page route: one vector a page, nothing to say about sections
        rows = np.flatnonzero(np.isin(index.section_ids, wanted))
        if not len(rows):
            continue
        cosines = index.sections[rows] @ vector
        for row, cosine in zip(rows.tolist(), cosines.tolist(), strict=True):
            sid = int(index.section_ids[row])
            scored.setdefault(page_of[sid], []).append((cosine, sid))
    best = [pair for own in scored.values() for pair in sorted(own, reverse=True)[:VECTOR_SECTIONS]]
    return [sid for _, sid in sorted(best, key=lambda p: (-p[0], p[1]))]


def _excerpts(
    order: Sequence[int],
    sections: dict[int, list[_Section]],
    pages: dict[int, _Page],
    cap: int,
) -> list[Excerpt]:
    """Each offered section as an excerpt: with its subsections when its own text is short,
    cut to `cap` tokens; a section already shown, or the same text twice, is skipped."""
    by_id = {s.id: s for own in sections.values() for s in own}
    shown: set[int] = set()
    texts: set[str] = set()
    out = []
    for sid in order:
        if sid in shown:
            continue
        section = by_id[sid]
        parts = [section]
        if approx_tokens(section.text) < SHORT_SECTION_TOKENS and section.level > 0:
            siblings = sections[section.page_id]
            for later in siblings[siblings.index(section) + 1 :]:
                if later.level <= section.level:
                    break
                parts.append(later)
        parts = [p for p in parts if p.id not in shown]
        text = "\n\n".join(p.text.strip() for p in parts)
        digest = hashlib.sha256(text.encode()).hexdigest()
        shown.update(p.id for p in parts)
        if digest in texts:
            continue
        texts.add(digest)
        text, truncated = cut_to_tokens(text, cap)
        page = pages[section.page_id]
        out.append(
            Excerpt(
                page.library,
                page.version,
                page.path,
                page.title,
                " > ".join(section.heading_path) or page.title,
                section.anchor,
                text,
                truncated,
            )
        )
    return out


def _pages(
    conn: sqlite3.Connection, page_ids: list[int], versions: list[VersionRef]
) -> dict[int, _Page]:
    if not page_ids:
        return {}
    by_version = {v.id: v.record for v in versions}
    marks = ",".join("?" * len(page_ids))
    rows = conn.execute(
        f"SELECT id, path, title, version_id FROM pages WHERE id IN ({marks})", page_ids
    ).fetchall()
    found = {
        r[0]: _Page(r[0], r[1], r[2], by_version[r[3]].name, by_version[r[3]].version)
        for r in rows
        if r[3] in by_version
    }
    return {pid: found[pid] for pid in page_ids if pid in found}  # in rank order


def _sections(conn: sqlite3.Connection, page_ids: list[int]) -> dict[int, list[_Section]]:
    marks = ",".join("?" * len(page_ids))
    rows = conn.execute(
        "SELECT id, page_id, position, level, heading_path, anchor, text FROM sections "
        f"WHERE page_id IN ({marks}) ORDER BY page_id, position",
        page_ids,
    ).fetchall()
    out: dict[int, list[_Section]] = {}
    for r in rows:
        out.setdefault(r[1], []).append(
            _Section(r[0], r[1], r[2], r[3], tuple(json.loads(r[4])), r[5], r[6])
        )
    return out


def encode_cursor(query: str, offset: int) -> str:
    """An opaque cursor: where the next excerpts start, for this query only."""
    raw = f"{_query_key(query)}:{offset}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, query: str) -> int:
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        key, offset = raw.split(":")
        start = int(offset)
    except ValueError:
        raise UsageError(
            f"{cursor!r} is not a cursor this tool gave; pass the `cursor` of the previous "
            "answer unchanged, or none to start over."
        ) from None
    if key != _query_key(query) or start < 0:
        raise UsageError(
            "This cursor was given for another query; ask the same query with it, or ask "
            "again without a cursor."
        )
    return start


def _query_key(query: str) -> str:
    return hashlib.sha256(" ".join(query.split()).lower().encode()).hexdigest()[:8]
