"""Answers in one call (`ask_docs`, `docshelf ask`): how often the budget holds a relevant page.

On the corpora and judged sets of benchmarks/pooled.py (built and embedded by it, reused
here), asks every query with `max_tokens` 1,000, 2,000 and 4,000 and counts the share of
queries where an excerpt from a relevant page is inside the answer; also the excerpts,
distinct pages and tokens an answer holds, and the time per call in process. For
comparison, recall@1 and recall@5 of search on the same queries: the share an agent gets
by reading the first hit, or the first five. Nothing is tuned on these sets.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from _common import print_table, run_main
from docshelf.evaluation import JudgedQuery, load_queries
from docshelf.shelf import Shelf
from pooled import (
    DEV,
    JudgedSet,
    PageIds,
    build_home,
    build_vectors,
    chosen_sets,
    page_ids,
    restore_embeddings,
)

BUDGETS = (1000, 2000, 4000)


@dataclass(frozen=True)
class Asked:
    judged: JudgedSet
    budget: int
    inside: tuple[bool, ...]  # per query: a relevant page's section is in the answer
    excerpts: float  # mean per answer
    pages: float
    tokens: float
    ms: float


def ask_all(
    shelf: Shelf, judged: JudgedSet, queries: Sequence[JudgedQuery], ids: PageIds, budget: int
) -> Asked:
    inside, excerpts, pages, tokens, times = [], [], [], [], []
    for query in queries:
        started = time.perf_counter()
        answer = shelf.ask(query.q, library=judged.library, max_tokens=budget)
        times.append(time.perf_counter() - started)
        found = {ids(e.path) for e in answer.excerpts}
        inside.append(bool(found & query.rel))
        excerpts.append(len(answer.excerpts))
        pages.append(len(found))
        tokens.append(answer.tokens)
    return Asked(
        judged,
        budget,
        tuple(inside),
        statistics.mean(excerpts),
        statistics.mean(pages),
        statistics.mean(tokens),
        1000 * statistics.mean(times),
    )


def search_recall(
    shelf: Shelf, judged: JudgedSet, queries: Sequence[JudgedQuery], ids: PageIds
) -> tuple[float, float]:
    ranks = []
    for query in queries:
        paths = [ids(h.path) for h in shelf.search(query.q, library=judged.library)]
        ranks.append(next((i for i, p in enumerate(paths, 1) if p in query.rel), None))
    n = len(ranks)
    return (
        sum(r is not None and r <= 1 for r in ranks) / n,
        sum(r is not None and r <= 5 for r in ranks) / n,
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repos", type=Path, default=Path("repos"), help="as for pooled.py")
    parser.add_argument("--sets", default="", help="comma-separated set names (default: all)")
    parser.add_argument(
        "--route",
        choices=("page", "section", "page+section"),
        default=None,
        help="force the vector route (default: the best built, as docshelf picks)",
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    sets = chosen_sets(args.sets)
    home = build_home(sets, args.repos.resolve())
    os.environ["DOCSHELF_SEMANTIC"] = "auto"
    restore_embeddings(home)
    # Only what the route needs (all, when docshelf picks); pooled.py's are reused by hash.
    route = args.route or "page+section"
    units = [u for u, r in (("pages", "page"), ("sections", "section")) if r in route]
    build_vectors(home, sets, units)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"home {home}; load average {load:.1f}; route {args.route or 'as docshelf picks'}\n")
    results: list[Asked] = []
    rows: list[list[object]] = []
    with Shelf(home) as shelf:
        shelf.semantic.route = args.route
        for judged in sets:
            queries = load_queries(judged.queries_file.read_text(encoding="utf-8"), judged.name)
            ref = shelf.resolve_version(judged.library)
            ids = page_ids(judged, [p.path for p in shelf.list_pages(ref)], queries)
            shelf.ask(queries[0].q, library=judged.library)  # warm up
            r1, r5 = search_recall(shelf, judged, queries, ids)
            for budget in BUDGETS:
                asked = ask_all(shelf, judged, queries, ids, budget)
                results.append(asked)
                share = sum(asked.inside) / len(asked.inside)
                rows.append(
                    [
                        judged.name,
                        budget,
                        share,
                        asked.excerpts,
                        asked.pages,
                        asked.tokens,
                        asked.ms,
                        r1,
                        r5,
                    ]
                )
    print_table(
        [
            "set",
            "max_tokens",
            "in budget",
            "excerpts",
            "pages",
            "tokens",
            "ms",
            "search R@1",
            "R@5",
        ],
        rows,
    )
    for label, names in (
        ("all sets", {s.name for s in sets}),
        ("held-out sets", {s.name for s in sets} - {DEV}),
    ):
        pooled = []
        for budget in BUDGETS:
            mine = [a for a in results if a.budget == budget and a.judged.name in names]
            if not mine:
                continue
            flags = [f for a in mine for f in a.inside]
            macro = statistics.mean(sum(a.inside) / len(a.inside) for a in mine)
            pooled.append([budget, sum(flags) / len(flags), macro, len(flags)])
        if pooled:
            print(f"\npooled, {label}\n")
            print_table(["max_tokens", "micro in budget", "macro", "queries"], pooled)


if __name__ == "__main__":
    run_main(main)
