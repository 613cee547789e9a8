"""Reading docs by path: pages, directory indexes and listings, sections, and token caps."""

from __future__ import annotations

import posixpath
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Generic, Protocol, TypeVar
from urllib.parse import unquote

from docshelf.constants import MAX_PATH_CHARS
from docshelf.errors import InvalidPathError, UsageError
from docshelf.models import Hit, ReadResult, Section
from docshelf.reading.paging import cut_text
from docshelf.store.catalog import VersionRef
from docshelf.store.pages import PageEntry, find_page, list_pages

_SUFFIX = re.compile(r"\.(md|mdx|markdown)$", re.IGNORECASE)
MAX_READ_PATHS = 20  # per call: a read of thousands of paths is a load, not a question
_OMITTED_NAMED = 20


def check_paths(paths: list[str] | str) -> list[str]:
    """The paths of one read: at least one, at most MAX_READ_PATHS."""
    paths = [paths] if isinstance(paths, str) else list(paths)
    if not paths:
        raise UsageError("Give at least one path, e.g. paths=['reference/agents/agent'] or [''].")
    if len(paths) > MAX_READ_PATHS:
        raise UsageError(
            f"Read at most {MAX_READ_PATHS} paths per call, not {len(paths)}: ask for the first "
            f"{MAX_READ_PATHS}, then the rest in further calls (or search the docs to find the "
            "pages that matter)."
        )
    return paths


def normalize_path(raw: str) -> str:
    """A docs path as stored: '/'-separated, no leading '/', no '.md'. Escapes are refused."""
    if not isinstance(raw, str):
        raise InvalidPathError(repr(raw), "a path must be a string")
    path = unicodedata.normalize("NFC", raw).strip()
    if len(path) > MAX_PATH_CHARS:
        raise InvalidPathError(path[:60] + "…", f"longer than {MAX_PATH_CHARS} characters")
    if any(ord(c) < 32 for c in path):
        raise InvalidPathError(path, "it contains control characters")
    decoded = unquote(path).replace("\\", "/")
    parts = [p for p in decoded.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts) or ".." in unicodedata.normalize("NFKC", decoded).split("/"):
        raise InvalidPathError(raw, "'..' would leave the docs root")
    if re.match(r"^[A-Za-z]:", decoded) or decoded.startswith("~"):
        raise InvalidPathError(raw, "absolute paths are not docs paths")
    path = "/".join(parts)
    return _SUFFIX.sub("", path)


def read_path(
    conn: sqlite3.Connection,
    ref: VersionRef,
    raw_path: str,
    *,
    section: str | None = None,
    max_tokens: int | None = None,
    offset: int = 0,
    suggest: Callable[[str], list[Hit]] | None = None,
) -> ReadResult:
    """Read one path of a library version with the reference server's semantics.

    A page returns its markdown; a directory its index page (plus a listing of what is
    under it) or else a listing; a missing path the nearest existing parent's listing
    and search suggestions, flagged as an error. With `max_tokens` (or an `offset`) the
    text is cut into parts: from character `offset`, about `max_tokens` long, ending at a
    section or line break, with a note naming the sections left out and the next offset.
    """
    path = normalize_path(raw_path)
    lib, version = ref.record.name, ref.record.version
    page = find_page(conn, ref.id, path) if path else None
    if page is None:
        # Only a directory or a miss needs the list of every page of the version.
        entries = list_pages(conn, ref.id)
        if not _is_dir(entries, path):
            missing = _missing(entries, lib, version, path, suggest)
            return _fit(missing, (), max_tokens, offset)
        index = find_page(conn, ref.id, f"{path}/index" if path else "index")
        listing = format_listing(entries, path)
        if index is None:
            result = ReadResult(lib, version, path, "listing", listing, title=path or "/")
            return _fit(result, (), max_tokens, offset)
        text = f"{index.content}\n\n{listing}"
        starts = _section_starts(index.content, index.sections)
        result = ReadResult(lib, version, path, "index", text, index.title)
        return _fit(result, tuple(zip(starts, index.sections, strict=True)), max_tokens, offset)
    sections = list(page.sections)
    if section:
        chosen = select_sections(sections, section)
        if not chosen:
            headings = "\n".join(f"- {' > '.join(s.heading_path)}" for s in sections if s.heading)
            text = (
                f"No section of {path} matches {section!r}. Its sections:\n{headings}\n\n"
                "Call again with one of these headings as `section`, or without `section` for "
                "the whole page."
            )
            return ReadResult(lib, version, path, "missing", text, page.title)
        texts = [s.text for s in chosen]
        content = "\n\n".join(texts)
        starts = [sum(len(t) + 2 for t in texts[:i]) for i in range(len(texts))]
        sections = chosen
    else:
        content = page.content
        starts = _section_starts(content, page.sections)
    result = ReadResult(lib, version, path, "page", content, page.title)
    return _fit(result, tuple(zip(starts, sections, strict=True)), max_tokens, offset)


def not_read(ref: VersionRef, raw_path: str, max_tokens: int) -> ReadResult:
    """The answer for a path left unread because the answer's budget was spent."""
    path = normalize_path(raw_path)
    text = (
        f"(Not read: this answer reached its limit of about {max_tokens} tokens; read it in "
        "another call, with this path alone.)"
    )
    return ReadResult(ref.record.name, ref.record.version, path, "page", text, truncated=True)


def select_sections(sections: list[Section], wanted: str) -> list[Section]:
    """Sections whose heading (or anchor) matches `wanted`, each with its subsections."""
    needle = wanted.strip().lstrip("#").strip().lower()
    if not needle:
        return []
    exact = [i for i, s in enumerate(sections) if needle in (s.heading.lower(), s.anchor)]
    hits = exact or [i for i, s in enumerate(sections) if needle in s.heading.lower()]
    chosen: list[int] = []
    for i in hits:
        if i in chosen:
            continue
        chosen.append(i)
        level = sections[i].level
        j = i + 1
        while j < len(sections) and sections[j].level > level:
            if j not in chosen:
                chosen.append(j)
            j += 1
    return [sections[i] for i in sorted(chosen)]


class _HasPath(Protocol):
    @property
    def path(self) -> str: ...


_T = TypeVar("_T", bound=_HasPath)


@dataclass(frozen=True)
class Listing(Generic[_T]):
    """What lies directly under a directory: subdirectories (with page counts) and pages."""

    directory: str
    subdirs: tuple[tuple[str, int], ...]  # ("reference/agents/", 12)
    pages: tuple[_T, ...]


def directory_contents(entries: Iterable[_T], directory: str) -> Listing[_T]:
    """Split `entries` (anything with a '/'-separated `path`) into what lies directly under
    `directory`: its subdirectories with their entry counts, and its own entries (an
    `index` page excepted: it is the directory's own page)."""
    prefix = f"{directory}/" if directory else ""
    subdirs: dict[str, int] = {}
    pages: list[_T] = []
    for entry in entries:
        if not entry.path.startswith(prefix):
            continue
        rest = entry.path[len(prefix) :]
        if "/" in rest:
            head = rest.split("/", 1)[0]
            subdirs[head] = subdirs.get(head, 0) + 1
        elif rest != "index":
            pages.append(entry)
    dirs = tuple((f"{prefix}{d}/", n) for d, n in sorted(subdirs.items()))
    return Listing(directory, dirs, tuple(pages))


def list_directory(conn: sqlite3.Connection, ref: VersionRef, directory: str) -> Listing[PageEntry]:
    return directory_contents(list_pages(conn, ref.id), normalize_path(directory))


def format_listing(entries: list[PageEntry], directory: str) -> str:
    """Markdown listing of the subdirectories and pages directly under `directory`."""
    listing = directory_contents(entries, directory)
    lines = [f"## Contents of {directory or '/'}"]
    if listing.subdirs:
        lines.append("\nDirectories:")
        lines += [f"- {d} ({n} pages)" for d, n in listing.subdirs]
    if listing.pages:
        lines.append("\nPages:")
        lines += [f"- {e.path}: {e.title}" for e in listing.pages]
    return "\n".join(lines)


def _missing(
    entries: list[PageEntry],
    lib: str,
    version: str,
    path: str,
    suggest: Callable[[str], list[Hit]] | None,
) -> ReadResult:
    parent = path
    while parent and not _is_dir(entries, parent):
        parent = posixpath.dirname(parent)
    hits = tuple(suggest(path.replace("/", " ").replace("-", " ")) if suggest else ())
    lines = [f"No page or directory '{path}' in {lib}@{version}."]
    if hits:
        lines.append("\nPages that might be what you want:")
        lines += [f"- {h.path}: {h.title}" for h in hits]
    lines.append(f"\nNearest existing directory: '{parent or '/'}'.\n")
    lines.append(format_listing(entries, parent))
    lines.append("\nRead one of these paths, or search the docs by topic.")
    return ReadResult(lib, version, path, "missing", "\n".join(lines), suggestions=hits)


def _section_starts(content: str, sections: Iterable[Section]) -> list[int]:
    """Where each section starts in `content`, in characters (from its 1-based line)."""
    line_starts = [0]
    for line in content.split("\n"):
        line_starts.append(line_starts[-1] + len(line) + 1)
    last = len(line_starts) - 1
    return [line_starts[min(max(s.start_line - 1, 0), last)] for s in sections]


def _fit(
    result: ReadResult,
    sections: tuple[tuple[int, Section], ...],
    max_tokens: int | None,
    offset: int,
) -> ReadResult:
    """`result` with its text cut to the part from `offset` that fits `max_tokens`."""
    if max_tokens is None and not offset:
        return result
    budget = max_tokens if max_tokens is not None else max(len(result.text), 1)
    breaks = [start for start, _ in sections]
    part = cut_text(result.text, offset=offset, max_tokens=budget, breaks=breaks)
    if part.next_offset is None:
        return replace(result, text=part.text)
    omitted = tuple(" > ".join(s.heading_path) or "(intro)" for at, s in sections if at >= part.end)
    named = "; ".join(omitted[:_OMITTED_NAMED]) + ("; …" if len(omitted) > _OMITTED_NAMED else "")
    left = f" {len(omitted)} more section(s) after it: {named}." if omitted else ""
    by_section = " or one section with `section` set to its heading," if omitted else ""
    note = (
        f"\n\n[Cut at about {budget} tokens: characters {part.start}-{part.end} of "
        f"{part.total} shown.{left} Read on with offset={part.end} and this path alone,"
        f"{by_section} or raise max_tokens.]"
    )
    return replace(result, text=part.text + note, truncated=True, omitted_sections=omitted)


def _is_dir(entries: list[PageEntry], path: str) -> bool:
    if not path:
        return True
    prefix = path + "/"
    return any(e.path.startswith(prefix) for e in entries)
