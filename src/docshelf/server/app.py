"""The MCP server over a shelf: build it for a profile, and run it over stdio or HTTP."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from mcp.server.mcpserver import MCPServer

from docshelf.constants import PROFILES, VERSION
from docshelf.errors import UsageError
from docshelf.server.background import start_background, start_vector_builder
from docshelf.server.completion import register_completion
from docshelf.server.middleware import register_input_hygiene, register_logging
from docshelf.server.resources import register_resources
from docshelf.server.tooling import READ_ONLY_VOICE, DocshelfServer, ServerState
from docshelf.settings import get_setting
from docshelf.shelf import Shelf

log = logging.getLogger("docshelf.server")
# In the home's cache folder: the tools a stdio server of a profile lists first (one file
# per profile, so that servers of both profiles on one home do not replace each other's).
TOOL_LIST = "tools-{profile}.json"
INSTRUCTIONS = (
    "docshelf serves the real, version-matched documentation of libraries. Use search_docs "
    "to find pages by topic in plain words, read_docs to read a page (or a directory listing) "
    "by path, and list_libraries to see which libraries and versions are indexed; "
    "resolve_library finds (and add_library, when offered, adds) one that is not."
)
PACKAGE_INSTRUCTIONS = (
    " For the API a project has installed (exports and signatures of its npm and Python "
    "packages, in the installed versions), use list_packages, list_exports and get_export."
)


def build_server(
    shelf: Shelf,
    *,
    add_default: bool = False,
    profile: str = "default",
    library: str | None = None,
    state: ServerState | None = None,
    background: bool = True,
    allow_add: bool = True,
    project: Path | None = None,
    confine: bool = False,
    tool_list: Path | None = None,
) -> MCPServer:
    """An MCP server over `shelf`; with `add_default`, index the default docs if none exist.

    `profile` picks the tool surface: "default" (docshelf's generic tools) or "mastra" (the
    tools and prompts of @mastra/mcp-docs-server over `library`, default 'mastra').
    The background work (the default library, vectors) starts with the server, or, with
    `background=False`, when the caller says (`start_background(state, ...)`).
    `allow_add` registers add_library (agents add libraries in background jobs).
    `project` is the project served: search and read default to the versions its lockfile
    pins, resolve_library reads that lockfile, an agent may add folders only inside it
    (the working directory without one), and it is the default project of the package
    tools (list_packages, ...); with `confine` they read nothing outside it, and without a
    project they are left out.
    With `tool_list` (a file), the tools are registered after the first tools/list, which
    the list kept there answers (server/deferred_tools.py).
    """
    if profile not in PROFILES:
        raise UsageError(f"Unknown profile {profile!r}; choose one of: {', '.join(PROFILES)}.")
    state = state or ServerState(shelf, project)
    if state.project is None:
        state.project = project
    if project is not None:  # search/read default to the versions it locks, read when needed
        shelf.lock_versions(functools.partial(_project_pins, project))

    @asynccontextmanager
    async def lifespan(_: MCPServer) -> AsyncIterator[ServerState]:
        if background:
            start_background(state, add_default=add_default)
        try:
            yield state
        finally:
            state.stop()

    package_tools = profile == "default" and (project is not None or not confine)
    server = DocshelfServer(
        name="docshelf",
        version=VERSION,
        instructions=INSTRUCTIONS + (PACKAGE_INSTRUCTIONS if package_tools else ""),
        lifespan=lifespan,
    )
    if profile == "mastra":
        from docshelf.server.profiles import mastra

        name = library or get_setting("default_name")
        mastra.register_mastra_prompts(server, state, name)
        register = functools.partial(mastra.register_mastra_tools, server, state, name)
        options = mastra.tool_list_options(shelf, name) if tool_list is not None else {}
        _register_tools(server, shelf, register, tool_list, options)
    else:
        _register_default_tools(
            server, state, allow_add, package_tools, project, confine, tool_list
        )
    register_resources(server, shelf)
    register_completion(server, shelf)
    register_logging(server)
    register_input_hygiene(server)
    return server


def _project_pins(project: Path) -> list[str]:
    from docshelf.packages.sync import locked_specs

    specs, notes = locked_specs(project)
    for note in notes:
        log.info("project %s: %s", project, note)
    return specs


def _register_default_tools(
    server: MCPServer,
    state: ServerState,
    allow_add: bool,
    package_tools: bool,
    project: Path | None,
    confine: bool,
    tool_list: Path | None,
) -> None:
    """The default profile's tools, now or (with `tool_list`) when first needed; imported
    then, so that a server of another profile never loads them (start-up time)."""
    shelf = state.shelf
    if allow_add:
        from docshelf.server.jobs import Jobs

        state.jobs = Jobs(  # an added library gets its vectors as one added at start
            shelf,
            state.project,
            on_added=lambda: start_vector_builder(shelf, after=shelf.semantic.busy()),
        )
    else:
        state.voice = READ_ONLY_VOICE

    def register() -> None:
        from docshelf.server.core_tools import register_core_tools
        from docshelf.server.library_tools import register_library_tools
        from docshelf.server.version_tools import register_changes_tools

        register_core_tools(server, state)
        register_library_tools(server, state, allow_add=allow_add)
        register_changes_tools(server, state)
        if package_tools:
            from docshelf.server.package_tools import ProjectAccess, register_package_tools

            access = ProjectAccess(project, project if confine else None)
            register_package_tools(server, state, access)

    options = {"profile": "default", "allow_add": allow_add, "package_tools": package_tools}
    _register_tools(server, shelf, register, tool_list, options)


def _register_tools(
    server: MCPServer,
    shelf: Shelf,
    register: Callable[[], None],
    tool_list: Path | None,
    options: dict[str, object],
) -> None:
    """`register` the tools now, or with `tool_list` when first needed (deferred_tools.py),
    in the thread that then also reads what the project locks (else the first call would)."""
    if tool_list is None or not isinstance(server, DocshelfServer):
        register()
        return
    from docshelf.server.deferred_tools import DeferredTools

    def register_then_read_pins() -> None:
        register()
        shelf.pins()

    listed = functools.partial(MCPServer.list_tools, server)
    server.deferred = DeferredTools(register_then_read_pins, listed, tool_list, options)


def serve(
    shelf: Shelf,
    *,
    profile: str = "default",
    library: str | None = None,
    add_default: bool = True,
    http: bool = False,
    host: str = "127.0.0.1",
    port: int = 8765,
    token: str | None = None,
    say: Callable[[str], None] | None = None,
    allow_add: bool | None = None,
    project: Path | None = None,
) -> None:
    """Serve `shelf` over stdio, or over Streamable HTTP with `http`, until stopped.

    Over stdio, the first-run library starts with the client's first message (a stdin
    that closes at once ends the server quietly, with nothing started), and the model and
    vectors once the first tools/list is answered (server/startup.py). Ctrl-C stops it at once
    (KeyboardInterrupt); an unfinished first-run add is rolled back.
    `allow_add` None means on over stdio and off over HTTP (add_library lets any client
    make the server fetch). `token` None means DOCSHELF_TOKEN; `say` reports the HTTP
    server's address and stops (default: to stderr, never stdout, which may be the stdio
    transport). `project` (else the working folder, when it is a project) is the project
    served; over HTTP, the only one the package tools read.
    """
    from docshelf.packages.project_root import find_project_root

    project = project.resolve() if project is not None else find_project_root(Path.cwd())
    state = ServerState(shelf, project)
    server = build_server(
        shelf,
        add_default=add_default,
        profile=profile,
        library=library,
        state=state,
        background=http,
        allow_add=(not http) if allow_add is None else allow_add,
        project=project,
        confine=http,
        tool_list=None if http else shelf.cache_dir / TOOL_LIST.format(profile=profile),
    )
    if not http:
        import anyio

        from docshelf.server.startup import defer_background
        from docshelf.server.stdio import run_stdio

        starter = defer_background(server, state, add_default=add_default)
        anyio.run(lambda: run_stdio(server, on_first_line=starter.first_message))
        return
    from docshelf.server.http import HttpOptions, serve_http

    options = HttpOptions.from_settings(host, port, token)
    serve_http(server, shelf, options, say=say or (lambda line: print(line, file=sys.stderr)))
