"""Mastra drop-in profile: the 13 tools and 2 prompts of @mastra/mcp-docs-server.

Plus `mastraChanges`, which older versions of the reference had (package changelogs).

Same names, parameter names, types and required sets as the reference; each tool is a
thin mapping onto docshelf's core functions over the library named at start-up.

Annotations are evaluated when each tool is defined (no `from __future__ import annotations`):
the `mastraDocs` parameter description embeds the library's top-level paths.
"""

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.prompts.base import AssistantMessage, Message, UserMessage
from mcp.types import CallToolResult
from pydantic import Field

from docshelf.errors import DocshelfError
from docshelf.server.tooling import READ_ONLY, ServerState, prompt, tool, tool_result
from docshelf.wording import Tool, ToolVoice

if TYPE_CHECKING:
    from docshelf.guides.prompts import PromptMessage
    from docshelf.packages.docs_index import PackageDocsIndex
    from docshelf.shelf import Shelf

# What the tools act on (guides, packages, version answers and the npm client under them)
# is imported when a tool is first called: the first tools/list waits for none of it.

PROJECT_PATH = Field(
    description="Absolute path to your project root; node_modules is searched upwards from it."
)


# Messages name this profile's tools; what they do not cover is a `docshelf` command.
MASTRA_VOICE = ToolVoice(
    {
        "read": Tool("mastraDocs", frozenset({"paths"})),
        "changes": Tool(
            "mastraChanges", frozenset({"package", "version", "from_version", "to_version"})
        ),
        "exports": Tool("getMastraExports", frozenset({"package", "project_path", "filter"})),
    },
    names={"from_version": "fromVersion", "to_version": "toVersion", "project_path": "projectPath"},
)


def register_mastra_prompts(server: MCPServer, state: ServerState, library: str) -> None:
    """Register the reference's prompts over `library` (e.g. 'mastra'); messages name this
    profile's tools from now on."""
    state.voice = MASTRA_VOICE
    _register_prompts(server, state, library)


def tool_list_options(shelf: "Shelf", library: str) -> dict[str, object]:
    """What the tools' list depends on besides docshelf's code: the library, and the
    indexed version whose top-level paths the mastraDocs description lists (None before
    one is indexed)."""
    try:
        ref = shelf.resolve_version(library)
    except DocshelfError:
        return {"profile": "mastra", "library": library, "version": None}
    indexed = [ref.id, ref.record.ref, ref.record.indexed_at, ref.record.pages]
    return {"profile": "mastra", "library": library, "version": indexed}


def register_mastra_tools(server: MCPServer, state: ServerState, library: str) -> None:
    """Register the reference's tools over `library` (e.g. 'mastra')."""
    from docshelf.server.profiles.mastra_docs import browse_docs, top_level_paths

    shelf = state.shelf

    @functools.cache
    def package_index() -> "PackageDocsIndex":
        from docshelf.packages.docs_index import PackageDocsIndex

        return PackageDocsIndex(shelf.home)

    @tool(
        server,
        state,
        name="mastraDocs",
        annotations=READ_ONLY,
        description=(
            "Read the Mastra documentation by path. Paths are relative to the docs root: "
            "'reference/...' holds API docs, the other folders guides. A directory returns its "
            "index or a listing; a missing path returns the nearest listing and suggestions. "
            "Pass the user's key words as queryKeywords to get ranked page suggestions, e.g. "
            "paths=['docs/memory'], queryKeywords=['semantic', 'recall']."
        ),
    )
    def mastra_docs(
        paths: Annotated[
            list[str],
            Field(
                min_length=1,
                description="One or more docs paths ('.md' optional; '' is the top; a "
                "mastra.ai URL works too).\n" + top_level_paths(shelf, library),
            ),
        ],
        queryKeywords: Annotated[
            list[str] | None,
            Field(description="Words from the user's question, for ranked suggestions."),
        ] = None,
    ) -> CallToolResult:
        answer = browse_docs(shelf, library, paths, queryKeywords)
        return tool_result(answer.text, is_error=answer.is_error)

    @tool(
        server,
        state,
        name="mastraMigration",
        annotations=READ_ONLY,
        description=(
            "Browse Mastra's migration guides for upgrades and breaking changes. No arguments "
            "lists the guides; path='upgrade-to-v1/' lists a folder; path='upgrade-to-v1/agent' "
            "reads a guide; add listSections=true for its headings or sections=['...'] for "
            "only those sections; queryKeywords=['memory'] searches every guide."
        ),
    )
    def mastra_migration(
        path: Annotated[str | None, Field(description="Guide or folder path.")] = None,
        sections: Annotated[
            list[str] | None, Field(description="Section titles (substring) to return.")
        ] = None,
        listSections: Annotated[
            bool | None, Field(description="List the guide's section headings.")
        ] = None,
        queryKeywords: Annotated[
            list[str] | None, Field(description="Words to search the guides for.")
        ] = None,
    ) -> CallToolResult:
        from docshelf.guides.migration_browser import browse_migrations

        answer = browse_migrations(
            shelf,
            library,
            path,
            sections=sections,
            list_sections=bool(listSections),
            query_keywords=queryKeywords,
        )
        return tool_result(answer.text)

    @tool(
        server,
        state,
        name="mastraChanges",
        annotations=READ_ONLY,
        description=(
            "The changelog of an @mastra package from its npm tarball: one version's entry, "
            "or the entries after fromVersion up to toVersion, e.g. package='@mastra/core', "
            "fromVersion='1.25.0', toVersion='1.26.0'. Long answers come in parts: pass "
            "`offset` as the answer says."
        ),
    )
    def mastra_changes(
        package: Annotated[str, Field(description="Package, e.g. '@mastra/core' or 'core'.")],
        version: Annotated[str | None, Field(description="One version's entry.")] = None,
        fromVersion: Annotated[str | None, Field(description="Entries after this version.")] = None,
        toVersion: Annotated[
            str | None, Field(description="Entries up to this version (included).")
        ] = None,
        offset: Annotated[int, Field(ge=0, description="Where the next part starts.")] = 0,
    ) -> CallToolResult:
        from docshelf.versions import answers

        text = answers.mastra_changes(
            shelf, package, version, fromVersion, toVersion, offset=offset
        )
        return tool_result(text)

    _register_package_tools(server, state, library, package_index)
    _register_course_tools(server, state, library)


def _register_package_tools(
    server: MCPServer,
    state: ServerState,
    library: str,
    index: "Callable[[], PackageDocsIndex]",
) -> None:
    shelf = state.shelf

    @tool(
        server,
        state,
        name="getMastraHelp",
        annotations=READ_ONLY,
        description=(
            "Start here: how the Mastra docs tools fit together, and which @mastra packages "
            "installed in the project ship docs matching your installed versions."
        ),
    )
    def get_help(projectPath: Annotated[str, PROJECT_PATH]) -> CallToolResult:
        from docshelf.server.profiles import mastra_packages as packages

        return tool_result(packages.mastra_help(projectPath, library))

    @tool(
        server,
        state,
        name="listMastraPackages",
        annotations=READ_ONLY,
        description="List the @mastra packages installed in the project that embed docs.",
    )
    def list_packages(projectPath: Annotated[str, PROJECT_PATH]) -> CallToolResult:
        from docshelf.server.profiles import mastra_packages as packages

        return tool_result(packages.mastra_packages(projectPath))

    @tool(
        server,
        state,
        name="getMastraExports",
        annotations=READ_ONLY,
        description=(
            "The API surface of an installed @mastra package: every export with its import "
            "path, e.g. package='@mastra/memory', filter='Memory'."
        ),
    )
    def get_exports(
        package: Annotated[str, Field(description="Package name, e.g. '@mastra/core'.")],
        projectPath: Annotated[str, PROJECT_PATH],
        filter: Annotated[str | None, Field(description="Name substring, any case.")] = None,
    ) -> CallToolResult:
        from docshelf.server.profiles import mastra_packages as packages

        return tool_result(packages.mastra_exports(projectPath, package, filter))

    @tool(
        server,
        state,
        name="getMastraExportDetails",
        annotations=READ_ONLY,
        description=(
            "The TypeScript declaration of one export of an installed @mastra package and, "
            "on request, the first lines of its implementation; suggests close names on a miss."
        ),
    )
    def get_export_details(
        package: Annotated[str, Field(description="Package name, e.g. '@mastra/core'.")],
        exportName: Annotated[str, Field(description="Export name, e.g. 'Agent'.")],
        projectPath: Annotated[str, PROJECT_PATH],
        includeTypes: Annotated[bool, Field(description="Include the .d.ts declaration.")] = True,
        includeImplementation: Annotated[
            bool, Field(description="Include the implementation's first lines.")
        ] = False,
        implementationLines: Annotated[
            float, Field(description="How many implementation lines to show.", ge=1, le=2000)
        ] = 50,
    ) -> CallToolResult:
        from docshelf.server.profiles import mastra_packages as packages

        text = packages.mastra_export_details(
            projectPath,
            package,
            exportName,
            includeTypes,
            includeImplementation,
            int(implementationLines),
        )
        return tool_result(text)

    @tool(
        server,
        state,
        name="readMastraDocs",
        annotations=READ_ONLY,
        description=(
            "Read the docs embedded in an installed @mastra package: no topic lists topics, a "
            "topic lists or returns its files, `file` returns one file."
        ),
    )
    def read_docs(
        package: Annotated[str, Field(description="Package name, e.g. '@mastra/memory'.")],
        projectPath: Annotated[str, PROJECT_PATH],
        topic: Annotated[str | None, Field(description="Topic, e.g. 'references'.")] = None,
        file: Annotated[str | None, Field(description="File within the docs or topic.")] = None,
    ) -> CallToolResult:
        from docshelf.server.profiles import mastra_packages as packages

        return tool_result(packages.mastra_read_package_docs(projectPath, package, topic, file))

    @tool(
        server,
        state,
        name="searchMastraDocs",
        annotations=READ_ONLY,
        description=(
            "Ranked search over the docs embedded in the project's installed @mastra packages "
            "(your exact versions), e.g. query='working memory template'. Falls back to the "
            "Mastra docs site when the project has none."
        ),
    )
    def search_docs(
        query: Annotated[str, Field(description="What to look for, in plain words.")],
        projectPath: Annotated[str, PROJECT_PATH],
        package: Annotated[str | None, Field(description="Only this package.")] = None,
        maxResults: Annotated[
            float, Field(description="Most results to return.", ge=1, le=50)
        ] = 10,
    ) -> CallToolResult:
        from docshelf.server.profiles import mastra_packages as packages

        text = packages.mastra_search_package_docs(
            shelf, index(), library, projectPath, query, package, int(maxResults)
        )
        return tool_result(text)


def _register_course_tools(
    server: MCPServer,
    state: ServerState,
    library: str,
) -> None:
    shelf = state.shelf

    @tool(
        server,
        state,
        name="startMastraCourse",
        description=(
            "Start the Mastra course, or resume where the user left off. Progress is kept on "
            "this machine; an email is accepted but nothing is sent anywhere."
        ),
    )
    def start(
        email: Annotated[
            str | None, Field(description="Accepted for compatibility; not sent.")
        ] = None,
    ) -> CallToolResult:
        from docshelf.guides import course

        return tool_result(course.start_course(shelf, library, email).text)

    @tool(
        server,
        state,
        name="getMastraCourseStatus",
        annotations=READ_ONLY,
        description="The user's progress through every lesson of the Mastra course.",
    )
    def status() -> CallToolResult:
        from docshelf.guides import course

        return tool_result(course.get_course_status(shelf, library).text)

    @tool(
        server,
        state,
        name="startMastraCourseLesson",
        description="Open a lesson of the Mastra course at its first unfinished step.",
    )
    def start_lesson(
        lessonName: Annotated[str, Field(description="Lesson name, e.g. 'first-agent'.")],
    ) -> CallToolResult:
        from docshelf.guides import course

        return tool_result(course.start_lesson(shelf, lessonName, library).text)

    @tool(
        server,
        state,
        name="nextMastraCourseStep",
        description="Mark the open course step done and show the next one.",
    )
    def next_step() -> CallToolResult:
        from docshelf.guides import course

        return tool_result(course.next_step(shelf, library).text)

    @tool(
        server,
        state,
        name="clearMastraCourseHistory",
        description="Delete all Mastra course progress (asks for confirm=true first).",
    )
    def clear(
        confirm: Annotated[bool | None, Field(description="True to really delete.")] = None,
    ) -> CallToolResult:
        from docshelf.guides import course

        return tool_result(course.clear_history(shelf, bool(confirm), library).text)


def _register_prompts(server: MCPServer, state: ServerState, library: str) -> None:
    shelf = state.shelf

    def to_messages(items: "list[PromptMessage]") -> list[Message]:
        return [
            UserMessage(m.text) if m.role == "user" else AssistantMessage(m.text) for m in items
        ]

    @prompt(
        server,
        name="upgrade-to-v1",
        description="Guide an upgrade to Mastra v1, for every area or one (e.g. area='agent').",
    )
    def upgrade(area: str | None = None) -> list[Message]:
        from docshelf.guides import prompts

        return to_messages(prompts.upgrade_to_v1(shelf, library, area))

    @prompt(
        server,
        name="migration-checklist",
        description="A checklist for migrating to Mastra v1, built from the migration guides.",
    )
    def checklist() -> list[Message]:
        from docshelf.guides import prompts

        return to_messages(prompts.migration_checklist(shelf, library))
