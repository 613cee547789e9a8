"""Search quality pooled over every judged query set in benchmarks/data/, per search route.

Builds once (cached in benchmarks/out/pooled/) the corpus of each set, each in its own
library of one docshelf home: the two npm sets through docshelf's own npm source, the
five git sets as local folders taken by `git archive` of the pinned commit from local
mirrors (`--repos DIR`). Embeds page and section vectors (cached by content hash across
re-indexes), then prints recall@1/5/10 and MRR@10 for every set and pooled: micro (all
queries alike) and macro (the mean of the sets), over all sets and over the held-out
ones, for full text and for semantic and hybrid by each vector route (page vectors,
section vectors, both).

Nothing here is tuned on these sets: they measure. vite, FastAPI and react.dev judge
public URL paths; local file ids are mapped with benchmarks/data/*-urls.tsv, and a file
the map does not list by folding `index` into its folder (`guide/index` -> `guide`).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

os.environ["DOCSHELF_SEMANTIC"] = "off"  # `docshelf add` embeds nothing; the vectors are
# built here, in process, reusing those embedded before (see restore_embeddings)

from _common import (
    OUT_DIR,
    REPO_ROOT,
    BenchmarkError,
    ensure_library,
    print_table,
    run_main,
)
from docshelf.evaluation import JudgedQuery, load_queries, score_mode
from docshelf.search import hybrid
from docshelf.search.vectors import ensure_schema
from docshelf.shelf import Shelf
from docshelf.store import db

DATA = REPO_ROOT / "benchmarks" / "data"
POOLED = OUT_DIR / "pooled"
DEV = "mastra-1.1.45-dev"
SHIPPED_WEIGHTS = (hybrid.VECTOR_WEIGHT, hybrid.PAGE_VECTOR_WEIGHT)  # section, page vectors


@dataclass(frozen=True)
class JudgedSet:
    """A judged query set and where its corpus comes from."""

    name: str  # the .jsonl file's stem
    library: str
    npm: str = ""  # an npm spec, or
    repo: str = ""  # owner/name of a git repository,
    commit: str = ""  # the commit judged,
    docs: str = ""  # and the docs root inside it
    urls: str = ""  # the URL map (*-urls.tsv) when ids are public URL paths

    @property
    def queries_file(self) -> Path:
        return DATA / f"{self.name}.jsonl"


SETS = (
    JudgedSet(DEV, "mastra", npm="npm:@mastra/mcp-docs-server@1.1.45"),
    JudgedSet("next-16.4.6", "next", npm="npm:next@16.4.6"),
    JudgedSet(
        "pydantic-v2.13.4",
        "pydantic",
        repo="pydantic/pydantic",
        commit="cf67d4b3193c3fe43ede18612ed62785eee11382",
        docs="docs",
    ),
    JudgedSet(
        "httpx-0.28.1",
        "httpx",
        repo="encode/httpx",
        commit="26d48e0634e6ee9cdc0533996db289ce4b430177",
        docs="docs",
    ),
    JudgedSet(
        "vite-v8.2.2",
        "vite",
        repo="vitejs/vite",
        commit="de1111ab0be00879b404e7ed3b2a80e264edddc1",
        docs="docs",
        urls="vite-urls.tsv",
    ),
    JudgedSet(
        "fastapi-0.141.1",
        "fastapi",
        repo="fastapi/fastapi",
        commit="95f8322ee1dcda7ceace7b1c4f6c9915b36d748f",
        docs="docs/en/docs",
        urls="fastapi-urls.tsv",
    ),
    JudgedSet(
        "react.dev-12d692da47e7",
        "react.dev",
        repo="reactjs/react.dev",
        commit="12d692da47e77cdc558b928fcfbaf4e71c6d0cec",
        docs="src/content",
        urls="react.dev-urls.tsv",
    ),
)

# (label, search mode, vector route); route None for full text.
Variant = tuple[str, str, str | None]
VARIANTS: tuple[Variant, ...] = (
    ("full text", "fulltext", None),
    ("semantic, page vectors", "semantic", "page"),
    ("semantic, section vectors", "semantic", "section"),
    ("semantic, page+section", "semantic", "page+section"),
    ("hybrid, page vectors", "hybrid", "page"),
    ("hybrid, section vectors", "hybrid", "section"),
    ("hybrid, page+section", "hybrid", "page+section"),
)


# ---------------------------------------------------------------- corpora


def find_mirror(repos: Path, repo: str, commit: str) -> Path:
    """The git directory under `repos` that holds `commit` of `repo` (owner/name)."""
    owner, name = repo.split("/")
    tried = [repos / f"{owner}+{name}" / "repo", repos / f"{owner}+{name}", repos / name]
    for path in tried:
        if not path.exists():
            continue
        found = subprocess.run(
            ["git", "-C", str(path), "cat-file", "-t", commit],
            capture_output=True,
            text=True,
            check=False,
        )
        if found.stdout.strip() == "commit":
            return path
        raise BenchmarkError(
            f"{path} is a copy of {repo} without commit {commit}; fetch it there "
            f"(`git -C {path} fetch origin {commit}`) or point --repos elsewhere."
        )
    listed = ", ".join(str(p) for p in tried)
    raise BenchmarkError(
        f"No local clone of {repo} under {repos} (looked for {listed}). Clone it there "
        f"(`git clone https://github.com/{repo} {tried[1]}`) or pass --repos DIR."
    )


def export_docs(mirror: Path, judged: JudgedSet, target: Path) -> Path:
    """The docs folder of the pinned commit, extracted once under `target`."""
    docs = target / judged.docs
    done = target / ".exported"
    if done.is_file() and done.read_text() == judged.commit:
        return docs
    target.mkdir(parents=True, exist_ok=True)
    archive = target.with_suffix(".tar")
    with archive.open("wb") as out:
        subprocess.run(
            ["git", "-C", str(mirror), "archive", judged.commit, judged.docs],
            stdout=out,
            check=True,
        )
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")  # refuses links and paths out of target
    archive.unlink()
    done.write_text(judged.commit)
    return docs


def build_home(sets: Sequence[JudgedSet], repos: Path) -> Path:
    """One home with every set's corpus in its own library (indexed once, then reused)."""
    home = POOLED / "home"
    for judged in sets:
        if judged.npm:
            source = judged.npm
        else:
            mirror = find_mirror(repos, judged.repo, judged.commit)
            source = str(export_docs(mirror, judged, POOLED / "corpora" / judged.name))
        took = ensure_library(home, source, judged.library)
        if took is not None:
            print(f"indexed {judged.library} from {source} in {took:.1f} s", file=sys.stderr)
    return home


# ---------------------------------------------------------------- vectors


EMBEDDINGS_CACHE = POOLED / "embeddings.db"


def restore_embeddings(home: Path) -> None:
    """Put back the vectors embedded before (a re-index starts a new database): building
    then reuses each by its content hash instead of embedding it again."""
    if not EMBEDDINGS_CACHE.is_file():
        return
    conn = db.connect(db.database_path(home))
    ensure_schema(conn)
    conn.execute("ATTACH DATABASE ? AS cache", (str(EMBEDDINGS_CACHE),))
    conn.execute("INSERT OR IGNORE INTO embeddings SELECT * FROM cache.embeddings")
    conn.commit()
    conn.close()


def save_embeddings(home: Path) -> None:
    conn = sqlite3.connect(EMBEDDINGS_CACHE)
    conn.execute(
        "CREATE TABLE IF NOT EXISTS embeddings (model TEXT NOT NULL, hash BLOB NOT NULL, "
        "vector BLOB NOT NULL, PRIMARY KEY (model, hash)) WITHOUT ROWID"
    )
    conn.execute("ATTACH DATABASE ? AS home", (str(db.database_path(home)),))
    conn.execute("INSERT OR IGNORE INTO embeddings SELECT * FROM home.embeddings")
    conn.commit()
    conn.close()


@dataclass(frozen=True)
class Build:
    library: str
    unit: str
    total: int
    embedded: int
    reused: int
    seconds: float
    cpu_seconds: float


def build_vectors(
    home: Path, sets: Sequence[JudgedSet], units: Sequence[str] = ("pages", "sections")
) -> list[Build]:
    """Page vectors of every library, then section vectors, timed (wall and CPU)."""
    builds = []
    with Shelf(home) as shelf:
        shelf.semantic.require()  # load the model outside the timings
        for unit in units:
            for judged in sets:
                progress = _progress(f"{judged.library} {unit}")
                wall, cpu = time.perf_counter(), time.process_time()
                (built,) = shelf.build_vectors(
                    lambda _u, done, total, tell=progress: tell(done, total),
                    library=judged.library,
                    units=(unit,),  # type: ignore[arg-type]
                )
                builds.append(
                    Build(
                        judged.library,
                        unit,
                        built.total,
                        built.embedded,
                        built.reused,
                        time.perf_counter() - wall,
                        time.process_time() - cpu,
                    )
                )
                save_embeddings(home)
    return builds


def _progress(label: str) -> Callable[[int, int], None]:
    step = [-1]

    def tell(done: int, total: int) -> None:
        tenth = done * 10 // max(total, 1)
        if tenth != step[0]:
            step[0] = tenth
            print(f"  embedding {label}: {done}/{total}", file=sys.stderr, flush=True)

    return tell


# ---------------------------------------------------------------- page ids


@dataclass(frozen=True)
class PageIds:
    """Maps docshelf page paths to the ids a set judges, and counts what does not map."""

    mapped: dict[str, str]  # docshelf path -> judged id, from the URL map
    folded: int  # corpus pages the map does not list (ids from the folding rule)
    missing_judged: tuple[str, ...]  # judged ids no corpus page maps to

    def __call__(self, path: str) -> str:
        return self.mapped.get(path) or fold_index(path)


def fold_index(path: str) -> str:
    """`guide/index` -> `guide`, `index` -> `` : the generators' rule for index pages."""
    if path == "index":
        return ""
    return path.removesuffix("/index")


def page_ids(judged: JudgedSet, paths: Sequence[str], queries: Sequence[JudgedQuery]) -> PageIds:
    mapped: dict[str, str] = {}
    folded = 0
    if judged.urls:
        root = judged.docs.rstrip("/") + "/"
        for line in (DATA / judged.urls).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            file, url = line.split("\t")
            local = file.removeprefix(root)
            for suffix in (".md", ".mdx", ".markdown"):
                local = local.removesuffix(suffix)
            mapped[local] = url
        folded = sum(1 for p in paths if p not in mapped)
        ids = {mapped.get(p) or fold_index(p) for p in paths}
    else:
        ids = set(paths)
    judged_ids = {r for q in queries for r in q.rel}
    return PageIds(mapped, folded, tuple(sorted(judged_ids - ids)))


# ---------------------------------------------------------------- quality


@dataclass(frozen=True)
class SetScores:
    judged: JudgedSet
    variant: str
    ranks: tuple[int | None, ...]
    ms_per_query: float

    def recall(self, k: int) -> float:
        return sum(r is not None and r <= k for r in self.ranks) / len(self.ranks)

    @property
    def mrr(self) -> float:
        return sum(1 / r for r in self.ranks if r is not None and r <= 10) / len(self.ranks)


def evaluate(
    home: Path, sets: Sequence[JudgedSet], variants: Sequence[Variant]
) -> tuple[list[SetScores], dict[str, PageIds]]:
    scores = []
    mappings = {}
    with Shelf(home) as shelf:
        for judged in sets:
            queries = load_queries(judged.queries_file.read_text(encoding="utf-8"), judged.name)
            ref = shelf.resolve_version(judged.library)
            paths = [p.path for p in shelf.list_pages(ref)]
            ids = mappings[judged.name] = page_ids(judged, paths, queries)
            for label, mode, route in variants:
                shelf.semantic.route = route  # type: ignore[assignment]
                hybrid.VECTOR_WEIGHT, hybrid.PAGE_VECTOR_WEIGHT = vector_weights(label)
                shelf.search(queries[0].q, library=judged.library, mode=mode)  # warm up
                started = time.perf_counter()
                rankings = [
                    [ids(h.path) for h in shelf.search(q.q, library=judged.library, mode=mode)]
                    for q in queries
                ]
                seconds = time.perf_counter() - started
                scored = score_mode(mode, queries, rankings, seconds)
                scores.append(SetScores(judged, label, scored.ranks, scored.ms_per_query))
    return scores, mappings


WEIGHT_LABEL = ", vector weight "


def vector_weights(label: str) -> tuple[float, float]:
    """The vector score's share in fusion a variant's label names, for section and page
    vectors alike (else the shipped ones)."""
    if WEIGHT_LABEL not in label:
        return SHIPPED_WEIGHTS
    weight = float(label.split(WEIGHT_LABEL)[1])
    return weight, weight


def weighted_variants(weights: Sequence[float]) -> list[Variant]:
    """Hybrid by each route with the vector ranking weighted otherwise than shipped."""
    return [
        (f"{label}{WEIGHT_LABEL}{w:g}", mode, route)
        for w in weights
        for label, mode, route in VARIANTS
        if mode == "hybrid"
    ]


def pooled_rows(
    scores: Sequence[SetScores], variants: Sequence[str], names: set[str]
) -> Iterator[list[object]]:
    """Per variant: micro (every query alike) and macro (the mean of the sets)."""
    for variant in variants:
        mine = [s for s in scores if s.variant == variant and s.judged.name in names]
        ranks = [r for s in mine for r in s.ranks]
        n = len(ranks)

        def micro(k: int, ranks: list[int | None] = ranks, n: int = n) -> float:
            return sum(r is not None and r <= k for r in ranks) / n

        mrr = sum(1 / r for r in ranks if r is not None and r <= 10) / n
        macro = [sum(s.recall(k) for s in mine) / len(mine) for k in (1, 5, 10)]
        macro_mrr = sum(s.mrr for s in mine) / len(mine)
        yield [variant, micro(1), micro(5), micro(10), mrr, *macro, macro_mrr]


# ---------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--repos",
        type=Path,
        default=Path("repos"),
        help="folder of local git clones (<owner>+<name>/repo, <owner>+<name> or <name>); "
        "default: ./repos",
    )
    parser.add_argument(
        "--sets", default="", help="comma-separated set names (default: every set in data/)"
    )
    parser.add_argument(
        "--page-tokens",
        type=int,
        default=0,
        help="embed page vectors from this many tokens instead of the shipped length",
    )
    parser.add_argument("--no-vectors", action="store_true", help="full text only")
    parser.add_argument(
        "--vector-weights",
        default="",
        help="also hybrid with the vector score given this share of the fused score, "
        "e.g. 0.4,0.7 (the section and page BM25 share the rest equally; shipped: "
        f"{SHIPPED_WEIGHTS[0]:g} with section vectors, {SHIPPED_WEIGHTS[1]:g} with page "
        "vectors alone)",
    )
    parser.add_argument(
        "--routes",
        default="",
        help="only these variants' routes, e.g. page,page+section (default: all)",
    )
    return parser.parse_args()


def chosen_sets(names: str) -> list[JudgedSet]:
    if not names:
        return list(SETS)
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    known = {s.name: s for s in SETS}
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise BenchmarkError(f"Unknown set(s) {', '.join(unknown)}; known: {', '.join(known)}.")
    return [known[n] for n in wanted]


def set_page_tokens(tokens: int) -> None:
    """Embed pages from `tokens` tokens (a variant to measure; vectors are stored per
    length, so the shipped ones stay)."""
    from docshelf.search import vectors

    vectors._UNITS["pages"] = replace(vectors._UNITS["pages"], tokens=tokens)


def main() -> None:
    args = parse_args()
    sets = chosen_sets(args.sets)
    if args.page_tokens:
        set_page_tokens(args.page_tokens)
    repos = args.repos.resolve()
    home = build_home(sets, repos)
    os.environ["DOCSHELF_SEMANTIC"] = "auto"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"home {home}; {os.cpu_count()} cores, load average {load:.1f}")
    variants: list[Variant] = list(VARIANTS[:1] if args.no_vectors else VARIANTS)
    if args.vector_weights and not args.no_vectors:
        variants += weighted_variants([float(w) for w in args.vector_weights.split(",")])
    if args.routes:
        keep = set(args.routes.split(","))
        variants = [v for v in variants if v[2] is None or v[2] in keep]
    if not args.no_vectors:
        restore_embeddings(home)
        routes = {v[2] for v in variants if v[2]}
        units = [
            u
            for u, r in (("pages", "page"), ("sections", "section"))
            if any(r in x for x in routes)
        ]
        builds = build_vectors(home, sets, units)
        print("\nvectors (embedded now; reused = found by content hash)\n")
        print_table(
            ["library", "unit", "total", "embedded", "reused", "wall s", "CPU s"],
            [
                [b.library, b.unit, b.total, b.embedded, b.reused, b.seconds, b.cpu_seconds]
                for b in builds
            ],
        )
    scores, mappings = evaluate(home, sets, variants)
    print("\npage ids")
    for judged in sets:
        ids = mappings[judged.name]
        if judged.urls:
            print(
                f"  {judged.name}: URL ids from {judged.urls} ({len(ids.mapped)} files), "
                f"{ids.folded} corpus pages not in it (index folding applied)"
            )
        if ids.missing_judged:
            print(f"  {judged.name}: judged ids no corpus page maps to: {ids.missing_judged}")
    header = ["variant", "R@1", "R@5", "R@10", "MRR@10", "ms/q"]
    for judged in sets:
        print(f"\n{judged.name} ({sum(1 for _ in judged.queries_file.open())} queries)\n")
        print_table(
            header,
            [
                [s.variant, s.recall(1), s.recall(5), s.recall(10), s.mrr, s.ms_per_query]
                for s in scores
                if s.judged is judged
            ],
        )
    labels = [label for label, _, _ in variants]
    pooled_header = [
        "variant",
        "micro R@1",
        "R@5",
        "R@10",
        "MRR@10",
        "macro R@1",
        "R@5",
        "R@10",
        "MRR@10",
    ]
    everything = {s.name for s in sets}
    held_out = everything - {DEV}
    queries = sum(1 for s in scores if s.variant == labels[0] for _ in s.ranks)
    print(f"\npooled, all {len(everything)} sets ({queries} queries)\n")
    print_table(pooled_header, list(pooled_rows(scores, labels, everything)))
    if held_out and held_out != everything:
        print(f"\npooled, the {len(held_out)} held-out sets (without {DEV})\n")
        print_table(pooled_header, list(pooled_rows(scores, labels, held_out)))


if __name__ == "__main__":
    run_main(main)
