"""The shelf: one data directory with its index; adding, removing, searching and reading."""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from docshelf.errors import DocshelfError, LibraryNotFoundError, StoreError, UsageError
from docshelf.models import Hit, Library, LibraryVersion, Page, ReadResult
from docshelf.parsing.formats import DocFile, parse_document
from docshelf.read import Listing, PageEntry, list_directory, read_path
from docshelf.search import hybrid
from docshelf.search.fts import section_heading, section_snippet
from docshelf.search.semantic import SearchMode, SemanticSearch, VectorBuild
from docshelf.settings import data_home, get_setting
from docshelf.sources import FetchedDocs, Reporter, SilentReporter, ensure_files, fetch_source
from docshelf.store import catalog, db
from docshelf.store.indexing import delete_version, write_version
from docshelf.tokens import approx_tokens

MANIFEST = "libraries.json"  # sources of every indexed version, so the index can be rebuilt
MAX_LIMIT = 50

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _snapshot(method: Callable[Concatenate[Shelf, _P], _R]) -> Callable[Concatenate[Shelf, _P], _R]:
    """Run a multi-statement read in one read transaction.

    Every statement then sees the same snapshot, so a library re-indexed meanwhile (even
    by another process) is seen entirely old or entirely new, never half of each.
    """

    @functools.wraps(method)
    def wrapper(self: Shelf, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        conn = self.conn
        if conn.in_transaction:
            return method(self, *args, **kwargs)
        conn.execute("BEGIN")
        try:
            return method(self, *args, **kwargs)
        finally:
            if conn.in_transaction:
                conn.execute("COMMIT")

    return wrapper


class Shelf:
    """A data directory: the SQLite index plus the download cache and source manifest.

    Open once and reuse; safe to share between threads (SQLite serialises writers, and
    WAL lets readers go on while a library is re-indexed).
    """

    def __init__(self, home: str | os.PathLike[str] | None = None) -> None:
        self.home = data_home(home)
        self.cache_dir = self.home / "cache"
        self.db_path = db.database_path(self.home)
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._local = threading.local()
        self._conns: list[sqlite3.Connection] = []
        self.semantic = SemanticSearch(
            self.cache_dir / "models", enabled=get_setting("semantic") != "off"
        )

    @property
    def write_lock(self) -> threading.Lock:
        """Held while this process writes the index (SQLite serialises other processes)."""
        return self._write_lock

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection: SQLite readers in WAL mode never wait for each other."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = db.connect(self.db_path)
            self._local.conn = conn
            with self._lock:
                self._conns.append(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            conn.close()
        self._local = threading.local()

    def close_thread(self) -> None:
        """Close the calling thread's connection (for worker threads that end)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            with self._lock:
                if conn in self._conns:
                    self._conns.remove(conn)
            conn.close()
            self._local.conn = None

    def __enter__(self) -> Shelf:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- libraries -------------------------------------------------------------------

    def add_library(
        self,
        source: str,
        *,
        name: str | None = None,
        docs_root: str | None = None,
        reporter: Reporter | None = None,
    ) -> LibraryVersion:
        """Fetch `source`, parse its markdown and index it as `name@version`, atomically."""
        reporter = reporter or SilentReporter()
        fetched = fetch_source(source, self.cache_dir, docs_root, reporter)
        ensure_files(fetched)
        library = catalog.check_library_name(name or fetched.name)
        record = self._index(fetched, library, reporter)
        self._remember(record, fetched, docs_root)
        return record

    def _index(self, fetched: FetchedDocs, library: str, reporter: Reporter) -> LibraryVersion:
        return self.index_files(
            library, fetched.version, fetched.source, fetched.iter_files(), reporter=reporter
        )

    def index_files(
        self,
        library: str,
        version: str,
        source: str,
        files: Iterable[tuple[str, str] | DocFile],
        *,
        reporter: Reporter | None = None,
    ) -> LibraryVersion:
        """Index (page path, markdown) pairs or DocFiles as `library@version`, atomically."""
        reporter = reporter or SilentReporter()
        files = list(files)
        reporter.message(f"Indexing {len(files)} pages of {library}@{version}")
        done = 0

        def pages() -> Iterator[Page]:
            for file in files:
                yield parse_document(*file)

        def tick(_: Page) -> None:
            nonlocal done
            done += 1
            reporter.index(done, len(files))

        with self._write_lock:
            return write_version(self.conn, library, version, source, pages(), on_page=tick)

    def remove_library(self, ref: str) -> list[LibraryVersion]:
        """Remove `LIB` (every version) or `LIB@VERSION`; returns what was removed."""
        name, version = catalog.split_library_ref(ref)
        libraries = {lib.name: lib for lib in self.list_libraries()}
        if name not in libraries:
            raise LibraryNotFoundError(name, sorted(libraries))
        targets = [v for v in libraries[name].versions if version is None or v.version == version]
        if not targets:
            raise LibraryNotFoundError(name, [v.version for v in libraries[name].versions], version)
        with self._write_lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                for target in targets:
                    delete_version(self.conn, target.name, target.version)
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
        self._forget(targets)
        return targets

    @_snapshot
    def list_libraries(self) -> list[Library]:
        return catalog.list_libraries(self.conn)

    @_snapshot
    def version_refs(self) -> list[catalog.VersionRef]:
        """Every indexed version: the newest of each library first, then older ones."""
        libraries = catalog.list_libraries(self.conn)
        depth = max((len(lib.versions) for lib in libraries), default=0)
        return [
            catalog.resolve_version(self.conn, lib.versions[i].ref)
            for i in range(depth)
            for lib in libraries
            if i < len(lib.versions)
        ]

    def build_vectors(
        self, progress: Callable[[int, int], None] | None = None, *, library: str | None = None
    ) -> list[VectorBuild]:
        """Embed the sections that have no vector yet (all versions, or `library`'s).

        Raises SemanticUnavailableError when the `semantic` extra is not installed.
        """
        refs = self.version_refs()
        if library is not None:
            wanted = {r.id for r in catalog.resolve_versions(self.conn, library)}
            refs = [r for r in refs if r.id in wanted]
        return self.semantic.build(self.conn, refs, progress=progress, write_lock=self._write_lock)

    def reindex(self, reporter: Reporter | None = None) -> list[LibraryVersion]:
        """Rebuild the index from the source manifest (a damaged file is moved aside)."""
        reporter = reporter or SilentReporter()
        entries = self._manifest()
        if self.db_path.exists():
            self.close()
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            aside = self.db_path.with_name(f"{self.db_path.name}.old-{stamp}")
            for suffix in ("", "-wal", "-shm"):
                part = Path(str(self.db_path) + suffix)
                if part.exists():
                    part.replace(Path(str(aside) + suffix))
            reporter.message(f"Moved the old index to {aside}")
        rebuilt = []
        for entry in entries:
            fetched = fetch_source(
                entry["source"], self.cache_dir, entry.get("docs_root"), reporter
            )
            rebuilt.append(self._index(fetched, entry["library"], reporter))
        return rebuilt

    # -- search and read ---------------------------------------------------------------

    @_snapshot
    def search(
        self,
        query: str,
        *,
        library: str | list[str] | None = None,
        path_prefix: str = "",
        limit: int = 10,
        mode: SearchMode = "auto",
    ) -> list[Hit]:
        """Pages ranked for `query`, best first, each with its best section and a snippet.

        `library` is a name, NAME@VERSION, a list of those, or None for every library.
        `mode`: auto (hybrid once vectors are built, else full text), fulltext, semantic,
        or hybrid.
        """
        if not isinstance(query, str):
            raise UsageError("query must be a string, e.g. 'configure memory for an agent'.")
        limit = max(1, min(int(limit), MAX_LIMIT))
        wanted = library if isinstance(library, list) else [library]
        refs = [ref for name in wanted for ref in catalog.resolve_versions(self.conn, name)]
        by_id = {r.id: r.record for r in refs}
        matches = hybrid.rank(
            self.conn, self.semantic, query, refs, path_prefix=path_prefix, limit=limit, mode=mode
        )
        hits = []
        for match in matches:
            row = self.conn.execute(
                "SELECT path, title FROM pages WHERE id = ?", (match.page_id,)
            ).fetchone()
            if row is None:  # vectors cached in memory for a page just re-indexed away
                continue
            heading, anchor, snippet = "", "", ""
            if match.section_id is not None:
                heading, anchor = section_heading(self.conn, match.section_id)
                snippet = section_snippet(self.conn, query, match.section_id)
            record = by_id[match.version_id]
            hits.append(
                Hit(
                    record.name,
                    record.version,
                    row[0],
                    row[1],
                    heading,
                    anchor,
                    match.score,
                    snippet,
                )
            )
        return hits

    @_snapshot
    def read(
        self,
        paths: list[str],
        *,
        library: str | None = None,
        section: str | None = None,
        max_tokens: int | None = None,
    ) -> list[ReadResult]:
        """Read each path; `max_tokens` caps the whole answer, shared out in order."""
        if isinstance(paths, str):
            paths = [paths]
        if not paths:
            raise UsageError(
                "Give at least one path, e.g. paths=['reference/agents/agent'] or ['']."
            )
        if max_tokens is not None and max_tokens < 1:
            raise UsageError("max_tokens must be a positive number of tokens, e.g. 4000.")
        ref = catalog.resolve_version(self.conn, library)
        results = []
        budget = max_tokens
        for path in paths:
            result = read_path(
                self.conn,
                ref,
                path,
                section=section,
                max_tokens=budget,
                suggest=lambda q: self.search(q, library=ref.record.ref, limit=5),
            )
            results.append(result)
            if budget is not None:
                budget = max(budget - approx_tokens(result.text), 1)
        return results

    @_snapshot
    def list_directory(
        self, directory: str = "", *, library: str | None = None
    ) -> Listing[PageEntry]:
        """Subdirectories and pages directly under `directory` ('' for the top)."""
        ref = catalog.resolve_version(self.conn, library)
        return list_directory(self.conn, ref, directory)

    @_snapshot
    def list_paths(
        self, library: str | None = None, prefix: str = "", limit: int = 100
    ) -> list[str]:
        """Page paths of a library version that start with `prefix` (for completion)."""
        ref = catalog.resolve_version(self.conn, library)
        return catalog.page_paths(self.conn, ref.id, prefix, limit)

    # -- manifest ----------------------------------------------------------------------

    def _manifest(self) -> list[dict[str, str]]:
        file = self.home / MANIFEST
        if not file.exists():
            return []
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            return [e for e in data["libraries"] if isinstance(e, dict) and "source" in e]
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(
                f"{file} is damaged ({exc}); fix or delete it, then `docshelf add` your "
                "libraries again."
            ) from exc

    def _write_manifest(self, entries: list[dict[str, str]]) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"libraries": entries}, indent=2) + "\n"
        fd, tmp = tempfile.mkstemp(dir=self.home, prefix=".manifest-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, self.home / MANIFEST)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _remember(
        self, record: LibraryVersion, fetched: FetchedDocs, docs_root: str | None
    ) -> None:
        try:
            entries = [
                e
                for e in self._manifest()
                if (e.get("library"), e.get("version")) != (record.name, record.version)
            ]
        except DocshelfError:
            entries = []
        entry = {"library": record.name, "version": record.version, "source": fetched.source}
        if docs_root:
            entry["docs_root"] = docs_root
        self._write_manifest([*entries, entry])

    def _forget(self, removed: list[LibraryVersion]) -> None:
        gone = {(r.name, r.version) for r in removed}
        entries = [e for e in self._manifest() if (e.get("library"), e.get("version")) not in gone]
        self._write_manifest(entries)
