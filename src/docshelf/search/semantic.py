"""Semantic search for one shelf: the embedder loaded once, vector indexes kept, builds run.

The model is never loaded on the start-up path: a server loads it in a background thread
and answers with full text until the model and every searched version's vectors are
ready; a one-shot command loads it when it first needs it. Page vectors are built first
(a version is searchable by meaning once they are); section vectors follow unless the
`section_vectors` setting is off.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docshelf.errors import MissingPackagesError, SemanticUnavailableError, UsageError
from docshelf.search.embed import QueryCache, load_embedder, missing_packages, pinned_requirements
from docshelf.store.catalog import VersionRef

if TYPE_CHECKING:
    import sqlite3

    from docshelf.search.embed import Embedder
    from docshelf.search.vector_tables import Coverage, Route, Unit
    from docshelf.search.vectors import VectorIndex

RECHECK_SECONDS = 1.0  # how often a search re-checks a version whose vectors are incomplete
BACKGROUND_NICE = 10  # how much lower a server's model load and vector builds run

log = logging.getLogger("docshelf.semantic")
Progress = Callable[[int, int], None]


def lower_priority() -> None:
    """Let the calling thread (and the threads it starts) yield the CPU to the server's
    answers: on Linux a nice value belongs to one thread, and new threads inherit it.
    Elsewhere, nothing."""
    if not sys.platform.startswith("linux"):
        return
    try:
        tid = threading.get_native_id()
        now = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, min(now + BACKGROUND_NICE, 19))
    except OSError as exc:  # a sandbox may forbid it; the work runs all the same
        log.debug("Could not lower the priority of %s: %s", threading.current_thread().name, exc)


@dataclass(frozen=True)
class VectorBuild:
    """The outcome of building one version's page or section vectors."""

    ref: str  # NAME@VERSION
    unit: str  # pages or sections
    embedded: int
    reused: int
    total: int
    seconds: float


class SemanticSearch:
    """A shelf's semantic state; thread-safe. `enabled=False` means full text only.

    `sections=False` keeps to page vectors (the `section_vectors` setting). `route`
    forces how pages are ranked by vectors (for benchmarks); None picks the best built.
    """

    def __init__(
        self,
        *,
        enabled: bool = True,
        sections: bool = True,
        load_in_background: bool = False,
        embedder: Embedder | None = None,
    ) -> None:
        self.enabled = enabled
        self.sections = sections
        self.route: Route | None = None
        self.load_in_background = load_in_background
        self._queries = QueryCache(embedder) if embedder is not None else None
        self._load_error: SemanticUnavailableError | None = None
        self._missing_cache: list[str] | None = None
        self._loading: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._indexes: dict[tuple[object, ...], VectorIndex] = {}
        self._incomplete: dict[tuple[object, ...], float] = {}

    # -- state -----------------------------------------------------------------------

    @property
    def available(self) -> bool:
        """Enabled, and the model can be loaded (or is): cheap, imports nothing heavy."""
        if not self.enabled or self._load_error is not None:
            return False
        return self._queries is not None or not self._missing()

    def _missing(self) -> list[str]:
        """What is missing, looked up once: installs do not change under us."""
        if self._missing_cache is None:
            self._missing_cache = missing_packages()
        return self._missing_cache

    def unavailable_reason(self) -> str:
        """Why semantic search cannot run ("" when it can), with how to fix it."""
        if not self.enabled:
            return "semantic search is off (DOCSHELF_SEMANTIC=off; unset it for hybrid search)"
        if self._load_error is not None:
            return str(self._load_error)
        missing = self._missing() if self._queries is None else []
        if missing:
            return str(MissingPackagesError(missing, pinned_requirements(missing)))
        return ""

    def status(self) -> str:
        """One sentence for users: is semantic search on, and if not, how to turn it on."""
        reason = self.unavailable_reason()
        if reason:
            return f"Searching with full text only: {reason}"
        return "Semantic search is on: full text and vectors are fused (hybrid)."

    def state(self) -> str:
        """What decides `status()`, as a short key: 'on', 'disabled' (DOCSHELF_SEMANTIC=off)
        or 'missing: <packages>'. A notice said once is said again when this changes."""
        if not self.enabled:
            return "disabled"
        if self._load_error is not None:
            return f"missing: {', '.join(self._load_error.missing)}"
        missing = self._missing() if self._queries is None else []
        return f"missing: {', '.join(missing)}" if missing else "on"

    @property
    def model_id(self) -> str | None:
        """The model's id (cheap: no import of the model's packages), or None when
        semantic search cannot run."""
        if self._queries is not None:
            return self._queries.embedder.model_id
        if not self.available:
            return None
        from docshelf.search.minilm import MODEL

        return MODEL

    def embedder(self, *, wait: bool = True) -> QueryCache | None:
        """The loaded model; with wait=False, None until a background load finishes."""
        if self._queries is not None or not self.available:
            return self._queries
        if not wait:
            self._start_loading()
            return None
        with self._lock:
            if self._queries is None:
                try:
                    self._queries = QueryCache(load_embedder())
                except SemanticUnavailableError as exc:
                    self._load_error = exc
                    raise
        return self._queries

    @property
    def loaded(self) -> bool:
        return self._queries is not None

    def require(self) -> QueryCache:
        """The model, or SemanticUnavailableError saying what to install."""
        if not self.enabled:
            raise UsageError(
                "Semantic search is turned off (DOCSHELF_SEMANTIC=off); unset it to use "
                "mode 'semantic' or 'hybrid'."
            )
        queries = self.embedder(wait=True)
        if queries is None:
            missing = missing_packages()
            raise self._load_error or MissingPackagesError(missing, pinned_requirements(missing))
        return queries

    def _start_loading(self) -> None:
        with self._lock:
            if self._loading is not None:
                return

            def load() -> None:
                lower_priority()
                try:
                    self.embedder(wait=True)
                except SemanticUnavailableError as exc:
                    log.warning("%s", exc)
                except Exception:  # a broken install must not take the server down
                    log.exception("Could not load the semantic search model; using full text.")
                    self.enabled = False

            self._loading = threading.Thread(target=load, name="docshelf-model", daemon=True)
            self.track(self._loading)

    def track(self, thread: threading.Thread) -> None:
        """Start a background thread that shutdown() will stop and wait for."""
        self._threads.append(thread)
        thread.start()

    def busy(self) -> threading.Thread | None:
        """The newest background thread still running, if any (a new build waits for it)."""
        return next((t for t in reversed(self._threads) if t.is_alive()), None)

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def wait_for_stop(self, timeout: float) -> bool:
        """Block until shutdown() is called or `timeout` seconds pass; True if stopping."""
        return self._stop.wait(timeout)

    def shutdown(self, timeout: float = 10.0) -> None:
        """Stop background work and wait for it: the process must never exit while a
        thread is inside onnxruntime (its thread pool aborts the process at exit)."""
        self._stop.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(deadline - time.monotonic(), 0.0))
        if self._queries is not None:
            self._queries.close()

    # -- indexes -----------------------------------------------------------------------

    def routes(self) -> tuple[Route, ...]:
        """The routes to try, best first: the forced one, else sections once built.

        Section vectors alone ranked above page+section and page vectors on the held-out
        judged sets embedded every way (benchmarks/pooled.py; figures in its README).
        """
        if self.route is not None:
            return (self.route,)
        return ("section", "page") if self.sections else ("page",)

    def indexes(
        self, conn: sqlite3.Connection, refs: list[VersionRef], model: str
    ) -> list[VectorIndex] | None:
        """Every version's vector index (each by the best route built), or None while
        any of them has none complete."""
        found = []
        for ref in refs:
            index = next(
                (i for r in self.routes() if (i := self._index(conn, ref, model, r)) is not None),
                None,
            )
            if index is None:
                return None
            found.append(index)
        return found

    def _index(
        self, conn: sqlite3.Connection, ref: VersionRef, model: str, route: Route
    ) -> VectorIndex | None:
        from docshelf.search.vector_tables import complete

        key = (ref.id, ref.record.indexed_at, ref.record.sections, model, route)
        index = self._indexes.get(key)
        if index is not None:
            return index
        checked = self._incomplete.get(key)
        if checked is not None and time.monotonic() - checked < RECHECK_SECONDS:
            return None
        index = None
        if complete(conn, ref.id, model, route):  # asked first: numpy only once there is use
            from docshelf.search.vectors import load_index

            index = load_index(conn, ref.id, model, route)
        if index is None:
            self._incomplete[key] = time.monotonic()
            return None
        with self._lock:
            # Keep only the newest index of each version and route.
            for old in [k for k in self._indexes if k[0] == ref.id and k[4] == route]:
                del self._indexes[old]
            self._indexes[key] = index
            self._incomplete.pop(key, None)
        return index

    def fallback_note(self, conn: sqlite3.Connection, refs: list[VersionRef]) -> str:
        """Why an automatic search of `refs` used full text only, and what to do ("" if
        nothing held it back). Imports nothing heavy."""
        reason = self.unavailable_reason()
        if reason:
            return f"Full-text search only: {reason}"
        model = self.model_id
        if model is not None:
            pending = [p for p in self.progress(conn, refs, model) if not p[1].complete]
            if pending:
                listed = ", ".join(
                    f"{ref.record.ref} ({cov.done:,} of {cov.total:,} pages)"
                    for ref, cov in pending
                )
                how = (
                    "they are being built in the background and hybrid search starts by itself"
                    if self.load_in_background
                    else "run `docshelf embed` to build them"
                )
                return f"Full-text search only for now: {listed} lack page vectors; {how}."
        if not self.loaded:
            return "Full-text search only for now: the search model is still loading."
        return ""

    def progress(
        self, conn: sqlite3.Connection, refs: list[VersionRef], model: str, unit: Unit = "pages"
    ) -> list[tuple[VersionRef, Coverage]]:
        """Each version with its page (or section) vector coverage."""
        from docshelf.search.vector_tables import coverage

        return [(ref, coverage(conn, ref.id, model, unit)) for ref in refs]

    def describe(self, conn: sqlite3.Connection, refs: list[VersionRef]) -> str:
        """One sentence on how `refs` are searched now: hybrid, or full text and why."""
        reason = self.unavailable_reason()
        if reason:
            return f"Search is full text only: {reason}"
        model = self.model_id
        if model is None or not refs:
            return ""
        from docshelf.search.vector_tables import coverage

        ready, partial = [], []
        for ref in refs:
            pages = coverage(conn, ref.id, model, "pages")
            if not pages.complete:
                partial.append(f"{ref.record.ref} ({pages.done:,} of {pages.total:,} pages)")
                continue
            sections = coverage(conn, ref.id, model, "sections")
            if not self.sections or sections.complete:
                ready.append(ref.record.ref)
            else:
                share = sections.done * 100 // max(sections.total, 1)
                ready.append(f"{ref.record.ref} (section vectors {share}%)")
        parts = []
        if ready:
            parts.append("hybrid (full text and meaning) for " + ", ".join(ready))
        if partial:
            how = (
                "being built in the background"
                if self.load_in_background
                else "run `docshelf embed` to build them"
            )
            parts.append(f"full text only for {', '.join(partial)}: page vectors {how}")
        return "Search is " + "; ".join(parts) + "."

    # -- building ----------------------------------------------------------------------

    def units(self) -> tuple[Unit, ...]:
        """What a full build embeds: page vectors, then section vectors unless off."""
        return ("pages", "sections") if self.sections else ("pages",)

    def build(
        self,
        conn: sqlite3.Connection,
        refs: list[VersionRef],
        *,
        units: tuple[Unit, ...] | None = None,
        progress: Callable[[str, int, int], None] | None = None,
        write_lock: AbstractContextManager[object] | None = None,
    ) -> list[VectorBuild]:
        """Build the missing vectors of each version (loading the model if needed): every
        version's page vectors first, so each becomes searchable soonest, then sections.
        `progress(unit, done, total)` is told as it goes."""
        from docshelf.search.vectors import build_vectors

        embedder = self.require().embedder
        builds: list[VectorBuild] = []
        for unit in self.units() if units is None else units:
            for ref in refs:
                if self.stopping:
                    return builds
                started = time.perf_counter()
                tell = (lambda d, t, u=unit: progress(u, d, t)) if progress else None
                stats = build_vectors(
                    conn,
                    embedder,
                    ref.id,
                    unit=unit,
                    progress=tell,
                    write_lock=write_lock,
                    should_stop=self._stop.is_set,
                )
                seconds = time.perf_counter() - started
                builds.append(
                    VectorBuild(
                        ref.record.ref, unit, stats.embedded, stats.reused, stats.total, seconds
                    )
                )
            with self._lock:
                self._incomplete.clear()  # searches look again now, not after RECHECK_SECONDS
        return builds

    def missing(
        self,
        conn: sqlite3.Connection,
        refs: list[VersionRef],
        units: tuple[Unit, ...] | None = None,
    ) -> list[VersionRef]:
        """The versions that lack page (or section, if built) vectors for the model."""
        from docshelf.search.vector_tables import coverage

        model = self.require().embedder.model_id
        wanted = self.units() if units is None else units
        return [
            ref
            for ref in refs
            if any(not coverage(conn, ref.id, model, u).complete for u in wanted)
        ]
