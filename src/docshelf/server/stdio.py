"""The stdio transport: the SDK's, with a guard on its read stream so that every line a
client sends gets an answer or a JSON-RPC error.

The SDK's stdio reader parses each line with pydantic and, when that fails, hands the
server an exception that it only logs: the client waits forever. pydantic's JSON parser
also refuses lone surrogates ("\\ud800"), which JSON allows, so such a request got no
answer at all. Here those lines are looked at again: a request that Python's JSON parser
reads is answered normally (its lone surrogates replaced with U+FFFD, as middleware.py
does for HTTP), anything else gets -32700 (not JSON) or -32600 (not a request).
"""

from __future__ import annotations

import json
from types import TracebackType
from typing import Any

import anyio
import mcp_types as types
from mcp.server.mcpserver import MCPServer
from mcp.server.stdio import stdio_server
from mcp.shared.message import SessionMessage
from pydantic import ValidationError

from docshelf.server.middleware import scrub_surrogates

PARSE_ERROR = -32700
INVALID_REQUEST = -32600


def run_stdio(server: MCPServer) -> None:
    """Serve `server` over this process's stdin and stdout until stdin closes."""
    anyio.run(_serve, server)


async def _serve(server: MCPServer) -> None:
    # MCPServer.run_stdio_async, with the read stream guarded; the low-level server is
    # the one documented way to run over given streams.
    lowlevel = server._lowlevel_server
    async with stdio_server() as (read_stream, write_stream):
        await lowlevel.run(
            AnsweringReader(read_stream, write_stream),
            write_stream,
            lowlevel.create_initialization_options(),
        )


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
