"""Work a server starts beside serving: the default library on first run, and vectors.

Both run in daemon threads and only log: tools answer from what is indexed meanwhile
(full text until the vectors are built; a note while the default library is indexed).
"""

from __future__ import annotations

import logging
import threading

from docshelf.errors import DocshelfError, SemanticUnavailableError
from docshelf.progress import LogReporter
from docshelf.search.semantic import lower_priority
from docshelf.server.tooling import ServerState
from docshelf.settings import get_setting
from docshelf.shelf import Shelf

log = logging.getLogger("docshelf.server")
semantic_log = logging.getLogger("docshelf.semantic")


def start_background(state: ServerState, *, add_default: bool) -> None:
    """Start what a server does beside answering: the default library (with
    `add_default`, when nothing is indexed) and then the missing vectors."""
    if add_default:
        start_default_library(state)
    start_semantic(state)


def start_default_library(state: ServerState) -> None:
    """Index the default library in the background when nothing is indexed yet."""
    shelf = state.shelf
    try:
        if shelf.list_libraries():
            return
    except DocshelfError as exc:
        log.error("%s", exc)
        return
    source, name = get_setting("default_source"), get_setting("default_name")
    state.pending = f"The default library '{name}' ({source}) is being downloaded and indexed."
    log.warning("No library indexed yet: adding %s as '%s' (first run only)", source, name)

    def work() -> None:
        try:
            record = shelf.add_library(source, name=name, reporter=LogReporter(log))
            log.warning("Added %s (%d pages); serving it.", record.ref, record.pages)
            state.pending = None
        except DocshelfError as exc:
            log.error("Could not add the default library: %s", exc)
            state.pending = (
                f"The default library could not be added: {exc} Serving whatever is indexed."
            )
        except Exception:
            if not state.stopping:
                raise
            # Stopped mid-add (Ctrl-C): the transaction never committed, so nothing changed.
        finally:
            if not state.stopping:
                shelf.close_thread()

    state.thread = threading.Thread(target=work, name="docshelf-default-library", daemon=True)
    state.thread.start()


def start_semantic(state: ServerState) -> None:
    """Serve full text at once; load the model and build missing vectors in the background."""
    state.shelf.semantic.load_in_background = True
    start_vector_builder(state.shelf, after=state.thread)


def start_vector_builder(
    shelf: Shelf, *, after: threading.Thread | None = None
) -> threading.Thread | None:
    """Build missing vectors in a background thread, once `after` (an indexer) is done.

    Full-text search serves meanwhile; hybrid search switches on by itself when the page
    vectors of the searched versions are complete, and moves to section vectors when those
    are. When semantic search cannot run, it logs why once.
    """
    semantic = shelf.semantic
    notice = shelf.semantic_notice()  # once per data directory, not at every start
    if notice:
        semantic_log.warning("%s", notice)
    if not semantic.available:
        return None

    def work() -> None:
        lower_priority()  # the server's answers come first
        try:
            # Wait for the indexer, but never past a stop (shutdown waits for this thread).
            while after is not None and after.is_alive():
                if semantic.wait_for_stop(0.1):
                    return
            semantic.embedder(wait=True)
            # Every version's pages first: each is searchable by meaning once they are.
            for unit in semantic.units():
                for ref in shelf.missing_vectors(units=(unit,)):
                    if semantic.stopping:
                        return
                    semantic_log.warning(
                        "Embedding the %s of %s for semantic search (%s)",
                        unit,
                        ref.record.ref,
                        "full text serves meanwhile" if unit == "pages" else "hybrid serves",
                    )
                    reporter = LogReporter(semantic_log)

                    def tell(unit: str, done: int, total: int, r: LogReporter = reporter) -> None:
                        r.embed(done, total, unit)

                    builds = shelf.build_vectors(tell, library=ref.record.ref, units=(unit,))
                    if semantic.stopping or not builds:
                        return  # stopped: what was embedded is kept, the rest waits for next time
                    (build,) = builds
                    semantic_log.warning(
                        "Vectors of %s's %s built: %d embedded, %d reused, %.1f s",
                        build.ref,
                        build.unit,
                        build.embedded,
                        build.reused,
                        build.seconds,
                    )
                shelf.load_vectors()  # now, so the first hybrid search does not pay for it
        except SemanticUnavailableError as exc:
            semantic_log.warning("%s", exc)
        except Exception:  # the server must go on with full text whatever happens here
            semantic_log.exception("Building vectors failed; search stays full text.")
        finally:
            shelf.close_thread()

    thread = threading.Thread(target=work, name="docshelf-vectors", daemon=True)
    semantic.track(thread)
    return thread
