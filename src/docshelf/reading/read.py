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

from docshelf.errors import InvalidPathError
from docshelf.models import Hit, ReadResult, Section
from docshelf.reading.links import PageIndex, rewrite_links, split_link
from docshelf.reading.tokens import CHARS_PER_TOKEN, approx_tokens
from docshelf.store.catalog import VersionRef
from docshelf.store.pages import PageEntry, find_page, has_subpages, list_pages, page_files
from docshelf.wording import Blank, Param, say

_SUFFIX = re.compile(r"\.(md|mdx|markdown)$", re.IGNORECASE)
MAX_PATH_CHARS = 1024


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
    suggest: Callable[[str], list[Hit]] | None = None,
) -> ReadResult:
    """Read one path of a library version with the reference server's semantics.

    A page returns its markdown; a directory its index page (plus a listing of what is
    under it) or else a listing; a missing path the nearest existing parent's listing
    and search suggestions, flagged as an error. The path may also be the page's public
    URL or site path (`https://nextjs.org/docs/app/x`, `/docs/app/x`) or a link read in
    a page, `#anchor` naming a section; links in the text returned are page paths.
    """
    target, anchor = split_link(raw_path) if isinstance(raw_path, str) else (raw_path, "")
    path = normalize_path(target)
    section = section or anchor or None
    links = _Links(conn, ref.id)
    if path and not _exists(conn, ref.id, path):
        path = links.index.match_site_path(path) or path
    result = _read(conn, ref, path, section, max_tokens, suggest)
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
        text, omitted, truncated = _cap(page.sections, page.content, max_tokens)
        if not truncated:
            text = f"{text}\n\n{listing}"
        result = ReadResult(lib, version, path, "index", text, page.title, truncated, omitted)
        return _Read(result, page.file)
    if page is None:
        # Only a directory or a miss needs the list of every page of the version.
        entries = list_pages(conn, ref.id)
        if not _is_dir(entries, path):
            return _Read(_missing(entries, lib, version, path, suggest))
        index = find_page(conn, ref.id, f"{path}/index" if path else "index")
        listing = format_listing(entries, path)
        if index is None:
            return _Read(ReadResult(lib, version, path, "listing", listing, title=path or "/"))
        text, omitted, truncated = _cap(index.sections, index.content, max_tokens)
        if not truncated:
            text = f"{text}\n\n{listing}"
        result = ReadResult(lib, version, path, "index", text, index.title, truncated, omitted)
        return _Read(result, index.file)
    sections = page.sections
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
        sections = chosen
    content = "\n\n".join(s.text for s in sections) if section else page.content
    text, omitted, truncated = _cap(sections, content, max_tokens)
    return _Read(
        ReadResult(lib, version, path, "page", text, page.title, truncated, omitted), page.file
    )


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


def _cap(
    sections: list[Section], content: str, max_tokens: int | None
) -> tuple[str, tuple[str, ...], bool]:
    """Fit whole sections into the token budget; name what was left out."""
    if max_tokens is None or approx_tokens(content) <= max_tokens:
        return content, (), False
    kept: list[str] = []
    used = 0
    cut = len(sections)
    for i, section in enumerate(sections):
        cost = approx_tokens(section.text) + 1
        if used + cost > max_tokens:
            cut = i
            break
        kept.append(section.text)
        used += cost
    if not kept and sections:
        budget_chars = max(max_tokens, 1) * CHARS_PER_TOKEN
        head = sections[0].text[:budget_chars].rsplit("\n", 1)[0]
        kept.append(head + "\n\n[… section cut at the token limit]")
        cut = 1
    omitted = tuple(" > ".join(s.heading_path) or "(intro)" for s in sections[cut:])
    note = (
        f"\n\n---\n[Cut to about {max_tokens} tokens. {len(omitted)} more section(s) left out: "
        + "; ".join(omitted[:20])
        + ("; …" if len(omitted) > 20 else "")
        + say(
            ". Read them with ",
            Param("section", Blank("heading")),
            ", or raise ",
            Param("max_tokens"),
            ".]",
        )
    )
    return "\n\n".join(kept) + note, omitted, True


def _is_dir(entries: list[PageEntry], path: str) -> bool:
    if not path:
        return True
    prefix = path + "/"
    return any(e.path.startswith(prefix) for e in entries)
