"""Speed of the version tools: a docs diff of two Mastra releases, and a changelog range.

Its own home (default benchmarks/out/versions-home, so the other benchmarks keep serving
one Mastra version) gets `@mastra/mcp-docs-server` 1.1.45 and 1.2.27 indexed once. Then,
`--repeat` times each:

- `docshelf diff mastra 1.1.45 1.2.27`: a whole process (start-up, reading both versions
  from the index, diffing about 800 against 1000 pages, printing); target <= 5 s.
- `docshelf changes npm:@mastra/core --from 1.25.0 --to 1.26.0`, warm (the tarball is in
  the download cache after a first, untimed run); target <= 2 s.

The same two operations are also timed in-process (no start-up; the diff with an empty
diff cache), to show where the time goes.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from _common import (
    OUT_DIR,
    find_library,
    print_table,
    run_docshelf,
    run_main,
    verdict,
)

DOCS_PACKAGE = "@mastra/mcp-docs-server"
VERSIONS = ("1.1.45", "1.2.27")
LIBRARY = "mastra"
CHANGELOG_ARGS = ("npm:@mastra/core", "--from", "1.25.0", "--to", "1.26.0")
DIFF_TARGET_S = 5.0
CHANGELOG_TARGET_S = 2.0


def ensure_versions(home: Path) -> None:
    """Index both docs versions under one name unless they already are."""
    record = find_library(home, LIBRARY)
    indexed = {v["version"] for v in record["versions"]} if record else set()
    for version in VERSIONS:
        if version not in indexed:
            print(f"indexing {DOCS_PACKAGE}@{version} into {home} (one-time) ...", flush=True)
            source = f"npm:{DOCS_PACKAGE}@{version}"
            run_docshelf(home, "add", source, "--name", LIBRARY, "--quiet")


def timed(repeat: int, action: Callable[[], object]) -> list[float]:
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - started)
    return seconds


def in_process(home: Path, repeat: int) -> tuple[list[float], list[float], str]:
    from docshelf.shelf import Shelf
    from docshelf.versions import compare
    from docshelf.versions.npm_changelog import get_changelog

    with Shelf(home) as shelf:

        def diff() -> object:
            compare._cache.clear()  # time the diff itself, not the cache
            return compare.diff_versions(shelf, LIBRARY, *VERSIONS, fetch=False)

        def changelog() -> object:
            return get_changelog(
                CHANGELOG_ARGS[0], shelf.cache_dir, from_version="1.25.0", to_version="1.26.0"
            )

        diff_s = timed(repeat, diff)
        changelog_s = timed(repeat, changelog)
        totals = compare.diff_totals(compare.diff_versions(shelf, LIBRARY, *VERSIONS).diff)
    return diff_s, changelog_s, totals


def row(name: str, seconds: list[float], target: float | None) -> list[object]:
    median = statistics.median(seconds)
    check = verdict(median, target, higher_is_better=False) if target is not None else ""
    return [name, median, min(seconds), max(seconds), target, check]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=OUT_DIR / "versions-home")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each (default 3)")
    args = parser.parse_args()
    home = args.home.resolve()
    home.mkdir(parents=True, exist_ok=True)
    ensure_versions(home)
    run_docshelf(home, "changes", *CHANGELOG_ARGS)  # warm: downloads the tarball once

    diff_cli = timed(args.repeat, lambda: run_docshelf(home, "diff", LIBRARY, *VERSIONS))
    changes_cli = timed(args.repeat, lambda: run_docshelf(home, "changes", *CHANGELOG_ARGS))
    diff_core, changes_core, totals = in_process(home, args.repeat)

    print(f"\n{LIBRARY} {VERSIONS[0]} -> {VERSIONS[1]}: {totals}")
    print(f"median / fastest / slowest of {args.repeat} runs, seconds:\n")
    print_table(
        ["measure", "median", "fastest", "slowest", "target", "verdict"],
        [
            row("docshelf diff (process)", diff_cli, DIFF_TARGET_S),
            row("docshelf changes, warm (process)", changes_cli, CHANGELOG_TARGET_S),
            row("diff_versions (in-process, uncached)", diff_core, None),
            row("get_changelog (in-process, warm)", changes_core, None),
        ],
    )


if __name__ == "__main__":
    run_main(main)
