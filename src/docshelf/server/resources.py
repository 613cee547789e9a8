"""MCP resources: `docs://libraries` and each docs page as `docs://LIB/VERSION/PATH`."""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError

from docshelf.errors import DocshelfError, LibraryNotFoundError
from docshelf.shelf import Shelf

DOCS_TEMPLATE = "docs://{library}/{version}/{+path}"
LIBRARIES_URI = "docs://libraries"


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
