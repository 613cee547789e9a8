"""All-library search without ranking every library: pick the versions likely to answer.

A search ranks every version it covers in full (search/fts.py) while they are few and
small: FTS5 scores every matching row, so the cost of a search is about the size of the
text it covers. Above FULL_SECTIONS sections or FULL_VERSIONS versions, a cheap
shelf-wide stage routes first: the query is run against the page cards (title, headings,
path words, the lead's first sentence: a few percent of the text, in one FTS5 table),
and, when vectors are loaded, against every searched page's centroid (one exact matrix
product). A version's best card and its closest page vote for it by reciprocal rank
(only its best, so a big library does not outvote a small one by its size alone), and
the versions with the most votes are ranked in full, as many as fit in the same budget,
exactly as a one-library search ranks them, and merged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from docshelf.search.query import fts_match, query_terms
from docshelf.store.catalog import VersionRef
from docshelf.store.fts_tables import CARDS_TABLE

if TYPE_CHECKING:
    import numpy as np

    from docshelf.search.vectors import VectorIndex

FULL_SECTIONS = 24_000  # sections ranked in full per search: about three Mastra-size libraries
FULL_VERSIONS = 16  # versions ranked in full per search (each costs a few statements)
CARD_POOL = 100  # best cards that vote
CENTROID_POOL = 100  # closest page centroids that vote
VOTES_PER_VERSION = 1  # a version's best hits that vote (its best page speaks for it)
VOTE_K = 20.0  # reciprocal rank constant of a vote
CARD_WEIGHTS = "6.0, 3.0, 3.0, 2.0"  # title, headings, path words, lead


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
    cards: list[tuple[int, int]] | None = None,
    indexes: Sequence[VectorIndex] = (),
    vector: np.ndarray | None = None,
    at_most: int = FULL_VERSIONS,
) -> list[VersionRef]:
    """The versions of `versions` to rank in full for `query`, in their order: all of them
    when that is within budget, else the best voted that fit (at least one, at most
    `at_most`). `cards` is rank_cards' answer, when the caller has it.

    Every version too when neither the cards nor the vectors point anywhere (a query no
    card matches is rare, and then only a full search can tell).
    """
    if not needs_routing(versions):
        return versions
    wanted = {v.id for v in versions}
    if cards is None:
        cards = rank_cards(conn, query, wanted)
    votes = _votes(version_id for _page, version_id in cards)
    if vector is not None and indexes:
        for version_id, vote in centroid_votes(indexes, vector, wanted).items():
            votes[version_id] = votes.get(version_id, 0.0) + vote
    if not votes:
        return versions
    by_id = {v.id: v for v in versions}
    chosen: list[VersionRef] = []
    for version_id in sorted(votes, key=lambda v: (-votes[v], v))[:at_most]:
        if chosen and _sections([*chosen, by_id[version_id]]) > FULL_SECTIONS:
            break
        chosen.append(by_id[version_id])
    kept = {v.id for v in chosen}
    return [v for v in versions if v.id in kept]


def rank_cards(conn: sqlite3.Connection, query: str, wanted: set[int]) -> list[tuple[int, int]]:
    """(page id, version id) of the CARD_POOL cards of `wanted` versions that match
    `query` best, by BM25 over every card on the shelf (statistics that compare pages of
    different libraries)."""
    terms = query_terms(query)
    if not terms:
        return []
    cursor = conn.cursor()
    cursor.row_factory = None
    # Only the ids are sorted; the versions of the best are looked up afterwards, so the
    # sort never reads a stored column of every matching card.
    rows = cursor.execute(
        f"SELECT rowid, bm25({CARDS_TABLE}, {CARD_WEIGHTS}) AS r FROM {CARDS_TABLE} "
        f"WHERE {CARDS_TABLE} MATCH ? ORDER BY r LIMIT ?",
        (fts_match(terms), CARD_POOL * 2),
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
    found = [(page_id, version_of[page_id]) for page_id, _score in rows]
    return [(page, version) for page, version in found if version in wanted][:CARD_POOL]


def centroid_votes(
    indexes: Sequence[VectorIndex], vector: np.ndarray, wanted: set[int]
) -> dict[int, float]:
    """Version id -> the reciprocal ranks of its pages among the CENTROID_POOL closest."""
    import numpy as np

    searched = [index for index in indexes if index.version_id in wanted and len(index.page_ids)]
    if not searched:
        return {}
    scores = np.concatenate([index.centroids @ vector for index in searched])
    owner = np.repeat(
        np.array([index.version_id for index in searched], np.int64),
        [len(index.page_ids) for index in searched],
    )
    k = min(CENTROID_POOL, len(scores))
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    return _votes(owner[top].tolist())


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
