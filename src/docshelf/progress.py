"""Progress of long work (downloads, indexing, embedding): the protocol and its reporters.

The core reports through `Reporter`; the adapters pick how it shows: rich bars on stderr
for the CLI, log lines for the server, nothing for library callers.
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any, Protocol


class Reporter(Protocol):
    """Progress callbacks for long work; adapters show them (a rich bar, a log line)."""

    def message(self, text: str) -> None: ...
    def download(self, done: int, total: int | None) -> None: ...
    def index(self, done: int, total: int) -> None: ...


class SilentReporter:
    """Reports nothing: the default when a caller passes no reporter."""

    def message(self, text: str) -> None:
        pass

    def download(self, done: int, total: int | None) -> None:
        pass

    def index(self, done: int, total: int) -> None:
        pass


class LogReporter:
    """Reports milestones to a logger (the server's stderr), never to stdout."""

    def __init__(self, log: logging.Logger) -> None:
        self.log = log
        self._last = -1

    def message(self, text: str) -> None:
        self.log.warning("%s", text)

    def download(self, done: int, total: int | None) -> None:
        pass

    def index(self, done: int, total: int) -> None:
        self._quarterly("indexed %d/%d pages", done, total)

    def embed(self, done: int, total: int, unit: str = "sections") -> None:
        self._quarterly(f"embedded %d/%d {unit}", done, total)

    def _quarterly(self, message: str, done: int, total: int) -> None:
        """Log at each quarter of the work, not at every item."""
        quarter = done * 4 // max(total, 1)
        if quarter != self._last:
            self._last = quarter
            self.log.info(message, done, total)


class RichReporter:
    """Download and indexing bars on stderr while a command runs; use as a context manager."""

    def __init__(self, *, quiet: bool = False) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )

        self.console = Console(stderr=True, quiet=quiet)
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=self.console,
            transient=True,
        )
        self._tasks: dict[str, Any] = {}

    def __enter__(self) -> RichReporter:
        if self.console.is_terminal:  # bars only where a person watches; logs stay clean
            self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress.live.is_started:
            self._progress.stop()

    def message(self, text: str) -> None:
        self.console.print(text, style="dim")

    def download(self, done: int, total: int | None) -> None:
        self._update("download", "Downloading", done, total)

    def index(self, done: int, total: int) -> None:
        self._update("index", "Indexing", done, total)

    def embed(self, done: int, total: int, unit: str = "sections") -> None:
        self._update(f"embed {unit}", f"Embedding {unit}", done, total)

    def _update(self, key: str, label: str, done: int, total: int | None) -> None:
        if not self._progress.live.is_started:
            return
        if key not in self._tasks:
            self._tasks[key] = self._progress.add_task(label, total=total)
        self._progress.update(self._tasks[key], completed=done, total=total)
