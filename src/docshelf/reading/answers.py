"""Answers as text for an agent or a person: search hits, pages read, the libraries indexed.

Shared by both adapters: the MCP tools return this text beside their structured content,
and the CLI prints it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from docshelf.models import Answer, Excerpt, Hit, Library, ReadResult
from docshelf.wording import Blank, Call, say


def format_hits(query: str, hits: Sequence[Hit], note: str = "") -> str:
    """Ranked hits; `note` (why full text alone ranked them) right under the header."""
    if not hits:
        missed = say(
            f"No pages match {query!r}. Try other words (API names work too) or a shorter "
            "query, and check the library name with ",
            Call("list"),
            ".",
        )
        return f"{missed}\n({note})" if note else missed
    lines = [f"Top {len(hits)} pages for {query!r}:"]
    if note:
        lines.append(f"({note})")
    for i, hit in enumerate(hits, 1):
        where = f" — {hit.heading}" if hit.heading and hit.heading != hit.title else ""
        lines.append(
            f"\n{i}. {hit.path} ({hit.library}@{hit.version}, {hit.kind}): {hit.title}{where}"
        )
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


def format_libraries(
    libraries: list[Library],
    status: str = "",
    search: str = "",
    kinds: Mapping[tuple[str, str], Mapping[str, int]] | None = None,
) -> str:
    """The indexed libraries, newest version first; `status` when nothing is indexed yet;
    `search` says how they are searched (hybrid, or full text only and why); `kinds`, the
    pages per kind of each (library, version), what search's `kind` can keep."""
    if not libraries:
        return status or "No libraries indexed. Add one with `docshelf add SOURCE --name NAME`."
    lines = ["Indexed libraries (newest version first):"]
    for lib in libraries:
        versions = ", ".join(v.version for v in lib.versions)
        latest = lib.latest
        origin = f"; {latest.origin}" if latest.origin else ""
        pages = f"{latest.pages} pages"
        if kinds and kinds.get((lib.name, latest.version)):
            pages += ": " + kind_summary(kinds[(lib.name, latest.version)])
        lines.append(f"- {lib.name}: {versions} ({pages}; {latest.source}{origin})")
    if search:
        lines.append(search)
    return "\n".join(lines)


def kind_summary(kinds: Mapping[str, int]) -> str:
    """`363 reference, 350 guide, 101 course`: pages per kind, most first."""
    return ", ".join(f"{n} {kind}" for kind, n in kinds.items())


def format_answer(answer: Answer, library: str | None = None) -> str:
    """Excerpts under a line naming where each is from, then how to ask for the next ones
    (`library`: the one the question was asked of, if any)."""
    if not answer.excerpts:
        missed = say(
            f"No docs match {answer.query!r}. Try other words (API names work too) or a "
            "shorter query, and check the library name with ",
            Call("list"),
            ".",
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
            label = f"{excerpt.library}@{excerpt.version}"
            whole = Call("read", paths=[excerpt.path], library=label)
            lines.append(say("[cut to fit: ", whole, " has the whole page]"))
    if answer.cursor:
        more = Call("ask", query=answer.query, library=library, cursor=answer.cursor)
        lines.append(say("\nMore: ", more, "."))
    return "\n".join(lines)


def excerpt_header(excerpt: Excerpt) -> str:
    """The line that names where an excerpt is from (counted in its token cost)."""
    where = f" — {excerpt.heading}" if excerpt.heading else ""
    return f"## {excerpt.path}{where} ({excerpt.library}@{excerpt.version})"
