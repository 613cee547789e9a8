"""The docs tools of the default profile: list_libraries (with add_library's jobs),
search_docs, ask_docs, read_docs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from docshelf.constants import PAGE_KINDS
from docshelf.models import Library, ReadResult
from docshelf.reading.answers import format_answer, format_hits, format_libraries, format_reads
from docshelf.server.tooling import READ_ONLY, ServerState, tool, tool_result

KIND_FIELD = Field(
    description="Only pages of this kind: " + ", ".join(PAGE_KINDS) + " (several "
    "comma-separated, e.g. 'guide,reference'); default: every kind."
)


class HitOut(BaseModel):
    library: str
    version: str
    path: str
    title: str
    heading: str
    anchor: str
    score: float
    snippet: str
    kind: str = Field(description="What the page is: " + ", ".join(PAGE_KINDS) + ".")


class SearchOut(BaseModel):
    query: str
    hits: list[HitOut]
    mode: str = Field(description="What ranked the hits: hybrid, fulltext or semantic.")
    note: str = Field(default="", description="Why only full text ranked them, if so.")


class ExcerptOut(BaseModel):
    library: str
    version: str
    path: str
    title: str
    heading: str
    anchor: str
    text: str
    truncated: bool


class AskOut(BaseModel):
    query: str
    excerpts: list[ExcerptOut]
    tokens: int = Field(description="About how many tokens the excerpts take.")
    cursor: str | None = Field(description="Pass it back for the next excerpts; null: no more.")
    mode: str = Field(description="What ranked the pages: hybrid, fulltext or semantic.")
    note: str = Field(default="", description="Why only full text ranked them, if so.")


class VersionOut(BaseModel):
    version: str
    source: str
    pages: int
    sections: int
    indexed_at: str
    origin: str = ""  # where the docs came from, e.g. "VitePress site in docs/"
    kinds: dict[str, int] = Field(
        default_factory=dict, description="Pages per kind, what search_docs' kind can keep."
    )


class LibraryOut(BaseModel):
    name: str
    versions: list[VersionOut]


class JobOut(BaseModel):
    id: str
    source: str
    state: str = Field(description="queued, running, done or failed")
    progress: str = ""
    library: str = ""  # NAME@VERSION once done
    error: str = ""


class LibrariesOut(BaseModel):
    libraries: list[LibraryOut]
    status: str = ""
    search: str = Field(default="", description="Hybrid, or full text only and why.")
    jobs: list[JobOut] = []  # libraries add_library is adding (or added) in this session


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


def register_core_tools(server: MCPServer, state: ServerState) -> None:
    shelf = state.shelf

    @tool(server, annotations=READ_ONLY)
    def list_libraries() -> Annotated[CallToolResult, LibrariesOut]:
        """List the documentation libraries and versions docshelf can search and read, and
        the progress of libraries add_library is adding.

        Use it first when you do not know the library name to pass to search_docs/read_docs.
        """
        libraries = shelf.list_libraries()
        kinds = shelf.page_kinds() if libraries else {}
        status = (state.pending or "") if not libraries else ""
        search = shelf.search_status() if libraries else ""
        jobs = state.jobs.all() if state.jobs is not None else []
        out = LibrariesOut(
            libraries=[library_out(lib, kinds) for lib in libraries],
            status=status,
            search=search,
            jobs=[
                JobOut(
                    id=j.id,
                    source=j.source,
                    state=j.state,
                    progress=j.progress,
                    library=j.library,
                    error=j.error,
                )
                for j in jobs
            ],
        )
        text = format_libraries(libraries, status, search, kinds) if libraries or not jobs else ""
        if jobs:
            text += ("\n" if text else "") + "Adding (add_library):\n"
            text += "\n".join(f"- {job.describe()}" for job in jobs)
        return tool_result(text, out)

    @tool(server, state, annotations=READ_ONLY)
    def search_docs(
        query: Annotated[str, Field(description="What you need, in plain words or API names.")],
        library: Annotated[
            str | None, Field(description="Library name, or NAME@VERSION; default: all.")
        ] = None,
        path_prefix: Annotated[
            str | None, Field(description="Only pages under this path, e.g. 'reference/'.")
        ] = None,
        kind: Annotated[str | None, KIND_FIELD] = None,
        limit: Annotated[int, Field(description="Most pages to return (1-50).")] = 10,
    ) -> Annotated[CallToolResult, SearchOut]:
        """Search the docs and get the best-matching pages, best first, with a snippet each.

        Ask in plain words or with API names, e.g. query="give each tenant its own sandbox",
        library="mastra". Then read a hit with read_docs(paths=[hit.path]).
        """
        found = shelf.search_results(
            query, library=library, path_prefix=path_prefix or "", kind=kind, limit=limit
        )
        out = SearchOut(
            query=query,
            hits=[HitOut.model_validate(h, from_attributes=True) for h in found.hits],
            mode=found.mode,
            note=found.note,
        )
        return tool_result(format_hits(query, found.hits, found.note), out)

    @tool(server, state, annotations=READ_ONLY)
    def ask_docs(
        query: Annotated[str, Field(description="The question, in plain words or API names.")],
        library: Annotated[
            str | None, Field(description="Library name, or NAME@VERSION; default: all.")
        ] = None,
        max_tokens: Annotated[
            int,
            Field(
                description="About how many tokens of docs to return (server cap: 8000 by default)."
            ),
        ] = 2000,
        cursor: Annotated[
            str | None, Field(description="The cursor of a previous answer, for more.")
        ] = None,
        kind: Annotated[str | None, KIND_FIELD] = None,
    ) -> Annotated[CallToolResult, AskOut]:
        """Get the docs text that answers a question, in one call: the best sections of the
        best pages, each with its page path, heading and version, packed to max_tokens.

        Use it when you want the answer rather than a list of pages, e.g.
        query="add memory to an agent", library="mastra". Pass back `cursor` for more.
        """
        found = shelf.ask(query, library=library, max_tokens=max_tokens, cursor=cursor, kind=kind)
        out = AskOut(
            query=query,
            excerpts=[ExcerptOut.model_validate(e, from_attributes=True) for e in found.excerpts],
            tokens=found.tokens,
            cursor=found.cursor,
            mode=found.mode,
            note=found.note,
        )
        return tool_result(format_answer(found, library), out)

    @tool(server, state, annotations=READ_ONLY)
    def read_docs(
        paths: Annotated[
            list[str],
            Field(
                description="Docs paths, e.g. ['reference/agents/agent']; '' is the top. A "
                "page's URL or a link read in a page works too ('path#anchor' reads a section)."
            ),
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
        offset: Annotated[
            int, Field(ge=0, description="Read on from here: the offset a cut page named.")
        ] = 0,
    ) -> Annotated[CallToolResult, ReadOut]:
        """Read docs pages by path (as returned by search_docs), '.md' optional.

        A directory path returns its index page or a listing of its pages; a missing path
        returns the nearest directory's listing and suggestions. Use `section` to read one
        heading of a long page and `max_tokens` to keep the answer small; a long page comes
        in parts, each naming the `offset` of the next.
        """
        results = shelf.read(
            paths, library=library, section=section, max_tokens=max_tokens, offset=offset
        )
        out = ReadOut(results=[_doc_out(r) for r in results])
        return tool_result(format_reads(results), out, is_error=any(r.is_error for r in results))


def library_out(
    lib: Library, kinds: Mapping[tuple[str, str], dict[str, int]] | None = None
) -> LibraryOut:
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
                kinds=(kinds or {}).get((lib.name, v.version), {}),
            )
            for v in lib.versions
        ],
    )


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
