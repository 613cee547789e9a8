"""Progress of long work (downloads, indexing, embedding): the protocol and its reporters.

The core reports through `Reporter`; the adapters pick how it shows: rich bars on a
terminal, plain lines at a steady rhythm when stderr is a pipe or a log (`ProgressLines`),
log lines for the server, nothing for library callers.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol

STEADY_SECONDS = 10.0  # while work goes on, a line at least this often,
STEP = 0.1  # or at each further tenth of the work,
MIN_GAP_SECONDS = 1.0  # but not twice within a second: a quick job shows its start and end


class Reporter(Protocol):
    """Progress callbacks for long work; adapters show them (a rich bar, a log line)."""

    def message(self, text: str) -> None: ...
    def download(self, done: int, total: int | None) -> None: ...
    def pages(self, done: int, found: int) -> None: ...
    def index(self, done: int, total: int) -> None: ...


class SilentReporter:
    """Reports nothing: the default when a caller passes no reporter."""

    def message(self, text: str) -> None:
        pass

    def download(self, done: int, total: int | None) -> None:
        pass

    def pages(self, done: int, found: int) -> None:
        pass

    def index(self, done: int, total: int) -> None:
        pass


@dataclass
class _Job:
    total: int | None
    started: float
    last_line: float
    last_done: int


class ProgressLines:
    """Long work as plain lines with counts and an ETA, at a steady rhythm, for a pipe or
    a log: the first update, then every STEADY_SECONDS or each further STEP of the work
    (not twice within MIN_GAP_SECONDS), and the end. A count that goes back, or a new
    total, starts a new job."""

    def __init__(
        self, write: Callable[[str], None], *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.write = write
        self.clock = clock
        self._jobs: dict[str, _Job] = {}

    def update(self, label: str, unit: str, done: int, total: int | None) -> None:
        now = self.clock()
        job = self._jobs.get(label)
        if job is None or done < job.last_done or total != job.total:
            job = self._jobs[label] = _Job(total, now, now, done)
            if not (total and done >= total):  # a job done at once shows only its end
                self.write(progress_line(label, unit, done, total, 0.0))
            return
        finished = bool(total) and done >= (total or 0) and job.last_done < done
        since = now - job.last_line
        stepped = bool(total) and (done - job.last_done) >= STEP * (total or 1)
        if finished or since >= STEADY_SECONDS or (stepped and since >= MIN_GAP_SECONDS):
            self.write(progress_line(label, unit, done, total, now - job.started))
            job.last_line, job.last_done = now, done


def progress_line(label: str, unit: str, done: int, total: int | None, elapsed: float) -> str:
    """`Embedding: 1,200/7,272 sections (17%), 40 s so far, about 3 min 20 s left`."""
    bytes_ = unit == "bytes"
    count = _megabytes(done) if bytes_ else f"{done:,}"
    if not total:
        line = f"{label}: {count} {'MB' if bytes_ else unit} so far"
        return f"{line}, {_duration(elapsed)}" if elapsed else line
    whole = _megabytes(total) if bytes_ else f"{total:,}"
    line = f"{label}: {count}/{whole} {'MB' if bytes_ else unit} ({done * 100 // total}%)"
    if done >= total:
        return f"{line} in {_duration(elapsed)}" if elapsed else line
    if done and elapsed:
        left = elapsed / done * (total - done)
        return f"{line}, {_duration(elapsed)} so far, about {_duration(left)} left"
    return line


def _megabytes(count: int) -> str:
    return f"{count / 1e6:.1f}"


def _duration(seconds: float) -> str:
    if seconds < 1:
        return "under 1 s"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def write_stderr(line: str) -> None:
    """One line on stderr, flushed at once: a pipe shows it now, not at exit."""
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


class LogReporter:
    """Reports to a logger (the server's stderr), never to stdout: milestones as warnings,
    progress as info lines at the steady rhythm of `ProgressLines`."""

    def __init__(self, log: logging.Logger) -> None:
        self.log = log
        self._lines = ProgressLines(lambda line: log.info("%s", line))

    def message(self, text: str) -> None:
        self.log.warning("%s", text)

    def download(self, done: int, total: int | None) -> None:
        self._lines.update("Downloading", "bytes", done, total)

    def pages(self, done: int, found: int) -> None:
        self._lines.update("Fetching", "pages", done, found)

    def index(self, done: int, total: int) -> None:
        self._lines.update("Indexing", "pages", done, total)

    def embed(self, done: int, total: int, unit: str = "sections") -> None:
        self._lines.update("Embedding", unit, done, total)


class RichReporter:
    """Progress on stderr while a command runs; use as a context manager. Bars on a
    terminal; when stderr is a pipe or a file, `ProgressLines` (counts and an ETA at a
    steady rhythm), so a piped `docshelf embed` shows it is alive."""

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
        self._lines = None if quiet or self.console.is_terminal else ProgressLines(write_stderr)

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
        if self._lines is not None:
            write_stderr(text)
        elif text.startswith("Warning:"):  # shown even with --quiet: it changes what was indexed
            from rich.console import Console

            Console(stderr=True).print(text, style="yellow", highlight=False, markup=False)
        else:
            self.console.print(text, style="dim")

    def download(self, done: int, total: int | None) -> None:
        self._update("download", "Downloading", done, total, "bytes")

    def pages(self, done: int, found: int) -> None:
        """Pages fetched of those found so far (a crawl finds more as it goes)."""
        self._update("pages", "Fetching", done, found, "pages")

    def index(self, done: int, total: int) -> None:
        self._update("index", "Indexing", done, total, "pages")

    def embed(self, done: int, total: int, unit: str = "sections") -> None:
        self._update(f"embed {unit}", f"Embedding {unit}", done, total, unit)

    def _update(self, key: str, label: str, done: int, total: int | None, unit: str) -> None:
        if self._lines is not None:
            self._lines.update(label, unit, done, total)
        if not self._progress.live.is_started:
            return
        if key not in self._tasks:
            self._tasks[key] = self._progress.add_task(label, total=total)
        self._progress.update(self._tasks[key], completed=done, total=total)
