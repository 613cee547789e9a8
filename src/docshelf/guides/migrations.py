"""A library's migration guides: find their folder, list, read, outline and search them."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

from docshelf.errors import (
    GuideSectionNotFoundError,
    MigrationGuideNotFoundError,
    MigrationGuidesNotFoundError,
)
from docshelf.parsing.markdown import clean_heading
from docshelf.reading.read import directory_contents, normalize_path
from docshelf.shelf import Shelf
from docshelf.store.catalog import VersionRef

_ROOT_WORD = re.compile(r"migrat|upgrad", re.IGNORECASE)
_ATX_TEXT = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
# Only the npx form: guides repeat each command for pnpm/yarn/bun.
_CODEMOD = re.compile(r"\bnpx[ \t]+\S*codemod\S*[ \t]+[^\s`]+(?:[ \t]+[^\s`]+)?")
MAX_HITS = 10


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


MigrationKind = Literal["listing", "guide", "sections", "section_list", "search"]


@dataclass(frozen=True)
class MigrationAnswer:
    """What `browse_migrations` shows: markdown for an agent, plus what kind of answer it is."""

    library: str
    version: str
    path: str  # relative to the guides folder; "" for the top
    kind: MigrationKind
    text: str


@dataclass(frozen=True)
class _Context:
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
    return list(_load(shelf, library).guides)


def list_guide_sections(shelf: Shelf, path: str, library: str | None = None) -> list[GuideSection]:
    """The ## and ### sections of one guide (path relative to the guides folder)."""
    ctx = _load(shelf, library)
    guide = _get_guide(ctx, _relative(ctx, normalize_path(path)))
    return [s for s in _sections(ctx, guide) if s.level >= 2]


def outline_migration_guides(shelf: Shelf, library: str | None = None) -> MigrationGuides:
    """Every guide with its ## and ### sections, for building prompts and checklists."""
    ctx = _load(shelf, library)
    outlines = tuple(
        GuideOutline(g, tuple(s for s in _sections(ctx, g) if s.level >= 2)) for g in ctx.guides
    )
    return MigrationGuides(ctx.label, ctx.root, outlines)


def browse_migrations(
    shelf: Shelf,
    library: str | None = None,
    path: str | None = None,
    *,
    sections: list[str] | str | None = None,
    list_sections: bool = False,
    query_keywords: list[str] | str | None = None,
) -> MigrationAnswer:
    """The migration-guide browser (the reference's `mastraMigration`).

    No path lists the guides; a folder path (trailing '/' optional) lists that folder; a
    guide path returns the guide, or its headings with `list_sections`, or only the
    sections whose titles contain one of `sections`. `query_keywords` runs a ranked
    search over the guides (inside `path` when it is a folder). Paths are relative to
    the guides folder; full docs paths and paths from another version's layout work too.
    """
    ctx = _load(shelf, library)
    raw = path.strip() if isinstance(path, str) else ""
    rel = _relative(ctx, normalize_path(raw)) if raw else ""
    keywords = _strings(query_keywords)
    if keywords:
        return _search(ctx, keywords, rel if _is_dir(ctx, rel) else "")
    if _is_dir(ctx, rel) and (raw.endswith("/") or _find_guide(ctx, rel) is None):
        return _answer(ctx, rel, "listing", _listing(ctx, rel))
    guide = _get_guide(ctx, rel)
    parts = _sections(ctx, guide)
    if list_sections:
        return _answer(ctx, rel, "section_list", _section_list(ctx, guide, parts))
    wanted = _strings(sections)
    if wanted:
        return _answer(ctx, rel, "sections", _chosen_sections(ctx, guide, parts, wanted))
    return _answer(ctx, rel, "guide", _guide_text(ctx, guide, parts))


def codemod_name(command: str) -> str:
    """`npx @mastra/codemod@latest v1/agent-voice .` -> `v1/agent-voice`."""
    words = command.split()
    return words[2] if len(words) > 2 else command


# -- loading -----------------------------------------------------------------------------


def _load(shelf: Shelf, library: str | None) -> _Context:
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
    return _Context(shelf, ref, root, guides)


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


def _sections(ctx: _Context, guide: MigrationGuide) -> list[GuideSection]:
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


def _relative(ctx: _Context, path: str) -> str:
    """A path relative to the guides folder, whether given that way or as a docs path."""
    if path == ctx.root:
        return ""
    if path.startswith(ctx.root + "/"):
        return path[len(ctx.root) + 1 :]
    if _find_guide(ctx, path) or _is_dir(ctx, path):
        return path
    base = ctx.root.rsplit("/", 1)[-1]
    parts = path.split("/")
    if base in parts:  # e.g. reference/migrations/x asked of a version keeping guides/migrations
        return "/".join(parts[parts.index(base) + 1 :])
    return path


def _find_guide(ctx: _Context, rel: str) -> MigrationGuide | None:
    return next((g for g in ctx.guides if g.path == rel), None)


def _is_dir(ctx: _Context, rel: str) -> bool:
    return not rel or any(g.path.startswith(rel + "/") for g in ctx.guides)


def _get_guide(ctx: _Context, rel: str) -> MigrationGuide:
    guide = _find_guide(ctx, rel)
    if guide is not None:
        return guide
    parent = rel
    while parent and not _is_dir(ctx, parent):
        parent = parent.rsplit("/", 1)[0] if "/" in parent else ""
    raise MigrationGuideNotFoundError(
        ctx.label, rel, _suggest(ctx, rel), _listing(ctx, parent, footer=False)
    )


def _suggest(ctx: _Context, rel: str) -> list[str]:
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


def _strings(value: list[str] | str | None) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        return []
    return [v.strip() for v in value if isinstance(v, str) and v.strip()]


# -- answers -----------------------------------------------------------------------------


def _answer(ctx: _Context, rel: str, kind: MigrationKind, text: str) -> MigrationAnswer:
    return MigrationAnswer(ctx.ref.record.name, ctx.ref.record.version, rel, kind, text)


def _listing(ctx: _Context, directory: str, *, footer: bool = True) -> str:
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


def _section_list(ctx: _Context, guide: MigrationGuide, parts: list[GuideSection]) -> str:
    lines = [f"# Sections of {guide.path}: {guide.title} ({ctx.label})", ""]
    shown = [s for s in parts if s.level >= 2]
    for s in shown:
        mark = "".join(f" (codemod `{codemod_name(c)}`)" for c in s.codemods)
        lines.append(f"{'#' * s.level} {s.title}{mark}")
    if not shown:
        lines.append("This guide has no ## or ### headings; read it whole with path alone.")
    lines += [
        "",
        "---",
        'Fetch some with sections=["<words from a title>"] (case-insensitive; a ## section '
        "comes with its ### sections).",
    ]
    return "\n".join(lines)


def _chosen_sections(
    ctx: _Context, guide: MigrationGuide, parts: list[GuideSection], wanted: list[str]
) -> str:
    needles = [clean_heading(w.lstrip("#").strip()).lower() for w in wanted]
    needles = [n for n in needles if n]
    blocks: list[str] = []
    covered: set[int] = set()
    for i, section in enumerate(parts):
        if section.level < 2 or i in covered:
            continue
        if not any(n in section.heading.lower() for n in needles):
            continue
        end = i + 1
        while end < len(parts) and parts[end].level > section.level:
            end += 1
        covered.update(range(i, end))
        blocks.append("\n\n".join(s.text for s in parts[i:end]))
    if not blocks:
        headings = [f"{'#' * s.level} {s.title}" for s in parts if s.level >= 2]
        raise GuideSectionNotFoundError(guide.path, wanted, headings)
    asked = ", ".join(repr(w) for w in wanted)
    head = f"# {guide.path}: {len(blocks)} section(s) matching {asked} ({ctx.label})"
    return head + "\n\n" + "\n\n---\n\n".join(blocks)


def _guide_text(ctx: _Context, guide: MigrationGuide, parts: list[GuideSection]) -> str:
    page = ctx.shelf.find_page(ctx.ref, guide.doc_path)
    content = page.content if page is not None else ""
    text = f"# {guide.path} ({ctx.label}, {guide.doc_path})\n\n{content.strip()}"
    commands = list(dict.fromkeys(c for s in parts for c in s.codemods))
    if commands:
        text += "\n\n---\nCodemods this guide names (run them before changing code by hand):\n"
        text += "\n".join(f"- `{c}`" for c in commands)
    return text


def _search(ctx: _Context, keywords: list[str], folder: str) -> MigrationAnswer:
    prefix = f"{ctx.root}/{folder}" if folder else ctx.root
    hits = ctx.shelf.search(
        " ".join(keywords), library=ctx.label, path_prefix=prefix, limit=MAX_HITS
    )
    asked = ", ".join(keywords)
    lines = [f"# Migration guides matching {asked} ({ctx.label})", ""]
    if not hits:
        lines.append(
            f"No migration guide in {prefix}/ mentions {asked}. Try other words (API names "
            "such as a renamed method work best), or call with no arguments to list the guides."
        )
        return _answer(ctx, folder, "search", "\n".join(lines))
    for n, hit in enumerate(hits, 1):
        rel = hit.path[len(ctx.root) + 1 :]
        lines.append(f"{n}. {rel}: {hit.title}")
        trail = hit.heading.split(" > ")
        if len(trail) > 1:
            lines.append(f'   best section: {hit.heading} (sections=["{trail[-1]}"])')
        snippet = " ".join(hit.snippet.split())
        if snippet:
            lines.append(f"   {snippet}")
    lines += [
        "",
        "---",
        'Read a guide with path="<guide>", or only the matching part with path and '
        'sections=["<heading>"].',
    ]
    return _answer(ctx, folder, "search", "\n".join(lines))
