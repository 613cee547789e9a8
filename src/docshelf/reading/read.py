"""Reading docs by path: pages, directory indexes and listings, sections, and token caps."""

from __future__ import annotations

import posixpath
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar
from urllib.parse import unquote

from docshelf.errors import InvalidPathError
from docshelf.models import Hit, ReadResult, Section
from docshelf.reading.tokens import CHARS_PER_TOKEN, approx_tokens
from docshelf.store.catalog import VersionRef
from docshelf.store.pages import PageEntry, find_page, list_pages
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
    and search suggestions, flagged as an error.
    """
    path = normalize_path(raw_path)
    lib, version = ref.record.name, ref.record.version
    page = find_page(conn, ref.id, path) if path else None
    if page is None:
        # Only a directory or a miss needs the list of every page of the version.
        entries = list_pages(conn, ref.id)
        if not _is_dir(entries, path):
            return _missing(entries, lib, version, path, suggest)
        index = find_page(conn, ref.id, f"{path}/index" if path else "index")
        listing = format_listing(entries, path)
        if index is None:
            return ReadResult(lib, version, path, "listing", listing, title=path or "/")
        text, omitted, truncated = _cap(index.sections, index.content, max_tokens)
        if not truncated:
            text = f"{text}\n\n{listing}"
        return ReadResult(lib, version, path, "index", text, index.title, truncated, omitted)
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
            return ReadResult(lib, version, path, "missing", text, page.title)
        sections = chosen
    content = "\n\n".join(s.text for s in sections) if section else page.content
    text, omitted, truncated = _cap(sections, content, max_tokens)
    return ReadResult(lib, version, path, "page", text, page.title, truncated, omitted)


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
