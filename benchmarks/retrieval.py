"""Full-text retrieval quality of docshelf on a judged query set.

Runs `docshelf search --queries FILE` once (one process for all queries) and scores the
ranked pages: recall@1/5/10, MRR@10, nDCG@10. With --reference, also scores the
reference server's mastraDocs suggestions on the same queries.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from _common import (
    DEFAULT_EVAL,
    DEFAULT_HOME,
    DEFAULT_REFERENCE_DIR,
    MASTRA_NAME,
    MASTRA_SOURCE,
    BenchmarkError,
    EvalQuery,
    Scores,
    ensure_library,
    load_eval,
    print_table,
    run_docshelf,
    run_main,
    score_rankings,
    verdict,
)

TARGETS = {"recall@5": 0.90, "MRR@10": 0.80}


def search_all(
    home: Path, library: str, queries: Sequence[EvalQuery], limit: int
) -> list[list[str]]:
    """Ranked hit paths per query, from one `docshelf search --queries` run."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8") as batch:
        for query in queries:
            batch.write(json.dumps({"q": query.q}) + "\n")
        batch.flush()
        out = run_docshelf(
            home, "search", "--queries", batch.name, "--library", library, "--limit", str(limit)
        ).stdout
    answers = [json.loads(line) for line in out.splitlines() if line.strip()]
    if len(answers) != len(queries):
        raise BenchmarkError(
            f"`docshelf search --queries` printed {len(answers)} lines for {len(queries)} queries."
        )
    rankings = []
    for query, answer in zip(queries, answers, strict=True):
        if answer.get("q") != query.q:
            raise BenchmarkError(
                f"Answers are out of order: expected {query.q!r}, got {answer.get('q')!r}."
            )
        rankings.append([hit["path"] for hit in answer.get("hits", [])])
    return rankings


def reference_scores(args: argparse.Namespace, queries: Sequence[EvalQuery]) -> Scores:
    """The reference's mastraDocs suggestions, asked over stdio like an agent would."""
    import anyio

    from _servers import reference_spec
    from stdio import measure_sessions

    spec = reference_spec(args.reference_dir.resolve(), args.node)

    async def ask() -> list[list[str]]:
        sessions = await measure_sessions([spec], queries, 1, args.limit, args.keywords, "legacy")
        return sessions[0].rankings

    return score_rankings(queries, anyio.run(ask))


def metric_rows(scores: Scores) -> list[tuple[str, float]]:
    return [
        ("recall@1", scores.recall1),
        ("recall@5", scores.recall5),
        ("recall@10", scores.recall10),
        ("MRR@10", scores.mrr10),
        ("nDCG@10", scores.ndcg10),
    ]


def print_summary(scores: Scores, reference: Scores | None) -> None:
    header = ["metric", "docshelf", "target", "status"]
    if reference is not None:
        header.append("reference")
    rows = []
    for (name, value), index in zip(metric_rows(scores), range(5), strict=True):
        target = TARGETS.get(name)
        row: list[object] = [
            name,
            value,
            f">= {target:.2f}" if target else "",
            verdict(value, target) if target else "",
        ]
        if reference is not None:
            row.append(metric_rows(reference)[index][1])
        rows.append(row)
    print_table(header, rows)


def print_per_query(scores: Scores) -> None:
    print("\nper query: first relevant rank (- = not in the hits), top-3 pages")
    for score in scores.per_query:
        mark = " " if score.rank is not None and score.rank <= 5 else "*"
        print(f"{mark}{score.rank or '-':>3}  {score.query.q}")
        print(f"       top-3: {', '.join(score.pages[:3]) or '(no hits)'}")
    misses = [s for s in scores.per_query if s.rank is None or s.rank > 5]
    print(f"\nmisses at 5 ({len(misses)}), with the pages judged relevant:")
    for score in misses:
        print(f"  {score.rank or '-':>3}  {score.query.q}")
        print(f"       relevant: {', '.join(sorted(score.query.rel))}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="judged query set (.jsonl)")
    parser.add_argument(
        "--home", type=Path, default=DEFAULT_HOME, help="docshelf home (indexed once, then reused)"
    )
    parser.add_argument("--source", default=MASTRA_SOURCE, help="docs source to index if missing")
    parser.add_argument("--library", default=MASTRA_NAME, help="library name in docshelf")
    parser.add_argument("--limit", type=int, default=10, help="hits per query (default: 10)")
    parser.add_argument(
        "--verbose", action="store_true", help="each query's first relevant rank and top 3"
    )
    parser.add_argument(
        "--reference",
        action="store_true",
        help="also score the reference server's mastraDocs suggestions (npm-installs it)",
    )
    parser.add_argument(
        "--reference-dir",
        type=Path,
        default=DEFAULT_REFERENCE_DIR,
        help="where the reference is installed if missing (default: benchmarks/out/ref)",
    )
    parser.add_argument("--node", default="node", help="Node.js binary for the reference")
    parser.add_argument(
        "--keywords",
        choices=["content", "words"],
        default="content",
        help="reference queryKeywords policy, as in stdio.py (default: content)",
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    queries = load_eval(args.eval)
    home = args.home.resolve()
    ensure_library(home, args.source, args.library)
    started = time.perf_counter()
    rankings = search_all(home, args.library, queries, args.limit)
    elapsed = time.perf_counter() - started
    scores = score_rankings(queries, rankings)
    reference = reference_scores(args, queries) if args.reference else None
    print(
        f"{len(queries)} queries from {args.eval.name}, limit {args.limit}, "
        f"one `docshelf search` process: {elapsed:.2f} s\n"
    )
    print_summary(scores, reference)
    if args.verbose:
        print_per_query(scores)


if __name__ == "__main__":
    run_main(main)
