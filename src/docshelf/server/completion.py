"""Completion of the docs template's arguments (library, version, path) from the index."""

from __future__ import annotations

import anyio.to_thread
import mcp_types as types
from mcp.server.mcpserver import MCPServer

from docshelf.errors import DocshelfError
from docshelf.server.resources import DOCS_TEMPLATE
from docshelf.shelf import Shelf

MAX_COMPLETIONS = 100  # the spec's cap per completion answer


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
