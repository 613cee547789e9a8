"""Tools that let an agent get the docs it needs: resolve_library and add_library.

resolve_library answers from the index, the project's lockfile and the registries (read
only); add_library starts a background job (`server.jobs`) and is registered only when
adds are allowed: over stdio by default, over HTTP with `serve --http --allow-add`.
"""

from __future__ import annotations

import re
from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from docshelf.constants import DOCS_FROM
from docshelf.errors import DocshelfError, UsageError
from docshelf.models import Library
from docshelf.packages.dependencies import Dependency, normalize_python_name
from docshelf.server.core_tools import LibraryOut, library_out
from docshelf.server.tooling import MAY_INDEX, READ_REGISTRY, ServerState, tool, tool_result
from docshelf.wording import Call, say

_KINDS = ("npm", "pypi")


class CandidateOut(BaseModel):
    source: str = Field(description="What to pass to add_library.")
    version: str
    docs_from: str
    project_version: str = ""  # the version the project's lockfile pins, if it names this


class ResolveOut(BaseModel):
    query: str
    libraries: list[LibraryOut]
    candidates: list[CandidateOut]
    notes: list[str]


class JobStartedOut(BaseModel):
    job: str
    source: str
    state: str


def register_library_tools(server: MCPServer, state: ServerState, *, allow_add: bool) -> None:
    shelf = state.shelf

    @tool(server, annotations=READ_REGISTRY)
    def resolve_library(
        name: Annotated[
            str,
            Field(
                description="A library or package name: 'zod', '@tanstack/react-query', "
                "'httpx', or with its kind ('npm:zod', 'pypi:httpx')."
            ),
        ],
    ) -> Annotated[CallToolResult, ResolveOut]:
        """Find the docs for a library: the indexed libraries and versions that match a
        name, and, for one not indexed yet, the package it would be added from (at the
        version the project locks, when it does) and where its docs would come from.

        Use it when search_docs has no library for what you need, e.g. name="zod".
        """
        query = name.strip()
        if not query:
            raise UsageError('Give a library or package name, e.g. name="zod".')
        libraries = [lib for lib in shelf.list_libraries() if _matches(lib, query)]
        pins = _project_pins(state)
        candidates, notes = _candidates(state, query, pins)
        out = ResolveOut(
            query=query,
            libraries=[library_out(lib) for lib in libraries],
            candidates=candidates,
            notes=notes,
        )
        return tool_result(_resolve_text(query, libraries, candidates, notes), out)

    if not allow_add:
        return

    @tool(server, annotations=MAY_INDEX)
    def add_library(
        source: Annotated[
            str,
            Field(
                description="What to index: 'npm:zod@3.23.8', 'pypi:httpx==0.28.1', "
                "'github:OWNER/REPO@TAG', as resolve_library names it."
            ),
        ],
        name: Annotated[
            str | None, Field(description="Library name; default: derived from the source.")
        ] = None,
        docs_from: Annotated[
            str | None,
            Field(
                description="npm/PyPI only: 'tarball' (the package), 'repo' (its repository) "
                "or 'site' (its docs website; hosts in DOCSHELF_AGENT_WEB_HOSTS only)."
            ),
        ] = None,
    ) -> Annotated[CallToolResult, JobStartedOut]:
        """Index a library's docs in the background; returns at once with a job id.

        Follow the job with list_libraries (its progress, then the NAME@VERSION it was added
        as); search_docs and read_docs serve it once it is done.
        """
        if docs_from is not None and docs_from not in DOCS_FROM:
            raise UsageError(f"docs_from must be one of {', '.join(DOCS_FROM)}, or left out.")
        assert state.jobs is not None
        job = state.jobs.submit(source, name, docs_from)
        text = say(
            f"Job {job.id} {job.state}: adding {job.source} in the background. Follow it with ",
            Call("list"),
            "; search and read it once it is done.",
        )
        return tool_result(text, JobStartedOut(job=job.id, source=job.source, state=job.state))


def _matches(lib: Library, query: str) -> bool:
    wanted = _key(query.partition(":")[2] if query.split(":")[0] in _KINDS else query)
    wanted = _key(wanted.rsplit("@", 1)[0]) if wanted.rfind("@") > 0 else wanted
    if wanted and (wanted == _key(lib.name) or wanted in _key(lib.name)):
        return True
    return any(_key(_package_of(v.source)) == wanted for v in lib.versions)


def _key(text: str) -> str:
    return normalize_python_name(text.lstrip("@").replace("/", "-"))


def _package_of(source: str) -> str:
    """The package a recorded source names: `npm:@a/b@1.0.0` -> `@a/b`."""
    kind, _, rest = source.partition(":")
    if kind == "npm":
        return rest[:1] + rest[1:].split("@", 1)[0]
    if kind == "pypi":
        return re.split(r"[=<>!~\[; ]", rest, maxsplit=1)[0]
    return ""


def _project_pins(state: ServerState) -> dict[tuple[str, str], Dependency]:
    """The project's direct dependencies by (ecosystem, key); none when it has no
    readable lockfile or manifest."""
    if state.project is None:
        return {}
    from docshelf.packages.lockfiles import read_dependencies

    try:
        found = read_dependencies(state.project)
    except DocshelfError:
        return {}
    return {(dep.ecosystem, _key(dep.name)): dep for dep in found.dependencies}


def _candidates(
    state: ServerState, query: str, pins: dict[tuple[str, str], Dependency]
) -> tuple[list[CandidateOut], list[str]]:
    kind, sep, rest = query.partition(":")
    if sep and kind not in _KINDS:
        return [], [
            f"{query} is a source of its own kind ({kind}:); add it as it is, e.g. "
            + say(Call("add", source=query))
            + "."
        ]
    package = rest if sep else query
    kinds = (kind,) if sep else _KINDS
    from docshelf.sources.lookup import DocsLookup, Release

    candidates: list[CandidateOut] = []
    notes: list[str] = []
    with DocsLookup(state.shelf.cache_dir) as lookup:
        for ecosystem in kinds:
            bare = package.rsplit("@", 1)[0] if package.rfind("@") > 0 else package
            pinned = pins.get((ecosystem, _key(bare)))
            spec = pinned.spec.partition(":")[2] if pinned and package == bare else package
            found = lookup.release(ecosystem, spec)  # type: ignore[arg-type]
            if isinstance(found, Release):
                candidates.append(
                    CandidateOut(
                        source=found.spec,
                        version=found.version,
                        docs_from=found.docs_from,
                        project_version=(pinned.version or pinned.wanted) if pinned else "",
                    )
                )
            elif not sep and ecosystem == "pypi" and candidates:
                continue  # an npm package that is not on PyPI too is no news
            else:
                notes.append(f"{ecosystem}: {found}")
    return candidates, notes


def _resolve_text(
    query: str, libraries: list[Library], candidates: list[CandidateOut], notes: list[str]
) -> str:
    lines: list[str] = []
    if libraries:
        lines.append(f"Indexed libraries matching {query!r}:")
        for lib in libraries:
            versions = ", ".join(f"{v.version} ({v.source})" for v in lib.versions)
            lines.append(f"- {lib.name}: {versions}; search it with library={lib.name!r}")
    else:
        lines.append(f"No indexed library matches {query!r}.")
    if candidates:
        lines.append("Not indexed yet:" if not libraries else "Packages it may be added from:")
        for c in candidates:
            project = f"; the project locks {c.project_version}" if c.project_version else ""
            add = say(Call("add", source=c.source))
            lines.append(f"- {c.source}{project}. Docs from {c.docs_from}. Add it with {add}.")
    lines += [f"Not found on {note}" for note in notes]
    return "\n".join(lines)
