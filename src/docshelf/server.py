"""MCP adapter: the docshelf tools over the official SDK's MCPServer."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import asdict
from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel, Field

from docshelf import __version__
from docshelf.errors import DocshelfError, UsageError
from docshelf.models import Hit, Library, ReadResult
from docshelf.resources import (
    register_completion,
    register_input_hygiene,
    register_logging,
    register_resources,
)
from docshelf.settings import get_setting
from docshelf.shelf import Shelf
from docshelf.version_tools import register_changes_tools

log = logging.getLogger("docshelf.server")

INSTRUCTIONS = (
    "docshelf serves the real, version-matched documentation of libraries. Use search_docs "
    "to find pages by topic in plain words, read_docs to read a page (or a directory listing) "
    "by path, and list_libraries to see which libraries and versions are indexed."
)
READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)


class HitOut(BaseModel):
    library: str
    version: str
    path: str
    title: str
    heading: str
    anchor: str
    score: float
    snippet: str


class SearchOut(BaseModel):
    query: str
    hits: list[HitOut]


class VersionOut(BaseModel):
    version: str
    source: str
    pages: int
    sections: int
    indexed_at: str
    origin: str = ""  # where the docs came from, e.g. "VitePress site in docs/"


class LibraryOut(BaseModel):
    name: str
    versions: list[VersionOut]


class LibrariesOut(BaseModel):
    libraries: list[LibraryOut]
    status: str = ""


class DocOut(BaseModel):
    library: str
    version: str
    path: str
    kind: str = Field(description="page, index, listing, or missing")
    title: str
    text: str
    truncated: bool
    omitted_sections: list[str]


class ReadOut(BaseModel):
    results: list[DocOut]


class ServerState:
    """What the tools share: the shelf, and the default library still being indexed."""

    def __init__(self, shelf: Shelf) -> None:
        self.shelf = shelf
        self.pending: str | None = None
        self.thread: threading.Thread | None = None

    def check_ready(self) -> None:
        if self.pending and not self.shelf.list_libraries():
            raise ToolError(f"{self.pending} Try again in a few seconds.")


PROFILES = ("default", "mastra")


def build_server(
    shelf: Shelf,
    *,
    add_default: bool = False,
    profile: str = "default",
    library: str | None = None,
) -> MCPServer:
    """An MCP server over `shelf`; with `add_default`, index the default docs if none exist.

    `profile` picks the tool surface: "default" (docshelf's generic tools) or "mastra" (the
    tools and prompts of @mastra/mcp-docs-server over `library`, default 'mastra').
    """
    if profile not in PROFILES:
        raise UsageError(f"Unknown profile {profile!r}; choose one of: {', '.join(PROFILES)}.")
    state = ServerState(shelf)

    @asynccontextmanager
    async def lifespan(_: MCPServer) -> AsyncIterator[ServerState]:
        if add_default:
            start_default_library(state)
        start_semantic(state)
        try:
            yield state
        finally:
            shelf.semantic.shutdown()
            shelf.close()

    server = MCPServer(
        name="docshelf",
        version=__version__,
        instructions=INSTRUCTIONS,
        lifespan=lifespan,
    )
    if profile == "mastra":
        from docshelf.profiles.mastra import register_mastra_profile

        register_mastra_profile(server, state, library or get_setting("default_name"))
    else:
        register_core_tools(server, state)
        register_changes_tools(server, state)
    register_resources(server, shelf)
    register_completion(server, shelf)
    register_logging(server)
    register_input_hygiene(server)
    return server


def register_core_tools(server: MCPServer, state: ServerState) -> None:
    shelf = state.shelf

    @server.tool(annotations=READ_ONLY)
    def list_libraries() -> Annotated[CallToolResult, LibrariesOut]:
        """List the documentation libraries and versions docshelf can search and read.

        Use it first when you do not know the library name to pass to search_docs/read_docs.
        """
        with tool_errors():
            libraries = shelf.list_libraries()
        status = (state.pending or "") if not libraries else ""
        out = LibrariesOut(libraries=[_library_out(lib) for lib in libraries], status=status)
        return tool_result(_libraries_text(libraries, status), out)

    @server.tool(annotations=READ_ONLY)
    def search_docs(
        query: Annotated[str, Field(description="What you need, in plain words or API names.")],
        library: Annotated[
            str | None, Field(description="Library name, or NAME@VERSION; default: all.")
        ] = None,
        path_prefix: Annotated[
            str | None, Field(description="Only pages under this path, e.g. 'reference/'.")
        ] = None,
        limit: Annotated[int, Field(description="Most pages to return (1-50).")] = 10,
    ) -> Annotated[CallToolResult, SearchOut]:
        """Search the docs and get the best-matching pages, best first, with a snippet each.

        Ask in plain words or with API names, e.g. query="give each tenant its own sandbox",
        library="mastra". Then read a hit with read_docs(paths=[hit.path]).
        """
        state.check_ready()
        with tool_errors():
            hits = shelf.search(query, library=library, path_prefix=path_prefix or "", limit=limit)
        out = SearchOut(query=query, hits=[HitOut(**asdict(h)) for h in hits])
        return tool_result(format_hits(query, hits), out)

    @server.tool(annotations=READ_ONLY)
    def read_docs(
        paths: Annotated[
            list[str],
            Field(description="Docs paths, e.g. ['reference/agents/agent']; '' is the top."),
        ],
        library: Annotated[
            str | None, Field(description="Library name or NAME@VERSION (needed if several).")
        ] = None,
        section: Annotated[
            str | None, Field(description="Only the section(s) whose heading matches this.")
        ] = None,
        max_tokens: Annotated[
            int | None, Field(description="Cap the answer to about this many tokens.")
        ] = None,
    ) -> Annotated[CallToolResult, ReadOut]:
        """Read docs pages by path (as returned by search_docs), '.md' optional.

        A directory path returns its index page or a listing of its pages; a missing path
        returns the nearest directory's listing and suggestions. Use `section` to read one
        heading of a long page and `max_tokens` to keep the answer small.
        """
        state.check_ready()
        with tool_errors():
            results = shelf.read(paths, library=library, section=section, max_tokens=max_tokens)
        out = ReadOut(results=[_doc_out(r) for r in results])
        return tool_result(format_reads(results), out, is_error=any(r.is_error for r in results))


@contextmanager
def tool_errors() -> Iterator[None]:
    """Turn a DocshelfError into a tool error the agent can act on: the one conversion point."""
    try:
        yield
    except DocshelfError as exc:
        raise ToolError(str(exc)) from exc


def start_semantic(state: ServerState) -> None:
    """Serve full text at once; load the model and build missing vectors in the background."""
    from docshelf.search.semantic import start_vector_builder

    state.shelf.semantic.load_in_background = True
    start_vector_builder(state.shelf, after=state.thread)


def start_default_library(state: ServerState) -> None:
    """Index the default library in the background when nothing is indexed yet."""
    shelf = state.shelf
    try:
        if shelf.list_libraries():
            return
    except DocshelfError as exc:
        log.error("%s", exc)
        return
    source, name = get_setting("default_source"), get_setting("default_name")
    state.pending = f"The default library '{name}' ({source}) is being downloaded and indexed."
    log.warning("No library indexed yet: adding %s as '%s' (first run only)", source, name)

    def work() -> None:
        from docshelf.progress import LogReporter

        try:
            record = shelf.add_library(source, name=name, reporter=LogReporter(log))
            log.warning("Added %s (%d pages); serving it.", record.ref, record.pages)
            state.pending = None
        except DocshelfError as exc:
            log.error("Could not add the default library: %s", exc)
            state.pending = (
                f"The default library could not be added: {exc} Serving whatever is indexed."
            )
        finally:
            shelf.close_thread()

    state.thread = threading.Thread(target=work, name="docshelf-default-library", daemon=True)
    state.thread.start()


def format_hits(query: str, hits: list[Hit]) -> str:
    if not hits:
        return (
            f"No pages match {query!r}. Try other words (API names work too), a shorter "
            "query, or list_libraries to check the library name."
        )
    lines = [f"Top {len(hits)} pages for {query!r}:"]
    for i, hit in enumerate(hits, 1):
        where = f" — {hit.heading}" if hit.heading and hit.heading != hit.title else ""
        lines.append(f"\n{i}. {hit.path} ({hit.library}@{hit.version}): {hit.title}{where}")
        if hit.snippet:
            lines.append(f"   {hit.snippet}")
    lines.append("\nRead a page with read_docs(paths=[<path>]).")
    return "\n".join(lines)


def format_reads(results: list[ReadResult]) -> str:
    blocks = [f"## {r.path or '/'}\n\n{r.text}" for r in results]
    return "\n\n---\n\n".join(blocks)


def tool_result(text: str, out: BaseModel, *, is_error: bool = False) -> CallToolResult:
    """A tool's answer: readable text plus the same data as structured content."""
    return CallToolResult(
        content=[TextContent(type="text", text=text)],
        structured_content=out.model_dump(mode="json"),
        is_error=is_error,
    )


def _library_out(lib: Library) -> LibraryOut:
    return LibraryOut(
        name=lib.name,
        versions=[
            VersionOut(
                version=v.version,
                source=v.source,
                pages=v.pages,
                sections=v.sections,
                indexed_at=v.indexed_at,
                origin=v.origin,
            )
            for v in lib.versions
        ],
    )


def _libraries_text(libraries: list[Library], status: str) -> str:
    if not libraries:
        return status or "No libraries indexed. Add one with `docshelf add SOURCE --name NAME`."
    lines = ["Indexed libraries (newest version first):"]
    for lib in libraries:
        versions = ", ".join(v.version for v in lib.versions)
        latest = lib.latest
        origin = f"; {latest.origin}" if latest.origin else ""
        lines.append(f"- {lib.name}: {versions} ({latest.pages} pages, {latest.source}{origin})")
    return "\n".join(lines)


def _doc_out(r: ReadResult) -> DocOut:
    return DocOut(
        library=r.library,
        version=r.version,
        path=r.path,
        kind=r.kind,
        title=r.title,
        text=r.text,
        truncated=r.truncated,
        omitted_sections=list(r.omitted_sections),
    )
