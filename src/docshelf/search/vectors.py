"""Section vectors in the index: stored by content hash, built incrementally, searched exactly.

Two tables, created on first use (older indexes open unchanged, no schema bump):
`embeddings` holds each distinct vector once, addressed by (model, hash of the text
embedded); `section_vectors` maps a section to its hash and goes away with the section.
Re-indexing a library therefore re-embeds only the sections whose text changed.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

import numpy as np

from docshelf.search.embed import Embedder, section_text, text_hash

SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    model TEXT NOT NULL,
    hash BLOB NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, hash)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS section_vectors (
    section_id INTEGER NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (section_id, model)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS section_vectors_hash ON section_vectors (model, hash);
"""
WRITE_BATCH = 128  # sections embedded per write transaction
_CHUNK = 500  # ids per IN (...) list, well under SQLite's variable limit

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Coverage:
    """How many sections of a version have a vector for a model."""

    done: int
    total: int

    @property
    def complete(self) -> bool:
        return self.done >= self.total


@dataclass(frozen=True)
class BuildStats:
    """What one build did: sections embedded now, reused by hash, and the version's total."""

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


def ensure_schema(conn: sqlite3.Connection) -> None:
    if not has_tables(conn):
        conn.executescript(SCHEMA)


def has_tables(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
        "AND name IN ('embeddings', 'section_vectors')"
    ).fetchone()
    return bool(row[0] == 2)


def coverage(conn: sqlite3.Connection, version_id: int, model: str) -> Coverage:
    total = conn.execute(
        "SELECT count(*) FROM sections s JOIN pages p ON p.id = s.page_id WHERE p.version_id = ?",
        (version_id,),
    ).fetchone()[0]
    if not has_tables(conn):
        return Coverage(0, total)
    done = conn.execute(
        "SELECT count(*) FROM section_vectors v JOIN sections s ON s.id = v.section_id "
        "JOIN pages p ON p.id = s.page_id WHERE p.version_id = ? AND v.model = ?",
        (version_id, model),
    ).fetchone()[0]
    return Coverage(done, total)


def build_vectors(
    conn: sqlite3.Connection,
    embedder: Embedder,
    version_id: int,
    *,
    progress: Progress | None = None,
    write_lock: AbstractContextManager[object] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> BuildStats:
    """Give every section of a version a vector, embedding only texts not seen before.

    Writes in small transactions, so searches (and full-text search) go on meanwhile; a
    section re-indexed or removed while its batch was being embedded is left for the next
    build, never given a stale vector. `should_stop` is asked between batches: a stopped
    build keeps what it wrote and the next one goes on from there.
    """
    ensure_schema(conn)
    model = embedder.model_id
    lock = write_lock if write_lock is not None else nullcontext()
    todo = _sections_without_vectors(conn, version_id, model)
    total = coverage(conn, version_id, model).total
    done = total - len(todo)
    if progress is not None:
        progress(done, total)
    known = _known_hashes(conn, model, {h for h, _ in todo.values()})
    reuse = {sid: h for sid, (h, _) in todo.items() if h in known}
    with lock:
        _write(conn, model, reuse, {}, todo)
    done += len(reuse)
    if progress is not None and reuse:
        progress(done, total)
    fresh: dict[bytes, list[int]] = {}  # one embedding per distinct text
    for sid, (digest, _) in todo.items():
        if sid not in reuse:
            fresh.setdefault(digest, []).append(sid)
    digests = sorted(fresh, key=lambda d: len(todo[fresh[d][0]][1]))
    embedded = 0
    for start in range(0, len(digests), WRITE_BATCH):
        if should_stop is not None and should_stop():
            break
        batch = digests[start : start + WRITE_BATCH]
        vectors = embedder.embed([todo[fresh[d][0]][1] for d in batch])
        blobs = {d: _to_blob(v) for d, v in zip(batch, vectors, strict=True)}
        mapping = {sid: d for d in batch for sid in fresh[d]}
        with lock:
            _write(conn, model, mapping, blobs, todo)
        embedded += len(batch)
        done += len(mapping)
        if progress is not None:
            progress(done, total)
    with lock:
        _collect_garbage(conn, model)
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

    def scores(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(page scores, section scores): a page's is the mean of its centroid's and its
        best section's cosine.

        The centroid says what the whole page is about; the best section catches a page
        that answers in one place. Either alone ranks worse (see benchmarks/semantic.py).
        """
        section_scores = self.sections @ query
        best = np.maximum.reduceat(section_scores, self.starts)
        return (self.centroids @ query + best) / 2, section_scores

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
        ends = np.append(self.starts[1:], len(self.section_ids))
        out = []
        for i in order.tolist():
            lo, hi = int(self.starts[i]), int(ends[i])
            section = int(self.section_ids[lo + int(np.argmax(section_scores[lo:hi]))])
            out.append(
                SectionVector(int(self.page_ids[i]), self.version_id, section, float(scores[i]))
            )
        return out


def load_index(conn: sqlite3.Connection, version_id: int, model: str) -> VectorIndex | None:
    """The version's vectors, or None while some section still has none."""
    if not has_tables(conn) or not coverage(conn, version_id, model).complete:
        return None
    rows = conn.execute(
        "SELECT s.id, s.page_id, e.vector FROM sections s JOIN pages p ON p.id = s.page_id "
        "JOIN section_vectors v ON v.section_id = s.id AND v.model = ? "
        "JOIN embeddings e ON e.model = v.model AND e.hash = v.hash "
        "WHERE p.version_id = ? ORDER BY s.page_id, s.position",
        (model, version_id),
    ).fetchall()
    if not rows:
        empty = np.zeros((0, 0), np.float32)
        none = np.zeros(0, np.int64)
        return VectorIndex(version_id, model, none, none, none, empty, empty)
    section_ids = np.array([r[0] for r in rows], np.int64)
    pages = np.array([r[1] for r in rows], np.int64)
    sections = np.vstack([np.frombuffer(r[2], dtype="<f4") for r in rows])
    starts = np.flatnonzero(np.r_[True, pages[1:] != pages[:-1]])
    sums = np.add.reduceat(sections, starts, axis=0)
    centroids = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    return VectorIndex(
        version_id,
        model,
        section_ids,
        pages[starts],
        starts.astype(np.int64),
        sections,
        centroids.astype(np.float32),
    )


def _sections_without_vectors(
    conn: sqlite3.Connection, version_id: int, model: str
) -> dict[int, tuple[bytes, str]]:
    """section id -> (hash, text to embed) for the version's sections lacking a vector."""
    rows = conn.execute(
        "SELECT s.id, p.title, s.heading_path, s.text FROM sections s "
        "JOIN pages p ON p.id = s.page_id WHERE p.version_id = ? AND NOT EXISTS ("
        "SELECT 1 FROM section_vectors v WHERE v.section_id = s.id AND v.model = ?)",
        (version_id, model),
    ).fetchall()
    return {r[0]: _hashed(model, r[1], r[2], r[3]) for r in rows}


def _hashed(model: str, title: str, heading_path: str, text: str) -> tuple[bytes, str]:
    embedded = section_text(title, json.loads(heading_path), text)
    return text_hash(model, embedded), embedded


def _known_hashes(conn: sqlite3.Connection, model: str, digests: set[bytes]) -> set[bytes]:
    known: set[bytes] = set()
    for chunk in _chunks(sorted(digests)):
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT hash FROM embeddings WHERE model = ? AND hash IN ({marks})", (model, *chunk)
        )
        known.update(r[0] for r in rows)
    return known


def _write(
    conn: sqlite3.Connection,
    model: str,
    mapping: dict[int, bytes],
    blobs: dict[bytes, bytes],
    expected: dict[int, tuple[bytes, str]],
) -> None:
    """Store vectors and map sections to them, for sections whose text is still the same."""
    if not mapping and not blobs:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = _current_hashes(conn, model, list(mapping))
        conn.executemany(
            "INSERT OR IGNORE INTO embeddings (model, hash, vector) VALUES (?, ?, ?)",
            [(model, d, blob) for d, blob in blobs.items()],
        )
        # The EXISTS guard: another process may have just collected a reused vector.
        conn.executemany(
            "INSERT OR REPLACE INTO section_vectors (section_id, model, hash) SELECT ?, ?, ? "
            "WHERE EXISTS (SELECT 1 FROM embeddings WHERE model = ? AND hash = ?)",
            [
                (sid, model, digest, model, digest)
                for sid, digest in mapping.items()
                if current.get(sid) == expected[sid][0]
            ],
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _current_hashes(conn: sqlite3.Connection, model: str, ids: list[int]) -> dict[int, bytes]:
    """Hashes of the sections as they are now (a re-index may have replaced them)."""
    out: dict[int, bytes] = {}
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            "SELECT s.id, p.title, s.heading_path, s.text FROM sections s "
            f"JOIN pages p ON p.id = s.page_id WHERE s.id IN ({marks})",
            chunk,
        )
        out.update((r[0], _hashed(model, r[1], r[2], r[3])[0]) for r in rows)
    return out


def _collect_garbage(conn: sqlite3.Connection, model: str) -> None:
    """Drop vectors no section uses any more (after a re-index or a removed library)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "DELETE FROM embeddings WHERE model = ? AND NOT EXISTS (SELECT 1 FROM "
            "section_vectors v WHERE v.model = embeddings.model AND v.hash = embeddings.hash)",
            (model,),
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
