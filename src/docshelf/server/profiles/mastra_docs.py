"""The `mastraDocs` behaviour over any library: read paths, list directories, suggest pages."""

from __future__ import annotations

from dataclasses import dataclass

from docshelf.errors import DocshelfError
from docshelf.models import ReadResult
from docshelf.reading.read import check_paths, directory_contents
from docshelf.shelf import Shelf

SUGGESTIONS = 10


@dataclass(frozen=True)
class DocsAnswer:
    text: str
    is_error: bool
    results: tuple[ReadResult, ...]
    suggestions: tuple[str, ...]


def browse_docs(
    shelf: Shelf, library: str, paths: list[str], query_keywords: list[str] | None = None
) -> DocsAnswer:
    """Read each path (file, directory index or listing); on a miss list the nearest directory.

    With `query_keywords`, pages ranked by docshelf's search for those words are suggested
    after the answer, one `- path` per line, best first.
    """
    blocks: list[str] = []
    results: list[ReadResult] = []
    failed = False
    for path in check_paths(paths):
        try:
            result = shelf.read([path], library=library)[0]
        except DocshelfError as exc:
            blocks.append(f"## {path}\n\n{exc}")
            failed = True
            continue
        results.append(result)
        failed = failed or result.is_error
        blocks.append(f"## {result.path or '/'}\n\n{result.text}")
    suggestions: tuple[str, ...] = ()
    words = " ".join(k for k in (query_keywords or []) if isinstance(k, str)).strip()
    if words:
        hits = shelf.search(words, library=library, limit=SUGGESTIONS)
        suggestions = tuple(h.path for h in hits)
        if hits:
            lines = [f"- {h.path}: {h.title}" for h in hits]
            blocks.append(
                "## Pages that might be relevant to your keywords (best first)\n\n"
                + "\n".join(lines)
            )
    return DocsAnswer("\n\n---\n\n".join(blocks), failed, tuple(results), suggestions)


def top_level_paths(shelf: Shelf, library: str) -> str:
    """The directories an agent can start from, as the reference embeds in its description."""
    try:
        entries = shelf.list_pages(shelf.resolve_version(library))
    except DocshelfError:
        return "Top-level paths appear here once the library is indexed; try paths=['']."
    top = directory_contents(entries, "")
    reference = directory_contents(entries, "reference")
    lines = ["Top-level directories:", *[f"- {d}" for d, _ in top.subdirs]]
    if reference.subdirs:
        lines += ["Reference subdirectories:", *[f"- {d}" for d, _ in reference.subdirs]]
    return "\n".join(lines)
