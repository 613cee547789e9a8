"""Connections to one index: one per thread, and a helper thread that works beside a caller.

SQLite readers in WAL mode never wait for each other, so each thread reads on its own
connection. A server's worker threads come and go (anyio retires idle ones), and each
would keep its connection, page cache and file descriptors for good: opening a
connection closes those of threads that have ended.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from docshelf.store import db

_R = TypeVar("_R")


class Connections:
    """The connections this process holds to the index at `path`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._local = threading.local()
        self._open: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._helper: ThreadPoolExecutor | None = None

    def current(self) -> sqlite3.Connection:
        """The calling thread's connection, opened on first use."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = db.connect(self.path)
            self._local.conn = conn
            with self._lock:
                ended = [c for thread, c in self._open if not thread.is_alive()]
                self._open = [(t, c) for t, c in self._open if t.is_alive()]
                self._open.append((threading.current_thread(), conn))
            for old in ended:  # their threads are gone: nothing else can be using them
                old.close()
        return conn

    def count(self) -> int:
        """How many connections are open."""
        with self._lock:
            return len(self._open)

    def beside(self, work: Callable[[sqlite3.Connection], _R]) -> Future[_R]:
        """Run `work` on the helper thread, with that thread's own connection (SQLite lets
        go of the GIL as it steps, so the two connections work at once). `work` opens its
        own read transaction and must check it sees what the caller sees."""
        with self._lock:
            if self._helper is None:
                self._helper = ThreadPoolExecutor(1, thread_name_prefix="docshelf-beside")
            helper = self._helper
        return helper.submit(lambda: work(self.current()))

    def close_thread(self) -> None:
        """Close the calling thread's connection (for worker threads that end)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            with self._lock:
                self._open = [(t, c) for t, c in self._open if c is not conn]
            conn.close()
            self._local.conn = None

    def close(self) -> None:
        """Close every connection, once the helper thread's work is done."""
        with self._lock:
            helper, self._helper = self._helper, None
        if helper is not None:
            helper.shutdown()  # its work done first: its connection is closed below
        with self._lock:
            conns, self._open = self._open, []
        for _, conn in conns:
            conn.close()
        self._local = threading.local()
