"""Semantic search for one shelf: the embedder loaded once, vector indexes kept, builds run.

The model is never loaded on the start-up path: a server loads it in a background thread
and answers with full text until the model and every searched version's vectors are
ready; a one-shot command loads it when it first needs it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from docshelf.errors import SemanticUnavailableError, UsageError
from docshelf.search.embed import QueryCache, load_embedder, missing_packages
from docshelf.store.catalog import VersionRef

if TYPE_CHECKING:
    import sqlite3

    from docshelf.search.embed import Embedder
    from docshelf.search.vectors import VectorIndex

RECHECK_SECONDS = 1.0  # how often a search re-checks a version whose vectors are incomplete
OFF_HINT = "set DOCSHELF_SEMANTIC=off to silence this"

log = logging.getLogger("docshelf.semantic")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class VectorBuild:
    """The outcome of building one version's vectors."""

    ref: str  # NAME@VERSION
    embedded: int
    reused: int
    total: int
    seconds: float


class SemanticSearch:
    """A shelf's semantic state; thread-safe. `enabled=False` means full text only."""

    def __init__(
        self,
        cache_dir: Path,
        *,
        enabled: bool = True,
        load_in_background: bool = False,
        embedder: Embedder | None = None,
    ) -> None:
        self.cache_dir = cache_dir
        self.enabled = enabled
        self.load_in_background = load_in_background
        self._queries = QueryCache(embedder) if embedder is not None else None
        self._load_error: SemanticUnavailableError | None = None
        self._expected: str | None = None
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
        """The extra's missing packages, looked up once: installs do not change under us."""
        if self._missing_cache is None:
            self._missing_cache = missing_packages()
        return self._missing_cache

    def status(self) -> str:
        """One sentence for users: is semantic search on, and if not, how to turn it on."""
        if not self.enabled:
            return "Semantic search is off (DOCSHELF_SEMANTIC=off); searching with full text."
        missing = self._missing() if self._queries is None else []
        if missing or self._load_error is not None:
            from docshelf.install import semantic_install_command

            return (
                "Semantic search is off; searching with full text. To search by meaning as "
                f"well as by words, run `{semantic_install_command()}` ({OFF_HINT})."
            )
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
        """The model's id: the loaded one's, else the one that would load (cheap: no import
        of the model's packages), or None without the extra."""
        if self._queries is not None:
            return self._queries.embedder.model_id
        if self._expected is None and self.available:
            from docshelf.search.embed import MAX_TOKENS
            from docshelf.search.minilm import find_source, model_id

            try:
                self._expected = model_id(find_source(), MAX_TOKENS)
            except SemanticUnavailableError:
                return None
        return self._expected

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
                    self._queries = QueryCache(load_embedder(self.cache_dir))
                except SemanticUnavailableError as exc:
                    self._load_error = exc
                    raise
        return self._queries

    def require(self) -> QueryCache:
        """The model, or SemanticUnavailableError saying what to install."""
        if not self.enabled:
            raise UsageError(
                "Semantic search is turned off (DOCSHELF_SEMANTIC=off); unset it to use "
                "mode 'semantic' or 'hybrid'."
            )
        queries = self.embedder(wait=True)
        if queries is None:
            raise self._load_error or SemanticUnavailableError(missing_packages())
        return queries

    def _start_loading(self) -> None:
        with self._lock:
            if self._loading is not None:
                return

            def load() -> None:
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

    # -- indexes -----------------------------------------------------------------------

    def indexes(
        self, conn: sqlite3.Connection, refs: list[VersionRef], model: str
    ) -> list[VectorIndex] | None:
        """Every version's vector index, or None while any of them is incomplete."""
        from docshelf.search.vectors import load_index

        found = []
        for ref in refs:
            key = (ref.id, ref.record.indexed_at, ref.record.sections, model)
            index = self._indexes.get(key)
            if index is None:
                checked = self._incomplete.get(key)
                if checked is not None and time.monotonic() - checked < RECHECK_SECONDS:
                    return None
                index = load_index(conn, ref.id, model)
                if index is None:
                    self._incomplete[key] = time.monotonic()
                    return None
                with self._lock:
                    # Keep only the newest index of each version.
                    for old in [k for k in self._indexes if k[0] == ref.id]:
                        del self._indexes[old]
                    self._indexes[key] = index
                    self._incomplete.pop(key, None)
            found.append(index)
        return found

    # -- building ----------------------------------------------------------------------

    def build(
        self,
        conn: sqlite3.Connection,
        refs: list[VersionRef],
        *,
        progress: Progress | None = None,
        write_lock: AbstractContextManager[object] | None = None,
    ) -> list[VectorBuild]:
        """Build the missing vectors of each version (loading the model if needed)."""
        from docshelf.search.vectors import build_vectors

        embedder = self.require().embedder
        builds = []
        for ref in refs:
            started = time.perf_counter()
            if self.stopping:
                break
            stats = build_vectors(
                conn,
                embedder,
                ref.id,
                progress=progress,
                write_lock=write_lock,
                should_stop=self._stop.is_set,
            )
            seconds = time.perf_counter() - started
            builds.append(
                VectorBuild(ref.record.ref, stats.embedded, stats.reused, stats.total, seconds)
            )
        with self._lock:
            self._incomplete.clear()  # searches look again now, not after RECHECK_SECONDS
        return builds

    def missing(self, conn: sqlite3.Connection, refs: list[VersionRef]) -> list[VersionRef]:
        """The versions that lack vectors for the installed model (loads it)."""
        from docshelf.search.vectors import coverage

        model = self.require().embedder.model_id
        return [ref for ref in refs if not coverage(conn, ref.id, model).complete]
