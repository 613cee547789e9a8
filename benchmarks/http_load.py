"""`docshelf serve --http` under load: N concurrent MCP clients searching and reading.

Starts the server on a free 127.0.0.1 port over an indexed home, then for each client
count (default 1, 8, 32) runs that many MCP sessions side by side for a fixed time, each
looping search_docs (queries from the eval set) then read_docs (the top hit). Prints
throughput, p50/p99 latency and errors per level, and the server's resident memory after
a warm-up at the highest client count and after the last level. Loopback only; every loop
is bounded in time and count, and the server is stopped with SIGTERM at the end.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import anyio
from mcp import Client

from _common import (
    DEFAULT_EVAL,
    DEFAULT_HOME,
    MASTRA_NAME,
    MASTRA_SOURCE,
    OUT_DIR,
    BenchmarkError,
    Memory,
    ensure_library,
    find_docshelf,
    load_eval,
    percentile,
    print_table,
    read_tree_memory,
    run_main,
)

MAX_CALLS_PER_CLIENT = 100_000  # a hard stop besides the clock
CALL_TIMEOUT_S = 60
START_TIMEOUT_S = 60
MEMORY_TOLERANCE_KIB = 20 * 1024  # allocator noise; more than this counts as growth


@dataclass
class Level:
    clients: int
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    memory: Memory | None = None  # the server's, right after this level

    @property
    def calls(self) -> int:
        return len(self.latencies_ms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=DEFAULT_HOME)
    parser.add_argument("--source", default=MASTRA_SOURCE)
    parser.add_argument("--library", default=MASTRA_NAME)
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="Queries to search.")
    parser.add_argument("--clients", default="1,8,32", help="Client counts, comma-separated.")
    parser.add_argument("--seconds", type=float, default=10.0, help="Duration of each level.")
    parser.add_argument(
        "--mode",
        choices=("legacy", "auto"),
        default="legacy",
        help="legacy: initialize handshake and sessions (today's clients); auto: 2026-07-28.",
    )
    args = parser.parse_args()
    counts = [int(c) for c in args.clients.split(",") if c.strip()]
    if not counts or min(counts) < 1 or max(counts) > 256:
        raise BenchmarkError("--clients takes counts from 1 to 256, e.g. 1,8,32.")
    if not 0 < args.seconds <= 600:
        raise BenchmarkError("--seconds must be between 0 and 600.")
    queries = [q.q for q in load_eval(args.eval)] if args.eval.is_file() else ["agent memory"]
    ensure_library(args.home, args.source, args.library)
    anyio.run(run, args, counts, queries)


async def run(args: argparse.Namespace, counts: list[int], queries: list[str]) -> None:
    log_path = OUT_DIR / "http_load.stderr.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [find_docshelf(), "--home", str(args.home), "serve", "--http"]
    command += ["--host", "127.0.0.1", "--port", "0", "--no-default"]
    env = {k: v for k, v in os.environ.items() if k not in ("DOCSHELF_TOKEN", "DOCSHELF_HOME")}
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log, env=env
        )
    try:
        url = await _wait_for_url(server, log_path)
        print(f"server: {url} (pid {server.pid}), library {args.library}, mode {args.mode}")
        # Clients and server share this machine's cores; other load skews every figure.
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"machine: {os.cpu_count()} cores, load average {load} at start")
        # Warm up at the highest concurrency, so the worker threads and their SQLite
        # connections exist before the first reading: growth after it would be a leak.
        warm = Level(clients=max(counts))
        await drive(url, warm, args, queries, seconds=args.seconds)
        before = read_tree_memory(server.pid)
        levels = []
        for count in counts:
            level = Level(clients=count)
            await drive(url, level, args, queries, seconds=args.seconds)
            level.memory = read_tree_memory(server.pid)
            levels.append(level)
        after = read_tree_memory(server.pid)
    finally:
        code = _stop(server)
    report(levels, before, after, code, warm)


async def drive(
    url: str, level: Level, args: argparse.Namespace, queries: list[str], seconds: float
) -> None:
    """Run `level.clients` sessions side by side until the clock runs out."""
    deadline = time.monotonic() + seconds
    started = time.monotonic()

    async def client(offset: int) -> None:
        picks = itertools.islice(itertools.cycle(queries), offset, None)
        try:
            async with Client(url, mode=args.mode, read_timeout_seconds=CALL_TIMEOUT_S) as c:
                for _, query in zip(range(MAX_CALLS_PER_CLIENT), picks, strict=False):
                    if time.monotonic() >= deadline:
                        return
                    path = await _timed(level, c, "search_docs", {"query": query, "limit": 5})
                    if time.monotonic() >= deadline:
                        return
                    await _timed(level, c, "read_docs", {"paths": [path or ""]})
        except Exception as exc:  # a session that fails is an error, not a crash of the run
            level.errors.append(f"session: {type(exc).__name__}: {exc}")

    with anyio.fail_after(seconds + CALL_TIMEOUT_S + START_TIMEOUT_S):
        async with anyio.create_task_group() as tg:
            for i in range(level.clients):
                tg.start_soon(client, i * 7)
    level.seconds = time.monotonic() - started


async def _timed(level: Level, client: Client, tool: str, args: dict) -> str | None:
    """Call one tool, record its latency; returns the top hit's path for a search."""
    started = time.perf_counter()
    try:
        with anyio.fail_after(CALL_TIMEOUT_S):
            result = await client.call_tool(tool, args)
    except Exception as exc:
        level.errors.append(f"{tool}: {type(exc).__name__}: {exc}")
        return None
    level.latencies_ms.append((time.perf_counter() - started) * 1000)
    if result.is_error:
        text = result.content[0].text if result.content else ""
        level.errors.append(f"{tool}: {text[:200]}")
        return None
    hits = (result.structured_content or {}).get("hits") or []
    return hits[0]["path"] if hits else None


def report(
    levels: list[Level], before: Memory | None, after: Memory | None, code: int, warm: Level
) -> None:
    rows = []
    for lv in levels:
        rows.append(
            [
                lv.clients,
                lv.calls,
                lv.calls / lv.seconds if lv.seconds else float("nan"),
                percentile(lv.latencies_ms, 50),
                percentile(lv.latencies_ms, 99),
                len(lv.errors),
                lv.memory.rss_kib / 1024 if lv.memory else None,
            ]
        )
    print()
    print_table(["clients", "calls", "calls/s", "p50 ms", "p99 ms", "errors", "RSS MiB"], rows)
    print()
    if before and after:
        growth = after.rss_kib - before.rss_kib
        print(
            f"server memory (RSS): {before.rss_kib / 1024:.1f} MiB after warm-up, "
            f"{after.rss_kib / 1024:.1f} MiB after the last level ({growth / 1024:+.1f} MiB); "
            f"peak {after.hwm_kib / 1024:.1f} MiB"
        )
    errors = sum(len(lv.errors) for lv in levels) + len(warm.errors)
    for message in [e for lv in [warm, *levels] for e in lv.errors][:10]:
        print(f"  error: {message}")
    print(f"server exit code after SIGTERM: {code}")
    grew = before is not None and after is not None and after.rss_kib - before.rss_kib
    print(f"target: zero errors ............ {'PASS' if errors == 0 else 'MISS'} ({errors})")
    if grew is not False:
        ok = grew <= MEMORY_TOLERANCE_KIB
        print(f"target: no memory growth ....... {'PASS' if ok else 'MISS'} (<= 20 MiB)")
    print(f"target: clean exit on SIGTERM .. {'PASS' if code == 0 else 'MISS'}")


async def _wait_for_url(server: subprocess.Popen[bytes], log_path: Path) -> str:
    with anyio.fail_after(START_TIMEOUT_S):
        while True:
            found = re.search(r"http://127\.0\.0\.1:\d+/mcp", log_path.read_text(errors="replace"))
            if found:
                return found.group(0)
            if server.poll() is not None:
                raise BenchmarkError(
                    f"the server exited ({server.returncode}); see {log_path}:\n"
                    + log_path.read_text(errors="replace")[-2000:]
                )
            await anyio.sleep(0.05)


def _stop(server: subprocess.Popen[bytes]) -> int:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            return server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)
            return -9
    return server.returncode


if __name__ == "__main__":
    sys.exit(run_main(main))
