"""MCP tools for the API a project has installed: list_packages, list_exports, get_export.

`project_path` comes from the agent. Over stdio the agent runs as the user, on the user's
machine, so any folder may be read (as the agent itself could). Over HTTP the tools read
only the project the server was started in (its working folder, or `serve --project`):
`project_path` defaults to it and must lie inside it, and without one the tools are not
offered at all (see `app.serve`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from docshelf.reading.paging import DEFAULT_MAX_TOKENS
from docshelf.server.tooling import READ_ONLY, ServerState, tool, tool_result
from docshelf.server.version_tools import MaxTokens, Offset, PartOut

if TYPE_CHECKING:
    from docshelf.packages.api_answers import Answer
    from docshelf.packages.api_records import ExportRecord, PackageRecord
    from docshelf.packages.project import Project

# The readers (and griffe under them) are imported when a tool is first called, so the
# server starts without them.

ProjectPath = Annotated[
    str | None,
    Field(
        description="Project folder (with package.json, pyproject.toml or .venv); "
        "default: the folder the server was started in."
    ),
]


@dataclass(frozen=True)
class ProjectAccess:
    """Which projects the tools may read: `default` when none is named; with `confine`,
    nothing outside that folder."""

    default: Path | None = None
    confine: Path | None = None

    def open(self, project_path: str | None) -> Project:
        from docshelf.packages.project import open_project

        return open_project(project_path, default=self.default, confine=self.confine)


class PackageOut(BaseModel):
    name: str
    version: str
    language: str
    summary: str
    direct: bool = Field(description="Declared in the project's package.json/pyproject.toml.")


class PackagesOut(BaseModel):
    project: str
    packages: list[PackageOut] = Field(description="The packages in this part only.")
    part: PartOut


class ExportOut(BaseModel):
    name: str
    kind: str
    module: str
    file: str | None
    line: int | None
    summary: str


class ExportsOut(BaseModel):
    package: PackageOut
    exports: list[ExportOut] = Field(description="The exports in this part only.")
    problems: list[str]
    part: PartOut


class DocLinkOut(BaseModel):
    library: str
    version: str
    path: str
    title: str


class ExportDetailOut(BaseModel):
    package: PackageOut
    name: str
    kind: str
    path: str
    import_line: str
    signature: str
    file: str | None
    line: int | None
    docs: list[DocLinkOut] = Field(description="Indexed docs pages of this version naming it.")
    part: PartOut


def register_package_tools(server: MCPServer, state: ServerState, access: ProjectAccess) -> None:
    """list_packages, list_exports and get_export over the projects `access` allows."""
    shelf = state.shelf
    cache_dir = shelf.cache_dir / "api"

    @tool(server, annotations=READ_ONLY)
    def list_packages(
        project_path: ProjectPath = None,
        max_tokens: MaxTokens = DEFAULT_MAX_TOKENS,
        offset: Offset = 0,
    ) -> Annotated[CallToolResult, PackagesOut]:
        """List the npm packages and Python distributions installed in a project, with
        versions; the project's own dependencies first.

        Use it to learn what a project really has installed before calling list_exports.
        """
        from docshelf.packages.api import list_packages as listing
        from docshelf.packages.api_answers import packages_answer

        found = listing(access.open(project_path))
        answer = packages_answer(found, offset=offset, max_tokens=max_tokens)
        shown = found.packages[answer.part.start : answer.part.end]
        out = PackagesOut(
            project=str(found.project.root),
            packages=[_package_out(p) for p in shown],
            part=_part_out(answer),
        )
        return tool_result(answer.text, out)

    @tool(server, annotations=READ_ONLY)
    def list_exports(
        package: Annotated[
            str,
            Field(
                description="Installed package, e.g. 'httpx', '@mastra/core', 'pydantic.networks'."
            ),
        ],
        project_path: ProjectPath = None,
        filter: Annotated[
            str | None, Field(description="Only names containing this, any case.")
        ] = None,
        max_tokens: MaxTokens = DEFAULT_MAX_TOKENS,
        offset: Offset = 0,
    ) -> Annotated[CallToolResult, ExportsOut]:
        """List the public names an installed package exports in the version the project
        has: classes, functions, types, submodules, with where each is defined.

        Works for npm packages (.d.ts) and Python packages (read statically, never
        imported). Example: package='pydantic', filter='Model'. Then get_export for one.
        """
        from docshelf.packages.api import list_exports as exports
        from docshelf.packages.api_answers import exports_answer

        found = exports(access.open(project_path), package, filter, cache_dir=cache_dir)
        answer = exports_answer(found, filter, offset=offset, max_tokens=max_tokens)
        shown = found.exports[answer.part.start : answer.part.end]
        out = ExportsOut(
            package=_package_out(found.package),
            exports=[_export_out(e) for e in shown],
            problems=list(found.problems),
            part=_part_out(answer),
        )
        return tool_result(answer.text, out)

    @tool(server, annotations=READ_ONLY)
    def get_export(
        package: Annotated[str, Field(description="Installed package, e.g. 'httpx' or 'zod'.")],
        name: Annotated[
            str | None,
            Field(
                description="Export, e.g. 'Client', 'Client.send', 'networks.AnyUrl'; "
                "none: the package's README."
            ),
        ] = None,
        project_path: ProjectPath = None,
        include_source: Annotated[bool, Field(description="Add the code that defines it.")] = False,
        max_tokens: MaxTokens = DEFAULT_MAX_TOKENS,
        offset: Offset = 0,
    ) -> Annotated[CallToolResult, ExportDetailOut]:
        """Show one export of an installed package exactly as the project's version has it:
        signature or TypeScript declaration, parsed docs, bases and members, the indexed
        docs pages that mention it, and on request its source.

        Example: package='httpx', name='Client'. A wrong name gets close suggestions.
        """
        from docshelf.packages.api import get_export as detail_of
        from docshelf.packages.api_answers import export_answer

        project = access.open(project_path)
        detail = detail_of(
            project, package, name, include_source=include_source, cache_dir=cache_dir, shelf=shelf
        )
        answer = export_answer(detail, offset=offset, max_tokens=max_tokens)
        out = ExportDetailOut(
            package=_package_out(detail.package),
            name=detail.name,
            kind=detail.kind,
            path=detail.path,
            import_line=detail.import_line,
            signature=detail.signature,
            file=detail.file,
            line=detail.line,
            docs=[
                DocLinkOut(library=d.library, version=d.version, path=d.path, title=d.title)
                for d in detail.docs
            ],
            part=_part_out(answer),
        )
        return tool_result(answer.text, out)


def _package_out(p: PackageRecord) -> PackageOut:
    return PackageOut(
        name=p.name, version=p.version, language=p.language, summary=p.summary, direct=p.direct
    )


def _export_out(e: ExportRecord) -> ExportOut:
    return ExportOut(
        name=e.name, kind=e.kind, module=e.module, file=e.file, line=e.line, summary=e.summary
    )


def _part_out(answer: Answer) -> PartOut:
    part = answer.part
    return PartOut(offset=part.start, next_offset=part.next_offset, total=part.total)
