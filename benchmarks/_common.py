"""Shared pieces of the benchmark scripts: eval sets, ranking metrics, process probes, homes."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from docshelf.errors import DocshelfError
from docshelf.evaluation import (
    JudgedQuery,
    first_relevant_rank,
    load_queries,
    ndcg,
    normalize_page,
)

# The full-text benchmarks measure full text: semantic search (if its extra is installed)
# is off unless the caller says otherwise (benchmarks/semantic.py turns it on).
os.environ.setdefault("DOCSHELF_SEMANTIC", "off")

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = REPO_ROOT / "benchmarks" / "out"
DEFAULT_HOME = OUT_DIR / "home"
DEFAULT_REFERENCE_DIR = OUT_DIR / "ref"
DATA_DIR = REPO_ROOT / "benchmarks" / "data"  # the judged query sets (see its README)
DEFAULT_EVAL = DATA_DIR / "mastra-1.1.45-dev.jsonl"
MASTRA_SOURCE = "npm:@mastra/mcp-docs-server@1.1.45"
MASTRA_NAME = "mastra"
# Which docshelf build indexed a benchmark home; lives in the home.
BUILD_STAMP = ".benchmark-build"


class BenchmarkError(Exception):
    """A benchmark cannot run; the message says why and what to do."""


# ---------------------------------------------------------------- eval sets


EvalQuery = JudgedQuery  # a judged query: the product's own record, used as is


def load_eval(path: Path) -> list[EvalQuery]:
    """Read a judged query set: one `{"q": ..., "rel": [...]}` object a line."""
    if not path.is_file():
        raise BenchmarkError(f"Eval set {path} not found; pass --eval PATH to a .jsonl query set.")
    try:
        return load_queries(path.read_text(encoding="utf-8"), str(path))
    except DocshelfError as exc:
        raise BenchmarkError(str(exc)) from exc


# ---------------------------------------------------------------- metrics
# The metrics are docshelf's own (`docshelf eval`), so the benchmarks and the feature
# can never disagree on what recall or nDCG means.


def distinct_pages(paths: Iterable[str]) -> list[str]:
    """Hits to pages: normalized, each page once, at its best (first) rank."""
    seen: dict[str, None] = {}
    for path in paths:
        seen.setdefault(normalize_page(path), None)
    return list(seen)


@dataclass(frozen=True)
class QueryScore:
    query: EvalQuery
    pages: tuple[str, ...]
    rank: int | None  # first relevant rank among distinct pages
    ndcg10: float


@dataclass(frozen=True)
class Scores:
    per_query: tuple[QueryScore, ...]
    recall1: float
    recall5: float
    recall10: float
    mrr10: float
    ndcg10: float


def score_rankings(queries: Sequence[EvalQuery], rankings: Sequence[Sequence[str]]) -> Scores:
    """Score one ranked list of hit paths per query (same order as the queries)."""
    if len(queries) != len(rankings):
        raise BenchmarkError(f"Got {len(rankings)} rankings for {len(queries)} queries.")
    per_query = []
    for query, paths in zip(queries, rankings, strict=True):
        pages = distinct_pages(paths)
        per_query.append(
            QueryScore(
                query=query,
                pages=tuple(pages),
                rank=first_relevant_rank(pages, query.rel),
                ndcg10=ndcg(pages, query.rel, 10),
            )
        )
    n = len(per_query)

    def recall(k: int) -> float:
        return sum(1 for s in per_query if s.rank is not None and s.rank <= k) / n

    mrr = sum(1 / s.rank for s in per_query if s.rank is not None and s.rank <= 10) / n
    return Scores(
        per_query=tuple(per_query),
        recall1=recall(1),
        recall5=recall(5),
        recall10=recall(10),
        mrr10=mrr,
        ndcg10=sum(s.ndcg10 for s in per_query) / n,
    )


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100), linear between the closest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * p / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# ---------------------------------------------------------------- processes


@dataclass(frozen=True)
class Memory:
    rss_kib: int  # VmRSS: resident now
    hwm_kib: int  # VmHWM: peak resident

    def __add__(self, other: Memory) -> Memory:
        return Memory(self.rss_kib + other.rss_kib, self.hwm_kib + other.hwm_kib)


def read_memory(pid: int) -> Memory | None:
    """Resident memory of one process from /proc/<pid>/status; None where /proc is missing."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    fields = {}
    for line in status.splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return Memory(rss_kib=fields.get("VmRSS", 0), hwm_kib=fields.get("VmHWM", 0))


def read_tree_memory(pid: int) -> Memory | None:
    """Memory of a process plus its descendants (a launcher may run the server as a child)."""
    total = read_memory(pid)
    if total is None:
        return None
    for child in child_pids(pid):
        sub = read_tree_memory(child)
        if sub is not None:
            total += sub
    return total


def child_pids(parent: int) -> set[int]:
    """Direct children of a process, from /proc/*/stat."""
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name may hold spaces or parentheses; fields resume after the last ')'.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == parent:
            children.add(int(stat.parent.name))
    return children


# ---------------------------------------------------------------- docshelf


def find_docshelf() -> str:
    """The docshelf executable of this Python environment, else the one on PATH."""
    beside = Path(sys.executable).with_name("docshelf")
    if beside.exists():
        return str(beside)
    found = shutil.which("docshelf")
    if found:
        return found
    raise BenchmarkError(
        "docshelf is not installed; run `pip install -e .` in the repository, "
        "then run the benchmark with that environment's python."
    )


def run_docshelf(
    home: Path, *args: str, timeout: float = 900, capture: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run `docshelf --home HOME ARGS...`; raise with its stderr when it fails."""
    command = [find_docshelf(), "--home", str(home), *args]
    env = os.environ | {"DOCSHELF_HOME": str(home)}
    try:
        done = subprocess.run(
            command,
            env=env,
            text=True,
            stdout=subprocess.PIPE if capture else None,
            stderr=subprocess.PIPE if capture else None,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchmarkError(f"`{' '.join(command)}` did not finish in {timeout:.0f} s.") from exc
    if done.returncode != 0:
        tail = (done.stderr or "").strip()[-2000:]
        raise BenchmarkError(
            f"`{' '.join(command)}` exited with {done.returncode}.\n{tail}".rstrip()
        )
    return done


def list_libraries(home: Path) -> list[dict]:
    """`docshelf list --json`, as a list of library records."""
    out = run_docshelf(home, "list", "--json").stdout.strip()
    if not out:
        return []
    try:
        data = json.loads(out)
    except ValueError:
        data = [json.loads(line) for line in out.splitlines() if line.strip()]
    if isinstance(data, dict):
        data = data.get("libraries", [data])
    return [item for item in data if isinstance(item, dict)]


def find_library(home: Path, name: str) -> dict | None:
    return next((lib for lib in list_libraries(home) if lib.get("name") == name), None)


def ensure_library(
    home: Path, source: str = MASTRA_SOURCE, name: str = MASTRA_NAME
) -> float | None:
    """Index `source` as `name` into `home` unless it is there; return the seconds it took.

    A home indexed by another build of docshelf is re-indexed first (`docshelf reindex`),
    so the figures always describe the code under test, never a stale index.
    """
    home = home.resolve()
    home.mkdir(parents=True, exist_ok=True)
    stamp = home / BUILD_STAMP
    build = docshelf_build()
    if find_library(home, name) is not None:
        if build is None or (stamp.is_file() and stamp.read_text() == build):
            return None
        print(
            f"docshelf changed since {home} was indexed; re-indexing ...",
            file=sys.stderr,
            flush=True,
        )
        run_docshelf(home, "reindex", "--quiet")
        _drop_index_backups(home)
        stamp.write_text(build or "")
        return None
    print(f"indexing {source} into {home} (one-time) ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    run_docshelf(home, "add", source, "--name", name, "--quiet")
    elapsed = time.perf_counter() - started
    stamp.write_text(build or "")
    return elapsed


def docshelf_build() -> str | None:
    """A fingerprint of docshelf's code as this Python imports it; None if it cannot."""
    spec = importlib.util.find_spec("docshelf")
    if spec is None or spec.origin is None:
        return None
    root = Path(spec.origin).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _drop_index_backups(home: Path) -> None:
    """`reindex` keeps the old index beside the new; in a benchmark home it only fills disk."""
    if not home.is_relative_to(OUT_DIR):
        return
    for backup in home.glob("docshelf.db.old-*"):
        if backup.is_dir():
            shutil.rmtree(backup, ignore_errors=True)
        else:
            backup.unlink(missing_ok=True)


def library_count(record: dict, *names: str) -> int | None:
    """A count from a library record, whichever of the candidate field names it uses."""
    for holder in (record, record.get("stats") or {}, record.get("counts") or {}):
        for name in names:
            value = holder.get(name)
            if isinstance(value, int):
                return value
    return None


# ---------------------------------------------------------------- output


def print_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A small aligned table: first column left, the others right."""
    cells = [[str(c) for c in header]] + [[fmt(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        parts = [row[0].ljust(widths[0])]
        parts += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        return "  ".join(parts).rstrip()

    print(line(cells[0]))
    print("  ".join("-" * w for w in widths))
    for row in cells[1:]:
        print(line(row))


def fmt(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        # Scores live in [0, 1] and want three places; timings and sizes want one.
        return f"{value:.3f}" if abs(value) <= 1 else f"{value:.1f}"
    return str(value)


def verdict(value: float | None, target: float, higher_is_better: bool = True) -> str:
    if value is None or math.isnan(value):
        return "MISS"
    ok = value >= target if higher_is_better else value <= target
    return "PASS" if ok else "MISS"


def run_main(main) -> None:  # type: ignore[no-untyped-def]
    """Run a script's main; a BenchmarkError becomes a message and exit status 2."""
    try:
        main()
    except BenchmarkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)


def copy_without_vectors(source_home: Path, name: str) -> Path:
    """A copy of `source_home`'s index in OUT_DIR/`name` without any stored vectors, so
    embedding starts from zero."""
    from docshelf.store import db

    target = OUT_DIR / name
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    source = sqlite3.connect(db.database_path(source_home))
    copy = sqlite3.connect(db.database_path(target))
    source.backup(copy)
    source.close()
    copy.executescript(
        "DROP TABLE IF EXISTS section_vectors; DROP TABLE IF EXISTS page_vectors; "
        "DROP TABLE IF EXISTS embeddings;"
    )
    copy.close()
    return target
