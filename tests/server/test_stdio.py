"""The stdio transport's stdin: lines from a pipe or a file, the first-line hook, a real session."""

import os
import sys

import anyio
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from docshelf.server.stdio import StdinLines

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def read_all(lines: StdinLines) -> list[str]:
    with anyio.fail_after(30):
        return [line async for line in lines]


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


async def test_a_regular_file_is_read_to_its_end(tmp_path):
    file = tmp_path / "requests.jsonl"
    file.write_bytes(b"one\ntwo\n")
    fd = os.open(file, os.O_RDONLY)
    try:
        assert await read_all(StdinLines(fd)) == ["one\n", "two\n"]
    finally:
        os.close(fd)


async def test_input_that_ends_at_once_never_runs_the_first_line_hook():
    fd = os.open(os.devnull, os.O_RDONLY)
    calls = []
    try:
        assert await read_all(StdinLines(fd, on_first_line=lambda: calls.append(1))) == []
    finally:
        os.close(fd)
    assert calls == []


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
