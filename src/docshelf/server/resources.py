"""MCP resources, completion, logging and input hygiene; pages are `docs://LIB/VERSION/PATH`."""

from __future__ import annotations

import dataclasses
import time
from collections import OrderedDict
from typing import Any

import anyio.to_thread
import mcp_types as types
from mcp.server.connection import allowed_log_levels
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError
from mcp_types.version import MODERN_PROTOCOL_VERSIONS
from pydantic import BaseModel

from docshelf.errors import DocshelfError, LibraryNotFoundError
from docshelf.shelf import Shelf

DOCS_TEMPLATE = "docs://{library}/{version}/{+path}"
LIBRARIES_URI = "docs://libraries"
MAX_COMPLETIONS = 100  # the spec's cap per completion answer
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


def docs_uri(library: str, version: str, path: str) -> str:
    return f"docs://{library}/{version}/{path}"


def register_resources(server: MCPServer, shelf: Shelf) -> None:
    """`docs://libraries` (what is indexed) and the `docs://LIB/VERSION/PATH` page template."""

    @server.resource(
        LIBRARIES_URI,
        name="libraries",
        title="Indexed libraries",
        description="Every indexed library and version, with the URI of its top page.",
        mime_type="text/markdown",
    )
    def libraries() -> str:
        try:
            found = shelf.list_libraries()
        except DocshelfError as exc:
            raise ResourceError(str(exc)) from exc
        if not found:
            return "No libraries indexed. Add one with `docshelf add SOURCE --name NAME`."
        lines = ["# Indexed libraries", ""]
        for lib in found:
            for v in lib.versions:
                uri = docs_uri(lib.name, v.version, "")
                lines.append(f"- {lib.name} {v.version}: {v.pages} pages, {uri}")
        return "\n".join(lines)

    @server.resource(
        DOCS_TEMPLATE,
        name="docs_page",
        title="Docs page",
        description=(
            "A docs page as markdown, e.g. docs://mastra/1.1.45/reference/agents/agent; a "
            "directory path gives its index page or a listing."
        ),
        mime_type="text/markdown",
    )
    def docs_page(library: str, version: str, path: str) -> str:
        try:
            [result] = shelf.read([path], library=f"{library}@{version}")
        except LibraryNotFoundError as exc:
            raise ResourceNotFoundError(str(exc)) from exc
        except DocshelfError as exc:
            raise ResourceError(str(exc)) from exc
        if result.is_error:
            raise ResourceNotFoundError(result.text)
        return result.text


def register_completion(server: MCPServer, shelf: Shelf) -> None:
    """Complete the library, version and path of the docs template from the index."""

    @server.completion()
    async def complete(
        ref: types.ResourceTemplateReference | types.PromptReference,
        argument: types.CompletionArgument,
        context: types.CompletionContext | None,
    ) -> types.Completion | None:
        if not isinstance(ref, types.ResourceTemplateReference) or ref.uri != DOCS_TEMPLATE:
            return None
        resolved = (context.arguments if context else None) or {}
        values = await anyio.to_thread.run_sync(
            complete_argument, shelf, argument.name, argument.value, resolved
        )
        return types.Completion(
            values=values[:MAX_COMPLETIONS],
            total=len(values),
            has_more=len(values) > MAX_COMPLETIONS,
        )


def complete_argument(shelf: Shelf, name: str, value: str, resolved: dict[str, str]) -> list[str]:
    """Candidates for one template argument that start with `value` (none on any error)."""
    try:
        if name == "library":
            return [lib.name for lib in shelf.list_libraries() if lib.name.startswith(value)]
        if name == "version":
            wanted = resolved.get("library")
            return [
                v.version
                for lib in shelf.list_libraries()
                if wanted is None or lib.name == wanted
                for v in lib.versions
                if v.version.startswith(value)
            ]
        if name == "path":
            library = resolved.get("library")
            if library and resolved.get("version"):
                library = f"{library}@{resolved['version']}"
            return shelf.list_paths(library, value, limit=MAX_COMPLETIONS + 1)
    except DocshelfError:
        return []
    return []


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

    async def scrub_surrogates(ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> Any:
        if ctx.params:
            ctx = dataclasses.replace(ctx, params=_scrub(dict(ctx.params)))
        return await call_next(ctx)

    server.middleware.append(scrub_surrogates)


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "replace").decode("utf-8")
        return value
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
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
