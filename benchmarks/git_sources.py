"""Git sources on real repositories held as local git directories: time to add, pages
found, page ids equal to the public site's URL paths, and full-text search quality.

    python benchmarks/git_sources.py                       # the three default repositories
    python benchmarks/git_sources.py git:/path/repo@v1.2.0 --urls map.tsv --queries q.jsonl

Each SPEC is added into a fresh, empty home (no download cache), so the time is git
reading + discovery + parsing + indexing. `--urls` (TSV: `repo file path<TAB>URL path`)
and `--queries` (judged JSON lines) pair with the SPECs in order; for the defaults they
are taken from /work/scratch/eval-sites/ when present. Queries are measured only.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from _common import BenchmarkError, print_table, run_main, verdict
from docshelf.errors import DocshelfError
from docshelf.evaluation import evaluate, load_queries
from docshelf.shelf import Shelf
from docshelf.sources import fetch_source

EVAL_SITES = Path("/work/scratch/eval-sites")
MIRRORS = Path("/work/.mirror")
DEFAULTS = (
    ("vite", f"git:{MIRRORS}/vitejs+vite/repo@v8.2.2", "vite-urls.tsv", "vite-v8.2.2.jsonl"),
    ("fastapi", f"git:{MIRRORS}/fastapi+fastapi/repo", "fastapi-urls.tsv", "fastapi-0.141.1.jsonl"),
    (
        "react.dev",
        f"git:{MIRRORS}/reactjs+react.dev/repo",
        "react.dev-urls.tsv",
        "react.dev-12d692da47e7.jsonl",
    ),
)
TARGET_SECONDS = 10.0
TARGET_URL_SHARE = 0.95


@dataclass(frozen=True)
class Case:
    label: str
    spec: str
    urls: Path | None
    queries: Path | None


@dataclass(frozen=True)
class Result:
    case: Case
    ref: str
    origin: str
    seconds: float
    pages: int
    url_share: float | None  # mapped files whose page id equals the public URL path
    unmapped: int | None  # pages the URL map does not list
    recall5: float | None
    mrr10: float | None
    misses: tuple[str, ...]


def read_url_map(path: Path) -> dict[str, str]:
    mapping = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        file, sep, url = line.partition("\t")
        if not sep:
            raise BenchmarkError(f"{path}:{n} is not `file<TAB>url path`")
        mapping[file.strip()] = url.strip().strip("/") or "index"
    return mapping


def measure(case: Case) -> Result:
    with tempfile.TemporaryDirectory(prefix="docshelf-bench-git-") as tmp, Shelf(tmp) as shelf:
        started = time.perf_counter()
        try:
            record = shelf.add_library(case.spec, name=case.label.replace(".", "-"))
        except DocshelfError as exc:
            raise BenchmarkError(f"{case.spec}: {exc}") from exc
        seconds = time.perf_counter() - started
        # The same layout again, from the cache the add just filled (no timing).
        fetched = fetch_source(record.source, shelf.cache_dir)
        ids = {d.path: d.page_id for d in fetched.documents or ()}
        share = unmapped = None
        misses: list[str] = []
        if case.urls is not None:
            mapping = read_url_map(case.urls)
            good = [f for f, url in mapping.items() if ids.get(f) == url]
            share = len(good) / len(mapping) if mapping else None
            unmapped = len(set(ids) - set(mapping))
            misses = [
                f"{f}: {ids.get(f, '(not found)')} != {u}"
                for f, u in mapping.items()
                if ids.get(f) != u
            ]
        recall5 = mrr10 = None
        if case.queries is not None:
            queries = load_queries(case.queries.read_text(encoding="utf-8"), str(case.queries))
            report = evaluate(shelf, queries, library=record.ref)
            full_text = report.modes[0]
            recall5, mrr10 = full_text.recall5, full_text.mrr10
        return Result(
            case,
            record.ref,
            record.origin,
            seconds,
            record.pages,
            share,
            unmapped,
            recall5,
            mrr10,
            tuple(misses),
        )


def cases_from(args: argparse.Namespace) -> list[Case]:
    if not args.specs:
        found = []
        for label, spec, urls, queries in DEFAULTS:
            if not Path(spec.removeprefix("git:").split("@", 1)[0]).exists():
                print(f"skipped {label}: {spec} is not on this machine")
                continue
            found.append(
                Case(label, spec, _present(EVAL_SITES / urls), _present(EVAL_SITES / queries))
            )
        if not found:
            raise BenchmarkError("none of the default repositories is here; give SPECs")
        return found
    cases = []
    for i, spec in enumerate(args.specs):
        urls = Path(args.urls[i]) if i < len(args.urls) else None
        queries = Path(args.queries[i]) if i < len(args.queries) else None
        label = spec.rstrip("/").split("/")[-1].split("@")[0] or f"repo{i}"
        cases.append(Case(label, spec, urls, queries))
    return cases


def _present(path: Path) -> Path | None:
    return path if path.is_file() else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("specs", nargs="*", help="git:<local repository>[@REF] (default: 3)")
    parser.add_argument("--urls", action="append", default=[], help="URL map TSV, per SPEC")
    parser.add_argument("--queries", action="append", default=[], help="judged JSONL, per SPEC")
    parser.add_argument("--verbose", "-v", action="store_true", help="list id/URL mismatches")
    args = parser.parse_args()
    results = [measure(case) for case in cases_from(args)]
    print_table(
        [
            "site",
            "version",
            "docs found",
            "pages",
            "add s",
            "ids = URLs",
            "unmapped",
            "recall@5",
            "MRR@10",
        ],
        [
            [
                r.case.label,
                r.ref.split("@", 1)[1],
                r.origin,
                r.pages,
                r.seconds,
                r.url_share,
                r.unmapped,
                r.recall5,
                r.mrr10,
            ]
            for r in results
        ],
    )
    print()
    for r in results:
        if r.case.label == "vite":
            print(
                f"vite add <= {TARGET_SECONDS:.0f} s: {verdict(r.seconds, TARGET_SECONDS, False)}"
            )
            print(
                f"vite ids = URLs >= {TARGET_URL_SHARE:.0%}: "
                f"{verdict(r.url_share, TARGET_URL_SHARE)}"
            )
        if args.verbose and r.misses:
            print(f"\n{r.case.label}: {len(r.misses)} page ids differ from the URL map")
            for miss in r.misses[:40]:
                print(f"  {miss}")


if __name__ == "__main__":
    run_main(main)
