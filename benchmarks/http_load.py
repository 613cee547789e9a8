"""`docshelf serve --http` under load: N concurrent MCP clients searching and reading.

Starts the server on a free 127.0.0.1 port over an indexed home, then for each client
count (default 1, 8, 32) runs that many MCP sessions side by side for a fixed time, each
looping search_docs (queries from the eval set) then read_docs (the top hit). Prints
throughput, p50/p99 latency and errors per level, and the server's resident memory after
a warm-up at the highest client count and after the last level. Loopback only; every loop
is bounded in time and count, and the server is stopped with SIGTERM at the end.

`--flood`: the server gets a token and 8 authenticated clients run twice, alone and while
1,000 idle sockets, 200 slow-header and 100 slow-body peers (a byte a second; each
reconnects a second after the server drops it) hold connections for `--flood-seconds`;
p50/p99 and errors of both runs, and what the server did to the peers.
`--soak SECONDS`: 32 clients for that long after a 60 s warm-up; the server's RSS before
and after, and every tenth of the way (target: under 5 % growth).
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

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
FLOOD = {"idle": 1000, "slow-header": 200, "slow-body": 100}  # peers of each kind
FLOOD_CLIENTS = 8
SOAK_CLIENTS = 32
SOAK_GROWTH_TARGET = 0.05
SOAK_WARM_UP_S = 60


@dataclass
class Level:
    clients: int
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    memory: Memory | None = None  # the server's, right after this level
    label: str = ""

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
    parser.add_argument(
        "--flood", action="store_true", help="8 token clients alone, then under a socket flood."
    )
    parser.add_argument("--flood-seconds", type=float, default=30.0, help="How long it holds.")
    parser.add_argument("--soak", type=float, metavar="SECONDS", help="32 clients this long.")
    args = parser.parse_args()
    counts = [int(c) for c in args.clients.split(",") if c.strip()]
    if not counts or min(counts) < 1 or max(counts) > 256:
        raise BenchmarkError("--clients takes counts from 1 to 256, e.g. 1,8,32.")
    if not 0 < args.seconds <= 600:
        raise BenchmarkError("--seconds must be between 0 and 600.")
    if args.soak is not None and not 0 < args.soak <= 3600:
        raise BenchmarkError("--soak takes seconds from 1 to 3600, e.g. --soak 600.")
    if not 0 < args.flood_seconds <= 600:
        raise BenchmarkError("--flood-seconds must be between 0 and 600.")
    if args.flood:
        _allow_descriptors(sum(FLOOD.values()) + 4 * FLOOD_CLIENTS + 256)
    queries = [q.q for q in load_eval(args.eval)] if args.eval.is_file() else ["agent memory"]
    ensure_library(args.home, args.source, args.library)
    anyio.run(run, args, counts, queries)


async def run(args: argparse.Namespace, counts: list[int], queries: list[str]) -> None:
    log_path = OUT_DIR / "http_load.stderr.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [find_docshelf(), "--home", str(args.home), "serve", "--http"]
    command += ["--host", "127.0.0.1", "--port", "0", "--no-default"]
    env = {k: v for k, v in os.environ.items() if k not in ("DOCSHELF_TOKEN", "DOCSHELF_HOME")}
    args.token = secrets.token_urlsafe(32) if args.flood else None
    if args.token:
        env["DOCSHELF_TOKEN"] = args.token
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
        warm = Level(clients=SOAK_CLIENTS if args.soak else max(counts))
        # Before a soak, warm up until the SQLite page caches of the worker threads are
        # full (RSS levels off within a minute); growth after that would be a leak.
        warm_up = max(args.seconds, SOAK_WARM_UP_S) if args.soak else args.seconds
        await drive(url, warm, args, queries, seconds=warm_up)
        before = read_tree_memory(server.pid)
        if args.flood:
            levels, peers = await flood_levels(url, args, queries, server.pid)
        elif args.soak:
            levels, peers = [Level(clients=SOAK_CLIENTS, label="soak")], []
            async with anyio.create_task_group() as tg:
                tg.start_soon(_sample_memory, server.pid, args.soak)
                await drive(url, levels[0], args, queries, seconds=args.soak)
            levels[0].memory = read_tree_memory(server.pid)
        else:
            levels, peers = [], []
            for count in counts:
                level = Level(clients=count)
                await drive(url, level, args, queries, seconds=args.seconds)
                level.memory = read_tree_memory(server.pid)
                levels.append(level)
        after = read_tree_memory(server.pid)
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"machine: load average {load} at the end")
    finally:
        code = _stop(server)
    report(levels, before, after, code, warm, soak=bool(args.soak))
    if peers:
        report_flood(peers)


async def _sample_memory(pid: int, seconds: float) -> None:
    """Print the server's RSS every tenth of the soak, to tell a plateau from a leak."""
    started = time.monotonic()
    step = seconds / 10
    for i in range(1, 10):
        await anyio.sleep(max(started + i * step - time.monotonic(), 0))
        memory = read_tree_memory(pid)
        if memory is not None:
            print(f"  soak {i * step:5.0f} s: RSS {memory.rss_kib / 1024:.1f} MiB", flush=True)


# -- the flood ----------------------------------------------------------------------------


@dataclass
class Peers:
    """Flood peers of one kind: how often the server dropped them, how long they held on."""

    kind: str
    count: int
    connects: int = 0
    dropped: int = 0
    held_s: list[float] = field(default_factory=list)


async def flood_levels(
    url: str, args: argparse.Namespace, queries: list[str], pid: int
) -> tuple[list[Level], list[Peers]]:
    """8 authenticated clients alone, then while the flood holds its sockets.

    The flood runs in a process of its own, so its 1,300 sockets and timers slow the
    server (what is measured), not the event loop of the clients that time the calls.
    """
    alone = Level(clients=FLOOD_CLIENTS, label="alone")
    await drive(url, alone, args, queries, seconds=args.flood_seconds)
    alone.memory = read_tree_memory(pid)
    flooded = Level(clients=FLOOD_CLIENTS, label="flood")
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    stop = context.Event()
    child = context.Process(target=_flood_process, args=(port, sender, stop), daemon=True)
    child.start()
    try:
        await _await_message(receiver, child)  # the flood is connected: measure now
        await drive(url, flooded, args, queries, seconds=args.flood_seconds)
        flooded.memory = read_tree_memory(pid)
    finally:
        stop.set()
    peers: list[Peers] = await _await_message(receiver, child)
    child.join(START_TIMEOUT_S)
    return [alone, flooded], peers


async def _await_message(receiver: Any, child: Any) -> Any:
    """The flood process's next message; an error if it ends or stalls first."""
    with anyio.fail_after(START_TIMEOUT_S):
        while not receiver.poll():
            if not child.is_alive() and not receiver.poll():
                raise BenchmarkError(f"the flood process ended ({child.exitcode}); see above.")
            await anyio.sleep(0.1)
    return receiver.recv()


def _flood_process(port: int, sender: Any, stop: Any) -> None:
    """The flood, in its own process: says when every peer is connected, then holds on
    until `stop` is set, then sends back what the server did to the peers."""
    peers = [Peers(kind, count) for kind, count in FLOOD.items()]
    _allow_descriptors(sum(FLOOD.values()) + 256)

    async def flood() -> None:
        done = anyio.Event()
        async with anyio.create_task_group() as tg:
            for group in peers:
                for _ in range(group.count):
                    tg.start_soon(_peer, port, group, done)
            while sum(p.connects for p in peers) < sum(FLOOD.values()):
                await anyio.sleep(0.1)
            sender.send("connected")
            while not stop.is_set():
                await anyio.sleep(0.2)
            done.set()

    anyio.run(flood)
    sender.send(peers)


async def _peer(port: int, group: Peers, stop: anyio.Event) -> None:
    """One flood peer: connect, hold the socket as its kind does, reconnect when dropped."""
    head = b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    if group.kind == "slow-body":  # no token: answered 401 at once, then keeps sending
        head += b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
    while not stop.is_set():
        try:
            stream = await anyio.connect_tcp("127.0.0.1", port)
        except OSError:
            await anyio.sleep(1)
            continue
        group.connects += 1
        started = time.monotonic()
        dropped = False
        async with stream:
            try:
                if group.kind != "idle":
                    await stream.send(head)
                while not stop.is_set():
                    with anyio.move_on_after(1):
                        await stream.receive()  # a 401 (slow-body) is read and ignored
                        continue
                    if group.kind != "idle":
                        await stream.send(b"x")  # a byte a second
            except (anyio.EndOfStream, anyio.BrokenResourceError, OSError):
                dropped = True
        group.held_s.append(time.monotonic() - started)
        if dropped:
            group.dropped += 1
            with anyio.move_on_after(1):
                await stop.wait()


def report_flood(peers: list[Peers]) -> None:
    print()
    rows = [
        [
            p.kind,
            p.count,
            p.connects,
            p.dropped,
            percentile(p.held_s, 50),
            max(p.held_s, default=float("nan")),
        ]
        for p in peers
    ]
    print_table(["flood peers", "count", "connects", "dropped", "held p50 s", "held max s"], rows)


def _allow_descriptors(count: int) -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < count:
        if hard != resource.RLIM_INFINITY and hard < count:
            raise BenchmarkError(f"--flood needs {count} open files; the hard limit is {hard}.")
        resource.setrlimit(resource.RLIMIT_NOFILE, (count, hard))


async def drive(
    url: str, level: Level, args: argparse.Namespace, queries: list[str], seconds: float
) -> None:
    """Run `level.clients` sessions side by side until the clock runs out."""
    deadline = time.monotonic() + seconds
    started = time.monotonic()

    async def client(offset: int) -> None:
        picks = itertools.islice(itertools.cycle(queries), offset, None)
        try:
            async with _client(url, args) as c:
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


@asynccontextmanager
async def _client(url: str, args: argparse.Namespace) -> AsyncIterator[Client]:
    """An MCP session, sending the server's token when it has one."""
    if not args.token:
        async with Client(url, mode=args.mode, read_timeout_seconds=CALL_TIMEOUT_S) as client:
            yield client
        return
    headers = {"Authorization": f"Bearer {args.token}"}
    async with create_mcp_http_client(headers=headers) as http:
        transport = streamable_http_client(url, http_client=http)
        async with Client(transport, mode=args.mode, read_timeout_seconds=CALL_TIMEOUT_S) as c:
            yield c


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
    levels: list[Level],
    before: Memory | None,
    after: Memory | None,
    code: int,
    warm: Level,
    *,
    soak: bool = False,
) -> None:
    rows = []
    for lv in levels:
        rows.append(
            [
                f"{lv.clients} {lv.label}".strip(),
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
            f"{after.rss_kib / 1024:.1f} MiB after the last level ({growth / 1024:+.1f} MiB, "
            f"{growth / before.rss_kib:+.1%}); peak {after.hwm_kib / 1024:.1f} MiB"
        )
    errors = sum(len(lv.errors) for lv in levels) + len(warm.errors)
    for message in [e for lv in [warm, *levels] for e in lv.errors][:10]:
        print(f"  error: {message}")
    print(f"server exit code after SIGTERM: {code}")
    grew = before is not None and after is not None and after.rss_kib - before.rss_kib
    print(f"target: zero errors ............ {'PASS' if errors == 0 else 'MISS'} ({errors})")
    if grew is not False and before is not None and soak:
        ok = grew <= before.rss_kib * SOAK_GROWTH_TARGET
        print(f"target: RSS growth under 5 % .. {'PASS' if ok else 'MISS'}")
    elif grew is not False:
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
