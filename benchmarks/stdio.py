"""MCP over stdio, as an agent's client sees it: start-up, query latency, memory, answer quality.

Drives docshelf (`docshelf serve`) and/or the reference `@mastra/mcp-docs-server` through
the MCP SDK's `Client`, with the index already built.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
from collections.abc import Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path

import anyio
from mcp import Client
from mcp.client.stdio import stdio_client

from _common import (
    DEFAULT_EVAL,
    DEFAULT_HOME,
    DEFAULT_REFERENCE_DIR,
    MASTRA_NAME,
    MASTRA_SOURCE,
    BenchmarkError,
    EvalQuery,
    Memory,
    Scores,
    child_pids,
    ensure_library,
    load_eval,
    percentile,
    print_table,
    read_tree_memory,
    run_main,
    score_rankings,
)
from _servers import (
    KeywordPolicy,
    ServerSpec,
    Timer,
    docshelf_spec,
    node_version,
    ranked_paths,
    reference_spec,
    result_text,
    stderr_sink,
    tool_call,
)

# Generous: a first start may compile bytecode or warm the OS cache.
TIMEOUT_S = 120


@dataclass
class Session:
    """What one session over the query set observed."""

    latencies_ms: list[float] = field(default_factory=list)  # passes after the first
    answer_chars: list[int] = field(default_factory=list)  # text content, first pass
    rankings: list[list[str]] = field(default_factory=list)  # ranked paths, first pass
    errors: int = 0  # isError answers, first pass
    memory: Memory | None = None  # of the server after the last pass


@dataclass(frozen=True)
class ServerRun:
    spec: ServerSpec
    startup_ms: tuple[float, ...]
    latencies_ms: tuple[float, ...]
    memory: Memory | None
    answer_chars: tuple[int, ...]
    errors: int
    scores: Scores


async def measure_startups(
    specs: Sequence[ServerSpec], runs: int, mode: str, cpu: list[list[float]] | None = None
) -> list[list[float]]:
    """Milliseconds from spawning a server to its first tools/list answer, per fresh start;
    with `cpu`, also the CPU time each server process used (start to exit), per start.

    Servers take turns start by start, so a burst of load on the machine hits all alike.
    """
    times: list[list[float]] = [[] for _ in specs]
    cpu_times: list[list[float]] = cpu if cpu is not None else [[] for _ in specs]
    cpu_times.extend([] for _ in range(len(specs) - len(cpu_times)))
    for _ in range(runs):
        for spec, spec_times, spec_cpu in zip(specs, times, cpu_times, strict=True):
            before = _children_cpu_ms()
            with stderr_sink(spec.label) as errlog, anyio.fail_after(TIMEOUT_S):
                timer = Timer()
                transport = stdio_client(spec.parameters(), errlog=errlog)
                async with Client(transport, mode=mode, read_timeout_seconds=TIMEOUT_S) as client:
                    await client.list_tools()
                    spec_times.append(timer.ms())
            spec_cpu.append(_children_cpu_ms() - before)
    return times


def _children_cpu_ms() -> float:
    """CPU time (user + system) of this process's ended children, in ms."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1000


def floor_spec() -> ServerSpec:
    """A bare MCPServer with one tool: the start-up the SDK itself costs."""
    script = Path(__file__).with_name("_floor_server.py")
    return ServerSpec("bare MCPServer, 1 tool", sys.executable, (str(script),), "search_docs")


def print_floor(
    specs: Sequence[ServerSpec], wall: list[list[float]], cpu: list[list[float]]
) -> None:
    """Each server's start-up next to the SDK's floor (the last spec)."""
    floor_wall, floor_cpu = statistics.median(wall[-1]), statistics.median(cpu[-1])
    rows = []
    for spec, spec_wall, spec_cpu in zip(specs, wall, cpu, strict=True):
        median_wall, median_cpu = statistics.median(spec_wall), statistics.median(spec_cpu)
        rows.append(
            [
                spec.label,
                median_wall,
                f"{median_wall / floor_wall:.2f}x",
                median_cpu,
                f"{median_cpu / floor_cpu:.2f}x",
            ]
        )
    print("\nstart-up to the first tools/list, median of the fresh starts, next to the SDK floor:")
    print_table(["server", "wall ms", "/ floor", "CPU ms (process)", "/ floor"], rows)


async def measure_sessions(
    specs: Sequence[ServerSpec],
    queries: Sequence[EvalQuery],
    passes: int,
    limit: int,
    policy: KeywordPolicy,
    mode: str,
) -> list[Session]:
    """Every query `passes` times, one session per server; the first pass is not timed.

    All servers run at once and answer each query in turn, so they share the same
    background load; none is busy while another is timed.
    """
    async with AsyncExitStack() as stack:
        clients: list[Client] = []
        pids: list[set[int]] = []
        for spec in specs:
            before = child_pids(os.getpid())
            errlog = stack.enter_context(stderr_sink(spec.label))
            transport = stdio_client(spec.parameters(), errlog=errlog)
            client = Client(transport, mode=mode, read_timeout_seconds=TIMEOUT_S)
            clients.append(await stack.enter_async_context(client))
            pids.append(child_pids(os.getpid()) - before)
            await _check_tool(spec, client, limit, policy)
        sessions = [Session() for _ in specs]
        for number in range(passes):
            for query in queries:
                for spec, client, session in zip(specs, clients, sessions, strict=True):
                    name, arguments = tool_call(spec, query.q, limit, policy)
                    timer = Timer()
                    result = await client.call_tool(name, arguments)
                    elapsed = timer.ms()
                    if number == 0:
                        session.errors += bool(result.is_error)
                        session.answer_chars.append(len(result_text(result)))
                        session.rankings.append(ranked_paths(spec, result))
                    else:
                        session.latencies_ms.append(elapsed)
        for session, server_pids in zip(sessions, pids, strict=True):
            session.memory = _server_memory(server_pids)
    return sessions


async def _check_tool(spec: ServerSpec, client: Client, limit: int, policy: KeywordPolicy) -> None:
    tools = {tool.name for tool in (await client.list_tools()).tools}
    wanted, _ = tool_call(spec, "probe", limit, policy)
    if wanted not in tools:
        raise BenchmarkError(
            f"{spec.label} has no tool {wanted!r} (it offers: {', '.join(sorted(tools))})."
        )


def _server_memory(pids: set[int]) -> Memory | None:
    total = None
    for pid in pids:
        memory = read_tree_memory(pid)
        if memory is not None:
            total = memory if total is None else total + memory
    return total


async def run_servers(
    specs: Sequence[ServerSpec],
    queries: Sequence[EvalQuery],
    starts: int,
    passes: int,
    limit: int,
    policy: KeywordPolicy,
    mode: str,
) -> list[ServerRun]:
    cpu: list[list[float]] = []
    startups = await measure_startups([*specs, floor_spec()], starts, mode, cpu)
    print_floor([*specs, floor_spec()], startups, cpu)
    print()
    sessions = await measure_sessions(specs, queries, passes, limit, policy, mode)
    return [
        ServerRun(
            spec=spec,
            startup_ms=tuple(startup),
            latencies_ms=tuple(session.latencies_ms),
            memory=session.memory,
            answer_chars=tuple(session.answer_chars),
            errors=session.errors,
            scores=score_rankings(queries, session.rankings),
        )
        for spec, startup, session in zip(specs, startups[: len(specs)], sessions, strict=True)
    ]


def metric_rows(run: ServerRun) -> list[tuple[str, float | int | None]]:
    memory = run.memory
    return [
        ("start-up to tools/list, median (ms)", statistics.median(run.startup_ms)),
        ("start-up, slowest (ms)", max(run.startup_ms)),
        ("query p50 (ms)", percentile(run.latencies_ms, 50)),
        ("query p95 (ms)", percentile(run.latencies_ms, 95)),
        ("query p99 (ms)", percentile(run.latencies_ms, 99)),
        ("RSS after run (MiB)", memory.rss_kib / 1024 if memory else None),
        ("peak RSS (MiB)", memory.hwm_kib / 1024 if memory else None),
        ("answer size, mean (chars)", round(statistics.mean(run.answer_chars))),
        ("recall@5", run.scores.recall5),
        ("MRR@10", run.scores.mrr10),
        ("recall@10", run.scores.recall10),
        ("tool errors", run.errors),
    ]


def print_runs(runs: Sequence[ServerRun]) -> None:
    rows_by_run = [metric_rows(run) for run in runs]
    header = ["metric", *(run.spec.label for run in runs)]
    if len(runs) == 2:
        header.append("ratio")
    rows = []
    for index, (name, _) in enumerate(rows_by_run[0]):
        values = [rows[index][1] for rows in rows_by_run]
        row: list[object] = [name, *values]
        if len(runs) == 2:
            first, second = values
            row.append(f"{first / second:.2f}x" if first is not None and second else None)
        rows.append(row)
    print_table(header, rows)


def print_ranks(run: ServerRun) -> None:
    print(f"\n{run.spec.label}: first relevant rank per query (- = not in the answer)")
    for score in run.scores.per_query:
        top = ", ".join(score.pages[:3]) or "(no paths)"
        print(f"  {score.rank or '-':>2}  {score.query.q}\n        top-3: {top}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--server",
        choices=["docshelf", "reference"],
        default="docshelf",
        help="server to measure (default: docshelf)",
    )
    which.add_argument(
        "--both", action="store_true", help="measure docshelf and the reference side by side"
    )
    parser.add_argument(
        "--profile",
        help="run `docshelf serve --profile NAME`; with `mastra` it is asked through mastraDocs "
        "exactly like the reference",
    )
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="judged query set (.jsonl)")
    parser.add_argument(
        "--home", type=Path, default=DEFAULT_HOME, help="docshelf home (indexed once, then reused)"
    )
    parser.add_argument("--source", default=MASTRA_SOURCE, help="docs source to index if missing")
    parser.add_argument("--library", default=MASTRA_NAME, help="library name in docshelf")
    parser.add_argument(
        "--starts", type=int, default=5, help="fresh starts timed for start-up (default: 5)"
    )
    parser.add_argument(
        "--passes",
        type=int,
        default=5,
        help="passes over the query set in one session; the first warms up (default: 5)",
    )
    parser.add_argument("--limit", type=int, default=10, help="search_docs limit (default: 10)")
    parser.add_argument(
        "--keywords",
        choices=["content", "words"],
        default="content",
        help="mastraDocs queryKeywords: the query's words lowercased, without English "
        "stop-words (content, default) or all of them (words)",
    )
    parser.add_argument(
        "--mode",
        choices=["legacy", "auto"],
        default="legacy",
        help="MCP connection: initialize handshake as today's clients do (legacy, default) "
        "or the SDK's server/discover probe (auto)",
    )
    parser.add_argument(
        "--reference-dir",
        type=Path,
        default=DEFAULT_REFERENCE_DIR,
        help="where the reference is npm-installed if missing (default: benchmarks/out/ref)",
    )
    parser.add_argument("--node", default="node", help="Node.js binary for the reference")
    parser.add_argument(
        "--verbose", action="store_true", help="print each query's first relevant rank and top 3"
    )
    args = parser.parse_args()
    if args.passes < 2:
        parser.error("--passes must be at least 2 (the first pass is a warm-up)")
    if args.starts < 1:
        parser.error("--starts must be at least 1")
    return args


def main() -> None:
    args = parse_args()
    queries = load_eval(args.eval)
    specs: list[ServerSpec] = []
    if args.both or args.server == "docshelf":
        ensure_library(args.home.resolve(), args.source, args.library)
        specs.append(docshelf_spec(args.home.resolve(), args.library, args.profile))
    if args.both or args.server == "reference":
        specs.append(reference_spec(args.reference_dir.resolve(), args.node))
        print(f"reference runs on node {node_version(args.node)}")
    print(
        f"{len(queries)} queries x {args.passes} passes (first is warm-up), "
        f"{args.starts} fresh starts, MCP mode {args.mode}, keywords {args.keywords}\n"
    )

    runs = anyio.run(
        run_servers,
        specs,
        queries,
        args.starts,
        args.passes,
        args.limit,
        args.keywords,
        args.mode,
    )
    print_runs(runs)
    if args.verbose:
        for run in runs:
            print_ranks(run)


if __name__ == "__main__":
    run_main(main)
