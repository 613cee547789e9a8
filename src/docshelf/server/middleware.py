"""Request middleware: each tool call logged to the clients that asked for logs
(`logging/setLevel`), and lone surrogates scrubbed from every request's arguments."""

from __future__ import annotations

import dataclasses
import time
from collections import OrderedDict
from typing import Any

import mcp_types as types
from mcp.server.connection import allowed_log_levels
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import MCPServer
from mcp_types.version import MODERN_PROTOCOL_VERSIONS
from pydantic import BaseModel

LOG_LEVELS: tuple[str, ...] = (
    "debug",
    "info",
    "notice",
    "warning",
    "error",
    "critical",
    "alert",
    "emergency",
)


class LogLevels:
    """The level each client session chose with logging/setLevel (the oldest forgotten first)."""

    def __init__(self, capacity: int = 4096) -> None:
        self.capacity = capacity
        self._levels: OrderedDict[str, str] = OrderedDict()

    def set(self, session: str, level: str) -> None:
        self._levels[session] = level
        self._levels.move_to_end(session)
        while len(self._levels) > self.capacity:
            self._levels.popitem(last=False)

    def allows(self, session: str, level: str) -> bool:
        wanted = self._levels.get(session)
        return wanted is not None and LOG_LEVELS.index(level) >= LOG_LEVELS.index(wanted)


def register_logging(server: MCPServer) -> None:
    """Serve logging/setLevel, and log each tool call to sessions that asked for it.

    A tool call is logged at `info` with its duration, or at `warning` when it answered
    with an error. Nothing is sent until the client sets a level (or, on 2026-07-28
    connections, opts in per request).
    """
    levels = LogLevels()

    async def set_level(
        ctx: ServerRequestContext[Any, Any], params: types.SetLevelRequestParams
    ) -> types.EmptyResult:
        levels.set(_session_key(ctx), params.level)
        return types.EmptyResult()

    async def log_tool_calls(ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> Any:
        if ctx.method != "tools/call":
            return await call_next(ctx)
        started = time.perf_counter()
        result = await call_next(ctx)
        ms = (time.perf_counter() - started) * 1000
        tool = str((ctx.params or {}).get("name", "?"))
        error = _error_text(result)
        if error is None:
            await _send_log(ctx, levels, "info", f"{tool} answered in {ms:.0f} ms")
        else:
            await _send_log(ctx, levels, "warning", f"{tool} answered with an error: {error}")
        return result

    # MCPServer has no public hook for logging/setLevel; the SDK's docs say to register
    # it on the low-level server, which is what declares the `logging` capability.
    server._lowlevel_server.add_request_handler(
        "logging/setLevel", types.SetLevelRequestParams, set_level
    )
    server.middleware.append(log_tool_calls)


def register_input_hygiene(server: MCPServer) -> None:
    """Replace lone surrogates in every request's arguments with U+FFFD.

    JSON can carry them ("\\ud800") but they are not text: SQLite, the file system and
    the UTF-8 encoder all refuse them, so they are dropped once, before any handler runs.
    """

    async def scrub(ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> Any:
        if ctx.params:
            ctx = dataclasses.replace(ctx, params=scrub_surrogates(dict(ctx.params)))
        return await call_next(ctx)

    server.middleware.append(scrub)


def scrub_surrogates(value: Any) -> Any:
    """`value` (JSON data) with lone surrogates in its strings replaced by U+FFFD."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "replace").decode("utf-8")
        return value
    if isinstance(value, list):
        return [scrub_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {scrub_surrogates(k): scrub_surrogates(v) for k, v in value.items()}
    return value


def _session_key(ctx: ServerRequestContext[Any, Any]) -> str:
    # HTTP sessions carry their id in a header; stdio has one client per process.
    headers = getattr(ctx.request, "headers", None)
    return str(headers.get("mcp-session-id", "")) if headers is not None else ""


def _error_text(result: HandlerResult) -> str | None:
    """The start of a failed tool call's text; None when the call succeeded."""
    # Inside the middleware chain the result is already the wire dict.
    wire = result.model_dump(by_alias=True) if isinstance(result, BaseModel) else result
    if not isinstance(wire, dict) or not wire.get("isError"):
        return None
    texts = [c.get("text", "") for c in wire.get("content") or [] if isinstance(c, dict)]
    return " ".join((texts[0] if texts else "").split())[:200]  # one line for a log viewer


async def _send_log(
    ctx: ServerRequestContext[Any, Any], levels: LogLevels, level: str, message: str
) -> None:
    if ctx.protocol_version in MODERN_PROTOCOL_VERSIONS:
        allowed = level in allowed_log_levels(ctx.protocol_version, ctx.meta)
    else:
        allowed = levels.allows(_session_key(ctx), level)
    if not allowed:
        return
    notification = types.LoggingMessageNotification(
        params=types.LoggingMessageNotificationParams(
            level=level,  # type: ignore[arg-type]
            data=message,
            logger="docshelf",
        )
    )
    await ctx.session.send_notification(notification, related_request_id=ctx.request_id)
