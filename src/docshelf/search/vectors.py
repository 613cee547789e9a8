"""Page and section vectors in the index: stored by content hash, built incrementally,
searched exactly.

The tables (and how much of a version has vectors) are in vector_tables.py. Each vector
is stored once per distinct text, so re-indexing a library re-embeds only what changed.
A page vector (its title and lead) is the fast first build; section vectors the upgrade.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from docshelf.search.embed import Embedder, text_hash
from docshelf.search.vector_tables import (  # noqa: F401  (re-exported: the vectors' API)
    _NEEDS,
    _UNITS,
    ROUTES,
    SCHEMA,
    Coverage,
    Route,
    Unit,
    _Units,
    complete,
    coverage,
    ensure_schema,
    has_tables,
    unit_key,
)

WRITE_BATCH = 128  # texts embedded per write transaction
# Dimensions of a centroid's rough copy, which routing's first pass scores (routing.py):
# a quarter of MiniLM's 384, so the pass reads a quarter of the memory.
ROUGH_DIMS = 96
_CHUNK = 500  # ids per IN (...) list, well under SQLite's variable limit

Progress = Callable[[int, int], None]

# One BLAS thread for the process: a search multiplies the query by every section vector
# (a few milliseconds at most), and OpenBLAS's other threads then spin, waiting for more,
# on the cores that full text ranks on (on 2 busy cores, hybrid search_docs took 2-3x as
# long with them; benchmarks/semantic.py).
threadpool_limits(1, user_api="blas")


@dataclass(frozen=True)
class BuildStats:
    """What one build did: texts embedded now, units reused by hash, the version's total."""

    embedded: int
    reused: int
    total: int


@dataclass(frozen=True)
class SectionVector:
    """A page found by vectors: its best section and a score in [-1, 1]."""

    page_id: int
    version_id: int
    section_id: int
    score: float


def build_vectors(
    conn: sqlite3.Connection,
    embedder: Embedder,
    version_id: int,
    *,
    unit: Unit = "sections",
    progress: Progress | None = None,
    write_lock: AbstractContextManager[object] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> BuildStats:
    """Give every page or section of a version a vector, embedding only texts not seen
    before, shortest first (a batch of similar lengths pads little).

    Writes in small transactions, so searches (and full-text search) go on meanwhile; a
    unit re-indexed or removed while its batch was being embedded is left for the next
    build, never given a stale vector. `should_stop` is asked between batches: a stopped
    build keeps what it wrote and the next one goes on from there.
    """
    ensure_schema(conn)
    units = _UNITS[unit]
    key = unit_key(embedder.model_id, unit)
    lock = write_lock if write_lock is not None else nullcontext()
    todo = _without_vectors(conn, units, version_id, key)
    total = coverage(conn, version_id, embedder.model_id, unit).total
    done = total - len(todo)
    if progress is not None:
        progress(done, total)
    known = _known_hashes(conn, key, {h for h, _ in todo.values()})
    reuse = {uid: h for uid, (h, _) in todo.items() if h in known}
    with lock:
        _write(conn, units, key, reuse, {}, todo)
    done += len(reuse)
    if progress is not None and reuse:
        progress(done, total)
    fresh: dict[bytes, list[int]] = {}  # one embedding per distinct text
    for uid, (digest, _) in todo.items():
        if uid not in reuse:
            fresh.setdefault(digest, []).append(uid)
    digests = sorted(fresh, key=lambda d: len(todo[fresh[d][0]][1]))
    embedded = 0
    for start in range(0, len(digests), WRITE_BATCH):
        if should_stop is not None and should_stop():
            break
        batch = digests[start : start + WRITE_BATCH]
        texts = [todo[fresh[d][0]][1] for d in batch]
        vectors = embedder.embed(texts, max_tokens=units.tokens)
        blobs = {d: _to_blob(v) for d, v in zip(batch, vectors, strict=True)}
        mapping = {uid: d for d in batch for uid in fresh[d]}
        with lock:
            _write(conn, units, key, mapping, blobs, todo)
        embedded += len(batch)
        done += len(mapping)
        if progress is not None:
            progress(done, total)
    with lock:
        _collect_garbage(conn, key)
    return BuildStats(embedded, len(reuse), total)


@dataclass(frozen=True)
class VectorIndex:
    """One version's section vectors in memory, grouped by page, plus page centroids."""

    version_id: int
    model: str
    section_ids: np.ndarray  # int64 [sections], grouped by page
    page_ids: np.ndarray  # int64 [pages]
    starts: np.ndarray  # int64 [pages]: where each page's sections begin
    sections: np.ndarray  # float32 [sections, dim]
    centroids: np.ndarray  # float32 [pages, dim], unit length
    # float32 [pages, ROUGH_DIMS]: the centroids projected by rough_projection, or None
    # (vectors of ROUGH_DIMS dimensions or fewer, or an index made by hand)
    rough: np.ndarray | None = None

    @property
    def pages_only(self) -> bool:
        """Page vectors alone (the page route): a row a page, its own centroid."""
        return self.centroids is self.sections

    def scores(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(page scores, section scores): a page's is the mean of its centroid's and its
        best section's cosine.

        The centroid says what the whole page is about; the best section catches a page
        that answers in one place. Either alone ranks worse (see benchmarks/semantic.py).
        """
        section_scores = self.sections @ query
        best = np.maximum.reduceat(section_scores, self.starts)
        # The page route's one matrix (a row per page) is its own centroids: read it once.
        whole = best if self.pages_only else self.centroids @ query
        return (whole + best) / 2, section_scores

    def top_pages(
        self, query: np.ndarray, limit: int, allowed: set[int] | None = None
    ) -> list[SectionVector]:
        """The `limit` best pages (among `allowed` page ids, if given), best first, ties
        in page order; only these become objects."""
        if not len(self.page_ids) or limit < 1:
            return []
        scores, section_scores = self.scores(query)
        candidates = np.arange(len(self.page_ids))
        if allowed is not None:
            keep = np.isin(self.page_ids, np.fromiter(allowed, np.int64, len(allowed)))
            candidates = candidates[keep]
        if len(candidates) > limit:
            # Everything at least as good as the limit-th best: the stable sort below then
            # breaks ties exactly as a sort of every page would.
            kth = np.partition(-scores[candidates], limit - 1)[limit - 1]
            candidates = candidates[-scores[candidates] <= kth]
        order = candidates[np.argsort(-scores[candidates], kind="stable")][:limit]
        best = self.best_sections(section_scores, order)
        return [
            SectionVector(page, self.version_id, section, score)
            for page, section, score in zip(
                self.page_ids[order].tolist(),
                self.section_ids[best].tolist(),
                scores[order].tolist(),
                strict=True,
            )
        ]

    def best_sections(self, section_scores: np.ndarray, pages: np.ndarray) -> np.ndarray:
        """Row of the best-scoring section of each of `pages` (row numbers), the first on a
        tie as argmax gives it: in one pass over the rows, not a Python loop over pages."""
        if len(self.section_ids) == len(self.page_ids):  # one row a page (the page route)
            return self.starts[pages]
        lengths = np.diff(np.append(self.starts, len(self.section_ids)))
        page_best = np.maximum.reduceat(section_scores, self.starts)
        at_best = np.flatnonzero(section_scores == np.repeat(page_best, lengths))
        return at_best[np.searchsorted(at_best, self.starts[pages])]


def load_index(
    conn: sqlite3.Connection, version_id: int, model: str, route: Route = "section"
) -> VectorIndex | None:
    """The version's vectors for `route`, or None while some page or section it needs
    still has none.

    The page route gives each page one row, its page vector, as both its only "section"
    (standing for the page's first section, for snippets) and its centroid, so a page
    ranks by its page vector's cosine. The page+section route keeps the sections and
    takes the page vector as the centroid.
    """
    needs: tuple[Unit, ...] = _NEEDS[route]
    if not complete(conn, version_id, model, route):
        return None
    pages: dict[int, np.ndarray] = {}
    if "pages" in needs:
        # CROSS JOIN keeps SQLite's join order: from the version's pages outwards. Left to
        # itself it starts from every vector of the model (via the hash index) on a shelf
        # of many versions, and loading one version costs as much as loading all.
        pages = {
            r[0]: np.frombuffer(r[1], dtype="<f4")
            for r in conn.execute(
                "SELECT p.id, e.vector FROM pages p "
                "CROSS JOIN page_vectors v ON v.page_id = p.id AND v.model = ? "
                "CROSS JOIN embeddings e ON e.model = v.model AND e.hash = v.hash "
                "WHERE p.version_id = ?",
                (unit_key(model, "pages"), version_id),
            )
        }
    if route == "page":
        # Each page with its first section (a page without sections has no text to show).
        rows = [
            (r[0], r[1], pages[r[1]])
            # SQLite takes the bare column s.id from the row where min() is found.
            for r in conn.execute(
                "SELECT s.id, s.page_id, min(s.position) FROM sections s JOIN pages p "
                "ON p.id = s.page_id WHERE p.version_id = ? GROUP BY s.page_id "
                "ORDER BY s.page_id",
                (version_id,),
            )
        ]
    else:
        rows = [
            (r[0], r[1], np.frombuffer(r[2], dtype="<f4"))
            for r in conn.execute(
                "SELECT s.id, s.page_id, e.vector FROM pages p CROSS JOIN sections s "
                "ON s.page_id = p.id CROSS JOIN section_vectors v ON v.section_id = s.id "
                "AND v.model = ? CROSS JOIN embeddings e ON e.model = v.model "
                "AND e.hash = v.hash WHERE p.version_id = ? ORDER BY s.page_id, s.position",
                (unit_key(model, "sections"), version_id),
            )
        ]
    if not rows:
        empty = np.zeros((0, 0), np.float32)
        none = np.zeros(0, np.int64)
        return VectorIndex(version_id, model, none, none, none, empty, empty)
    section_ids = np.array([r[0] for r in rows], np.int64)
    page_of = np.array([r[1] for r in rows], np.int64)
    sections = np.vstack([r[2] for r in rows])
    starts = np.flatnonzero(np.r_[True, page_of[1:] != page_of[:-1]])
    if route == "page":
        centroids = sections  # a row per page, its page vector: one matrix serves as both
    elif pages:
        centroids = np.vstack([pages[int(pid)] for pid in page_of[starts]])
    else:
        sums = np.add.reduceat(sections, starts, axis=0)
        centroids = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    centroids = centroids.astype(np.float32, copy=False)
    projection = rough_projection(centroids.shape[1])
    return VectorIndex(
        version_id,
        model,
        section_ids,
        page_of[starts],
        starts.astype(np.int64),
        sections,
        centroids,
        None if projection is None else np.ascontiguousarray(centroids @ projection),
    )


@functools.cache
def rough_projection(dim: int) -> np.ndarray | None:
    """A fixed random orthonormal map from `dim` to ROUGH_DIMS dimensions (None when `dim`
    is no more): it keeps cosines roughly, whatever the model, with nothing to fit."""
    if dim <= ROUGH_DIMS:
        return None
    gaussian = np.random.default_rng(dim).standard_normal((dim, ROUGH_DIMS))
    return np.linalg.qr(gaussian)[0].astype(np.float32)


def _without_vectors(
    conn: sqlite3.Connection, units: _Units, version_id: int, key: str
) -> dict[int, tuple[bytes, str]]:
    """unit id -> (hash, text to embed) for the version's units lacking a vector."""
    rows = conn.execute(
        f"{units.rows} WHERE p.version_id = ? AND NOT EXISTS (SELECT 1 FROM {units.table} v "
        f"WHERE v.{units.key} = {units.alias}.id AND v.model = ?)",
        (version_id, key),
    ).fetchall()
    return {r[0]: _hashed(units, key, r) for r in rows}


def _hashed(units: _Units, key: str, row: tuple[object, ...]) -> tuple[bytes, str]:
    embedded = units.text(row)
    return text_hash(key, embedded), embedded


def _known_hashes(conn: sqlite3.Connection, key: str, digests: set[bytes]) -> set[bytes]:
    known: set[bytes] = set()
    for chunk in _chunks(sorted(digests)):
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT hash FROM embeddings WHERE model = ? AND hash IN ({marks})", (key, *chunk)
        )
        known.update(r[0] for r in rows)
    return known


def _write(
    conn: sqlite3.Connection,
    units: _Units,
    key: str,
    mapping: dict[int, bytes],
    blobs: dict[bytes, bytes],
    expected: dict[int, tuple[bytes, str]],
) -> None:
    """Store vectors and map units to them, for units whose text is still the same."""
    if not mapping and not blobs:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = _current_hashes(conn, units, key, list(mapping))
        conn.executemany(
            "INSERT OR IGNORE INTO embeddings (model, hash, vector) VALUES (?, ?, ?)",
            [(key, d, blob) for d, blob in blobs.items()],
        )
        # The EXISTS guard: another process may have just collected a reused vector.
        conn.executemany(
            f"INSERT OR REPLACE INTO {units.table} ({units.key}, model, hash) SELECT ?, ?, ? "
            "WHERE EXISTS (SELECT 1 FROM embeddings WHERE model = ? AND hash = ?)",
            [
                (uid, key, digest, key, digest)
                for uid, digest in mapping.items()
                if current.get(uid) == expected[uid][0]
            ],
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _current_hashes(
    conn: sqlite3.Connection, units: _Units, key: str, ids: list[int]
) -> dict[int, bytes]:
    """Hashes of the units as they are now (a re-index may have replaced them)."""
    out: dict[int, bytes] = {}
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(f"{units.rows} WHERE {units.alias}.id IN ({marks})", chunk)
        out.update((r[0], _hashed(units, key, r)[0]) for r in rows)
    return out


def _collect_garbage(conn: sqlite3.Connection, key: str) -> None:
    """Drop vectors no page or section uses any more (after a re-index or a removal)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "DELETE FROM embeddings WHERE model = ? AND NOT EXISTS (SELECT 1 FROM "
            "section_vectors v WHERE v.model = embeddings.model AND v.hash = embeddings.hash) "
            "AND NOT EXISTS (SELECT 1 FROM page_vectors v WHERE v.model = embeddings.model "
            "AND v.hash = embeddings.hash)",
            (key,),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _to_blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def _chunks(items: Sequence[object]) -> Iterator[list[object]]:
    for start in range(0, len(items), _CHUNK):
        yield list(items[start : start + _CHUNK])
