"""A library's migration guides: find their folder, list, outline and look them up by path.

The browser that answers an agent with them is migration_browser.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from docshelf.guides.errors import (
    MigrationGuideNotFoundError,
    MigrationGuidesNotFoundError,
)
from docshelf.reading.read import directory_contents, normalize_path
from docshelf.shelf import Shelf
from docshelf.store.catalog import VersionRef

_ROOT_WORD = re.compile(r"migrat|upgrad", re.IGNORECASE)
_ATX_TEXT = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
# Only the npx form: guides repeat each command for pnpm/yarn/bun.
_CODEMOD = re.compile(r"\bnpx[ \t]+\S*codemod\S*[ \t]+[^\s`]+(?:[ \t]+[^\s`]+)?")


@dataclass(frozen=True)
class MigrationGuide:
    """One migration guide page."""

    path: str  # relative to the guides folder, e.g. "upgrade-to-v1/agent"
    doc_path: str  # in the library, e.g. "guides/migrations/upgrade-to-v1/agent"
    title: str

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class GuideSection:
    """A heading of a guide and the text under it (up to the next H1-H3 heading)."""

    title: str  # as written, inline code kept: "`getAgents` to `listAgents`"
    heading: str  # plain text: "getAgents to listAgents"
    level: int  # 1-3
    parent: str  # title of the ## above a ###; "" otherwise
    text: str  # markdown, heading line included, subsections not included
    codemods: tuple[str, ...]  # codemod commands in the section, e.g. "npx pkg v1/x ."


@dataclass(frozen=True)
class GuideOutline:
    """A guide with its ## and ### sections."""

    guide: MigrationGuide
    sections: tuple[GuideSection, ...]


@dataclass(frozen=True)
class MigrationGuides:
    """Every migration guide of one library version, outlined."""

    library: str  # "mastra@1.1.45"
    root: str  # the guides folder, e.g. "guides/migrations"
    outlines: tuple[GuideOutline, ...]


@dataclass(frozen=True)
class GuideSet:
    """A library version's migration guides, loaded: where they are and what they are."""

    shelf: Shelf
    ref: VersionRef
    root: str
    guides: tuple[MigrationGuide, ...]

    @property
    def label(self) -> str:
        return self.ref.record.ref


def find_migrations_root(shelf: Shelf, library: str | None = None) -> str | None:
    """The folder holding the library's migration guides, or None when it has none.

    The outermost folder whose name contains 'migration' or 'upgrade'; when several
    unrelated folders qualify, the one with the most pages wins. Mastra 1.1.x keeps its
    guides in `guides/migrations`, 1.2.x in `reference/migrations`.
    """
    ref = shelf.resolve_version(library)
    return _find_root([path for path, _ in _pages(shelf, ref)])


def list_migration_guides(shelf: Shelf, library: str | None = None) -> list[MigrationGuide]:
    """Every migration guide, sorted by path; raises when the library has none."""
    return list(load_guides(shelf, library).guides)


def list_guide_sections(shelf: Shelf, path: str, library: str | None = None) -> list[GuideSection]:
    """The ## and ### sections of one guide (path relative to the guides folder)."""
    ctx = load_guides(shelf, library)
    guide = get_guide(ctx, relative_path(ctx, normalize_path(path)))
    return [s for s in guide_sections(ctx, guide) if s.level >= 2]


def outline_migration_guides(shelf: Shelf, library: str | None = None) -> MigrationGuides:
    """Every guide with its ## and ### sections, for building prompts and checklists."""
    ctx = load_guides(shelf, library)
    outlines = tuple(
        GuideOutline(g, tuple(s for s in guide_sections(ctx, g) if s.level >= 2))
        for g in ctx.guides
    )
    return MigrationGuides(ctx.label, ctx.root, outlines)


def codemod_name(command: str) -> str:
    """`npx @mastra/codemod@latest v1/agent-voice .` -> `v1/agent-voice`."""
    words = command.split()
    return words[2] if len(words) > 2 else command


# -- loading -----------------------------------------------------------------------------


def load_guides(shelf: Shelf, library: str | None) -> GuideSet:
    ref = shelf.resolve_version(library)
    pages = _pages(shelf, ref)
    root = _find_root([path for path, _ in pages])
    if root is None:
        raise MigrationGuidesNotFoundError(ref.record.ref)
    prefix = root + "/"
    guides = tuple(
        MigrationGuide(path[len(prefix) :], path, title)
        for path, title in pages
        if path.startswith(prefix)
    )
    return GuideSet(shelf, ref, root, guides)


def _pages(shelf: Shelf, ref: VersionRef) -> list[tuple[str, str]]:
    return [(page.path, page.title) for page in shelf.list_pages(ref)]


def _find_root(paths: list[str]) -> str | None:
    counts: dict[str, int] = {}
    for path in paths:
        folders = path.split("/")[:-1]
        for i, folder in enumerate(folders):
            if _ROOT_WORD.search(folder):
                root = "/".join(folders[: i + 1])
                counts[root] = counts.get(root, 0) + 1
                break
    if not counts:
        return None
    return min(counts, key=lambda r: (-counts[r], r.count("/"), r))


def guide_sections(ctx: GuideSet, guide: MigrationGuide) -> list[GuideSection]:
    page = ctx.shelf.find_page(ctx.ref, guide.doc_path)
    found: list[GuideSection] = []
    parent = ""
    for section in page.sections if page is not None else []:
        heading, level, text = section.heading, section.level, section.text
        if level < 1:
            continue
        match = _ATX_TEXT.match(text.split("\n", 1)[0])
        title = match.group(1) if match else heading
        if level <= 2:
            parent = title if level == 2 else ""
        codemods = tuple(dict.fromkeys(m.group(0).strip() for m in _CODEMOD.finditer(text)))
        found.append(
            GuideSection(title, heading, level, parent if level == 3 else "", text, codemods)
        )
    return found


# -- paths -------------------------------------------------------------------------------


def relative_path(ctx: GuideSet, path: str) -> str:
    """A path relative to the guides folder, whether given that way or as a docs path."""
    if path == ctx.root:
        return ""
    if path.startswith(ctx.root + "/"):
        return path[len(ctx.root) + 1 :]
    if find_guide(ctx, path) or is_folder(ctx, path):
        return path
    base = ctx.root.rsplit("/", 1)[-1]
    parts = path.split("/")
    if base in parts:  # e.g. reference/migrations/x asked of a version keeping guides/migrations
        return "/".join(parts[parts.index(base) + 1 :])
    return path


def find_guide(ctx: GuideSet, rel: str) -> MigrationGuide | None:
    return next((g for g in ctx.guides if g.path == rel), None)


def is_folder(ctx: GuideSet, rel: str) -> bool:
    return not rel or any(g.path.startswith(rel + "/") for g in ctx.guides)


def get_guide(ctx: GuideSet, rel: str) -> MigrationGuide:
    guide = find_guide(ctx, rel)
    if guide is not None:
        return guide
    parent = rel
    while parent and not is_folder(ctx, parent):
        parent = parent.rsplit("/", 1)[0] if "/" in parent else ""
    raise MigrationGuideNotFoundError(
        ctx.label, rel, _suggest(ctx, rel), guide_listing(ctx, parent, footer=False)
    )


def _suggest(ctx: GuideSet, rel: str) -> list[str]:
    """Guides named like the last part of `rel` (typos), else ranked by its words."""
    by_name: dict[str, list[str]] = {}
    for g in ctx.guides:
        by_name.setdefault(g.name, []).append(g.path)
    name = rel.rsplit("/", 1)[-1]
    close = [p for n in difflib.get_close_matches(name, list(by_name), n=3) for p in by_name[n]]
    if not close:
        words = name.replace("-", " ").replace("_", " ")
        hits = ctx.shelf.search(words, library=ctx.label, path_prefix=ctx.root, limit=5)
        close = [h.path[len(ctx.root) + 1 :] for h in hits]
    return list(dict.fromkeys(close))[:5]


def guide_listing(ctx: GuideSet, directory: str, *, footer: bool = True) -> str:
    """Markdown listing of the folders and guides directly under `directory`."""
    prefix = f"{directory}/" if directory else ""
    listing = directory_contents(ctx.guides, directory)
    lines = [f"# Migration guides in {ctx.root}/{prefix} ({ctx.label})", ""]
    if listing.subdirs:
        lines.append("Folders:")
        lines += [f"- {d} ({n} guides)" for d, n in listing.subdirs]
        lines.append("")
    if listing.pages:
        lines.append("Guides:")
        lines += [f"- {g.path}: {g.title}" for g in listing.pages]
        lines.append("")
    if footer:
        lines += [
            "---",
            'Read a guide with path="<guide>"; list a folder with path="<folder>/". Add '
            'listSections=true for a guide\'s headings, or sections=["<words from a heading>"] '
            'for just those parts. Search every guide with queryKeywords=["<API name>", ...].',
        ]
    return "\n".join(lines).rstrip()
