"""What every tool shares: the server state, tool registration (where errors are converted),
the tool annotations and the shape of a tool's answer."""

from __future__ import annotations

import functools
import inspect
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

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
from mcp.types import Tool as MCPTool
from pydantic import BaseModel, Field, ValidationError
from pydantic.json_schema import SkipJsonSchema

from docshelf.errors import DocshelfError, LibraryNotFoundError, PathNotFoundError, UsageError
from docshelf.reading.paging import answer_budget, cut_text
from docshelf.shelf import Shelf
from docshelf.wording import Tool, ToolVoice, Voice, speaking

if TYPE_CHECKING:
    from docshelf.server.deferred_tools import DeferredTools
    from docshelf.server.jobs import Jobs

# How messages name operations for an agent of the default profile: these tools, with the
# parameters they take; anything else is a `docshelf` command for its shell.
TOOLS_VOICE = ToolVoice(
    {
        "list": Tool("list_libraries", frozenset()),
        "search": Tool(
            "search_docs", frozenset({"query", "library", "path_prefix", "kind", "limit"})
        ),
        "ask": Tool("ask_docs", frozenset({"query", "library", "max_tokens", "cursor", "kind"})),
        "read": Tool(
            "read_docs", frozenset({"paths", "library", "section", "max_tokens", "offset"})
        ),
        "diff": Tool(
            "diff_docs",
            frozenset({"library", "from_version", "to_version", "path", "path_prefix", "status"}),
        ),
        "changes": Tool(
            "get_changelog",
            frozenset({"package", "version", "from_version", "to_version", "prereleases"}),
        ),
        "news": Tool("whats_new", frozenset({"packages", "since", "limit", "include_prereleases"})),
        "packages": Tool("list_packages", frozenset({"project_path"})),
        "exports": Tool("list_exports", frozenset({"package", "project_path", "filter"})),
        "export": Tool(
            "get_export", frozenset({"package", "name", "project_path", "include_source"})
        ),
        "add": Tool("add_library", frozenset({"source", "name"})),
    }
)
# Served over HTTP without --allow-add: adding is the user's `docshelf add`.
READ_ONLY_VOICE = ToolVoice({op: t for op, t in TOOLS_VOICE.tools.items() if op != "add"})

READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)
READ_REGISTRY = ToolAnnotations(read_only_hint=True, open_world_hint=True)  # asks a registry
# May index a missing version: a write, but one that repeating does not change.
MAY_INDEX = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=True
)

Fn = TypeVar("Fn", bound=Callable[..., Any])

_JSON_TYPES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
}


class DocshelfServer(MCPServer):
    """The SDK's MCPServer, with argument validation errors worded like every other error.

    The SDK checks a call's arguments against the tool's schema before the tool runs and
    reports pydantic's text (a model name, error codes, a link). Here, the one place
    they pass, they become what went wrong with which argument and how to call again.
    """

    # Told once, when a client first lists the tools (the server's start-up is over).
    tools_listed: Callable[[], None] | None = None
    # Tools registered after the first tools/list (stdio's start-up, deferred_tools.py).
    deferred: DeferredTools | None = None

    async def list_tools(self) -> list[MCPTool]:
        if self.deferred is not None and not self.deferred.ready:
            tools = await self.deferred.first_list()
        else:
            tools = await super().list_tools()
        if self.tools_listed is not None:
            told, self.tools_listed = self.tools_listed, None
            told()
        return tools

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        if self.deferred is not None:
            self.deferred.ensure()
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            if not isinstance(exc.__cause__, ValidationError):
                raise
            schema = next((t.input_schema for t in await self.list_tools() if t.name == name), {})
            message = invalid_arguments_message(name, exc.__cause__, schema)
            raise ToolError(f"Error executing tool {name}: {message}") from exc.__cause__


def invalid_arguments_message(tool: str, error: ValidationError, schema: dict[str, Any]) -> str:
    """What is wrong with each argument, the arguments the tool takes, and how to call again."""
    properties: dict[str, Any] = schema.get("properties") or {}
    required: list[str] = list(schema.get("required") or [])
    problems = [_problem(e, properties) for e in error.errors(include_url=False)[:5]]
    takes = ", ".join(
        f"{arg} ({_type_name(spec)}{', required' if arg in required else ''})"
        for arg, spec in properties.items()
    )
    example = ", ".join(f"{arg}=..." for arg in required) or "..."
    return (
        f"Invalid arguments: {'; '.join(problems)}. {tool} takes {takes or 'no arguments'}. "
        f"Fix them and call {tool} again, e.g. {tool}({example})."
    )


def _problem(error: Any, properties: dict[str, Any]) -> str:
    loc = error.get("loc") or ()
    name = str(loc[0]) if loc else "arguments"
    where = name + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc[1:])
    kind = str(error.get("type", ""))
    if kind == "missing":
        return f"`{where}` is missing"
    if kind.endswith(("_type", "_parsing")) and len(loc) == 1:
        given = repr(error.get("input"))
        given = given if len(given) <= 40 else given[:40] + "…"
        return f"`{where}` must be {_type_name(properties.get(name, {}))}, not {given}"
    return f"`{where}`: {error.get('msg', 'invalid value')}"


def _type_name(spec: dict[str, Any]) -> str:
    options = [o for o in spec.get("anyOf", [spec]) if o.get("type") != "null"]
    kind = options[0].get("type", "") if options else ""
    if kind == "array":
        items = options[0].get("items", {}).get("type", "")
        return f"a list of {items}s" if items else "a list"
    return _JSON_TYPES.get(kind, "a value")


# A tool called while the first-run library is being added (about 3 s) waits this long for
# it before saying to try again: the agent's first call gets an answer, not a retry, and
# a client that times requests out at 10 s (the MCP inspector does) still hears back.
FIRST_RUN_WAIT_S = 8.0


class ServerState:
    """What the tools share: the shelf, and the default library still being indexed."""

    def __init__(self, shelf: Shelf, project: Path | None = None) -> None:
        self.shelf = shelf
        self.project = project  # the project the server serves: its lockfile, its folders
        self.jobs: Jobs | None = None  # add_library's background adds, when allowed
        self.pending: str | None = None  # what is being indexed, said to agents meanwhile
        self.thread: threading.Thread | None = None  # the default library's indexer
        self.on_stop: list[Callable[[], None]] = []  # told first when the server stops
        self.voice: Voice = TOOLS_VOICE  # how messages name tools (a profile may change it)
        self._stopping = threading.Event()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def stop(self) -> None:
        """End the background work as the server stops. Vectors stop between batches; an
        unfinished first-run add is left to roll back when the process exits (its
        transaction never commits), so its connection stays open, not closed under it; the
        adds of add_library are cancelled and waited for (briefly) first."""
        self._stopping.set()
        for told in self.on_stop:
            told()
        jobs_done = self.jobs.stop() if self.jobs is not None else True
        self.shelf.semantic.shutdown()
        if (self.thread is None or not self.thread.is_alive()) and jobs_done:
            self.shelf.close()  # never under a thread still writing: SQLite would crash

    def check_ready(self, wait: float = FIRST_RUN_WAIT_S) -> None:
        """While the default library is being indexed on first run (and nothing else is),
        wait for it up to `wait` seconds, then raise a tool error saying to retry."""
        if not self.pending or self.shelf.list_libraries():
            return
        deadline = time.monotonic() + wait
        indexer = self.thread
        while indexer is not None and indexer.is_alive() and time.monotonic() < deadline:
            if self._stopping.wait(0.05):
                break
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
        name = options.get("name") or fn.__name__
        voice = (lambda: state.voice) if state is not None else (lambda: TOOLS_VOICE)
        # Bounded inside the voice, so that a bad `offset` is worded like any other error.
        # The SDK sends a docstring as written; its indentation costs an agent's context
        # on every request, so it goes.
        described = {"description": inspect.cleandoc(fn.__doc__ or "") or None, **options}
        server.tool(**described)(_converting(_bounded(fn, name), before, _tool_error, voice))
        return fn

    return register


# A tool that pages itself declares `offset`; every other tool gets this one, which its
# schema does not show (the Mastra profile's schemas stay the reference's): the cut
# answer's note says to pass it.
_HiddenOffset = Annotated[SkipJsonSchema[int], Field(ge=0)]


def _bounded(fn: Fn, name: str) -> Fn:
    """`fn` with its answer held to the answer budget (DOCSHELF_MAX_ANSWER_TOKENS).

    A `max_tokens` argument is capped at that budget (and defaults to it). A tool without
    its own `offset` has its text cut to the budget here, ending at a blank line or line
    break where one is near, with a note saying what was left out and the `offset` that
    gets the next part.
    """
    signature = inspect.signature(fn, eval_str=True)
    params = signature.parameters
    caps = "max_tokens" in params
    pages_itself = "offset" in params
    if not pages_itself:
        extra = inspect.Parameter(
            "offset", inspect.Parameter.KEYWORD_ONLY, default=0, annotation=_HiddenOffset
        )
        signature = signature.replace(parameters=[*params.values(), extra])

    def before(kwargs: dict[str, Any]) -> int:
        if caps:
            kwargs["max_tokens"] = answer_budget(kwargs.get("max_tokens"))
        return 0 if pages_itself else int(kwargs.pop("offset", 0))

    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            offset = before(kwargs)
            result = await fn(*args, **kwargs)
            return result if pages_itself else _cut_answer(result, offset, name)

        run_async.__signature__ = signature  # type: ignore[attr-defined]
        return run_async  # type: ignore[return-value]

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        offset = before(kwargs)
        result = fn(*args, **kwargs)
        return result if pages_itself else _cut_answer(result, offset, name)

    run.__signature__ = signature  # type: ignore[attr-defined]
    return run  # type: ignore[return-value]


def _cut_answer(result: Any, offset: int, tool_name: str) -> Any:
    """The part of a tool's text answer from `offset` that fits the answer budget."""
    if isinstance(result, str):
        return _part(result, offset, tool_name)
    if isinstance(result, CallToolResult) and result.content:
        first = result.content[0]
        if isinstance(first, TextContent):
            text = _part(first.text, offset, tool_name)
            content = [first.model_copy(update={"text": text}), *result.content[1:]]
            return result.model_copy(update={"content": content})
    return result


def _part(text: str, offset: int, tool_name: str) -> str:
    budget = answer_budget()
    part = cut_text(text, offset=offset, max_tokens=budget)  # a bad offset: a UsageError
    if part.next_offset is None:
        return part.text
    return (
        f"{part.text}\n\n[Answer cut at about {budget} tokens: characters {part.start}-"
        f"{part.end} of {part.total} shown. For the rest, call {tool_name} again with the "
        f"same arguments and offset={part.end}.]"
    )


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
