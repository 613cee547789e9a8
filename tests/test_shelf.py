"""The shelf's own duties: one connection per live thread."""

from __future__ import annotations

import threading

from docshelf.shelf import Shelf


def test_connections_of_threads_that_ended_are_closed_not_kept(shelf: Shelf):
    for _ in range(5):  # as a server's worker threads come and go between bursts
        workers = [threading.Thread(target=lambda: shelf.search("agent")) for _ in range(8)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(30)
    shelf.search("agent")  # a thread that opens a connection tidies up the dead ones
    # This thread's, the last workers' (dead, not yet tidied), and the one of the helper
    # thread that ranks a search's sections beside it (Shelf.beside).
    assert shelf.open_connections() <= 1 + 8 + 1


def test_a_project_s_locked_versions_are_read_once_when_first_needed(shelf: Shelf):
    reads: list[int] = []

    def read_lockfiles() -> list[str]:
        reads.append(1)
        return ["npm:zod@3.23.8"]

    shelf.lock_versions(read_lockfiles)
    assert reads == []
    shelf.search("tenant sandbox", library="demo")
    assert shelf.resolve_version("demo").record.name == "demo"
    assert reads == []  # demo is indexed in one version: what the project locks is moot
    assert shelf.pins() == {}  # zod is not indexed: nothing pinned, the reader ran
    assert shelf.pins() == {}
    assert reads == [1]
