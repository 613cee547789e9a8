"""What every tool shares: the server state, tool registration (where errors are converted),
the tool annotations and the shape of a tool's answer."""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.shared.exceptions import MCPError
from mcp.types import (
    INTERNAL_ERROR,
    INVALID_PARAMS,
    CallToolResult,
    ContentBlock,
    TextContent,
    ToolAnnotations,
)
from pydantic import BaseModel

from docshelf.errors import DocshelfError, LibraryNotFoundError, PathNotFoundError, UsageError
from docshelf.shelf import Shelf
from docshelf.wording import Tool, ToolVoice, Voice, speaking

# How messages name operations for an agent of the default profile: these tools, with the
# parameters they take; anything else is a `docshelf` command for its shell.
TOOLS_VOICE = ToolVoice(
    {
        "list": Tool("list_libraries", frozenset()),
        "search": Tool("search_docs", frozenset({"query", "library", "path_prefix", "limit"})),
        "ask": Tool("ask_docs", frozenset({"query", "library", "max_tokens", "cursor"})),
        "read": Tool("read_docs", frozenset({"paths", "library", "section", "max_tokens"})),
        "diff": Tool(
            "diff_docs",
            frozenset({"library", "from_version", "to_version", "path", "path_prefix", "status"}),
        ),
        "changes": Tool(
            "get_changelog",
            frozenset({"package", "version", "from_version", "to_version", "prereleases"}),
        ),
        "news": Tool("whats_new", frozenset({"packages", "since", "limit", "include_prereleases"})),
    }
)

READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)
READ_REGISTRY = ToolAnnotations(read_only_hint=True, open_world_hint=True)  # asks a registry
# May index a missing version: a write, but one that repeating does not change.
MAY_INDEX = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=True
)

Fn = TypeVar("Fn", bound=Callable[..., Any])


class ServerState:
    """What the tools share: the shelf, and the default library still being indexed."""

    def __init__(self, shelf: Shelf) -> None:
        self.shelf = shelf
        self.pending: str | None = None  # what is being indexed, said to agents meanwhile
        self.thread: threading.Thread | None = None  # the default library's indexer
        self.voice: Voice = TOOLS_VOICE  # how messages name tools (a profile may change it)
        self._stopping = threading.Event()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def stop(self) -> None:
        """End the background work as the server stops. Vectors stop between batches; an
        unfinished first-run add is left to roll back when the process exits (its
        transaction never commits), so its connection stays open, not closed under it."""
        self._stopping.set()
        self.shelf.semantic.shutdown()
        if self.thread is None or not self.thread.is_alive():
            self.shelf.close()

    def check_ready(self) -> None:
        """Raise a tool error saying to retry while the default library is being indexed."""
        if self.pending and not self.shelf.list_libraries():
            raise ToolError(f"{self.pending} Try again in a few seconds.")


def tool(server: MCPServer, state: ServerState | None = None, **options: Any) -> Callable[[Fn], Fn]:
    """Register a function as a tool (`options` go to the SDK: name, description,
    annotations). With `state`, while the default library is still being indexed on first
    run and nothing else is, the tool answers so instead of running.

    The one place where a DocshelfError becomes a tool error the agent can act on.
    """

    def register(fn: Fn) -> Fn:
        before = state.check_ready if state is not None else None
        voice = (lambda: state.voice) if state is not None else (lambda: TOOLS_VOICE)
        server.tool(**options)(_converting(fn, before, _tool_error, voice))
        return fn

    return register


def prompt(server: MCPServer, **options: Any) -> Callable[[Fn], Fn]:
    """Register a function as a prompt; a DocshelfError becomes a protocol error that keeps
    its message (the SDK would replace a tool error's text with "Error rendering prompt")."""

    def register(fn: Fn) -> Fn:
        server.prompt(**options)(_converting(fn, None, _prompt_error, lambda: TOOLS_VOICE))
        return fn

    return register


def _converting(
    fn: Fn,
    before: Callable[[], None] | None,
    convert: Callable[[DocshelfError], Exception],
    voice: Callable[[], Voice],
) -> Fn:
    """`fn` speaking the server's voice (messages name tools and their parameters), with a
    DocshelfError raised as `convert` makes it; the SDK still sees fn's signature
    (functools.wraps), so names, descriptions and schemas are fn's own."""
    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            with speaking(voice()):
                try:
                    if before is not None:
                        before()
                    return await fn(*args, **kwargs)
                except DocshelfError as exc:
                    raise convert(exc) from exc

        return run_async  # type: ignore[return-value]

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        with speaking(voice()):
            try:
                if before is not None:
                    before()
                return fn(*args, **kwargs)
            except DocshelfError as exc:
                raise convert(exc) from exc

    return run  # type: ignore[return-value]


def _tool_error(exc: DocshelfError) -> Exception:
    return ToolError(str(exc))


def _prompt_error(exc: DocshelfError) -> Exception:
    caller = isinstance(exc, UsageError | PathNotFoundError | LibraryNotFoundError)
    return MCPError(INVALID_PARAMS if caller else INTERNAL_ERROR, str(exc))


def tool_result(
    text: str, out: BaseModel | None = None, *, is_error: bool = False
) -> CallToolResult:
    """A tool's answer: readable text, plus the same data as structured content when given."""
    content: list[ContentBlock] = [TextContent(type="text", text=text)]
    if out is None:
        return CallToolResult(content=content, is_error=is_error)
    structured = out.model_dump(mode="json")
    return CallToolResult(content=content, structured_content=structured, is_error=is_error)
