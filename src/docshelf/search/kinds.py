"""Page kinds in ranking: pages that retell others rank below the pages they retell.

A course lesson, a blog post or a changelog entry mostly retells what a guide or a
reference page says in full (parsing/page_kinds.py), so when both match a question the
retelling ranks lower: its fused score is multiplied by RETELLING_WEIGHT, unless the
question asks for that kind in its own words ("blog", "changelog", "lesson"). So does a
copy: a page whose front matter names another page of its version as its `source` (the
Next.js docs' Pages Router pages repeat their App Router page that way).
"""

from __future__ import annotations

import heapq
import sqlite3
from collections.abc import Iterable

from docshelf.constants import PageKind
from docshelf.search.query import query_terms

RETELLING_WEIGHT = 0.7
# The kinds that retell, and the query words that ask for them.
_ASKED_BY: dict[PageKind, frozenset[str]] = {
    "course": frozenset(("course", "courses", "lesson", "lessons", "workshop", "tutorial")),
    "blog": frozenset(("blog", "post", "posts", "announcement", "announcing", "announced")),
    "changelog": frozenset(
        ("changelog", "changelogs", "release", "releases", "released", "changed", "changes")
    ),
}


def lowered_pages(conn: sqlite3.Connection, query: str, page_ids: Iterable[int]) -> set[int]:
    """The pages among `page_ids` that are copies of another page, or of a retelling kind
    `query` does not ask for."""
    words = set(query_terms(query))
    kinds = [kind for kind, asking in _ASKED_BY.items() if not asking & words]
    page_ids = list(page_ids)
    if not page_ids:
        return set()
    cursor = conn.cursor()
    cursor.row_factory = None
    ids = ",".join("?" * len(page_ids))
    # By the kind index alone (no page row is read), then the copies by their front matter.
    lowered = (
        cursor.execute(
            f"SELECT id FROM pages INDEXED BY pages_kind "
            f"WHERE kind IN ({','.join('?' * len(kinds))}) AND id IN ({ids})",
            (*kinds, *page_ids),
        ).fetchall()
        if kinds
        else []
    )
    copies = cursor.execute(
        f"SELECT id FROM pages p WHERE id IN ({ids}) AND EXISTS (SELECT 1 FROM pages o "
        "WHERE o.version_id = p.version_id AND o.id != p.id "
        "AND o.path = json_extract(p.metadata, '$.source'))",
        page_ids,
    ).fetchall()
    return {r[0] for r in (*lowered, *copies)}


def reweigh(conn: sqlite3.Connection, query: str, scores: dict[int, float], limit: int) -> None:
    """Lower, in place, the fused scores of the retelling pages `query` does not ask for,
    among the pages that can still rank in the top `limit`: a page scoring below
    RETELLING_WEIGHT x the limit-th best score stays below the top `limit` either way, so
    it is not looked up (a tenth of the pages, on the Mastra dev set)."""
    floor = 0.0
    if len(scores) > limit:
        floor = RETELLING_WEIGHT * heapq.nlargest(limit, scores.values())[-1]
    for page_id in lowered_pages(conn, query, [p for p, s in scores.items() if s >= floor]):
        scores[page_id] *= RETELLING_WEIGHT
