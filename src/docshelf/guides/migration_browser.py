"""The migration-guide browser (the reference's `mastraMigration`): listings, guides, their
sections and a search over them, as markdown for an agent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from docshelf.guides.errors import GuideSectionNotFoundError
from docshelf.guides.migrations import (
    GuideSection,
    GuideSet,
    MigrationGuide,
    codemod_name,
    find_guide,
    get_guide,
    guide_listing,
    guide_sections,
    is_folder,
    load_guides,
    relative_path,
)
from docshelf.parsing.markdown import clean_heading
from docshelf.reading.read import normalize_path
from docshelf.shelf import Shelf

MAX_HITS = 10

MigrationKind = Literal["listing", "guide", "sections", "section_list", "search"]


@dataclass(frozen=True)
class MigrationAnswer:
    """What `browse_migrations` shows: markdown for an agent, plus what kind of answer it is."""

    library: str
    version: str
    path: str  # relative to the guides folder; "" for the top
    kind: MigrationKind
    text: str


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
    ctx = load_guides(shelf, library)
    raw = path.strip() if isinstance(path, str) else ""
    rel = relative_path(ctx, normalize_path(raw)) if raw else ""
    keywords = _strings(query_keywords)
    if keywords:
        return _search(ctx, keywords, rel if is_folder(ctx, rel) else "")
    if is_folder(ctx, rel) and (raw.endswith("/") or find_guide(ctx, rel) is None):
        return _answer(ctx, rel, "listing", guide_listing(ctx, rel))
    guide = get_guide(ctx, rel)
    parts = guide_sections(ctx, guide)
    if list_sections:
        return _answer(ctx, rel, "section_list", _section_list(ctx, guide, parts))
    wanted = _strings(sections)
    if wanted:
        return _answer(ctx, rel, "sections", _chosen_sections(ctx, guide, parts, wanted))
    return _answer(ctx, rel, "guide", _guide_text(ctx, guide, parts))


def _strings(value: list[str] | str | None) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        return []
    return [v.strip() for v in value if isinstance(v, str) and v.strip()]


# -- answers -----------------------------------------------------------------------------


def _answer(ctx: GuideSet, rel: str, kind: MigrationKind, text: str) -> MigrationAnswer:
    return MigrationAnswer(ctx.ref.record.name, ctx.ref.record.version, rel, kind, text)


def _section_list(ctx: GuideSet, guide: MigrationGuide, parts: list[GuideSection]) -> str:
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
    ctx: GuideSet, guide: MigrationGuide, parts: list[GuideSection], wanted: list[str]
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


def _guide_text(ctx: GuideSet, guide: MigrationGuide, parts: list[GuideSection]) -> str:
    page = ctx.shelf.find_page(ctx.ref, guide.doc_path)
    content = page.content if page is not None else ""
    text = f"# {guide.path} ({ctx.label}, {guide.doc_path})\n\n{content.strip()}"
    commands = list(dict.fromkeys(c for s in parts for c in s.codemods))
    if commands:
        text += "\n\n---\nCodemods this guide names (run them before changing code by hand):\n"
        text += "\n".join(f"- `{c}`" for c in commands)
    return text


def _search(ctx: GuideSet, keywords: list[str], folder: str) -> MigrationAnswer:
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
