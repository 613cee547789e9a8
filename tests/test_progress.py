"""Progress when stderr is a pipe: lines at a steady rhythm with counts and an ETA."""

from __future__ import annotations

import logging

from docshelf.progress import (
    MIN_GAP_SECONDS,
    STEADY_SECONDS,
    LogReporter,
    ProgressLines,
    progress_line,
)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def run_job(lines: ProgressLines, clock: Clock, total: int, seconds_each: float) -> None:
    for done in range(total + 1):
        lines.update("Embedding", "sections", done, total)
        clock.now += seconds_each


def test_slow_work_gets_a_line_every_steady_interval_with_an_eta():
    clock, shown = Clock(), []
    # 1,000 sections at 0.1 s each: 100 s, so a tenth of the work takes exactly 10 s.
    run_job(ProgressLines(shown.append, clock=clock), clock, 1000, STEADY_SECONDS / 100)
    assert shown[0] == "Embedding: 0/1,000 sections (0%)"
    assert shown[1] == "Embedding: 100/1,000 sections (10%), 10 s so far, about 1 min 30 s left"
    assert len(shown) == 11  # the start, then 10 %, 20 %, ... 100 %
    assert shown[-1] == "Embedding: 1,000/1,000 sections (100%) in 1 min 40 s"


def test_very_slow_work_still_reports_every_steady_interval():
    clock, shown = Clock(), []
    run_job(ProgressLines(shown.append, clock=clock), clock, 1000, 1.0)  # 1,000 s
    assert len(shown) == 1 + 1000 // int(STEADY_SECONDS)  # start, then every 10 s to the end
    assert "about 16 min 30 s left" in shown[1]


def test_quick_work_shows_its_start_and_end_only():
    clock, shown = Clock(), []
    run_job(ProgressLines(shown.append, clock=clock), clock, 500, MIN_GAP_SECONDS / 1000)
    assert shown == [
        "Embedding: 0/500 sections (0%)",
        "Embedding: 500/500 sections (100%) in under 1 s",
    ]


def test_a_count_that_goes_back_starts_a_new_job():
    clock, shown = Clock(), []
    lines = ProgressLines(shown.append, clock=clock)
    run_job(lines, clock, 10, 0.0)
    run_job(lines, clock, 20, 0.0)
    assert shown == [
        "Embedding: 0/10 sections (0%)",
        "Embedding: 10/10 sections (100%)",
        "Embedding: 0/20 sections (0%)",
        "Embedding: 20/20 sections (100%)",
    ]


def test_downloads_count_megabytes_and_may_have_no_total():
    assert progress_line("Downloading", "bytes", 2_500_000, 10_000_000, 0) == (
        "Downloading: 2.5/10.0 MB (25%)"
    )
    assert progress_line("Downloading", "bytes", 2_500_000, None, 12) == (
        "Downloading: 2.5 MB so far, 12 s"
    )


def test_the_server_logs_progress_as_info_lines(caplog):
    log = logging.getLogger("docshelf.test-progress")
    reporter = LogReporter(log)
    with caplog.at_level(logging.INFO, logger=log.name):
        for done in range(1, 4):
            reporter.index(done, 3)
    shown = [r.getMessage() for r in caplog.records]
    assert shown[0] == "Indexing: 1/3 pages (33%)"
    assert shown[1].startswith("Indexing: 3/3 pages (100%) in ")
    assert len(shown) == 2
