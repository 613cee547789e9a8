"""Answers as text for an agent or a person: search hits, pages read, the libraries indexed.

Shared by both adapters: the MCP tools return this text beside their structured content,
and the CLI prints it.
"""

from __future__ import annotations

from collections.abc import Sequence

from docshelf.models import Answer, Excerpt, Hit, Library, ReadResult


def format_hits(query: str, hits: Sequence[Hit], note: str = "") -> str:
    """Ranked hits; `note` (why full text alone ranked them) right under the header."""
    if not hits:
        missed = (
            f"No pages match {query!r}. Try other words (API names work too), a shorter "
            "query, or list_libraries to check the library name."
        )
        return f"{missed}\n({note})" if note else missed
    lines = [f"Top {len(hits)} pages for {query!r}:"]
    if note:
        lines.append(f"({note})")
    for i, hit in enumerate(hits, 1):
        where = f" — {hit.heading}" if hit.heading and hit.heading != hit.title else ""
        lines.append(f"\n{i}. {hit.path} ({hit.library}@{hit.version}): {hit.title}{where}")
        if hit.snippet:
            lines.append(f"   {hit.snippet}")
    lines.append("\nRead a page with read_docs(paths=[<path>]).")
    return "\n".join(lines)


def format_reads(results: list[ReadResult]) -> str:
    blocks = [f"## {r.path or '/'}\n\n{r.text}" for r in results]
    return "\n\n---\n\n".join(blocks)


def format_libraries(libraries: list[Library], status: str = "", search: str = "") -> str:
    """The indexed libraries, newest version first; `status` when nothing is indexed yet;
    `search` says how they are searched (hybrid, or full text only and why)."""
    if not libraries:
        return status or "No libraries indexed. Add one with `docshelf add SOURCE --name NAME`."
    lines = ["Indexed libraries (newest version first):"]
    for lib in libraries:
        versions = ", ".join(v.version for v in lib.versions)
        lines.append(f"- {lib.name}: {versions} ({lib.latest.pages} pages, {lib.latest.source})")
    if search:
        lines.append(search)
    return "\n".join(lines)


def format_answer(answer: Answer, more: str = "") -> str:
    """Excerpts under a line naming where each is from; `more` says how to ask for the
    next ones (the adapter's words: a tool call or a command)."""
    if not answer.excerpts:
        missed = (
            f"No docs match {answer.query!r}. Try other words (API names work too), or "
            "list_libraries to check the library name."
        )
        return f"{missed}\n({answer.note})" if answer.note else missed
    count = len(answer.excerpts)
    header = (
        f"{count} excerpt{'' if count == 1 else 's'} for {answer.query!r}, about "
        f"{answer.tokens:,} tokens, best first:"
    )
    lines = [header] + ([f"({answer.note})"] if answer.note else [])
    for excerpt in answer.excerpts:
        lines.append(f"\n{excerpt_header(excerpt)}\n")
        lines.append(excerpt.text)
        if excerpt.truncated:
            lines.append(
                f"[cut to fit: read_docs(paths=[{excerpt.path!r}], library="
                f"{excerpt.library + '@' + excerpt.version!r}) has the whole page]"
            )
    if answer.cursor and more:
        lines.append(f"\n{more}")
    return "\n".join(lines)


def excerpt_header(excerpt: Excerpt) -> str:
    """The line that names where an excerpt is from (counted in its token cost)."""
    where = f" — {excerpt.heading}" if excerpt.heading else ""
    return f"## {excerpt.path}{where} ({excerpt.library}@{excerpt.version})"
