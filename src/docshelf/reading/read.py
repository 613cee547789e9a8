"""Reading docs by path: pages, directory indexes and listings, sections, and token caps.

A path may also be a page's URL, site path or in-page link (see `links`)."""

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
from docshelf.reading.links import PageIndex, rewrite_links, split_link
from docshelf.reading.paging import cut_text
from docshelf.store.catalog import VersionRef
from docshelf.store.pages import PageEntry, find_page, has_subpages, list_pages, page_files
from docshelf.wording import Blank, Param, say

_SUFFIX = re.compile(r"\.(md|mdx|markdown)$", re.IGNORECASE)
MAX_READ_PATHS = 20  # per call: a read of thousands of paths is a load, not a question
_OMITTED_NAMED = 20


def check_paths(paths: list[str] | str) -> list[str]:
    """The paths of one read: at least one, at most MAX_READ_PATHS."""
    paths = [paths] if isinstance(paths, str) else list(paths)
    if not paths:
        raise UsageError(
            "Give at least one path, e.g. ",
            Param("paths", ["reference/agents/agent"]),
            " ('' is the top level).",
        )
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
    and search suggestions, flagged as an error. The path may also be the page's public
    URL or site path (`https://nextjs.org/docs/app/x`, `/docs/app/x`) or a link read in
    a page, `#anchor` naming a section; links in the text returned are page paths.
    With `max_tokens` (or an `offset`) the text is cut into parts: from character
    `offset`, about `max_tokens` long, ending at a section or line break, with a note
    naming the sections left out and the next offset.
    """
    target, anchor = split_link(raw_path) if isinstance(raw_path, str) else (raw_path, "")
    path = normalize_path(target)
    section = section or anchor or None
    links = _Links(conn, ref.id)
    if path and not _exists(conn, ref.id, path):
        path = links.index.match_site_path(path) or path
    result = _read(conn, ref, path, section, max_tokens, offset, suggest)
    if result.kind in ("page", "index") and result.file is not None:
        text = rewrite_links(result.text, result.file, links.index)
        return replace(result.read, text=text)
    return result.read


@dataclass(frozen=True)
class _Read:
    read: ReadResult
    file: str | None = None  # the file of the page shown, whose links are rewritten

    @property
    def kind(self) -> str:
        return self.read.kind

    @property
    def text(self) -> str:
        return self.read.text


class _Links:
    """The version's page index, loaded the first time a link needs resolving."""

    def __init__(self, conn: sqlite3.Connection, version_id: int) -> None:
        self._load = lambda: PageIndex(page_files(conn, version_id))
        self._index: PageIndex | None = None

    @property
    def index(self) -> PageIndex:
        if self._index is None:
            self._index = self._load()
        return self._index


def _exists(conn: sqlite3.Connection, version_id: int, path: str) -> bool:
    """Whether `path` is a page or a folder of pages (or a folder's index page)."""
    return (
        find_page(conn, version_id, path) is not None
        or has_subpages(conn, version_id, path)
        or (path.endswith("/index") and find_page(conn, version_id, path[:-6]) is not None)
    )


def _read(
    conn: sqlite3.Connection,
    ref: VersionRef,
    path: str,
    section: str | None,
    max_tokens: int | None,
    offset: int,
    suggest: Callable[[str], list[Hit]] | None,
) -> _Read:
    lib, version = ref.record.name, ref.record.version
    page = find_page(conn, ref.id, path) if path else None
    if page is None and path.endswith("/index"):
        # Sites name a folder's index page after the folder (`guide`, not `guide/index`).
        page = find_page(conn, ref.id, path[: -len("/index")])
        path = path[: -len("/index")] if page is not None else path
    if page is not None and not section and has_subpages(conn, ref.id, path):
        # A page that is also a folder (`guide` and `guide/intro`) reads as that folder's index.
        listing = format_listing(list_pages(conn, ref.id), path)
        text = f"{page.content}\n\n{listing}"
        starts = _section_starts(page.content, page.sections)
        result = ReadResult(lib, version, path, "index", text, page.title)
        fitted = _fit(result, tuple(zip(starts, page.sections, strict=True)), max_tokens, offset)
        return _Read(fitted, page.file)
    if page is None:
        # Only a directory or a miss needs the list of every page of the version.
        entries = list_pages(conn, ref.id)
        if not _is_dir(entries, path):
            missing = _missing(entries, lib, version, path, suggest)
            return _Read(_fit(missing, (), max_tokens, offset))
        index = find_page(conn, ref.id, f"{path}/index" if path else "index")
        listing = format_listing(entries, path)
        if index is None:
            result = ReadResult(lib, version, path, "listing", listing, title=path or "/")
            return _Read(_fit(result, (), max_tokens, offset))
        text = f"{index.content}\n\n{listing}"
        starts = _section_starts(index.content, index.sections)
        result = ReadResult(lib, version, path, "index", text, index.title)
        fitted = _fit(result, tuple(zip(starts, index.sections, strict=True)), max_tokens, offset)
        return _Read(fitted, index.file)
    sections = list(page.sections)
    if section:
        chosen = select_sections(sections, section)
        if not chosen:
            headings = "\n".join(f"- {' > '.join(s.heading_path)}" for s in sections if s.heading)
            text = say(
                f"No section of {path} matches {section!r}. Its sections:\n{headings}\n\n"
                "Ask again with one of these headings as ",
                Param("section"),
                ", or without it for the whole page.",
            )
            return _Read(ReadResult(lib, version, path, "missing", text, page.title))
        texts = [s.text for s in chosen]
        content = "\n\n".join(texts)
        starts = [sum(len(t) + 2 for t in texts[:i]) for i in range(len(texts))]
        sections = chosen
    else:
        content = page.content
        starts = _section_starts(content, page.sections)
    result = ReadResult(lib, version, path, "page", content, page.title)
    fitted = _fit(result, tuple(zip(starts, sections, strict=True)), max_tokens, offset)
    return _Read(fitted, page.file)


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
    keys: dict[str, str] = {}
    pages: list[_T] = []
    for entry in entries:
        if not entry.path.startswith(prefix):
            continue
        rest = entry.path[len(prefix) :]
        if "/" in rest:
            head = rest.split("/", 1)[0]
            subdirs[head] = subdirs.get(head, 0) + 1
            keys.setdefault(head, _order_part(entry, prefix.count("/")) or head)
        elif rest != "index":
            pages.append(entry)
    # Folders in their files' order where an entry says one (`01-app` before `02-pages`).
    dirs = tuple(
        (f"{prefix}{d}/", n) for d, n in sorted(subdirs.items(), key=lambda i: (keys[i[0]], i[0]))
    )
    # A page named like a subdirectory is that directory's own page, like an index.
    own = {f"{prefix}{d}" for d in subdirs}
    return Listing(directory, dirs, tuple(p for p in pages if p.path not in own))


def _order_part(entry: _HasPath, depth: int) -> str:
    """The folder name at `depth` as the entry's files order it (`01-app` for `app`)."""
    order = getattr(entry, "order", "")
    parts = order.split("/") if order else []
    return parts[depth] if len(parts) == entry.path.count("/") + 1 else ""


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
    by_section: tuple[str | Param, ...] = (
        (", or one section with ", Param("section", Blank("heading"))) if omitted else ()
    )
    note = say(
        f"\n\n[Cut at about {budget} tokens: characters {part.start}-{part.end} of "
        f"{part.total} shown.{left} Read on with ",
        Param("offset", part.end),
        " and this path alone",
        *by_section,
        ", or raise ",
        Param("max_tokens"),
        ".]",
    )
    return replace(result, text=part.text + note, truncated=True, omitted_sections=omitted)


def _is_dir(entries: list[PageEntry], path: str) -> bool:
    if not path:
        return True
    prefix = path + "/"
    return any(e.path.startswith(prefix) for e in entries)
