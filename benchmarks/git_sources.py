"""Docs sources on real projects: time to add, pages found, page ids equal to the public
site's URL paths, and full-text search quality on the judged sets in benchmarks/data/.

    python benchmarks/git_sources.py                       # every default corpus found
    python benchmarks/git_sources.py --repo vite=~/src/vite --only vite
    python benchmarks/git_sources.py git:/path/repo@v1.2.0 --urls map.tsv --queries q.jsonl

Defaults: vite v8.2.2, FastAPI 0.141.1, react.dev at commit 12d692da47e7, pydantic v2.13.4
and httpx 0.28.1 from local git repositories (GitHub is not fetched: give a clone with
`--repo NAME=PATH`; /work/.mirror/OWNER+NAME/repo is used when present), and next@16.4.6
from the npm registry. Each is added into a fresh, empty home (no download cache), so the
time is fetching (git reading, or the npm download) + discovery + parsing + indexing.
Queries are measured, never tuned on: the sets are held out (benchmarks/data/README.md).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from _common import DATA_DIR, BenchmarkError, print_table, run_main, verdict
from docshelf.errors import DocshelfError
from docshelf.evaluation import evaluate, load_queries
from docshelf.shelf import Shelf
from docshelf.sources import fetch_source

MIRRORS = Path("/work/.mirror")
TARGET_SECONDS = 10.0
TARGET_URL_SHARE = 0.95


@dataclass(frozen=True)
class Corpus:
    """A default corpus: where it comes from and the judged files that go with it."""

    label: str
    source: str  # "git:{repo}@REF" (the repository filled in) or a spec as it is
    repository: str  # OWNER/NAME on GitHub, for the clone hint; "" for a registry spec
    urls: str | None  # URL map in benchmarks/data/
    queries: str | None


DEFAULTS = (
    Corpus("vite", "git:{repo}@v8.2.2", "vitejs/vite", "vite-urls.tsv", "vite-v8.2.2.jsonl"),
    Corpus(
        "fastapi",
        "git:{repo}@0.141.1",
        "fastapi/fastapi",
        "fastapi-urls.tsv",
        "fastapi-0.141.1.jsonl",
    ),
    Corpus(
        "react.dev",
        "git:{repo}@12d692da47e7",
        "reactjs/react.dev",
        "react.dev-urls.tsv",
        "react.dev-12d692da47e7.jsonl",
    ),
    Corpus("pydantic", "git:{repo}@v2.13.4", "pydantic/pydantic", None, "pydantic-v2.13.4.jsonl"),
    Corpus("httpx", "git:{repo}@0.28.1", "encode/httpx", None, "httpx-0.28.1.jsonl"),
    Corpus("next", "npm:next@16.4.6", "", None, "next-16.4.6.jsonl"),
)


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
    with tempfile.TemporaryDirectory(prefix="docshelf-bench-src-") as tmp, Shelf(tmp) as shelf:
        started = time.perf_counter()
        try:
            record = shelf.add_library(case.spec, name=case.label.replace(".", "-"))
        except DocshelfError as exc:
            raise BenchmarkError(f"{case.spec}: {exc}") from exc
        seconds = time.perf_counter() - started
        # The same layout again, from the cache the add just filled (no timing).
        fetched = fetch_source(record.source, shelf.cache_dir)
        ids = {d.path: d.page_id for d in fetched.documents}
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


def default_cases(repos: dict[str, Path], only: set[str]) -> list[Case]:
    """The default corpora whose repository is on this machine; says how to get the rest."""
    found = []
    for corpus in DEFAULTS:
        if only and corpus.label not in only:
            continue
        spec = corpus.source
        if corpus.repository:
            owner_name = corpus.repository.replace("/", "+")
            repo = repos.get(corpus.label) or MIRRORS / owner_name / "repo"
            if not repo.expanduser().exists():
                print(
                    f"skipped {corpus.label}: no local clone of {corpus.repository}. Clone it "
                    f"(`git clone --bare https://github.com/{corpus.repository}.git "
                    f"{corpus.label}.git`) and pass --repo {corpus.label}=PATH."
                )
                continue
            spec = spec.format(repo=repo.expanduser())
        found.append(Case(corpus.label, spec, _data(corpus.urls), _data(corpus.queries)))
    if not found:
        raise BenchmarkError(
            "No corpus to measure: give local clones with --repo NAME=PATH (names: "
            + ", ".join(c.label for c in DEFAULTS if c.repository)
            + ") or SPECs."
        )
    return found


def cases_from(args: argparse.Namespace) -> list[Case]:
    if not args.specs:
        return default_cases(_repo_paths(args.repo), set(args.only))
    cases = []
    for i, spec in enumerate(args.specs):
        urls = Path(args.urls[i]) if i < len(args.urls) else None
        queries = Path(args.queries[i]) if i < len(args.queries) else None
        label = spec.rstrip("/").split("/")[-1].split("@")[0] or f"repo{i}"
        cases.append(Case(label, spec, urls, queries))
    return cases


def _repo_paths(pairs: list[str]) -> dict[str, Path]:
    paths = {}
    for pair in pairs:
        name, sep, path = pair.partition("=")
        if not sep or not path:
            raise BenchmarkError(f"--repo {pair!r}: write NAME=PATH, e.g. --repo vite=~/src/vite")
        paths[name.strip()] = Path(path.strip())
    return paths


def _data(name: str | None) -> Path | None:
    if name is None:
        return None
    path = DATA_DIR / name
    if not path.is_file():
        raise BenchmarkError(f"{path} is missing; it belongs to the repository (git checkout).")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("specs", nargs="*", help="sources to measure (default: the corpora above)")
    parser.add_argument(
        "--repo", action="append", default=[], help="NAME=PATH of a local clone (vite, ...)"
    )
    parser.add_argument("--only", action="append", default=[], help="measure this corpus only")
    parser.add_argument("--urls", action="append", default=[], help="URL map TSV, per SPEC")
    parser.add_argument("--queries", action="append", default=[], help="judged JSONL, per SPEC")
    parser.add_argument("--verbose", "-v", action="store_true", help="list id/URL mismatches")
    args = parser.parse_args()
    results = [measure(case) for case in cases_from(args)]
    print_table(
        [
            "corpus",
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
