"""MCP over stdio that stops at once, and answers every line a client sends.

The SDK's transport reads stdin in a worker thread that cancellation cannot interrupt, so
Ctrl-C waited for the next line a client (or a person) sent. Here a pipe, socket or
terminal is read only once it is readable, so cancelling the read is immediate; a regular
file or /dev/null, which never blocks, is read in a thread. As in the SDK, fd 0 points at
the null device while serving (a child process reads EOF, not the client's messages) and
is restored afterwards. Answers go out the same way (`StdoutWriter`): written straight
to a pipe or socket when it can take them, with fd 1 pointing at stderr while serving (a
child's or a stray print's output misses the wire), instead of the SDK's two worker-thread
hops per message (write, then flush). Everything between is the SDK's own
`stdio_server`, with a guard on its read stream (`AnsweringReader`).

That guard: the SDK's reader parses each line with pydantic and, when that fails, hands
the server an exception that it only logs: the client waits forever. pydantic's JSON
parser also refuses lone surrogates ("\\ud800"), which JSON allows, so such a request got
no answer at all. Here those lines are looked at again: a request that Python's JSON
parser reads is answered normally (its lone surrogates replaced with U+FFFD, as
middleware.py does for HTTP), anything else gets -32700 (not JSON) or -32600 (not a
request).
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from types import TracebackType
from typing import Any, cast

import anyio
import anyio.to_thread
import mcp_types as types
from mcp.server.mcpserver import MCPServer
from mcp.server.stdio import stdio_server
from mcp.shared.message import SessionMessage
from pydantic import ValidationError

from docshelf.server.middleware import scrub_surrogates

_CHUNK = 64 * 1024
PARSE_ERROR = -32700
INVALID_REQUEST = -32600


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


class StdoutWriter:
    """Text written to a file descriptor as the SDK's stdout writer asks (`write`, then
    `flush`), without a thread: a pipe or socket is made non-blocking and written when it
    can take more (a client that stops reading stalls only its own answers); a regular
    file or terminal, which does not block for long, is written directly."""

    def __init__(self, fd: int) -> None:
        self.fd = fd  # non-blocking when a pipe or socket (_claimed_stdout)
        self._pending = bytearray()

    async def write(self, text: str) -> None:
        self._pending += text.encode("utf-8")

    async def flush(self) -> None:
        while self._pending:
            try:
                written = os.write(self.fd, self._pending)
            except BlockingIOError:
                await anyio.wait_writable(self.fd)
                continue
            del self._pending[:written]


async def run_stdio(server: MCPServer, *, on_first_line: Callable[[], None] | None = None) -> None:
    """Serve `server` on this process's stdin and stdout until stdin closes or the task is
    cancelled (Ctrl-C)."""
    if sys.platform == "win32":  # no readiness for console handles: the SDK's transport
        await server.run_stdio_async()
        return
    with _claimed_stdin() as fd, _claimed_stdout() as out:
        lines = cast(Any, StdinLines(fd, on_first_line))
        answers = cast(Any, StdoutWriter(out))
        async with stdio_server(stdin=lines, stdout=answers) as (read_stream, write_stream):
            lowlevel = server._lowlevel_server
            options = lowlevel.create_initialization_options()
            reader = AnsweringReader(read_stream, write_stream)
            await lowlevel.run(reader, write_stream, options)


@contextmanager
def _claimed(fd: int, diversion: Callable[[], int]) -> Iterator[int]:
    """A private duplicate of `fd` to serve on, with `fd` itself pointing at what
    `diversion` opens while serving; restored afterwards."""
    import fcntl

    private = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3)
    replacement = diversion()
    try:
        os.dup2(replacement, fd)
    finally:
        os.close(replacement)
    try:
        yield private
    finally:
        os.dup2(private, fd)
        os.close(private)


def _claimed_stdin() -> AbstractContextManager[int]:
    """A private duplicate of fd 0 to read from, with fd 0 itself on the null device."""
    return _claimed(0, lambda: os.open(os.devnull, os.O_RDONLY))


@contextmanager
def _claimed_stdout() -> Iterator[int]:
    """A private duplicate of fd 1 to write answers to (non-blocking when it is a pipe or a
    socket), with fd 1 itself pointing at stderr; both restored afterwards."""
    import fcntl

    sys.stdout.flush()
    with _claimed(1, _stderr_or_null) as private:
        flags = fcntl.fcntl(private, fcntl.F_GETFL)
        mode = os.fstat(private).st_mode
        if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
            fcntl.fcntl(private, fcntl.F_SETFL, flags | os.O_NONBLOCK)
        try:
            yield private
        finally:
            fcntl.fcntl(private, fcntl.F_SETFL, flags)


def _stderr_or_null() -> int:
    """Where stray output goes while serving: stderr, or nowhere when there is none (never
    onto the wire)."""
    try:
        return os.dup(2)
    except OSError:
        return os.open(os.devnull, os.O_WRONLY)


class AnsweringReader:
    """A read stream of SessionMessages: lines the SDK could not parse are either
    recovered into a message or answered with a JSON-RPC error and skipped."""

    def __init__(self, inner: Any, write_stream: Any) -> None:
        self._inner = inner
        self._write = write_stream

    @property
    def last_context(self) -> Any:
        return getattr(self._inner, "last_context", None)

    async def receive(self) -> SessionMessage:
        while True:
            item = await self._inner.receive()
            if not isinstance(item, Exception):
                return item  # type: ignore[no-any-return]
            recovered = recover(item)
            if isinstance(recovered, SessionMessage):
                return recovered
            await self._write.send(SessionMessage(recovered))

    def __aiter__(self) -> AnsweringReader:
        return self

    async def __anext__(self) -> SessionMessage:
        try:
            return await self.receive()
        except anyio.EndOfStream:
            raise StopAsyncIteration from None

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def __aenter__(self) -> AnsweringReader:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        await self.aclose()


def recover(error: Exception) -> SessionMessage | types.JSONRPCError:
    """The message a line that failed to parse really was, or the error to answer it with."""
    details = error.errors(include_url=False) if isinstance(error, ValidationError) else []
    value: Any = details[0].get("input") if details else None
    if details and details[0].get("type") == "json_invalid" and isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            return _error(
                None,
                PARSE_ERROR,
                "Parse error: the line is not valid JSON. Send one JSON-RPC message per line.",
            )
        try:
            message = types.jsonrpc_message_adapter.validate_python(
                scrub_surrogates(value), by_name=False
            )
        except (ValidationError, RecursionError):
            pass
        else:
            return SessionMessage(message)
    # A union member's error carries the field's value; a missing field's, the whole object.
    whole = [d.get("input") for d in details if isinstance(d.get("input"), dict | list)]
    value = whole[0] if whole and not isinstance(value, dict | list) else value
    if isinstance(value, list):
        return _error(
            None,
            INVALID_REQUEST,
            "Invalid Request: JSON-RPC batches are not supported by MCP; send each message "
            "on its own line.",
        )
    ident = value.get("id") if isinstance(value, dict) else None
    return _error(
        ident if isinstance(ident, str | int) and not isinstance(ident, bool) else None,
        INVALID_REQUEST,
        "Invalid Request: the message is not a JSON-RPC 2.0 request, notification or "
        'response (it needs "jsonrpc": "2.0", a string "method" and an object '
        '"params" if any).',
    )


def _error(ident: str | int | None, code: int, message: str) -> types.JSONRPCError:
    return types.JSONRPCError(
        jsonrpc="2.0", id=ident, error=types.ErrorData(code=code, message=message)
    )
