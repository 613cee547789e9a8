"""Search quality on judged queries: recall@k, MRR@10 and nDCG@10 for each search mode.

A judged query is one JSON line, `{"q": "...", "rel": ["page/path", ...]}`; `rel` lists
every page that answers it. Ranks count distinct pages (a search hit is a page).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docshelf.constants import SearchMode
from docshelf.errors import UsageError

if TYPE_CHECKING:
    from docshelf.shelf import Shelf

MODES: tuple[SearchMode, ...] = ("fulltext", "semantic", "hybrid")
LABELS = {"fulltext": "full text", "semantic": "semantic", "hybrid": "hybrid"}


@dataclass(frozen=True)
class JudgedQuery:
    q: str
    rel: frozenset[str]


@dataclass(frozen=True)
class ModeScores:
    """One search mode over the query set."""

    mode: str
    ranks: tuple[int | None, ...]  # first relevant rank per query, None when not returned
    recall1: float
    recall5: float
    recall10: float
    mrr10: float
    ndcg10: float
    ms_per_query: float


@dataclass(frozen=True)
class EvalReport:
    library: str  # NAME@VERSION searched
    queries: tuple[JudgedQuery, ...]
    modes: tuple[ModeScores, ...]  # the modes that could run, full text first
    note: str  # why a mode is missing, or ""


def normalize_page(path: str) -> str:
    """A page path as judged sets write it: docs-root relative, no `.md`, no anchor."""
    page = path.strip().split("#", 1)[0].strip().removeprefix("./").lstrip("/")
    for suffix in (".md", ".mdx"):
        page = page.removesuffix(suffix)
    return page


def load_queries(text: str, name: str = "queries") -> list[JudgedQuery]:
    """Parse JSON lines of judged queries; raises UsageError naming the bad line."""
    queries = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            q, rel = record["q"], record["rel"]
            if not isinstance(q, str) or not isinstance(rel, list) or not rel:
                raise TypeError("q must be a string and rel a non-empty list")
            queries.append(JudgedQuery(q, frozenset(normalize_page(str(p)) for p in rel)))
        except (ValueError, KeyError, TypeError) as exc:
            raise UsageError(
                f"Line {number} of {name} is not a judged query ({exc}); write one JSON object "
                'a line, e.g. {"q": "configure memory", "rel": ["docs/memory/overview"]}.'
            ) from exc
    if not queries:
        raise UsageError(f'{name} holds no queries; write lines like {{"q": "...", "rel": [...]}}.')
    return queries


def first_relevant_rank(pages: Sequence[str], rel: frozenset[str]) -> int | None:
    for rank, page in enumerate(pages, 1):
        if normalize_page(page) in rel:
            return rank
    return None


def ndcg(pages: Sequence[str], rel: frozenset[str], k: int = 10) -> float:
    """nDCG@k with binary gains; the ideal puts every relevant page first."""
    gains = [normalize_page(p) in rel for p in pages[:k]]
    dcg = sum(1 / math.log2(rank + 1) for rank, hit in enumerate(gains, 1) if hit)
    ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(len(rel), k) + 1))
    return dcg / ideal if ideal else 0.0


def score_mode(
    mode: str,
    queries: Sequence[JudgedQuery],
    rankings: Sequence[Sequence[str]],
    seconds: float = 0.0,
) -> ModeScores:
    """Metrics of one ranked list of page paths per query."""
    ranks = tuple(
        first_relevant_rank(pages, q.rel) for q, pages in zip(queries, rankings, strict=True)
    )
    n = len(queries)

    def recall(k: int) -> float:
        return sum(r is not None and r <= k for r in ranks) / n

    mrr = sum(1 / r for r in ranks if r is not None and r <= 10) / n
    gain = sum(ndcg(pages, q.rel) for q, pages in zip(queries, rankings, strict=True)) / n
    return ModeScores(mode, ranks, recall(1), recall(5), recall(10), mrr, gain, 1000 * seconds / n)


def evaluate(
    shelf: Shelf, queries: Sequence[JudgedQuery], *, library: str, limit: int = 10
) -> EvalReport:
    """Run every query in every mode that can run on `library` and score the rankings."""
    ref = shelf.resolve_version(library).record.ref
    modes: list[SearchMode] = ["fulltext"]
    note = ""
    if not shelf.semantic.available:
        note = shelf.semantic.status()
    elif shelf.missing_vectors(ref):
        note = f"The vectors of {ref} are not built; run `docshelf embed --library {ref}`."
    else:
        modes += ["semantic", "hybrid"]
    results = []
    for mode in modes:
        shelf.search(queries[0].q, library=ref, limit=limit, mode=mode)  # load, warm caches
        started = time.perf_counter()
        rankings = [
            [hit.path for hit in shelf.search(q.q, library=ref, limit=limit, mode=mode)]
            for q in queries
        ]
        results.append(score_mode(mode, queries, rankings, time.perf_counter() - started))
    return EvalReport(ref, tuple(queries), tuple(results), note)


def format_report(report: EvalReport, source: str = "queries") -> str:
    """The metrics table, one column per mode."""
    header = ["metric", *(LABELS[m.mode] for m in report.modes)]
    rows = [
        ("recall@1", [m.recall1 for m in report.modes]),
        ("recall@5", [m.recall5 for m in report.modes]),
        ("recall@10", [m.recall10 for m in report.modes]),
        ("MRR@10", [m.mrr10 for m in report.modes]),
        ("nDCG@10", [m.ndcg10 for m in report.modes]),
    ]
    lines = [f"{len(report.queries)} queries from {source} on {report.library}", ""]
    lines.append("  ".join([f"{header[0]:<12}", *(f"{h:>10}" for h in header[1:])]))
    for name, values in rows:
        lines.append("  ".join([f"{name:<12}", *(f"{v:>10.3f}" for v in values)]))
    times = [f"{m.ms_per_query:>10.1f}" for m in report.modes]
    lines.append("  ".join([f"{'ms/query':<12}", *times]))
    if report.note:
        lines += ["", report.note]
    return "\n".join(lines)


def format_per_query(report: EvalReport) -> str:
    """First relevant rank of each query per mode ('-' = not in the top 10 pages)."""
    labels = [LABELS[m.mode] for m in report.modes]
    lines = ["", "  ".join([*(f"{label:>9}" for label in labels), "query"])]
    for i, query in enumerate(report.queries):
        cells = [f"{m.ranks[i] or '-':>9}" for m in report.modes]
        lines.append("  ".join([*cells, query.q]))
    return "\n".join(lines)
