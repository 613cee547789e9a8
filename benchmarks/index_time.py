"""Time to index the corpus once it is downloaded: `docshelf add` into a fresh home.

The warm home (--home) downloads the package once. Each timed run copies only its
download cache into a new, empty home and times the whole `docshelf add` there, so the
figure is parse + index + commit, with no network.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from _common import (
    DEFAULT_HOME,
    MASTRA_NAME,
    MASTRA_SOURCE,
    OUT_DIR,
    BenchmarkError,
    ensure_library,
    find_library,
    library_count,
    list_libraries,
    print_table,
    run_docshelf,
    run_main,
    verdict,
)

TARGET_S = 10.0
# docshelf's home: docshelf.db (index), libraries.json (sources), cache/ (downloads).
CACHE_DIRNAME = "cache"


def fresh_home_with_cache(warm_home: Path, parent: Path) -> Path:
    """A new home holding a copy of the warm home's download cache and nothing else."""
    cache = warm_home / CACHE_DIRNAME
    if not cache.is_dir():
        raise BenchmarkError(
            f"{warm_home} has no {CACHE_DIRNAME}/ folder; docshelf's home layout changed: "
            "update CACHE_DIRNAME in benchmarks/index_time.py."
        )
    home = Path(tempfile.mkdtemp(prefix="index-time-", dir=parent))
    shutil.copytree(cache, home / CACHE_DIRNAME, symlinks=True)
    if list_libraries(home):
        raise BenchmarkError(
            f"The fresh home {home} already lists libraries: the copied cache holds index state."
        )
    return home


def time_add(home: Path, source: str, name: str) -> float:
    started = time.perf_counter()
    run_docshelf(home, "add", source, "--name", name, "--quiet")
    return time.perf_counter() - started


def version_record(home: Path, name: str) -> dict:
    library = find_library(home, name)
    if library is None:
        raise BenchmarkError(f"`docshelf add` finished but {home} does not list {name!r}.")
    versions = library.get("versions") or [library]
    return versions[-1]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--home",
        type=Path,
        default=DEFAULT_HOME,
        help="warm home whose download cache is reused (default: benchmarks/out/home)",
    )
    parser.add_argument("--source", default=MASTRA_SOURCE, help="docs source to add")
    parser.add_argument("--library", default=MASTRA_NAME, help="library name in docshelf")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (default: 3)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the fresh homes under benchmarks/out/"
    )
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def main() -> None:
    args = parse_args()
    warm = args.home.resolve()
    cold_s = ensure_library(warm, args.source, args.library)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    times = []
    record: dict = {}
    for _ in range(args.repeat):
        home = fresh_home_with_cache(warm, OUT_DIR)
        try:
            times.append(time_add(home, args.source, args.library))
            record = version_record(home, args.library)
        finally:
            if not args.keep:
                shutil.rmtree(home, ignore_errors=True)
    median = statistics.median(times)
    pages = library_count(record, "pages", "page_count")
    sections = library_count(record, "sections", "section_count")
    print(f"`docshelf add {args.source}` into a fresh home, download cached, {args.repeat} runs\n")
    rows: list[list[object]] = [
        ["index time, median (s)", median, f"<= {TARGET_S:.0f}", verdict(median, TARGET_S, False)],
        ["index time, fastest (s)", min(times), "", ""],
        ["index time, slowest (s)", max(times), "", ""],
        ["pages", pages, "", ""],
        ["sections", sections, "", ""],
        ["pages per second", pages / median if pages else None, "", ""],
    ]
    if cold_s is not None:
        rows.append(["first add, with download (s)", cold_s, "", ""])
    print_table(["metric", "value", "target", "status"], rows)


if __name__ == "__main__":
    run_main(main)
