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
    assert shelf.open_connections() <= 1 + 8
