"""MCP tools for versions: list them, diff their docs, read changelogs and release news."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from docshelf.constants import PAGE_STATUSES
from docshelf.reading.paging import DEFAULT_MAX_TOKENS, TextPart
from docshelf.server.tooling import MAY_INDEX, READ_REGISTRY, ServerState, tool, tool_result

if TYPE_CHECKING:
    from docshelf.versions.answers import VersionListing
    from docshelf.versions.docs_diff import PageChange
    from docshelf.versions.news import Release

# The answers (and the cores under them) are imported when a tool is first called, so the
# server starts without loading the npm client and the diff machinery.

MaxTokens = Annotated[
    int, Field(description="Cap the answer to about this many tokens; page on with offset.")
]
Offset = Annotated[
    int, Field(description="Where to continue: the offset the previous answer named; 0 first.")
]


class PartOut(BaseModel):
    offset: int
    next_offset: int | None = Field(description="Pass as offset for the next part; null at end.")
    total: int


class VersionsOut(BaseModel):
    library: str
    indexed: list[str]
    npm_package: str | None
    registry: list[str] = Field(description="Newest versions on npm (when registry=true).")
    dist_tags: dict[str, str]


class ListVersionsOut(BaseModel):
    libraries: list[VersionsOut]


class PageChangeOut(BaseModel):
    path: str
    status: str
    old_path: str | None
    added_lines: int
    removed_lines: int
    similarity: float | None
    sections: list[str] = Field(description="'+ added', '- removed', '~ changed' heading paths")


class DiffOut(BaseModel):
    library: str
    from_version: str
    to_version: str
    counts: dict[str, int] = Field(default_factory=dict)
    unchanged: int = 0
    changes: list[PageChangeOut] = Field(
        default_factory=list, description="The changes in this part only."
    )
    path: str | None = None
    unified_diff: str | None = Field(default=None, description="This part of the page's diff.")
    part: PartOut


class EntryOut(BaseModel):
    version: str | None
    date: str | None
    body: str


class ChangelogOut(BaseModel):
    package: str
    read_from: str
    from_version: str | None
    to_version: str | None
    entries: list[EntryOut] = Field(description="The entries in this part only.")
    part: PartOut


class ReleaseOut(BaseModel):
    package: str
    version: str
    published: str | None
    dist_tags: list[str]
    has_changelog: bool


class NewsOut(BaseModel):
    releases: list[ReleaseOut]
    part: PartOut


def register_changes_tools(server: MCPServer, state: ServerState) -> None:
    """list_versions, diff_docs, get_changelog and whats_new, over the state's shelf."""
    shelf = state.shelf

    @tool(server, state, annotations=READ_REGISTRY)
    def list_versions(
        library: Annotated[
            str | None, Field(description="Library name; default: every library.")
        ] = None,
        registry: Annotated[
            bool, Field(description="Also list the newest versions published on npm.")
        ] = False,
    ) -> Annotated[CallToolResult, ListVersionsOut]:
        """List the indexed versions of a library, newest first (semver order).

        Every docs tool takes `library` as NAME (newest version) or NAME@VERSION. With
        registry=true, also lists versions published on npm, which diff_docs can fetch.
        """
        from docshelf.versions import answers

        listings = answers.list_versions(shelf, library, registry)
        out = ListVersionsOut(libraries=[_versions_out(v) for v in listings])
        return tool_result(answers.versions_text(listings, registry), out)

    @tool(server, state, annotations=MAY_INDEX)
    def diff_docs(
        library: Annotated[str, Field(description="Library name, e.g. 'mastra'.")],
        from_version: Annotated[
            str | None, Field(description="Older version; default: the one before to_version.")
        ] = None,
        to_version: Annotated[
            str | None, Field(description="Newer version; default: the newest indexed.")
        ] = None,
        path: Annotated[
            str | None, Field(description="One page: return its unified diff instead.")
        ] = None,
        path_prefix: Annotated[
            str | None, Field(description="Only pages under this path, e.g. 'reference/'.")
        ] = None,
        status: Annotated[
            list[str] | None,
            Field(description="Only these kinds: added, removed, renamed, modified."),
        ] = None,
        max_tokens: MaxTokens = DEFAULT_MAX_TOKENS,
        offset: Offset = 0,
    ) -> Annotated[CallToolResult, DiffOut]:
        """What changed in a library's docs between two versions, to plan an upgrade.

        Lists pages added (A), removed (D), renamed (R) and modified (M) with +/- line
        counts, and under each the sections (heading paths) added (+), removed (-) or
        changed (~). Then pass path= for one page's unified diff. A version that is not
        indexed is fetched from npm first. E.g. library="mastra", from_version="1.1.45",
        to_version="1.2.27", path_prefix="reference/".
        """
        from docshelf.versions import answers

        if path:
            page, part, text = answers.page_diff(
                shelf,
                library,
                path,
                from_version,
                to_version,
                max_tokens=max_tokens,
                offset=offset,
            )
            out = DiffOut(
                library=page.old.name,
                from_version=page.old.version,
                to_version=page.new.version,
                path=page.path,
                unified_diff=part.text,
                part=_part_out(part),
            )
            return tool_result(text, out)
        found = answers.diff_summary(
            shelf,
            library,
            from_version,
            to_version,
            path_prefix=path_prefix or "",
            statuses=tuple(status or ()),
            max_tokens=max_tokens,
            offset=offset,
        )
        diff = found.result.diff
        out = DiffOut(
            library=found.result.library,
            from_version=found.result.old.version,
            to_version=found.result.new.version,
            counts={s: len(diff.with_status(s)) for s in PAGE_STATUSES},
            unchanged=diff.unchanged,
            changes=[_change_out(c) for c in found.selected[found.part.start : found.part.end]],
            part=_part_out(found.part),
        )
        return tool_result(found.text, out)

    @tool(server, annotations=READ_REGISTRY)
    def get_changelog(
        package: Annotated[str, Field(description="npm package, e.g. '@mastra/core'.")],
        version: Annotated[
            str | None, Field(description="One version's notes; default: the latest's.")
        ] = None,
        from_version: Annotated[
            str | None, Field(description="Range start, excluded: the version you have.")
        ] = None,
        to_version: Annotated[
            str | None, Field(description="Range end, included; default: latest.")
        ] = None,
        prereleases: Annotated[
            bool | None,
            Field(description="List prerelease entries a later release repeats (default no)."),
        ] = None,
        max_tokens: MaxTokens = DEFAULT_MAX_TOKENS,
        offset: Offset = 0,
    ) -> Annotated[CallToolResult, ChangelogOut]:
        """Release notes of an npm package from the CHANGELOG.md it ships, newest first.

        For an upgrade, give the range: from_version (the version you have, excluded) and
        to_version (the target, included), e.g. package="@mastra/core",
        from_version="1.25.0", to_version="1.26.0". Or one version, or none for the latest.
        """
        from docshelf.versions import answers

        result, part, text = answers.changelog(
            shelf.cache_dir,
            package,
            version=version,
            from_version=from_version,
            to_version=to_version,
            prereleases=prereleases,
            max_tokens=max_tokens,
            offset=offset,
        )
        shown = result.entries[part.start : part.end]
        out = ChangelogOut(
            package=result.package,
            read_from=result.read_from,
            from_version=result.from_version,
            to_version=result.to_version,
            entries=[EntryOut(version=e.version, date=e.date, body=e.body) for e in shown],
            part=_part_out(part),
        )
        return tool_result(text, out)

    @tool(server, annotations=READ_REGISTRY)
    def whats_new(
        packages: Annotated[
            list[str],
            Field(description="npm packages, or a scope pattern such as '@mastra/*'."),
        ],
        since: Annotated[
            str | None, Field(description="How far back: '14d', '2w', '36h' or '2026-09-01'.")
        ] = None,
        limit: Annotated[int, Field(description="Most releases per package.")] = 10,
        include_prereleases: Annotated[
            bool, Field(description="Also list prereleases (canary, beta, rc).")
        ] = False,
        max_tokens: MaxTokens = DEFAULT_MAX_TOKENS,
        offset: Offset = 0,
    ) -> Annotated[CallToolResult, NewsOut]:
        """Recent releases of npm packages, newest first: dates, dist-tags, changelog notes.

        A scope pattern ('@mastra/*') means the scope's packages the registry lists (else
        those indexed here; the answer says which). E.g. packages=["@mastra/core"],
        since="14d". Read a release's full notes with get_changelog.
        """
        from docshelf.versions import answers

        part, shown, text = answers.release_news(
            shelf,
            packages,
            since,
            limit,
            prereleases=include_prereleases,
            max_tokens=max_tokens,
            offset=offset,
        )
        releases = [_release_out(package, release) for package, release in shown]
        return tool_result(text, NewsOut(releases=releases, part=_part_out(part)))


def _part_out(part: TextPart) -> PartOut:
    return PartOut(offset=part.start, next_offset=part.next_offset, total=part.total)


def _versions_out(listing: VersionListing) -> VersionsOut:
    return VersionsOut(
        library=listing.library,
        indexed=list(listing.indexed),
        npm_package=listing.npm_package,
        registry=list(listing.published),
        dist_tags=dict(listing.dist_tags),
    )


def _change_out(change: PageChange) -> PageChangeOut:
    from docshelf.versions.compare import section_line

    return PageChangeOut(
        path=change.path,
        status=change.status,
        old_path=change.old_path,
        added_lines=change.added_lines,
        removed_lines=change.removed_lines,
        similarity=change.similarity,
        sections=[section_line(s).strip() for s in change.sections],
    )


def _release_out(package: str, release: Release) -> ReleaseOut:
    return ReleaseOut(
        package=package,
        version=release.version,
        published=release.published.isoformat() if release.published else None,
        dist_tags=list(release.tags),
        has_changelog=release.entry is not None,
    )
