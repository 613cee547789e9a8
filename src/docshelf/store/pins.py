"""The versions a project locks, which a library named without a version then means.

A server learns the project's pinned dependencies as specs (`npm:zod@3.23.8`,
`pypi:httpx==0.28.1`), or a function that reads its lockfiles, called when a version is
first resolved: reading them costs a server's start-up tens of milliseconds, and a
library indexed in one version never needs them.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping

from docshelf.store import catalog


class ProjectPins:
    """The project's pinned dependencies by source key, read when first needed."""

    def __init__(self) -> None:
        self._specs: dict[str, str] = {}  # locked dependency specs by source key
        self._reader: Callable[[], Iterable[str]] | None = None  # read when first needed
        self._lock = threading.Lock()

    def lock(self, sources: Iterable[str] | Callable[[], Iterable[str]]) -> None:
        """Pin to `sources` (specs), or to what a function returns when first needed."""
        with self._lock:
            if callable(sources):
                self._specs, self._reader = {}, sources
            else:
                self._specs, self._reader = _keyed(sources), None

    def versions(self, conn: sqlite3.Connection) -> dict[str, str]:
        """Library name -> the indexed version added from one of the pinned specs."""
        if self._reader is not None:
            with self._lock:
                if self._reader is not None:
                    self._specs = _keyed(self._reader())
                    self._reader = None
        if not self._specs:
            return {}
        return {
            record.name: record.version
            for lib in catalog.list_libraries(conn)
            for record in lib.versions
            if catalog.source_key(record.source) in self._specs
        }

    def lazy(self, conn: Callable[[], sqlite3.Connection]) -> Mapping[str, str]:
        """`versions()`, worked out when first looked at (resolving a library indexed in
        one version never does)."""
        return _Lazy(lambda: self.versions(conn()))


def _keyed(sources: Iterable[str]) -> dict[str, str]:
    return {catalog.source_key(source): source for source in sources}


class _Lazy(Mapping[str, str]):
    def __init__(self, work_out: Callable[[], dict[str, str]]) -> None:
        self._work_out = work_out
        self._pins: dict[str, str] | None = None

    def _worked_out(self) -> dict[str, str]:
        if self._pins is None:
            self._pins = self._work_out()
        return self._pins

    def __getitem__(self, name: str) -> str:
        return self._worked_out()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._worked_out())

    def __len__(self) -> int:
        return len(self._worked_out())
