"""The shelf: one data directory and its index, and the facade everything above it uses.

It opens the store and delegates: fetching to sources/, parsing to parsing/, writing and
page lookups to store/, ranking to search/, reading to reading/. The features above it
(guides, versions, packages) and both adapters call its methods and never see SQL or a
connection.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import replace
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from docshelf.constants import MAX_PATH_CHARS, SearchMode
from docshelf.errors import LibraryNotFoundError, NothingIndexedError, UsageError
from docshelf.models import (
    Answer,
    Hit,
    Library,
    LibraryVersion,
    Page,
    ReadResult,
    SearchResult,
    Section,
    SkippedFile,
)
from docshelf.progress import Reporter, SilentReporter
from docshelf.search.semantic import SemanticSearch, VectorBuild
from docshelf.settings import data_home, get_bool
from docshelf.store import catalog, db, manifest, notices, pages
from docshelf.store.catalog import VersionRef
from docshelf.store.connections import Connections
from docshelf.store.pages import PageEntry, StoredPage
from docshelf.store.pins import ProjectPins
from docshelf.wording import Param

if TYPE_CHECKING:
    from pathlib import Path

    from docshelf.parsing.formats import DocFile
    from docshelf.reading.read import Listing
    from docshelf.search.vector_tables import Unit
    from docshelf.sources import FetchedDocs

# What adding, reading and searching use is imported when first used: a server starts
# (and answers its first tools/list) without the parsers, the sources or the rankers.

MAX_LIMIT = 50
_MIN_PART_TOKENS = 50  # less left of a read's budget than this: the next paths are not read

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _snapshot(method: Callable[Concatenate[Shelf, _P], _R]) -> Callable[Concatenate[Shelf, _P], _R]:
    """Run a multi-statement read in one read transaction (see store.db.snapshot)."""

    @functools.wraps(method)
    def wrapper(self: Shelf, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with db.snapshot(self.conn):
            return method(self, *args, **kwargs)

    return wrapper


class Shelf:
    """A data directory: the SQLite index plus the download cache and source manifest.

    Open once and reuse; safe to share between threads (SQLite serialises writers, and
    WAL lets readers go on while a library is re-indexed).
    """

    def __init__(self, home: str | os.PathLike[str] | None = None) -> None:
        self.home = data_home(home)
        self.cache_dir = self.home / "cache"
        self._write_lock = threading.Lock()
        self._connections = Connections(db.database_path(self.home))
        self.semantic = SemanticSearch(
            enabled=get_bool("semantic"), sections=get_bool("section_vectors")
        )
        self._project = ProjectPins()

    def lock_versions(self, sources: Iterable[str] | Callable[[], Iterable[str]]) -> None:
        """Default to the versions a project locks: `sources` are its pinned dependencies
        as specs (`npm:zod@3.23.8`, `pypi:httpx==0.28.1`; see
        `docshelf.packages.sync.locked_specs`), or a function that reads them, called when
        a version is first resolved (a server reads the lockfiles after its start-up). A
        library name without a version then means the version added from one of them, when
        indexed (else the newest)."""
        self._project.lock(sources)

    def pins(self) -> dict[str, str]:
        """The version of each library the project in use locks (see lock_versions)."""
        return self._project.versions(self.conn)

    def _pins(self) -> Mapping[str, str]:
        """`pins()`, worked out when first looked at (store/pins.py)."""
        return self._project.lazy(lambda: self.conn)

    @property
    def write_lock(self) -> threading.Lock:
        """Held while this process writes the index (SQLite serialises other processes)."""
        return self._write_lock

    @property
    def db_path(self) -> Path:
        """The index file this shelf reads and writes."""
        return self._connections.path

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection (store/connections.py)."""
        return self._connections.current()

    def open_connections(self) -> int:
        """How many connections to the index this shelf holds open."""
        return self._connections.count()

    def beside(self, work: Callable[[sqlite3.Connection], _R]) -> Future[_R]:
        """Run `work` on this shelf's helper thread, with that thread's own connection: a
        search ranks on two connections at once. `work` opens its own read transaction and
        must check it sees what the caller sees."""
        return self._connections.beside(work)

    def close(self) -> None:
        self._connections.close()

    def close_thread(self) -> None:
        """Close the calling thread's connection (for worker threads that end)."""
        self._connections.close_thread()

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
        docs_from: str | None = None,
        reporter: Reporter | None = None,
        check_site: Callable[[str], None] | None = None,
    ) -> LibraryVersion:
        """Fetch `source`, parse its docs and index them as `name@version`, atomically.

        `docs_from` ("tarball", "repo" or "site") says where a package's docs come from; by
        default its own docs folder, else its repository at the release's tag. With "site",
        the docs website its metadata names, which `check_site` (given the URL) may refuse
        by raising; None fetches whatever site the metadata names."""
        from docshelf.sources import ensure_files, fetch_source

        reporter = reporter or SilentReporter()
        fetched = fetch_source(
            source, self.cache_dir, docs_root, reporter, docs_from=docs_from, check_site=check_site
        )
        ensure_files(fetched)
        library = catalog.check_library_name(name or fetched.name)
        record = self._index(fetched, library, reporter)
        entry = manifest.SourceEntry(
            record.name, record.version, fetched.source, docs_root, docs_from
        )
        manifest.remember_source(self.home, entry)
        return record

    def _index(self, fetched: FetchedDocs, library: str, reporter: Reporter) -> LibraryVersion:
        for warning in fetched.warnings:
            reporter.message(f"Warning: {warning}")
        skipped: list[SkippedFile] = []
        docs = list(fetched.iter_files(skipped.append))
        for skip in skipped:
            reporter.message(f"Skipped {skip.path}: {skip.reason}")
        record = self.index_files(
            library,
            fetched.version,
            fetched.source,
            docs,
            reporter=reporter,
            origin=fetched.origin,
        )
        return replace(record, skipped=(*skipped, *record.skipped))

    def index_files(
        self,
        library: str,
        version: str,
        source: str,
        files: Iterable[DocFile | tuple[str, str] | tuple[str, str, str]],
        *,
        reporter: Reporter | None = None,
        origin: str = "",
    ) -> LibraryVersion:
        """Index pages as `library@version`, atomically: DocFiles with their text, or
        (page path, text[, format]) tuples. The format ("md", "mdx", "rst") picks the
        parser; markdown when it is left out. `origin` says where the docs came from.

        A page whose path is longer than MAX_PATH_CHARS is left out (no read could name
        it); the record returned lists it in `skipped`.
        """
        from docshelf.parsing.formats import parse_document
        from docshelf.store.indexing import write_version

        reporter = reporter or SilentReporter()
        docs = [_doc_file(item) for item in files]
        skipped = tuple(
            SkippedFile(
                doc.page_id[:80] + "…", f"its path is longer than {MAX_PATH_CHARS} characters"
            )
            for doc in docs
            if len(doc.page_id) > MAX_PATH_CHARS
        )
        if skipped:
            docs = [doc for doc in docs if len(doc.page_id) <= MAX_PATH_CHARS]
        reporter.message(f"Indexing {len(docs)} pages of {library}@{version}")
        done = 0

        def parsed() -> Iterator[Page]:
            for doc in docs:
                page = parse_document(doc.page_id, doc.text or "", doc.format)
                # A file name that is not UTF-8 is stored with U+FFFD, as its page id is.
                file = doc.path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                yield replace(page, file=file, order=doc.order)

        def tick(_: Page) -> None:
            nonlocal done
            done += 1
            reporter.index(done, len(docs))

        with self._write_lock:
            record = write_version(
                self.conn, library, version, source, parsed(), on_page=tick, origin=origin
            )
        for skip in skipped:
            reporter.message(f"Skipped {skip.path}: {skip.reason}")
        return replace(record, skipped=skipped)

    def remove_library(self, ref: str) -> list[LibraryVersion]:
        """Remove `LIB` (every version) or `LIB@VERSION`; returns what was removed."""
        from docshelf.store.indexing import delete_versions

        name, version = catalog.split_library_ref(ref)
        libraries = {lib.name: lib for lib in self.list_libraries()}
        if name not in libraries:
            raise LibraryNotFoundError(name, sorted(libraries))
        targets = [v for v in libraries[name].versions if version is None or v.version == version]
        if not targets:
            raise catalog.missing_version(libraries[name], version or "")
        gone = [(t.name, t.version) for t in targets]
        with self._write_lock:
            delete_versions(self.conn, gone)
        manifest.forget_sources(self.home, gone)
        return targets

    @_snapshot
    def list_libraries(self) -> list[Library]:
        return catalog.list_libraries(self.conn)

    @_snapshot
    def page_kinds(self) -> dict[tuple[str, str], dict[str, int]]:
        """(library, version) -> how many of its pages are of each kind, most first."""
        return catalog.kind_counts(self.conn)

    @_snapshot
    def resolve_version(self, library: str | None = None) -> VersionRef:
        """The one version `LIB`, `LIB@VERSION` or None (when one library is indexed) names."""
        return catalog.resolve_version(self.conn, library, self._pins())

    @_snapshot
    def version_refs(self) -> list[VersionRef]:
        """Every indexed version: the newest of each library first, then older ones."""
        libraries = catalog.list_libraries(self.conn)
        depth = max((len(lib.versions) for lib in libraries), default=0)
        return [
            catalog.resolve_version(self.conn, lib.versions[i].ref)
            for i in range(depth)
            for lib in libraries
            if i < len(lib.versions)
        ]

    def reindex(self, reporter: Reporter | None = None) -> list[LibraryVersion]:
        """Rebuild the index from the source manifest into a new database, then swap it in
        whole (store/rebuild.py): until then, and if the rebuild fails or is killed, the
        current index keeps serving. A damaged index is kept as the one backup."""
        from docshelf.sources import fetch_source
        from docshelf.store import rebuild

        reporter = reporter or SilentReporter()
        entries = manifest.read_manifest(self.home)
        if not entries:
            return []
        rebuilt = []
        with rebuild.rebuilding(self.db_path) as partial:
            builder = Shelf(self.home)
            builder._connections = Connections(partial)  # the new index, not the live one
            try:
                for entry in entries:
                    fetched = fetch_source(
                        entry.source,
                        self.cache_dir,
                        entry.docs_root,
                        reporter,
                        docs_from=entry.docs_from,
                    )
                    rebuilt.append(builder._index(fetched, entry.library, reporter))
                # The vectors are kept: unchanged pages and sections reuse them by hash.
                from docshelf.search.vector_tables import copy_embeddings

                copy_embeddings(builder.conn, self.db_path)
            finally:
                builder.close()
            self.close()  # this process's connections reopen on the new index
        return rebuilt

    # -- pages -------------------------------------------------------------------------

    @_snapshot
    def list_pages(self, version: VersionRef) -> list[PageEntry]:
        """Every page of a version (see resolve_version), by path."""
        return pages.list_pages(self.conn, version.id)

    @_snapshot
    def find_page(self, version: VersionRef, path: str) -> StoredPage | None:
        """A page of a version by its exact stored path, or None."""
        return pages.find_page(self.conn, version.id, path)

    @_snapshot
    def page_contents(self, version: LibraryVersion) -> dict[str, str]:
        """`{path: markdown body}` of every page of an indexed version."""
        return pages.page_contents(self.conn, version.name, version.version)

    @_snapshot
    def page_sections(
        self, version: LibraryVersion, paths: Iterable[str]
    ) -> dict[str, list[Section]]:
        """The sections of some pages of an indexed version, as indexed, by page path."""
        return pages.page_sections(self.conn, version.name, version.version, paths)

    @_snapshot
    def page_content(self, version: LibraryVersion, path: str) -> str | None:
        """The markdown body of one page of an indexed version, or None."""
        return pages.page_content(self.conn, version.name, version.version, path)

    @_snapshot
    def list_directory(
        self, directory: str = "", *, library: str | None = None
    ) -> Listing[PageEntry]:
        """Subdirectories and pages directly under `directory` ('' for the top)."""
        from docshelf.reading.read import list_directory

        ref = catalog.resolve_version(self.conn, library, self._pins())
        return list_directory(self.conn, ref, directory)

    @_snapshot
    def list_paths(
        self, library: str | None = None, prefix: str = "", limit: int = 100
    ) -> list[str]:
        """Page paths of a library version that start with `prefix` (for completion)."""
        ref = catalog.resolve_version(self.conn, library, self._pins())
        return pages.page_paths(self.conn, ref.id, prefix, limit)

    # -- search and read ---------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        library: str | list[str] | None = None,
        path_prefix: str = "",
        kind: str | Sequence[str] | None = None,
        limit: int = 10,
        mode: SearchMode = "auto",
    ) -> list[Hit]:
        """Pages ranked for `query`, best first, each with its best section and a snippet.

        `library` is a name, NAME@VERSION, a list of those, or None for every library.
        `kind` keeps the pages of these kinds (guide, reference, ...: a name, a list, or
        several comma-separated; None for all). `mode`: auto (hybrid once vectors are
        built, else full text), fulltext, semantic, or hybrid. `search_results` also says
        which mode ranked them.
        """
        found = self.search_results(
            query, library=library, path_prefix=path_prefix, kind=kind, limit=limit, mode=mode
        )
        return list(found.hits)

    @_snapshot
    def search_results(
        self,
        query: str,
        *,
        library: str | list[str] | None = None,
        path_prefix: str = "",
        kind: str | Sequence[str] | None = None,
        limit: int = 10,
        mode: SearchMode = "auto",
    ) -> SearchResult:
        """`search`'s hits with the mode that ranked them and, when an automatic search
        used full text only, a note saying why and what to do."""
        from docshelf.search.filters import page_filter
        from docshelf.search.hits import search_hits

        if not isinstance(query, str):
            raise UsageError("query must be a string, e.g. 'configure memory for an agent'.")
        limit = max(1, min(int(limit), MAX_LIMIT))
        within = page_filter(path_prefix, kind)
        wanted = library if isinstance(library, list) else [library]
        pins = self._pins()
        refs = [ref for name in wanted for ref in catalog.resolve_versions(self.conn, name, pins)]
        if not refs and library is None:
            raise NothingIndexedError()
        return search_hits(
            self.conn,
            self.semantic,
            query,
            refs,
            within=within,
            limit=limit,
            mode=mode,
            beside=self.beside,
        )

    @_snapshot
    def ask(
        self,
        query: str,
        *,
        library: str | list[str] | None = None,
        max_tokens: int = 2000,
        cursor: str | None = None,
        path_prefix: str = "",
        kind: str | Sequence[str] | None = None,
    ) -> Answer:
        """The text of the sections that best answer `query`, packed to about `max_tokens`,
        each with its page path, heading and version; `cursor` (from a previous answer)
        gives the next ones. `kind` keeps pages of these kinds, as in `search`."""
        from docshelf.search.excerpts import select_excerpts
        from docshelf.search.filters import page_filter

        if not isinstance(query, str) or not query.strip():
            raise UsageError("query must be a question in words, e.g. 'add memory to an agent'.")
        within = page_filter(path_prefix, kind)
        wanted = library if isinstance(library, list) else [library]
        refs = [ref for name in wanted for ref in catalog.resolve_versions(self.conn, name)]
        return select_excerpts(
            self.conn,
            self.semantic,
            query,
            refs,
            max_tokens=max_tokens,
            cursor=cursor,
            within=within,
        )

    @_snapshot
    def read(
        self,
        paths: list[str],
        *,
        library: str | None = None,
        section: str | None = None,
        max_tokens: int | None = None,
        offset: int = 0,
    ) -> list[ReadResult]:
        """Read each path (at most MAX_READ_PATHS); `max_tokens` caps the whole answer,
        shared out in order (paths it does not reach are named, not read). `offset`
        continues one cut page from where its note said."""
        from docshelf.reading.read import check_paths, not_read, read_path
        from docshelf.reading.tokens import approx_tokens

        paths = check_paths(paths)
        if max_tokens is not None and max_tokens < 1:
            raise UsageError(
                Param("max_tokens"),
                " must be a positive number of tokens, e.g. ",
                Param("max_tokens", 4000),
                ".",
            )
        if offset and len(paths) > 1:
            raise UsageError(
                Param("offset"),
                " continues one page: give only the path it came from, e.g. ",
                Param("paths", ["reference/agents/agent"]),
                " with the offset its note named.",
            )
        ref = catalog.resolve_version(self.conn, library, self._pins())
        results = []
        budget = max_tokens
        for i, path in enumerate(paths):
            if i and budget is not None and budget < _MIN_PART_TOKENS:
                results.append(not_read(ref, path, max_tokens or 0))
                continue
            result = read_path(
                self.conn,
                ref,
                path,
                section=section,
                max_tokens=budget,
                offset=offset,
                suggest=lambda q: self.search(q, library=ref.record.ref, limit=5),
            )
            results.append(result)
            if budget is not None:
                budget -= approx_tokens(result.text)
        return results

    # -- vectors for semantic search ---------------------------------------------------

    def semantic_notice(self) -> str | None:
        """The sentence saying semantic search is off and how to turn it on, once per data
        directory while that lasts: None when it is on, turned off on purpose
        (DOCSHELF_SEMANTIC=off), or already said since the state last changed."""
        state = self.semantic.state()
        new = notices.first_in_state(self.home, "semantic", state)
        return self.semantic.status() if new and state.startswith("missing") else None

    def build_vectors(
        self,
        progress: Callable[[str, int, int], None] | None = None,
        *,
        library: str | None = None,
        units: tuple[Unit, ...] | None = None,
    ) -> list[VectorBuild]:
        """Embed what has no vector yet (all versions, or `library`'s): every version's
        pages first, then its sections unless the `section_vectors` setting is off (or
        `units` says otherwise). `progress(unit, done, total)` is told as it goes.

        Raises SemanticUnavailableError when a package semantic search needs is missing.
        """
        refs = self.version_refs()
        if library is not None:
            wanted = {r.id for r in catalog.resolve_versions(self.conn, library)}
            refs = [r for r in refs if r.id in wanted]
        return self.semantic.build(
            self.conn, refs, units=units, progress=progress, write_lock=self._write_lock
        )

    @_snapshot
    def missing_vectors(
        self, library: str | None = None, units: tuple[Unit, ...] | None = None
    ) -> list[VersionRef]:
        """The versions (all, or `library`'s newest or named one) that lack page or
        section vectors for the installed model; loads the model."""
        refs = (
            self.version_refs() if library is None else catalog.resolve_versions(self.conn, library)
        )
        return self.semantic.missing(self.conn, refs, units)

    @_snapshot
    def search_status(self, library: str | None = None) -> str:
        """One sentence on how searches of `library` (default: each library's newest
        version) run now: hybrid, or full text only and why. Cheap: loads no model."""
        return self.semantic.describe(self.conn, catalog.resolve_versions(self.conn, library))

    @_snapshot
    def load_vectors(self) -> None:
        """Load the vectors of each library's newest version, when complete, into memory."""
        model = self.semantic.model_id
        if model:
            self.semantic.indexes(self.conn, catalog.resolve_versions(self.conn, None), model)


def _doc_file(item: DocFile | tuple[str, str] | tuple[str, str, str]) -> DocFile:

    from docshelf.parsing.formats import DocFile

    if isinstance(item, DocFile):
        return item
    page_id, text, *fmt = item
    return DocFile(page_id, format=fmt[0] if fmt else "md", text=text)
