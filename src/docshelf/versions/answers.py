"""Answers of the version tools as text: sized to a token budget, saying how to get the rest.

Shared by the MCP tools (`version_tools`) and the Mastra profile (`mastra_changes`); no MCP
types here, only the cores' results and the text an agent reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docshelf.errors import LibraryNotFoundError
from docshelf.reading.paging import DEFAULT_MAX_TOKENS, TextPart, page_blocks
from docshelf.semver import sort_versions
from docshelf.shelf import Shelf
from docshelf.store.catalog import split_library_ref
from docshelf.versions import compare, news, npm_changelog
from docshelf.versions.docs_diff import PageChange
from docshelf.wording import Param, say

SECTIONS_PER_PAGE = 12  # section changes listed per page in a diff summary
NEWS_ENTRY_LINES = 20  # changelog lines per release in news; the rest via get_changelog
REGISTRY_VERSIONS = 15  # versions on npm listed by list_versions(registry=True)
_UNSCOPED_MASTRA = {"mastra", "create-mastra"}  # Mastra packages outside the @mastra scope


@dataclass(frozen=True)
class VersionListing:
    """A library's indexed versions and, when asked, the newest ones on npm."""

    library: str
    npm_package: str | None
    indexed: tuple[str, ...]  # newest first
    published: tuple[str, ...] = ()  # newest first
    dist_tags: tuple[tuple[str, str], ...] = ()


def part_note(part: TextPart, unit: str = "items") -> str:
    """Where this part sits in the whole and how to get the next one; "" when it is all."""
    if part.next_offset is None and part.start == 0 and not part.cut:
        return ""
    text = f"\n\n[Shown: {unit} {part.start + 1}-{part.end} of {part.total}."
    if part.cut:
        text += say(
            " The last item was cut to fit; raise ", Param("max_tokens"), " to see it whole."
        )
    if part.next_offset is not None:
        text += say(
            " For the next part, call again with the same arguments and ",
            Param("offset", part.end),
            ".",
        )
    return text + "]"


# ---------------------------------------------------------------- versions


def list_versions(shelf: Shelf, library: str | None, registry: bool) -> list[VersionListing]:
    libraries = shelf.list_libraries()
    if library is not None:
        name = split_library_ref(library)[0]
        chosen = [lib for lib in libraries if lib.name == name]
        if not chosen:
            raise LibraryNotFoundError(name, [lib.name for lib in libraries])
        libraries = chosen
    listings = []
    for lib in libraries:
        package = compare.npm_package_of(lib)
        published: list[str] = []
        tags: dict[str, str] = {}
        if registry and package:
            releases, tags = news.list_releases(package)
            published = sort_versions(r.version for r in releases)[:REGISTRY_VERSIONS]
        indexed = tuple(v.version for v in lib.versions)
        listings.append(
            VersionListing(lib.name, package, indexed, tuple(published), tuple(tags.items()))
        )
    return listings


def versions_text(listings: list[VersionListing], registry: bool) -> str:
    if not listings:
        return "No libraries indexed. Add one with `docshelf add SOURCE --name NAME`."
    lines = ["Indexed versions, newest first (use NAME or NAME@VERSION as library):"]
    for lib in listings:
        source = f" (npm {lib.npm_package})" if lib.npm_package else ""
        lines.append(f"- {lib.library}{source}: {', '.join(lib.indexed)}")
        if registry and lib.npm_package:
            tags = {version: tag for tag, version in lib.dist_tags}
            listed = [
                v + (f" [{tags[v]}]" if v in tags else "") + (" *" if v in lib.indexed else "")
                for v in lib.published
            ]
            lines.append(f"  newest on npm (* indexed): {', '.join(listed)}")
    if registry:
        lines.append("diff_docs fetches a version that is on npm but not indexed.")
    return "\n".join(lines)


# ---------------------------------------------------------------- docs diffs


@dataclass(frozen=True)
class DiffAnswer:
    result: compare.VersionDiff
    selected: tuple[PageChange, ...]  # after the filters
    part: TextPart  # over `selected`
    text: str


def diff_summary(
    shelf: Shelf,
    library: str,
    from_version: str | None,
    to_version: str | None,
    *,
    path_prefix: str = "",
    statuses: tuple[str, ...] = (),
    max_tokens: int = DEFAULT_MAX_TOKENS,
    offset: int = 0,
) -> DiffAnswer:
    result = compare.diff_versions(shelf, library, from_version, to_version)
    diff = result.diff
    selected = compare.filter_changes(diff, path_prefix=path_prefix, statuses=statuses)
    blocks = [compare.change_block(c, max_sections=SECTIONS_PER_PAGE) for c in selected]
    part = page_blocks(blocks, offset=offset, max_tokens=max_tokens)
    text = f"Docs changes {result.old.ref} -> {result.new.ref}: {compare.diff_totals(diff)}."
    if result.fetched:
        text += " Fetched and indexed for this: " + ", ".join(r.ref for r in result.fetched) + "."
    if path_prefix or statuses:
        text += f" {len(selected)} changes match the filter."
    if selected:
        text += (
            "\nA added, D removed, R renamed, M modified (+/- lines); under a page, its "
            "sections: + added, - removed, ~ changed. One page's diff: pass path=<path>."
            f"\n\n{part.text}{part_note(part, 'pages')}"
        )
    return DiffAnswer(result, selected, part, text)


def page_diff(
    shelf: Shelf,
    library: str,
    path: str,
    from_version: str | None,
    to_version: str | None,
    *,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    offset: int = 0,
) -> tuple[compare.PageDiff, TextPart, str]:
    """One page's section changes and the part of its unified diff from line `offset`."""
    page = compare.diff_page(shelf, library, path, from_version, to_version)
    where = f"{page.old.ref} -> {page.new.ref}"
    if page.status is None:
        text = f"Page {page.path} is the same in {where}."
    elif page.status == "renamed":
        text = f"Page {page.path} ({where}): renamed from {page.old_path}."
    else:
        text = f"Page {page.path} ({where}): {page.status}."
    if page.sections:
        text += "\nSections:\n" + "\n".join(compare.section_line(s) for s in page.sections)
    lines = page.unified.splitlines()
    part = page_blocks(lines, offset=offset, max_tokens=max_tokens)
    if lines:
        text += f"\n\n{part.text}{part_note(part, 'lines')}"
    return page, part, text


# ---------------------------------------------------------------- changelogs and news


def changelog(
    cache_dir: Path,
    package: str,
    *,
    version: str | None = None,
    from_version: str | None = None,
    to_version: str | None = None,
    prereleases: bool | None = None,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    offset: int = 0,
) -> tuple[npm_changelog.ChangelogSlice, TextPart, str]:
    """Entries of a version or range (the latest version's when none is named), as a part."""
    if version is None and from_version is None and to_version is None:
        has_version = npm_changelog.package_name(package)[1] is not None
        version = None if has_version else "latest"
    result = npm_changelog.get_changelog(
        package,
        cache_dir,
        version=version,
        from_version=from_version,
        to_version=to_version,
        prereleases=prereleases,
    )
    blocks = [npm_changelog.entry_block(e) for e in result.entries]
    part = page_blocks(blocks, offset=offset, max_tokens=max_tokens, joiner="\n\n")
    text = npm_changelog.changelog_header(result)
    if result.entries:
        text += f"\n\n{part.text}{part_note(part, 'entries')}"
    return result, part, text


def mastra_changes(
    shelf: Shelf,
    package: str | None,
    version: str | None = None,
    from_version: str | None = None,
    to_version: str | None = None,
    *,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    offset: int = 0,
) -> str:
    """Changelog text of a Mastra package; `core` and `@mastra/core` name the same package.

    Without a package, says how to ask (the reference tool lists packages then). Raises
    DocshelfError, which the adapter turns into a tool error.
    """
    if not package or not package.strip():
        added = sorted({p for lib in shelf.list_libraries() if (p := compare.npm_package_of(lib))})
        return (
            "Name a package to read the changelog it ships on npm, e.g. package='@mastra/core' "
            "(or 'core'), '@mastra/memory', 'mastra' (the CLI). Add version='1.26.0' for one "
            "release, or from_version (the version you have) and to_version for an upgrade. "
            f"npm packages whose docs are indexed here: {', '.join(added) or 'none'}."
        )
    name = package.strip().removeprefix("npm:")
    if name and not name.startswith("@") and name.split("@")[0] not in _UNSCOPED_MASTRA:
        name = f"@mastra/{name}"
    return changelog(
        shelf.cache_dir,
        name,
        version=version,
        from_version=from_version,
        to_version=to_version,
        max_tokens=max_tokens,
        offset=offset,
    )[2]


def release_news(
    shelf: Shelf,
    targets: list[str],
    since: str | None,
    limit: int,
    *,
    prereleases: bool = False,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    offset: int = 0,
) -> tuple[TextPart, list[tuple[str, news.Release]], str]:
    """News for packages or scope patterns as one part; (package, release) for those shown."""
    items = news.gather_news(
        targets,
        shelf.list_libraries(),
        shelf.cache_dir,
        since=since,
        limit=limit,
        prereleases=prereleases,
    )
    blocks: list[str] = []
    owners: list[tuple[str, news.Release] | None] = []
    via = ""
    for item in items:
        if item.via and item.via != via:
            blocks.append(item.via)
            owners.append(None)
        via = item.via
        blocks.append(news.news_header(item))
        owners.append(None)
        for release in item.releases:
            blocks.append(news.release_block(item.package, release, NEWS_ENTRY_LINES))
            owners.append((item.package, release))
    part = page_blocks(blocks, offset=offset, max_tokens=max_tokens, joiner="\n\n")
    shown = [owner for owner in owners[part.start : part.end] if owner is not None]
    return part, shown, part.text + part_note(part)
