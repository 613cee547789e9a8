"""MCP over stdio that stops at once: stdin is read when the event loop sees it ready.

The SDK's transport reads stdin in a worker thread that cancellation cannot interrupt, so
Ctrl-C waited for the next line a client (or a person) sent. Here a pipe, socket or
terminal is read only once it is readable, so cancelling the read is immediate; a regular
file or /dev/null, which never blocks, is read in a thread. As in the SDK, fd 0 points at
the null device while serving (a child process reads EOF, not the client's messages) and
is restored afterwards. Everything past reading lines is the SDK's own `stdio_server`.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, cast

import anyio
import anyio.to_thread
from mcp.server.mcpserver import MCPServer
from mcp.server.stdio import stdio_server

_CHUNK = 64 * 1024


class StdinLines:
    """The lines a client sends on a file descriptor, as an async iterator of text.

    `on_first_line` runs once, when the first line arrives: work a session needs (the
    first-run library) starts then, not for a stdin that closes before saying anything.
    """

    def __init__(self, fd: int, on_first_line: Callable[[], None] | None = None) -> None:
        self.fd = fd
        self.on_first_line = on_first_line
        mode = os.fstat(fd).st_mode
        self._pollable = stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or os.isatty(fd)
        self._buffer = b""
        self._eof = False

    def __aiter__(self) -> StdinLines:
        return self

    async def __anext__(self) -> str:
        while b"\n" not in self._buffer and not self._eof:
            chunk = await self._read()
            if chunk:
                self._buffer += chunk
            else:
                self._eof = True
        if not self._buffer:
            raise StopAsyncIteration
        line, sep, self._buffer = self._buffer.partition(b"\n")
        if self.on_first_line is not None:
            started, self.on_first_line = self.on_first_line, None
            started()
        return (line + sep).decode("utf-8", errors="replace")

    async def _read(self) -> bytes:
        if self._pollable:
            await anyio.wait_readable(self.fd)  # cancellable: nothing blocks until data is there
            return os.read(self.fd, _CHUNK)
        return await anyio.to_thread.run_sync(os.read, self.fd, _CHUNK)


async def run_stdio(server: MCPServer, *, on_first_line: Callable[[], None] | None = None) -> None:
    """Serve `server` on this process's stdin and stdout until stdin closes or the task is
    cancelled (Ctrl-C)."""
    if sys.platform == "win32":  # no readiness for console handles: the SDK's transport
        await server.run_stdio_async()
        return
    with _claimed_stdin() as fd:
        lines = cast(Any, StdinLines(fd, on_first_line))
        async with stdio_server(stdin=lines) as (read_stream, write_stream):
            lowlevel = server._lowlevel_server
            options = lowlevel.create_initialization_options()
            await lowlevel.run(read_stream, write_stream, options)


@contextmanager
def _claimed_stdin() -> Iterator[int]:
    """A private duplicate of fd 0 to read from, with fd 0 itself on the null device."""
    import fcntl

    private = fcntl.fcntl(0, fcntl.F_DUPFD_CLOEXEC, 3)
    null = os.open(os.devnull, os.O_RDONLY)
    try:
        os.dup2(null, 0)
    finally:
        os.close(null)
    try:
        yield private
    finally:
        os.dup2(private, 0)
        os.close(private)
