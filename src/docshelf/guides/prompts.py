"""The migration prompts (`upgrade-to-v1`, `migration-checklist`), built from the indexed guides.

Each prompt function returns a list of `PromptMessage` (role, text) to hand to the MCP
client as the prompt's messages; today it is always one user message. Nothing in them is
hard-coded about a library's changes: areas, section titles and codemods all come from
the migration guides of the library version in the index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from docshelf.guides.migrations import (
    GuideOutline,
    GuideSection,
    MigrationGuides,
    codemod_name,
    outline_migration_guides,
)
from docshelf.shelf import Shelf

MIGRATION_TOOL = "mastraMigration"  # the tool the messages tell the agent to call
OVERVIEW_NAMES = ("overview", "index", "readme")
PER_GROUP_IN_OVERVIEW = 8  # headings shown per group in the no-area overview; all in checklist

UPGRADE_TO_V1_DESCRIPTION = (
    "A guided plan for upgrading a project to v1, built from the library's migration "
    "guides: the areas that changed, their breaking changes and codemods, and how to work "
    "through them."
)
AREA_DESCRIPTION = (
    "Optional area to focus on, e.g. agent, tools, workflows, memory, storage, voice. "
    "Matched against guide names and titles, then by search; leave out for every area."
)
MIGRATION_CHECKLIST_DESCRIPTION = (
    "A checklist of every breaking change in the v1 migration guides, grouped by area, "
    "each item naming the guide section to read and any codemod that automates it."
)


@dataclass(frozen=True)
class PromptMessage:
    """One message of a prompt."""

    role: Literal["user", "assistant"]
    text: str


@dataclass(frozen=True)
class _Set:
    """The guides of the v1 upgrade (or all guides when there is no v1 folder)."""

    guides: MigrationGuides
    folder: str  # relative to the guides folder, "" when the set is every guide
    overview: GuideOutline | None
    areas: tuple[GuideOutline, ...]
    others: tuple[GuideOutline, ...]  # guides outside the upgrade set

    @property
    def lib(self) -> str:
        name = self.guides.library.split("@", 1)[0]
        return name[:1].upper() + name[1:]


def upgrade_to_v1(
    shelf: Shelf, library: str | None = None, area: str | None = None, *, tool: str = MIGRATION_TOOL
) -> list[PromptMessage]:
    """The `upgrade-to-v1` prompt: every area with its changes, or the guide(s) for `area`.

    `area` is matched against guide names and titles (singular or plural), then by a
    search of the guides; when nothing matches, the message says so and lists the areas.
    """
    chosen = _upgrade_set(outline_migration_guides(shelf, library))
    wanted = (area or "").strip()
    if not wanted:
        return [PromptMessage("user", _all_areas(chosen, tool))]
    matches, by_search = _match_area(shelf, chosen, wanted)
    if not matches:
        return [PromptMessage("user", _no_area(chosen, wanted, tool))]
    return [PromptMessage("user", _focused(chosen, wanted, matches, by_search, tool))]


def migration_checklist(
    shelf: Shelf, library: str | None = None, *, tool: str = MIGRATION_TOOL
) -> list[PromptMessage]:
    """The `migration-checklist` prompt: one checkbox per ### heading of each v1 guide."""
    chosen = _upgrade_set(outline_migration_guides(shelf, library))
    where = f"{chosen.guides.root}/{chosen.folder}/" if chosen.folder else chosen.guides.root
    lines = [
        f"Help me migrate my {chosen.lib} project to v1 with this checklist. It was generated "
        f"from the {len(chosen.areas)} migration guides in {where} ({chosen.guides.library}).",
        "",
        "Work through it one area at a time. Each area names its guide; every item is a "
        f'section of that guide: read it with `{tool}` (path="<guide>", '
        'sections=["<item title>"]), check whether my code is affected, change it, then tick '
        'the item or mark it "not affected". Where an item names a codemod, run it before '
        "changing code by hand. Ask me before skipping an area.",
    ]
    if chosen.overview is not None:
        lines += ["", _read_first(chosen.overview, tool)]
    for outline in chosen.areas:
        lines += ["", f'## {outline.guide.title} (path="{outline.guide.path}")']
        lines += _checklist_items(outline)
    if chosen.others:
        lines += ["", "Other migration guides, for older or separate upgrades (not on this list):"]
        lines += [f"- {o.guide.path}: {o.guide.title}" for o in chosen.others]
    return [PromptMessage("user", "\n".join(lines))]


# -- choosing guides --------------------------------------------------------------------


def _upgrade_set(guides: MigrationGuides) -> _Set:
    folders = sorted(
        {o.guide.path.rsplit("/", 1)[0] for o in guides.outlines if "/" in o.guide.path}
    )
    folder = ""
    for pattern in (r"upgrade.*v1\b", r"\bv1\b"):
        found = [f for f in folders if re.search(pattern, f.rsplit("/", 1)[-1], re.IGNORECASE)]
        if found:
            folder = found[0]
            break
    members = [o for o in guides.outlines if not folder or o.guide.path.startswith(folder + "/")]
    others = tuple(o for o in guides.outlines if o not in members)
    overview = next((o for o in members if o.guide.name.lower() in OVERVIEW_NAMES), None)
    areas = tuple(o for o in members if o is not overview)
    return _Set(guides, folder, overview, areas, others)


def _match_area(shelf: Shelf, chosen: _Set, area: str) -> tuple[list[GuideOutline], bool]:
    """Guides for `area`: by name, then title, then a search of the guides' text."""
    want = _key(area)
    named = [o for o in chosen.areas if _key(o.guide.name) in (want, want.rstrip("s"))]
    named = named or [o for o in chosen.areas if _key(o.guide.name).rstrip("s") == want]
    if not named and want:
        named = [
            o
            for o in chosen.areas
            if want in _key(o.guide.name)
            or want in _key(o.guide.title)
            or area.strip().lower() in o.guide.title.lower()
            or (len(_key(o.guide.name)) >= 3 and _key(o.guide.name) in want)
        ]
    if named:
        return named, False
    prefix = chosen.guides.root + (f"/{chosen.folder}" if chosen.folder else "")
    hits = shelf.search(area, library=chosen.guides.library, path_prefix=prefix, limit=5)
    by_path = {o.guide.doc_path: o for o in chosen.areas}
    found = [by_path[h.path] for h in hits if h.path in by_path][:3]
    return found, True


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


# -- writing ----------------------------------------------------------------------------


def _all_areas(chosen: _Set, tool: str) -> str:
    where = f"{chosen.guides.root}/{chosen.folder}/" if chosen.folder else chosen.guides.root
    lines = [
        f"I want to upgrade my {chosen.lib} project to v1. Use the `{tool}` tool to read the "
        f"migration guides ({chosen.guides.library}, {where}).",
        "",
    ]
    steps = []
    if chosen.overview is not None:
        steps.append(_read_first(chosen.overview, tool))
    steps += [
        f"Update the project's {chosen.lib} packages to their latest release and reinstall.",
        "Look through my codebase, work out which of the areas below it uses, and confirm "
        "that list with me.",
        *_overview_codemods(chosen),
        "For each confirmed area: run the codemods its guide names first, then go through the "
        f'remaining sections one by one: read each with `{tool}` (path="<guide>", '
        'sections=["<title>"]), find the affected code and change it.',
        "Finish by building or type-checking and running the tests; tell me what you could "
        "not change safely.",
    ]
    lines += [f"{n}. {step}" for n, step in enumerate(steps, 1)]
    lines += ["", f"Areas ({len(chosen.areas)} guides; headings shown per guide):"]
    for outline in chosen.areas:
        lines += _area_summary(outline)
    if chosen.others:
        lines += ["", "Other migration guides (separate upgrades, read only if relevant):"]
        lines += [f"- {o.guide.path}: {o.guide.title}" for o in chosen.others]
    return "\n".join(lines)


def _focused(
    chosen: _Set, area: str, matches: list[GuideOutline], by_search: bool, tool: str
) -> str:
    lines = [
        f'I want to upgrade the "{area}" part of my {chosen.lib} project to v1. Use the '
        f"`{tool}` tool to read the migration guide for it ({chosen.guides.library}).",
        "",
    ]
    if by_search:
        lines += [
            f'No guide is named after "{area}"; these guides mention it, best match first. '
            "Check which of them apply to my code.",
            "",
        ]
    for outline in matches:
        guide = outline.guide
        lines.append(f'## {guide.title} (path="{guide.path}")')
        lines += _checklist_items(outline)
        lines.append("")
    commands = list(dict.fromkeys(c for o in matches for s in o.sections for c in s.codemods))
    steps = [
        f"Update the project's {chosen.lib} packages to their latest release and reinstall.",
        "Read the guide: `"
        + tool
        + '` with path="'
        + matches[0].guide.path
        + '" (or one section at a time with sections=["<title>"]).',
    ]
    if commands:
        steps.append(
            "Run the codemods the guide names before changing code by hand: "
            + ", ".join(f"`{c}`" for c in commands)
            + "."
        )
    steps += [
        "Then walk me through the remaining sections one by one: find the affected code in "
        "my project and change it, and tell me about anything you cannot change safely.",
        "Finish by building or type-checking and running the tests.",
    ]
    if chosen.overview is not None:
        path = chosen.overview.guide.path
        steps.append(f'For the wider picture, the overview: `{tool}` with path="{path}".')
    lines += [f"{n}. {step}" for n, step in enumerate(steps, 1)]
    return "\n".join(lines)


def _no_area(chosen: _Set, area: str, tool: str) -> str:
    names = ", ".join(f"{o.guide.name} ({o.guide.title})" for o in chosen.areas)
    text = (
        f'I asked for help upgrading the "{area}" part of my {chosen.lib} project to v1, but '
        f'no migration guide in {chosen.guides.library} matches "{area}" by name, title or '
        f"content.\n\nThe areas that have guides: {names}.\n\nTell me that, then look through "
        "my codebase to find which of these areas it uses (or ask me), and follow the guide "
        f"for each with the `{tool}` tool."
    )
    if chosen.overview is not None:
        text += " " + _read_first(chosen.overview, tool)
    return text


def _overview_codemods(chosen: _Set) -> list[str]:
    if chosen.overview is None:
        return []
    commands = list(dict.fromkeys(c for s in chosen.overview.sections for c in s.codemods))
    if not commands:
        return []
    listed = ", ".join(f"`{c}`" for c in commands)
    return [f"Run the codemods the overview names, which automate many changes: {listed}."]


def _read_first(overview: GuideOutline, tool: str) -> str:
    return f'First read the overview: `{tool}` with path="{overview.guide.path}".'


def _area_summary(outline: GuideOutline) -> list[str]:
    guide = outline.guide
    automated = sum(1 for s in outline.sections if s.codemods)
    note = f", {automated} with codemods" if automated else ""
    items = _items(outline)
    lines = [f"- {guide.name}: {guide.title} (path={guide.path}, {len(items)} changes{note})"]
    for group, sections in _groups(items):
        shown = "; ".join(s.title for s in sections[:PER_GROUP_IN_OVERVIEW])
        more = len(sections) - PER_GROUP_IN_OVERVIEW
        shown += f"; and {more} more" if more > 0 else ""
        lines.append(f"  {group + ': ' if group else ''}{shown}")
    return lines


def _checklist_items(outline: GuideOutline) -> list[str]:
    lines: list[str] = []
    for group, sections in _groups(_items(outline)):
        if group:
            lines.append(f"{group}:")
        for section in sections:
            codemods = ", ".join(f"`{codemod_name(c)}`" for c in section.codemods)
            lines.append(f"- [ ] {section.title}" + (f" (codemod {codemods})" if codemods else ""))
    if not lines:
        lines.append(f"- [ ] Read the whole guide ({outline.guide.path}); it has no sections.")
    return lines


def _items(outline: GuideOutline) -> list[GuideSection]:
    """The changes of a guide: its ### sections, or its ## sections when it has no ###."""
    deep = [s for s in outline.sections if s.level == 3]
    return deep or [s for s in outline.sections if s.level == 2]


def _groups(items: list[GuideSection]) -> list[tuple[str, list[GuideSection]]]:
    groups: list[tuple[str, list[GuideSection]]] = []
    for section in items:
        if not groups or groups[-1][0] != section.parent:
            groups.append((section.parent, []))
        groups[-1][1].append(section)
    return groups
