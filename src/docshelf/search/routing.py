"""All-library search without ranking every library: pick the versions likely to answer.

A search over a few versions ranks each of them in full (search/fts.py). Over more than
EXHAUSTIVE_VERSIONS, a cheap shelf-wide stage routes first: the query is run against
the page cards (title, headings, path words, the lead's first sentence: a few percent of
the text, in one FTS5 table), and, when vectors are loaded, against every searched
page's centroid (one exact matrix product). Each hit votes for its version by
reciprocal rank; the ROUTED_VERSIONS versions with the most votes are then ranked in
full, exactly as a one-library search ranks them, and merged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING

from docshelf.search.query import fts_match, query_terms
from docshelf.store.catalog import VersionRef
from docshelf.store.fts_tables import CARDS_TABLE

if TYPE_CHECKING:
    import numpy as np

    from docshelf.search.vectors import VectorIndex

EXHAUSTIVE_VERSIONS = 6  # up to this many versions, every one is ranked in full
ROUTED_VERSIONS = 3  # beyond it, this many are, the ones the cards and centroids pick
CARD_POOL = 100  # best cards that vote
CENTROID_POOL = 100  # closest page centroids that vote
VOTE_K = 20.0  # reciprocal rank constant of a vote
CARD_WEIGHTS = "6.0, 3.0, 3.0, 2.0"  # title, headings, path words, lead


def needs_routing(versions: Sequence[VersionRef]) -> bool:
    return len(versions) > EXHAUSTIVE_VERSIONS


def route(
    conn: sqlite3.Connection,
    query: str,
    versions: list[VersionRef],
    *,
    indexes: Sequence[VectorIndex] = (),
    vector: np.ndarray | None = None,
    keep: int = ROUTED_VERSIONS,
) -> list[VersionRef]:
    """The `keep` versions of `versions` most likely to answer `query`, in their order.

    Every version when there are at most EXHAUSTIVE_VERSIONS of them, or when neither the
    cards nor the vectors point anywhere (a query no card matches is rare, and then only
    a full search can tell).
    """
    if not needs_routing(versions):
        return versions
    wanted = {v.id for v in versions}
    votes = card_votes(conn, query, wanted)
    if vector is not None and indexes:
        for version_id, vote in centroid_votes(indexes, vector, wanted).items():
            votes[version_id] = votes.get(version_id, 0.0) + vote
    if not votes:
        return versions
    chosen = set(sorted(votes, key=lambda v: (-votes[v], v))[:keep])
    return [v for v in versions if v.id in chosen]


def card_votes(conn: sqlite3.Connection, query: str, wanted: set[int]) -> dict[int, float]:
    """Version id -> the reciprocal ranks of its cards among the best CARD_POOL."""
    terms = query_terms(query)
    if not terms:
        return {}
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
        return {}
    marks = ",".join("?" * len(rows))
    version_of = dict(
        cursor.execute(
            f"SELECT id, version_id FROM pages WHERE id IN ({marks})", [r[0] for r in rows]
        )
    )
    votes: dict[int, float] = {}
    rank = 0
    for page_id, _score in rows:
        version_id = version_of.get(page_id)
        if version_id not in wanted:
            continue  # an older version of a library, or one not asked for
        rank += 1
        votes[version_id] = votes.get(version_id, 0.0) + 1.0 / (VOTE_K + rank)
        if rank == CARD_POOL:
            break
    return votes


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
    votes: dict[int, float] = {}
    for rank, version_id in enumerate(owner[top].tolist(), 1):
        votes[version_id] = votes.get(version_id, 0.0) + 1.0 / (VOTE_K + rank)
    return votes
