"""All-library search without ranking every library: pick the versions likely to answer.

A search ranks every version it covers in full (search/fts.py) while they are few and
small: FTS5 scores every matching row, so the cost of a search is about the size of the
text it covers. Above FULL_SECTIONS sections or FULL_VERSIONS versions, a cheap
shelf-wide stage routes first: the query is run against the page cards (title, headings,
path words, the lead's first sentence: a few percent of the text, in one FTS5 table;
only the cards holding one of the query's rarer words are scored, see rare_terms),
and, when vectors are loaded, against every searched page's centroid (one matrix product;
over many pages, first with rough copies of the centroids, then exactly for the closest
thousand). A version's best card and its closest page vote for it by reciprocal rank
(only its best, so a big library does not outvote a small one by its size alone), and
the versions with the most votes are ranked in full, as many as fit in the same budget,
exactly as a one-library search ranks them, and merged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from docshelf.search.fts import rare_terms as fts_rare_terms
from docshelf.search.query import fts_match, query_terms
from docshelf.store.catalog import VersionRef
from docshelf.store.fts_tables import CARDS_TABLE, section_table

if TYPE_CHECKING:
    import numpy as np

    from docshelf.search.vectors import VectorIndex

FULL_SECTIONS = 24_000  # sections ranked in full per search: about three Mastra-size libraries
FULL_VERSIONS = 16  # versions ranked in full per search (each costs a few statements)
CARD_POOL = 100  # best cards that vote
CENTROID_POOL = 100  # closest page centroids that vote
# From this many centroids, routing first scores their rough copies (search/vectors.py)
# and only the ROUGH_POOL closest of those exactly.
ROUGH_FROM = 10_000
ROUGH_POOL = 1_000
VOTES_PER_VERSION = 1  # a version's best hits that vote (its best page speaks for it)
VOTE_K = 20.0  # reciprocal rank constant of a vote
CARD_WEIGHTS = "6.0, 3.0, 3.0, 2.0"  # title, headings, path words, lead
# Cards a routing query scores at most: bm25() costs per matching card, and a common word
# is on a good share of a big shelf's cards (the rarest word is always kept).
CARD_MATCHES = 2_000


def needs_routing(versions: Sequence[VersionRef]) -> bool:
    """Whether ranking every one of `versions` in full costs more than one search may."""
    return len(versions) > FULL_VERSIONS or _sections(versions) > FULL_SECTIONS


def _sections(versions: Sequence[VersionRef]) -> int:
    return sum(v.record.sections for v in versions)


def route(
    conn: sqlite3.Connection,
    query: str,
    versions: list[VersionRef],
    *,
    cards: list[tuple[int, int, float]] | None = None,
    indexes: Sequence[VectorIndex] = (),
    vector: np.ndarray | None = None,
    at_most: int = FULL_VERSIONS,
) -> list[VersionRef]:
    """The versions of `versions` to rank in full for `query`, in their order: all of them
    when that is within budget, else the best voted that fit (at least one, at most
    `at_most`). `cards` is rank_cards' answer, when the caller has it.

    When neither the cards nor the vectors point anywhere (the query's words are in no
    title, heading, path or lead: a word of code, or a typo), the versions holding the most
    sections with one of its words are chosen; only the first when no section holds any
    (nothing will be found, and ranking every version to find that out is the slowest
    search there is).
    """
    if not needs_routing(versions):
        return versions
    wanted = {v.id for v in versions}
    if cards is None:
        cards = rank_cards(conn, query, wanted, rare_words=True)
    votes = _votes(version_id for _page, version_id, _score in cards)
    if vector is not None and indexes:
        for version_id, vote in centroid_votes(indexes, vector, wanted).items():
            votes[version_id] = votes.get(version_id, 0.0) + vote
    if not votes:
        if not query_terms(query):
            return versions
        votes = section_counts(conn, query, versions)
        if not votes:
            return versions[:1]
    by_id = {v.id: v for v in versions}
    chosen: list[VersionRef] = []
    for version_id in sorted(votes, key=lambda v: (-votes[v], v))[:at_most]:
        if chosen and _sections([*chosen, by_id[version_id]]) > FULL_SECTIONS:
            break
        chosen.append(by_id[version_id])
    kept = {v.id for v in chosen}
    return [v for v in versions if v.id in kept]


def section_counts(
    conn: sqlite3.Connection, query: str, versions: Sequence[VersionRef]
) -> dict[int, float]:
    """Version id -> how many of its sections hold one of `query`'s words (versions with
    none left out): counting reads the words' entries in each version's index, it scores
    nothing."""
    match = fts_match(query_terms(query))
    cursor = conn.cursor()
    cursor.row_factory = None
    counts = {}
    for version in versions:
        table = section_table(version.id)
        found = cursor.execute(
            f"SELECT count(*) FROM {table} WHERE {table} MATCH ?", (match,)
        ).fetchone()[0]
        if found:
            counts[version.id] = float(found)
    return counts


def rank_cards(
    conn: sqlite3.Connection, query: str, wanted: set[int], *, rare_words: bool = False
) -> list[tuple[int, int, float]]:
    """(page id, version id, BM25 score: lower is better) of the CARD_POOL cards of
    `wanted` versions that match `query` best, by BM25 over every card on the shelf
    (statistics that compare pages of different libraries).

    With `rare_words` (a shelf too big to rank in full), only the cards holding one of
    the query's rarer words (rare_terms) are scored, still by all of its words.
    """
    terms = query_terms(query)
    if not terms:
        return []
    cursor = conn.cursor()
    cursor.row_factory = None
    match = fts_match(terms)
    if rare_words:
        rare = rare_terms(cursor, terms)
        if not rare:  # no card holds any of the words
            return []
        if len(rare) < len(terms):
            match = f"({fts_match(rare)}) AND ({match})"
    # Only the ids are sorted; the versions of the best are looked up afterwards, so the
    # sort never reads a stored column of every matching card.
    rows = cursor.execute(
        f"SELECT rowid, bm25({CARDS_TABLE}, {CARD_WEIGHTS}) AS r FROM {CARDS_TABLE} "
        f"WHERE {CARDS_TABLE} MATCH ? ORDER BY r LIMIT ?",
        (match, CARD_POOL * 2),
    ).fetchall()
    if not rows:
        return []
    marks = ",".join("?" * len(rows))
    version_of = dict(
        cursor.execute(
            f"SELECT id, version_id FROM pages WHERE id IN ({marks})", [r[0] for r in rows]
        )
    )
    # Older versions of a library, and libraries not asked for, are left out.
    found = [(page_id, version_of[page_id], score) for page_id, score in rows]
    return [card for card in found if card[1] in wanted][:CARD_POOL]


def rare_terms(cursor: sqlite3.Cursor, terms: list[str]) -> list[str]:
    """The rarest of `terms` on the cards, as many as are on at most CARD_MATCHES cards
    together (always the rarest one on any card), in query order; words on no card are
    left out.

    A word on a large share of the cards says little about which library answers, and
    scoring its cards is what routing spent its time on.
    """
    return fts_rare_terms(cursor, CARDS_TABLE, terms, CARD_MATCHES)


def centroid_votes(
    indexes: Sequence[VectorIndex], vector: np.ndarray, wanted: set[int]
) -> dict[int, float]:
    """Version id -> the reciprocal ranks of its pages among the CENTROID_POOL closest."""
    import numpy as np

    searched = [index for index in indexes if index.version_id in wanted and len(index.page_ids)]
    if not searched:
        return {}
    sizes = [len(index.page_ids) for index in searched]
    owner = np.repeat(np.array([index.version_id for index in searched], np.int64), sizes)
    if sum(sizes) >= ROUGH_FROM and all(index.rough is not None for index in searched):
        rows, scores = _closest_roughly(searched, sizes, vector)
    else:
        rows = np.arange(len(owner))
        scores = np.concatenate([index.centroids @ vector for index in searched])
    k = min(CENTROID_POOL, len(scores))
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    return _votes(owner[rows[top]].tolist())


def _closest_roughly(
    searched: Sequence[VectorIndex], sizes: list[int], vector: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(rows, exact cosines) of the ROUGH_POOL centroids closest to `vector` by their rough
    copies (search/vectors.py), rows numbered across `searched` in order.

    The product over every centroid reads all of them from memory, which is what a
    routed semantic search spent most of its time on at 50 versions; the rough copies are
    a quarter of the size, and the exact cosines of the few they keep pick the pool.
    """
    import numpy as np

    from docshelf.search.vectors import rough_projection

    projection = rough_projection(len(vector))
    assert projection is not None  # every index has a rough copy, so the vectors are wide
    rough = np.concatenate([index.rough @ (vector @ projection) for index in searched])  # type: ignore[operator]
    keep = min(ROUGH_POOL, len(rough))
    rows = np.sort(np.argpartition(-rough, keep - 1)[:keep])  # in row order: ties as exact
    starts = np.cumsum([0, *sizes])
    which = np.searchsorted(starts, rows, side="right") - 1
    scores = np.empty(len(rows), np.float32)
    for i in np.unique(which).tolist():
        at = which == i
        scores[at] = searched[i].centroids[rows[at] - starts[i]] @ vector
    return rows, scores


def _votes(ranked: Iterable[int]) -> dict[int, float]:
    """Version id -> the reciprocal ranks of its first VOTES_PER_VERSION places in `ranked`
    (the versions of the best hits, best first)."""
    votes: dict[int, float] = {}
    counted: dict[int, int] = {}
    for rank, version_id in enumerate(ranked, 1):
        if counted.get(version_id, 0) < VOTES_PER_VERSION:
            counted[version_id] = counted.get(version_id, 0) + 1
            votes[version_id] = votes.get(version_id, 0.0) + 1.0 / (VOTE_K + rank)
    return votes
