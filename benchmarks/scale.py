"""Search cost as the shelf grows: 1x, 5x, 20x, 50x copies of the Mastra docs on one shelf.

Builds the shelves reproducibly (benchmarks/_shelf_copies.py: copy 0 is the Mastra docs as
`mastra`, the others varied copies) into benchmarks/out/scale/, then measures, per size:
- search latency over stdio (the MCP SDK's client, `search_docs`), in one library
  (`library="mastra"`) and across all libraries, p50 and p95, next to the issue's figures;
- the same in-process, wall and CPU time (CPU is the steadier figure on a busy machine),
  and the first search on a fresh connection (which parses every version's tables);
- `add` time of a version, database size and the serving process's RSS;
- the judged Mastra dev set: recall@5 / MRR@10 of the one-library and the all-library
  search (a hit counts only if it is Mastra's page);
- with --vectors, vectors made by a deterministic hashing embedder (no model needed; only
  sizes and times are measured): their size on disk and in memory, and the semantic
  ranking's time in one library and across all.

The Mastra tarball is fetched once through docshelf's npm source into benchmarks/out/scale/.
Homes are reused while docshelf's code and the copies are unchanged (--rebuild forces).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from _common import (
    DEFAULT_EVAL,
    MASTRA_SOURCE,
    OUT_DIR,
    BenchmarkError,
    find_docshelf,
    load_eval,
    percentile,
    print_table,
    read_tree_memory,
    run_main,
    score_rankings,
)
from _shelf_copies import BUILDER_VERSION, build_copies

# Issue 16's figures for today's layout (one shared FTS table): stdio, p50 ms.
ISSUE_P50 = {1: (15, 16), 5: (20, 48), 20: (31, 165), 50: (47, 441)}
TARGET_ALL_MS = 30  # issue 16 part 2: all-library p50 at 50x
TARGET_SEMANTIC_MS = 15  # part 3: semantic search across all libraries at 50x
WORK = OUT_DIR / "scale"
TIMEOUT_S = 300


@dataclass(frozen=True)
class Home:
    size: int
    path: Path
    add_seconds: tuple[float, ...]  # the adds that grew the shelf to this size


def mastra_docs(work: Path) -> Path:
    """The Mastra docs folder, fetched once through docshelf's own npm source."""
    from docshelf.sources import fetch_source

    fetched = fetch_source(MASTRA_SOURCE, work / "cache")
    if not fetched.documents:
        raise BenchmarkError(f"{MASTRA_SOURCE} has no docs folder; pass --docs DIR instead.")
    # The folder the pages are in (`.docs/` in the package): its tree is what is copied.
    folders = [PurePosixPath(doc.path).parent for doc in fetched.documents]
    return fetched.root / os.path.commonpath(folders)


def build_homes(copies: list[Path], sizes: list[int], work: Path, rebuild: bool) -> list[Home]:
    """A home per size, grown one add at a time and copied at each size on the way."""
    from docshelf.shelf import Shelf

    stamp = f"{index_build()} copies {BUILDER_VERSION}"
    homes = {n: work / "homes" / f"x{n}" for n in sizes}

    def recorded(n: int) -> Home | None:
        info = homes[n] / "scale.json"
        if rebuild or not info.is_file():
            return None
        data = json.loads(info.read_text())
        return Home(n, homes[n], tuple(data["add_seconds"])) if data["stamp"] == stamp else None

    found = {n: recorded(n) for n in sizes}
    todo = [n for n in sizes if found[n] is None]
    if not todo:
        return [h for h in found.values() if h is not None]
    grow = work / "homes" / "grow"
    shutil.rmtree(grow, ignore_errors=True)
    seconds: list[float] = []
    with Shelf(grow) as shelf:
        for k, folder in enumerate(copies[: max(todo)], 1):
            started = time.perf_counter()
            shelf.add_library(str(folder), name=folder.name)
            seconds.append(time.perf_counter() - started)
            print(f"  added {folder.name}: {seconds[-1]:.1f} s", file=sys.stderr, flush=True)
            if k in todo:
                shelf.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                shutil.rmtree(homes[k], ignore_errors=True)
                homes[k].mkdir(parents=True)
                for name in ("docshelf.db", "libraries.json"):
                    shutil.copyfile(grow / name, homes[k] / name)
                previous = max((n for n in sizes if n < k), default=0)
                adds = tuple(seconds[previous:k])
                info = {"stamp": stamp, "add_seconds": adds}
                (homes[k] / "scale.json").write_text(json.dumps(info))
                found[k] = Home(k, homes[k], adds)
    shutil.rmtree(grow, ignore_errors=True)
    return [h for n in sizes if (h := found[n]) is not None]


def index_build() -> str:
    """A fingerprint of the code that decides what an index holds (not how it is searched),
    so changing the search code does not re-index 50 versions."""
    import hashlib

    import docshelf

    root = Path(docshelf.__file__).parent
    digest = hashlib.sha256()
    for folder in ("store", "parsing", "sources"):
        for path in sorted((root / folder).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode() + path.read_bytes())
    digest.update((root / "models.py").read_bytes())
    return digest.hexdigest()[:16]


def db_mib(home: Path) -> float:
    return sum(p.stat().st_size for p in home.glob("docshelf.db*")) / 2**20


# ---------------------------------------------------------------- in-process timing


@dataclass
class Timing:
    wall_ms: list[float]
    cpu_ms: list[float]


def interleaved(
    configs: dict[str, Callable[[str], object]], queries: Sequence[str], rounds: int
) -> tuple[dict[str, Timing], list[float]]:
    """Every configuration runs each query in turn, round after round (the first round
    warms up and is dropped), so load from other processes hits all of them alike."""
    times = {name: Timing([], []) for name in configs}
    names = list(configs)
    loads = []
    for r in range(rounds + 1):
        loads.append(os.getloadavg()[0])
        for i, query in enumerate(queries):
            shift = (r * len(queries) + i) % len(names)
            for name in names[shift:] + names[:shift]:
                wall, cpu = time.perf_counter(), time.process_time()
                configs[name](query)
                if r:
                    times[name].wall_ms.append((time.perf_counter() - wall) * 1000)
                    times[name].cpu_ms.append((time.process_time() - cpu) * 1000)
    return times, loads


def first_search_ms(home: Path, query: str, repeat: int = 5) -> tuple[float, float]:
    """A fresh connection's first all-library search, wall and CPU ms (medians): opening
    the connection parses every version's tables."""
    from docshelf.shelf import Shelf

    wall, cpu = [], []
    for _ in range(repeat):
        with Shelf(home) as shelf:
            started, started_cpu = time.perf_counter(), time.process_time()
            shelf.search(query, mode="fulltext")
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def one_library_lists(shelf: object, queries: Sequence[str]) -> list[list[tuple]]:
    """Each query's one-library result as (path, score, best section), for comparing the
    same library's ranking on shelves of different sizes."""
    return [
        [
            (h.path, h.score, h.heading)
            for h in shelf.search(q, library="mastra", mode="fulltext")  # type: ignore[attr-defined]
        ]
        for q in queries
    ]


def mastra_quality(shelf: object, queries: Sequence, library: str | None) -> tuple[float, float]:
    """recall@5 and MRR@10 of the dev set, counting only Mastra's pages as hits."""
    rankings = []
    for query in queries:
        hits = shelf.search(query.q, library=library, mode="fulltext")  # type: ignore[attr-defined]
        rankings.append([h.path if h.library == "mastra" else f"\0{h.library}" for h in hits])
    scores = score_rankings(queries, rankings)
    return scores.recall5, scores.mrr10


# ---------------------------------------------------------------- stdio timing


async def stdio_latencies(
    homes: list[Home], queries: Sequence[str], passes: int
) -> dict[tuple[int, str], list[float]]:
    """search_docs over stdio, one server per home, all open at once; the sizes and the
    two searches take turns query by query. The first pass warms up."""
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters, stdio_client

    out: dict[tuple[int, str], list[float]] = {}
    memory: dict[int, float] = {}
    async with AsyncExitStack() as stack:
        clients = []
        for home in homes:
            params = StdioServerParameters(
                command=find_docshelf(),
                args=["--home", str(home.path), "serve"],
                env={
                    "DOCSHELF_HOME": str(home.path),
                    "DOCSHELF_SEMANTIC": "off",
                    "PYTHONPATH": _docshelf_path(),
                },
            )
            errlog = stack.enter_context(open(os.devnull, "w"))  # noqa: SIM115
            client = Client(stdio_client(params, errlog=errlog), read_timeout_seconds=TIMEOUT_S)
            clients.append(await stack.enter_async_context(client))
        for number in range(passes):
            for query in queries:
                for home, client in zip(homes, clients, strict=True):
                    for scope, library in (("one", "mastra"), ("all", None)):
                        args: dict[str, object] = {"query": query, "limit": 10}
                        if library:
                            args["library"] = library
                        started = time.perf_counter()
                        result = await client.call_tool("search_docs", args)
                        elapsed = (time.perf_counter() - started) * 1000
                        if result.is_error:
                            raise BenchmarkError(f"search_docs failed on {home.path}: {result}")
                        if number:
                            out.setdefault((home.size, scope), []).append(elapsed)
        for home in homes:
            memory[home.size] = _server_rss(home.path)
    out.update({(n, "rss"): [m] for n, m in memory.items()})
    return out


def _docshelf_path() -> str:
    """Where the docshelf this process imports lives, so the servers run that code too
    (the SDK passes only a few variables to a server, PYTHONPATH not among them)."""
    import docshelf

    return str(Path(docshelf.__file__).resolve().parents[1])


def _server_rss(home: Path) -> float:
    """RSS (MiB) of the `docshelf serve` process serving `home`."""
    for pid in _descendants(os.getpid()):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if str(home).encode() in cmdline and b"serve" in cmdline:
            memory = read_tree_memory(pid)
            return memory.rss_kib / 1024 if memory else float("nan")
    return float("nan")


def _descendants(pid: int) -> set[int]:
    from _common import child_pids

    found = set()
    todo = [pid]
    while todo:
        for child in child_pids(todo.pop()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


# ---------------------------------------------------------------- vectors


VECTOR_DIM = 384


class HashingEmbedder:
    """Deterministic 384-d vectors from hashed words: the real model's shape, no model."""

    model_id = "scale-hash-384"

    def embed(self, texts: Sequence[str], *, max_tokens: int | None = None):  # type: ignore[no-untyped-def]
        import zlib

        import numpy as np

        out = np.zeros((len(texts), VECTOR_DIM), np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, zlib.crc32(word.encode()) % VECTOR_DIM] += 1.0
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
        return out


_VECTOR_PROBE = "--vector-probe"


def vector_probe(home: Path, query_file: Path, rounds: int, route: str) -> None:
    """Child process: build missing vectors (page vectors, then section vectors, as
    `serve` does), then time the semantic ranking by `route` (page: page vectors only;
    section: section vectors); prints JSON."""
    import resource

    from docshelf.search import hybrid
    from docshelf.search.semantic import SemanticSearch
    from docshelf.search.vectors import build_vectors, coverage
    from docshelf.shelf import Shelf
    from docshelf.store import catalog

    queries = json.loads(query_file.read_text())
    embedder = HashingEmbedder()
    with Shelf(home) as shelf:
        shelf.semantic = SemanticSearch(embedder=embedder)
        shelf.semantic.route = route  # type: ignore[assignment]
        refs = catalog.resolve_versions(shelf.conn, None)
        started = time.perf_counter()
        built = 0
        for unit in ("pages", "sections"):
            for ref in refs:
                if not coverage(shelf.conn, ref.id, embedder.model_id, unit).complete:
                    build_vectors(shelf.conn, embedder, ref.id, unit=unit)  # type: ignore[arg-type]
                    built += 1
        build_s = time.perf_counter() - started
        conn = shelf.conn
        store = conn.execute(
            "SELECT coalesce(sum(pgsize), 0) FROM dbstat "
            "WHERE name IN ('embeddings', 'section_vectors', 'section_vectors_hash', "
            "'page_vectors', 'page_vectors_hash')"
        ).fetchone()[0]
        mastra = catalog.resolve_versions(conn, "mastra")
        load_started = time.perf_counter()
        indexes = shelf.semantic.indexes(conn, refs, embedder.model_id) or []
        load_s = time.perf_counter() - load_started
        arrays = {  # by identity: the page route's centroids are its section matrix
            id(a): a.nbytes
            for i in indexes
            for a in (i.sections, i.centroids, i.section_ids, i.page_ids, i.starts, i.rough)
            if a is not None
        }
        in_memory = sum(arrays.values())

        def ranker(versions: list, mode: str) -> Callable[[str], object]:
            return lambda q: hybrid.rank(conn, shelf.semantic, q, versions, mode=mode)

        configs = {
            "semantic one": ranker(mastra, "semantic"),
            "semantic all": ranker(refs, "semantic"),
            "hybrid one": ranker(mastra, "hybrid"),
            "hybrid all": ranker(refs, "hybrid"),
        }
        times, loads = interleaved(configs, queries, rounds)
    result = {
        "built": built,
        "build_s": build_s,
        "store_mib": store / 2**20,
        "memory_mib": in_memory / 2**20,
        "load_s": load_s,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "load": [min(loads), max(loads)],
        **{
            name: [percentile(t.wall_ms, 50), percentile(t.wall_ms, 95), percentile(t.cpu_ms, 50)]
            for name, t in times.items()
        },
    }
    print(json.dumps(result))


def run_vector_probe(
    home: Home, queries: Sequence[str], rounds: int, work: Path, route: str
) -> dict:
    query_file = work / "queries.json"
    query_file.write_text(json.dumps(list(queries)))
    args = [str(home.path), str(query_file), str(rounds), route]
    done = subprocess.run(
        [sys.executable, __file__, _VECTOR_PROBE, *args],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ | {"OPENBLAS_NUM_THREADS": "1"},
    )
    if done.returncode != 0:
        raise BenchmarkError(f"vector probe on {home.path} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1,5,20,50", help="shelf sizes (default: 1,5,20,50)")
    parser.add_argument("--rounds", type=int, default=3, help="timed passes (plus one warm-up)")
    parser.add_argument("--docs", type=Path, help="a docs folder to copy instead of Mastra's")
    parser.add_argument("--work", type=Path, default=WORK, help="where copies and homes go")
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="judged query set")
    parser.add_argument("--rebuild", action="store_true", help="index the homes again")
    parser.add_argument("--no-stdio", action="store_true", help="skip the stdio timings")
    parser.add_argument("--vectors", action="store_true", help="also measure vectors")
    args = parser.parse_args()
    try:
        args.sizes = sorted({int(s) for s in args.sizes.split(",")})
    except ValueError:
        parser.error("--sizes takes whole numbers separated by commas, e.g. 1,5,20")
    if not args.sizes or min(args.sizes) < 1:
        parser.error("--sizes takes positive numbers, e.g. 1,5,20,50")
    return args


def main() -> None:
    import anyio

    from docshelf.shelf import Shelf

    os.environ["DOCSHELF_SEMANTIC"] = "off"
    args = parse_args()
    work = args.work.resolve()
    judged = load_eval(args.eval)
    queries = [q.q for q in judged]
    docs = args.docs.resolve() if args.docs else mastra_docs(work)
    print(f"copies of {docs} ...", file=sys.stderr, flush=True)
    copies = build_copies(docs, work / "copies", max(args.sizes))
    homes = build_homes(copies, args.sizes, work, args.rebuild)

    shelves = {home.size: Shelf(home.path) for home in homes}
    configs: dict[str, Callable[[str], object]] = {}
    for n, shelf in shelves.items():
        configs[f"{n} one"] = lambda q, s=shelf: s.search(q, library="mastra", mode="fulltext")
        configs[f"{n} all"] = lambda q, s=shelf: s.search(q, mode="fulltext")
    print("timing in-process ...", file=sys.stderr, flush=True)
    times, loads = interleaved(configs, queries, args.rounds)
    quality = {
        n: (mastra_quality(s, judged, "mastra"), mastra_quality(s, judged, None))
        for n, s in shelves.items()
    }
    one_lists = {n: one_library_lists(s, queries) for n, s in shelves.items()}
    pages = {
        n: sum(v.pages for lib in s.list_libraries() for v in lib.versions)
        for n, s in shelves.items()
    }
    for shelf in shelves.values():
        shelf.close()
    cold = {home.size: first_search_ms(home.path, queries[0]) for home in homes}
    stdio: dict[tuple[int, str], list[float]] = {}
    if not args.no_stdio:
        print("timing over stdio ...", file=sys.stderr, flush=True)
        stdio = anyio.run(stdio_latencies, homes, queries, args.rounds + 1)
    loads.append(os.getloadavg()[0])

    print(
        f"\nMastra docs x N on one shelf ({queries and len(queries)} dev queries, "
        f"{args.rounds} timed passes; latency in ms)\n"
    )
    rows = []
    for home in homes:
        n = home.size
        issue = ISSUE_P50.get(n)
        one, every = times[f"{n} one"], times[f"{n} all"]
        rows.append(
            [
                f"{n}x",
                pages[n],
                _pair(stdio.get((n, "one"))),
                issue[0] if issue else None,
                _pair(stdio.get((n, "all"))),
                issue[1] if issue else None,
                f"{percentile(one.wall_ms, 50):.1f} ({percentile(one.cpu_ms, 50):.1f})",
                f"{percentile(every.wall_ms, 50):.1f} ({percentile(every.cpu_ms, 50):.1f})",
                f"{cold[n][0]:.1f} ({cold[n][1]:.1f})",
                round(statistics.median(home.add_seconds), 2),
                round(db_mib(home.path), 1),
                round(stdio[(n, "rss")][0], 1) if (n, "rss") in stdio else None,
            ]
        )
    print_table(
        [
            "shelf",
            "pages",
            "one lib p50/p95",
            "issue",
            "all libs p50/p95",
            "issue",
            "one in-proc (CPU)",
            "all in-proc (CPU)",
            "1st search",
            "add s",
            "DB MiB",
            "serve RSS MiB",
        ],
        rows,
    )
    print(
        "\nstdio: search_docs over the MCP SDK client, as in the issue ('issue' = its p50 for "
        "the shared-table layout).\nin-proc: Shelf.search wall p50 (CPU p50). 1st search: a "
        "fresh connection's first all-library search, wall (CPU), median of 5.\nadd s: median "
        "`add` of the versions that grew the shelf to this size.\nTargets (issue 16): one "
        f"library at 50x within 1.3x of 1x; all libraries p50 <= {TARGET_ALL_MS} ms at 50x."
    )
    print("\nMastra dev set, hits counted only in library 'mastra' (recall@5 / MRR@10):\n")
    print_table(
        ["shelf", "one library", "all libraries"],
        [
            [f"{n}x", f"{o[0]:.3f} / {o[1]:.3f}", f"{a[0]:.3f} / {a[1]:.3f}"]
            for n, (o, a) in quality.items()
        ],
    )
    smallest = min(one_lists)
    print(
        f"\nOne-library results identical to the {smallest}x shelf's (path, score, best "
        "section of every hit): "
        + ", ".join(
            f"{n}x {sum(a == b for a, b in zip(lists, one_lists[smallest], strict=True))}"
            f"/{len(queries)}"
            for n, lists in one_lists.items()
        )
    )
    if args.vectors:
        print(
            "\nvectors (hashing embedder, 384-d; ranking only, query embedding excluded; "
            f"target: semantic all <= {TARGET_SEMANTIC_MS} ms at 50x):\n"
        )
        vrows = []
        for home, route in ((h, r) for h in homes for r in ("page", "section")):
            print(f"vectors for {home.size}x, {route} route ...", file=sys.stderr, flush=True)
            v = run_vector_probe(home, queries, args.rounds, work, route)
            loads.extend(v["load"])
            vrows.append(
                [
                    f"{home.size}x",
                    route,
                    round(v["store_mib"], 1),
                    round(v["memory_mib"], 1),
                    round(v["load_s"], 1),
                    *(_triple(v[k]) for k in ("semantic one", "semantic all")),
                    *(_triple(v[k]) for k in ("hybrid one", "hybrid all")),
                    round(v["peak_rss_mib"], 1),
                ]
            )
        print_table(
            [
                "shelf",
                "route",
                "on disk MiB",
                "in RAM MiB",
                "load s",
                "semantic one p50/p95 (CPU)",
                "semantic all",
                "hybrid one",
                "hybrid all",
                "peak RSS MiB",
            ],
            vrows,
        )
    print(
        f"\nload average (1 min) during the run: {min(loads):.2f}-{max(loads):.2f} on "
        f"{os.cpu_count()} cores."
    )


def _pair(values: list[float] | None) -> str | None:
    if not values:
        return None
    return f"{percentile(values, 50):.1f} / {percentile(values, 95):.1f}"


def _triple(values: list[float]) -> str:
    return f"{values[0]:.1f} / {values[1]:.1f} ({values[2]:.1f})"


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == _VECTOR_PROBE:
        vector_probe(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    else:
        run_main(main)
