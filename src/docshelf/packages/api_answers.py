"""The API answers as text for an agent or a terminal, in parts sized to a token budget.

Shared by the MCP tools (`server/package_tools.py`) and `docshelf api`; no MCP types here.
"""

from __future__ import annotations

from dataclasses import dataclass

from docshelf.packages.api import PackageListing
from docshelf.packages.api_records import ExportDetail, ExportList, ExportRecord, PackageRecord
from docshelf.reading.paging import DEFAULT_MAX_TOKENS, TextPart, page_blocks
from docshelf.versions.answers import part_note
from docshelf.wording import Blank, Call, Param, say

SOURCE_BLOCK_LINES = 40  # source comes in blocks of this many lines, so it pages on


@dataclass(frozen=True)
class Answer:
    """The text of one part of an answer, and which part it is."""

    text: str
    part: TextPart


def packages_answer(
    listing: PackageListing, *, offset: int = 0, max_tokens: int = DEFAULT_MAX_TOKENS
) -> Answer:
    project = listing.project
    where = [f"project {project.root}"]
    if project.python is not None:
        python = f"Python {project.python.python} " if project.python.python else "Python "
        sites = ", ".join(str(p) for p in project.python.site_packages) or "no site-packages"
        where.append(f"{python}{project.python.found_by} ({sites})")
    if project.node_modules:
        where.append("node_modules: " + ", ".join(str(p) for p in project.node_modules))
    blocks = [_package_line(p) for p in listing.packages]
    part = page_blocks(blocks or [""], offset=offset, max_tokens=max_tokens)
    direct = sum(p.direct for p in listing.packages)
    head = f"Installed packages ({len(listing.packages)}) for " + "; ".join(where) + "."
    if direct:
        head += f" The project's own dependencies ({direct}) come first, marked *."
    text = head + "\n\n" + (part.text if blocks else "(none)") + part_note(part, "packages")
    text += "".join(f"\nNote: {note}" for note in listing.notes)
    if blocks:
        package = Blank("package")
        text += "\n\n" + say(
            "A package's exports: ",
            Call("exports", package=package),
            "; one in full: ",
            Call("export", package=package, name=Blank("name")),
            "; its README: ",
            Call("export", package=package, readme=True),
            ".",
        )
    return Answer(text, part)


def exports_answer(
    listing: ExportList,
    filter: str | None = None,
    *,
    offset: int = 0,
    max_tokens: int = DEFAULT_MAX_TOKENS,
) -> Answer:
    pkg = listing.package
    scope = f" module {listing.module}" if listing.module else ""
    title = f"Exports of {pkg.name} {pkg.version}{scope} ({_language(pkg)})"
    if filter:
        title += f" matching {filter!r}"
    several = len({e.module for e in listing.exports}) > 1
    blocks = [_export_line(e, pkg, several) for e in listing.exports]
    part = page_blocks(blocks or [""], offset=offset, max_tokens=max_tokens)
    if blocks:
        text = f"{title}, {len(blocks)}:\n\n{part.text}{part_note(part, 'exports')}"
    elif filter:
        text = f"{title}: none. Try a shorter filter, or none."
    else:
        text = f"{title}: none found."
    if listing.problems:
        text += "\n\nCould not read: " + "; ".join(listing.problems)
    if blocks:
        example = next(  # a name worth showing: not `__version__` nor a submodule
            (e.name for e in listing.exports if not e.name.startswith("_") and e.kind != "module"),
            listing.exports[0].name,
        )
        text += "\n\n" + say(
            "One in full (signature, docs, members): ",
            Call("export", package=pkg.name, name=example),
            "; ",
            Param("include_source", True),
            " adds its code.",
        )
    return Answer(text, part)


def export_answer(
    detail: ExportDetail, *, offset: int = 0, max_tokens: int = DEFAULT_MAX_TOKENS
) -> Answer:
    blocks = export_blocks(detail)
    part = page_blocks(blocks, offset=offset, max_tokens=max_tokens, joiner="\n\n")
    return Answer(part.text + part_note(part, "blocks"), part)


def export_blocks(detail: ExportDetail) -> list[str]:
    """The answer in blocks: heading and declaration, documentation sections, docs pages
    that mention it, members (one a block), source (in runs of lines), notes."""
    pkg = detail.package
    head = [f"# {detail.name} ({detail.kind}) in {pkg.name} {pkg.version}"]
    if detail.import_line:
        head.append(f"\n{detail.import_line}")
    if detail.file:
        where = f"{detail.file}:{detail.line}" if detail.line else detail.file
        head.append(f"Defined in {where}" + (f" ({detail.path})" if detail.path != where else ""))
    if detail.bases:
        head.append("Bases: " + ", ".join(detail.bases))
    if detail.signature:
        head.append(f"\n```{detail.signature_language}\n{detail.signature}\n```")
    blocks = ["\n".join(head)]
    for section in detail.docstring:
        body = "\n".join(section.lines).strip("\n")
        blocks.append(f"## {section.title}\n\n{body}" if section.title else body)
    if detail.docs:
        lines = [
            f"## Docs pages that mention {detail.name} ({detail.docs[0].library}@"
            f"{detail.docs[0].version})"
        ]
        for link in detail.docs:
            heading = f" > {link.heading}" if link.heading else ""
            lines.append(f"- {link.path}: {link.title}{heading}")
        library = f"{detail.docs[0].library}@{detail.docs[0].version}"
        lines.append(say("Read one: ", Call("read", paths=[Blank("path")], library=library), "."))
        blocks.append("\n".join(lines))
    if detail.members:
        label = "Modules" if detail.kind == "package" else "Members"
        blocks.append(f"## {label} ({len(detail.members)})")
        for member in detail.members:
            summary = f": {member.summary}" if member.summary else ""
            blocks.append(f"- {member.signature} [{member.kind}]{summary}")
    if detail.source:
        lines = detail.source.splitlines()
        start = detail.source_line or 1
        blocks.append(f"## Source ({detail.source_file}:{start})")
        language = "python" if detail.signature_language == "python" else "javascript"
        for at in range(0, len(lines), SOURCE_BLOCK_LINES):
            chunk = "\n".join(lines[at : at + SOURCE_BLOCK_LINES])
            blocks.append(f"```{language}\n{chunk}\n```")
    blocks += [f"Note: {note}" for note in detail.notes]
    return blocks


def _package_line(pkg: PackageRecord) -> str:
    mark = "* " if pkg.direct else ""
    summary = f": {pkg.summary}" if pkg.summary else ""
    if len(summary) > 120:
        summary = summary[:119].rstrip() + "…"
    return f"- {mark}{pkg.name} {pkg.version} ({_language(pkg)}){summary}"


def _export_line(export: ExportRecord, pkg: PackageRecord, several: bool) -> str:
    where = ""
    if export.module != pkg.name and (several or pkg.language == "javascript"):
        where = (
            f" from '{export.module}'" if pkg.language == "javascript" else f" in {export.module}"
        )
    location = f" {export.file}:{export.line}" if export.file and export.line else ""
    summary = f": {export.summary}" if export.summary else ""
    return f"- {export.name} ({export.kind}){where}{location}{summary}"


def _language(pkg: PackageRecord) -> str:
    return "npm" if pkg.language == "javascript" else "Python"
