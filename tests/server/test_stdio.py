"""The stdio transport as `docshelf serve` runs it: stdin lines from a pipe or a file, the
first-line hook, a real session, and an answer for every line."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from docshelf.server.stdio import StdinLines, StdoutWriter
from docshelf.shelf import Shelf


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def read_all(lines: StdinLines) -> list[str]:
    with anyio.fail_after(30):
        return [line async for line in lines]


@pytest.mark.anyio
async def test_lines_from_a_pipe_are_whole_even_when_written_in_pieces():
    read_fd, write_fd = os.pipe()
    calls = []
    lines = StdinLines(read_fd, on_first_line=lambda: calls.append("first"))
    os.write(write_fd, b'{"a": 1}\n{"b"')
    os.write(write_fd, b': 2}\n{"c": "\xc3\xa9"}')  # the last line has no newline
    os.close(write_fd)
    try:
        assert await read_all(lines) == ['{"a": 1}\n', '{"b": 2}\n', '{"c": "é"}']
    finally:
        os.close(read_fd)
    assert calls == ["first"]


@pytest.mark.anyio
async def test_a_regular_file_is_read_to_its_end(tmp_path):
    file = tmp_path / "requests.jsonl"
    file.write_bytes(b"one\ntwo\n")
    fd = os.open(file, os.O_RDONLY)
    try:
        assert await read_all(StdinLines(fd)) == ["one\n", "two\n"]
    finally:
        os.close(fd)


@pytest.mark.anyio
async def test_input_that_ends_at_once_never_runs_the_first_line_hook():
    fd = os.open(os.devnull, os.O_RDONLY)
    calls = []
    try:
        assert await read_all(StdinLines(fd, on_first_line=lambda: calls.append(1))) == []
    finally:
        os.close(fd)
    assert calls == []


@pytest.mark.anyio
async def test_an_answer_larger_than_the_pipe_goes_out_whole_while_the_client_reads_slowly():
    read_fd, write_fd = os.pipe()
    os.set_blocking(write_fd, False)  # as the claim leaves a pipe
    received = bytearray()

    def drain() -> None:
        while chunk := os.read(read_fd, 4096):
            received.extend(chunk)

    answers = StdoutWriter(write_fd)
    payload = "".join(f'{{"id": {i}, "text": "é{i}"}}\n' for i in range(40_000))  # ~1 MB
    async with anyio.create_task_group() as group:
        group.start_soon(anyio.to_thread.run_sync, drain)
        try:
            with anyio.fail_after(30):
                await answers.write(payload)
                await answers.flush()
        finally:
            os.close(write_fd)  # the reader sees the end either way
    os.close(read_fd)
    assert received.decode("utf-8") == payload


STRAY_OUTPUT = """
import os, sys
from docshelf.server.stdio import _claimed_stdout
with _claimed_stdout() as out:
    print("stray print", flush=True)
    os.write(1, b"stray write\\n")
    os.write(out, b"answer\\n")
print("blocking" if os.get_blocking(1) else "non-blocking", flush=True)
"""


def test_output_that_is_not_an_answer_goes_to_stderr_while_serving():
    done = subprocess.run(
        [sys.executable, "-c", STRAY_OUTPUT], capture_output=True, timeout=60, check=True
    )
    assert done.stdout == b"answer\nblocking\n"  # and the pipe is handed back as it was
    assert done.stderr == b"stray print\nstray write\n"


@pytest.mark.anyio
async def test_the_first_session_adds_the_default_library_in_the_background(tmp_path, corpus):
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "docshelf", "--home", str(tmp_path / "home"), "serve"],
        env={**os.environ, "DOCSHELF_LOG_LEVEL": "none", "DOCSHELF_DEFAULT_SOURCE": str(corpus)},
    )
    async with Client(params, read_timeout_seconds=60) as client:
        with anyio.fail_after(60):
            while True:  # each call is a round trip; the add runs beside them
                result = await client.call_tool("list_libraries", {})
                if result.structured_content["libraries"]:
                    break
    assert result.structured_content["libraries"][0]["name"] == "mastra"


@pytest.mark.anyio
async def test_a_second_start_lists_the_tools_the_first_kept_and_calls_them(tmp_path, shelf):
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "docshelf", "--home", str(shelf.home), "serve", "--no-default"],
        env={**os.environ, "DOCSHELF_LOG_LEVEL": "none"},
        cwd=str(tmp_path),
    )
    listed = []
    for _ in range(2):
        async with Client(params, read_timeout_seconds=60) as client:
            listed.append([t.name for t in (await client.list_tools()).tools])
            hits = await client.call_tool("search_docs", {"query": "tenant sandbox"})
        assert hits.structured_content["hits"][0]["path"] == "docs/workspace/sandbox"
    kept = json.loads((shelf.home / "cache" / "tools-default.json").read_text())
    assert listed[0] == listed[1] == [t["name"] for t in kept["tools"]]
    assert "search_docs" in listed[0]


INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "1"},
    },
}


class StdioPeer:
    """A `docshelf serve` subprocess spoken to line by line."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc = proc

    def send(self, line: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + b"\n")
        self.proc.stdin.flush()

    def receive(self, timeout: float = 20.0) -> dict[str, object]:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        assert ready, f"no answer within {timeout} s"
        return json.loads(self.proc.stdout.readline())


@pytest.fixture(scope="module")
def peer(tmp_path_factory: pytest.TempPathFactory, corpus_module: Path) -> Iterator[StdioPeer]:
    home = tmp_path_factory.mktemp("stdio") / "home"
    with Shelf(home) as shelf:
        shelf.add_library(str(corpus_module), name="demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCSHELF_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "docshelf", "--home", str(home), "serve", "--no-default"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        env={**env, "DOCSHELF_SEMANTIC": "off"},
    )  # fmt: skip
    peer = StdioPeer(proc)
    try:
        peer.send(json.dumps(INITIALIZE).encode())
        assert peer.receive(60)["id"] == 1
        peer.send(b'{"jsonrpc": "2.0", "method": "notifications/initialized"}')
        yield peer
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None:
                pipe.close()


@pytest.fixture(scope="module")
def corpus_module(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from corpus import CORPUS, write_tree

    return write_tree(tmp_path_factory.mktemp("corpus"), CORPUS)


def test_a_request_with_a_lone_surrogate_is_answered(peer: StdioPeer):
    call = '{"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": '
    call += '{"name": "search_docs", "arguments": {"query": "sandbox \\ud800"}}}'
    peer.send(call.encode())
    answer = peer.receive()
    assert answer["id"] == 7
    assert "docs/workspace/sandbox" in json.dumps(answer)


@pytest.mark.parametrize(
    ("line", "code"),
    [
        (b"{not json", -32700),
        (b"[" * 5000 + b"]" * 5000, -32700),
        (b'[{"jsonrpc": "2.0", "id": 3, "method": "ping"}]', -32600),
        (b'{"jsonrpc": "2.0", "id": 4, "method": 12}', -32600),
    ],
    ids=["invalid JSON", "deep nesting", "a batch", "not a request"],
)
def test_a_line_that_is_not_a_request_gets_a_json_rpc_error(peer: StdioPeer, line, code):
    peer.send(line)
    answer = peer.receive()
    assert answer["error"]["code"] == code  # type: ignore[index]
    assert answer["id"] == (4 if b'"id": 4' in line else None)
    peer.send(b'{"jsonrpc": "2.0", "id": 99, "method": "ping"}')
    assert peer.receive() == {"jsonrpc": "2.0", "id": 99, "result": {}}
