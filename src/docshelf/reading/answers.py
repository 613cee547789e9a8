"""Answers as text for an agent or a person: search hits, pages read, the libraries indexed.

Shared by both adapters: the MCP tools return this text beside their structured content,
and the CLI prints it.
"""

from __future__ import annotations

from docshelf.models import Hit, Library, ReadResult
from docshelf.wording import Blank, Call, say


def format_hits(query: str, hits: list[Hit]) -> str:
    if not hits:
        return say(
            f"No pages match {query!r}. Try other words (API names work too) or a shorter "
            "query, and check the library name with ",
            Call("list"),
            ".",
        )
    lines = [f"Top {len(hits)} pages for {query!r}:"]
    for i, hit in enumerate(hits, 1):
        where = f" — {hit.heading}" if hit.heading and hit.heading != hit.title else ""
        lines.append(f"\n{i}. {hit.path} ({hit.library}@{hit.version}): {hit.title}{where}")
        if hit.snippet:
            lines.append(f"   {hit.snippet}")
    libraries = {hit.library for hit in hits}
    library = libraries.pop() if len(libraries) == 1 else Blank("library")
    lines.append(
        say("\nRead a page with ", Call("read", paths=[Blank("path")], library=library), ".")
    )
    return "\n".join(lines)


def format_reads(results: list[ReadResult]) -> str:
    blocks = [f"## {r.path or '/'}\n\n{r.text}" for r in results]
    return "\n\n---\n\n".join(blocks)


def format_libraries(libraries: list[Library], status: str = "") -> str:
    """The indexed libraries, newest version first; `status` when nothing is indexed yet."""
    if not libraries:
        return status or "No libraries indexed. Add one with `docshelf add SOURCE --name NAME`."
    lines = ["Indexed libraries (newest version first):"]
    for lib in libraries:
        versions = ", ".join(v.version for v in lib.versions)
        latest = lib.latest
        origin = f"; {latest.origin}" if latest.origin else ""
        lines.append(f"- {lib.name}: {versions} ({latest.pages} pages, {latest.source}{origin})")
    return "\n".join(lines)
