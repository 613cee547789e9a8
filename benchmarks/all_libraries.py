"""All-library search on a real shelf of different libraries: quality and cost, with and without
the library filter.

The shelf (benchmarks/out/real-shelf/): Mastra 1.1.45, Next.js 16.4.6 and the AI SDK
(`ai` 6.0.326, no judged set: a neighbour of Mastra's) from npm, plus vite, FastAPI,
react.dev, pydantic and httpx at the commits benchmarks/data/README.md pins, extracted
with `git archive` from local mirrors (`--mirrors DIR` holding `owner+name/repo`; missing
ones are left out with a note). Every judged set in benchmarks/data runs:

- in its own library (`library=NAME`, the issue's "one library");
- across all libraries (no filter), as docshelf does it: this shelf is within the
  budget of a full search (search/routing.py), so every version is ranked and the lists
  are merged by BM25;
- across all libraries routed as a bigger shelf would be (the cards pick 3, or 1,
  versions; those are ranked in full);
- across all libraries merged by each library's own fused rank (reciprocal ranks of the
  per-library results) instead of by BM25, the alternative merge;

A hit counts only if it is a judged page of the right library. Page ids: file paths for
Mastra, Next.js, pydantic and httpx; public URL paths for vite, FastAPI and react.dev,
mapped from file paths with benchmarks/data/*-urls.tsv. Ranking is not tuned on these
sets: they measure.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from _common import DATA_DIR, OUT_DIR, BenchmarkError, load_eval, print_table, run_main

WORK = OUT_DIR / "real-shelf"


@dataclass(frozen=True)
class Library:
    name: str
    source: str  # npm:... , or git:<mirror name>@<ref> for an extract
    docs_root: str  # inside the package / repository
    judged: str | None  # judged set in benchmarks/data
    urls: str | None = None  # file path -> public URL map, for URL page ids


LIBRARIES = (
    Library("mastra", "npm:@mastra/mcp-docs-server@1.1.45", "", "mastra-1.1.45-dev.jsonl"),
    Library("next", "npm:next@16.4.6", "dist/docs", "next-16.4.6.jsonl"),
    Library("ai", "npm:ai@6.0.326", "docs", None),
    Library("vite", "git:vitejs+vite@v8.2.2", "docs", "vite-v8.2.2.jsonl", "vite-urls.tsv"),
    Library(
        "fastapi",
        "git:fastapi+fastapi@0.141.1",
        "docs/en/docs",
        "fastapi-0.141.1.jsonl",
        "fastapi-urls.tsv",
    ),
    Library(
        "react.dev",
        "git:reactjs+react.dev@12d692da47e77cdc558b928fcfbaf4e71c6d0cec",
        "src/content",
        "react.dev-12d692da47e7.jsonl",
        "react.dev-urls.tsv",
    ),
    Library("pydantic", "git:pydantic+pydantic@v2.13.4", "docs", "pydantic-v2.13.4.jsonl"),
    Library("httpx", "git:encode+httpx@0.28.1", "docs", "httpx-0.28.1.jsonl"),
)


def extract(library: Library, mirrors: Path, into: Path) -> Path | None:
    """`git archive` of the docs folder at the pinned ref; None when there is no mirror."""
    mirror, _, ref = library.source.removeprefix("git:").partition("@")
    repo = mirrors / mirror / "repo"
    if not repo.exists():
        return None
    target = into / library.name
    done = target / ".extracted"
    if done.is_file() and done.read_text() == library.source:
        return target / library.docs_root
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(repo), "archive", "--format=tar", ref, library.docs_root],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        raise BenchmarkError(f"git archive {ref} failed in {repo}: {archive.stderr.decode()}")
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    done.write_text(library.source)
    return target / library.docs_root


def build_shelf(work: Path, mirrors: Path, rebuild: bool) -> tuple[Path, list[Library]]:
    from docshelf.shelf import Shelf

    home = work / "home"
    if rebuild:
        shutil.rmtree(home, ignore_errors=True)
    present: list[Library] = []
    with Shelf(home) as shelf:
        indexed = {lib.name for lib in shelf.list_libraries()}
        for library in LIBRARIES:
            if library.name in indexed:
                present.append(library)
                continue
            if library.source.startswith("npm:"):
                source, root = library.source, library.docs_root or None
            else:
                folder = extract(library, mirrors, work / "src")
                if folder is None:
                    print(f"no mirror for {library.source}: left out", file=sys.stderr)
                    continue
                source, root = str(folder), None
            print(f"adding {library.name} ...", file=sys.stderr, flush=True)
            shelf.add_library(source, name=library.name, docs_root=root)
            present.append(library)
    return home, present


def url_map(library: Library) -> Callable[[str], str]:
    """Page path -> the judged set's page id."""
    if library.urls is None:
        return lambda path: path
    table = {}
    for line in (DATA_DIR / library.urls).read_text(encoding="utf-8").splitlines():
        file, _, url = line.partition("\t")
        if url:
            table[file] = url
    prefix = library.docs_root.rstrip("/") + "/"

    def to_url(path: str) -> str:
        for suffix in (".md", ".mdx"):
            if (prefix + path + suffix) in table:
                return table[prefix + path + suffix]
        return path

    return to_url


def rrf_merged(shelf: object, query: str, names: Sequence[str], limit: int = 10) -> list:
    """Each library ranked alone, merged by its own fused score (reciprocal ranks)."""
    hits = [h for name in names for h in shelf.search(query, library=name, mode="fulltext")]  # type: ignore[attr-defined]
    return sorted(hits, key=lambda h: -h.score)[:limit]


def main() -> None:
    os.environ["DOCSHELF_SEMANTIC"] = "off"
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--work", type=Path, default=WORK)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()

    from docshelf.shelf import Shelf

    try:
        from docshelf.search import routing
    except ImportError:  # a docshelf from before routing: measure what it has
        routing = None

    home, present = build_shelf(args.work.resolve(), args.mirrors, args.rebuild)
    names = [lib.name for lib in present]
    rows = []
    totals: dict[str, list[tuple[float, float]]] = {}
    timing: dict[str, list[float]] = {}
    routed_right = routed_first = routed_total = 0
    with Shelf(home) as shelf:
        pages = sum(v.pages for lib in shelf.list_libraries() for v in lib.versions)

        def routed(q: str) -> list:
            return shelf.search(q, mode="fulltext")

        def routed_to(q: str, keep: int = 3) -> list:
            chosen = forced_route(shelf, q, keep)
            return shelf.search(q, library=[v.record.ref for v in chosen], mode="fulltext")

        for library in present:
            if library.judged is None:
                continue
            judged = load_eval(DATA_DIR / library.judged)
            to_id = url_map(library)
            modes: dict[str, Callable[[str], list]] = {
                "one library": lambda q, n=library.name: shelf.search(
                    q, library=n, mode="fulltext"
                ),
                "all libraries": routed,
            }
            if routing is not None:
                modes["all, routed to 3"] = routed_to
                modes["all, routed to 1"] = lambda q: routed_to(q, 1)
            modes["all, RRF merge"] = lambda q: rrf_merged(shelf, q, names)
            row: list[object] = [library.name, len(judged)]
            for mode, search in modes.items():
                recall = mrr = 0.0
                for query in judged:
                    started = time.process_time()
                    hits = search(query.q)
                    timing.setdefault(mode, []).append((time.process_time() - started) * 1000)
                    ranked: list[str] = []
                    for hit in hits:
                        page = to_id(hit.path) if hit.library == library.name else None
                        ranked.append(page or f"\0{hit.library}")
                    seen = list(dict.fromkeys(ranked))
                    rank = next((i for i, p in enumerate(seen, 1) if p in query.rel), None)
                    recall += bool(rank and rank <= 5)
                    mrr += 1 / rank if rank and rank <= 10 else 0.0
                row.append(f"{recall / len(judged):.3f} / {mrr / len(judged):.3f}")
                totals.setdefault(mode, []).append((recall, mrr))
            for query in judged if routing is not None else ():
                chosen = forced_route(shelf, query.q, 3)
                routed_total += 1
                routed_right += library.name in {v.record.name for v in chosen}
                first = forced_route(shelf, query.q, 1)
                routed_first += library.name in {v.record.name for v in first}
            rows.append(row)
    count = sum(len(load_eval(DATA_DIR / lib.judged)) for lib in present if lib.judged is not None)
    rows.append(
        [
            "all sets",
            count,
            *(
                f"{sum(r for r, _ in v) / count:.3f} / {sum(m for _, m in v) / count:.3f}"
                for v in totals.values()
            ),
        ]
    )
    print(
        f"\nReal shelf: {', '.join(names)} ({pages} pages, {len(names)} libraries); "
        f"recall@5 / MRR@10, hits counted only in the judged library\n"
    )
    print_table(["set", "queries", *totals], rows)
    if routing is not None:
        print(
            f"\nrouting (forced) picked the judged library first for {routed_first} and among "
            f"its 3 picks for {routed_right} of {routed_total} queries. Without a filter this "
            f"shelf is ranked in full: it is within the budget ({routing.FULL_SECTIONS} "
            f"sections, {routing.FULL_VERSIONS} versions)."
        )
    print("\nCPU per query, ms (p50 / p95):")
    print_table(
        ["mode", "p50", "p95"],
        [
            [mode, statistics.median(ms), sorted(ms)[int(0.95 * (len(ms) - 1))]]
            for mode, ms in timing.items()
        ],
    )
    print(f"\nload average (1 min) now: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")


def forced_route(shelf: object, query: str, keep: int) -> list:
    """The `keep` versions routing picks, as if the shelf were over the budget."""
    from docshelf.search import routing
    from docshelf.store import catalog

    refs = catalog.resolve_versions(shelf.conn, None)  # type: ignore[attr-defined]
    full = routing.FULL_VERSIONS
    routing.FULL_VERSIONS = 1
    try:
        return routing.route(shelf.conn, query, refs, at_most=keep)  # type: ignore[attr-defined]
    finally:
        routing.FULL_VERSIONS = full


if __name__ == "__main__":
    run_main(main)
