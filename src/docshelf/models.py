"""The frozen records that cross module boundaries: pages, sections, libraries, hits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class Section:
    """A run of a page under one heading, code fences never split."""

    heading: str  # the heading's text; "" for the text before the first heading
    heading_path: tuple[str, ...]  # H1 > H2 > H3 down to this heading
    level: int  # 1-6 for a heading, 0 for the preamble
    anchor: str  # slug of the heading, unique within the page
    text: str  # markdown of the section, heading line included
    start_line: int  # 1-based line in the page body where the section starts


@dataclass(frozen=True)
class Page:
    """One markdown file of a library, parsed."""

    path: str  # relative to the docs root, "/"-separated, without ".md"
    title: str
    content: str  # the markdown body, front matter removed
    sections: tuple[Section, ...]
    metadata: dict[str, Any] = field(default_factory=dict)  # front matter
    file: str = ""  # the file it was read from, relative to the source's root ("" unknown)
    order: str = ""  # where listings put it (`01-app/...` for `app/...`); "" means `path`


@dataclass(frozen=True)
class SkippedFile:
    """A file of a docs source that was not indexed, and why."""

    path: str  # relative to the docs root, "/"-separated, as found
    reason: str  # e.g. "20.0 MiB, over the 8 MiB limit"


@dataclass(frozen=True)
class LibraryVersion:
    """One indexed version of a library."""

    name: str
    version: str
    source: str  # the spec it was added from, e.g. "npm:@mastra/mcp-docs-server@1.1.45"
    pages: int
    sections: int
    indexed_at: str  # ISO 8601, UTC
    origin: str = ""  # where the docs came from: "VitePress site in docs/ (57 pages)"
    # Only on the record that indexing returns: the files left out (not stored).
    skipped: tuple[SkippedFile, ...] = field(default=(), compare=False)

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"


@dataclass(frozen=True)
class Library:
    """A named library with every version indexed, newest first."""

    name: str
    versions: tuple[LibraryVersion, ...]

    @property
    def latest(self) -> LibraryVersion:
        return self.versions[0]


@dataclass(frozen=True)
class Hit:
    """One ranked page in a search result, represented by its best section."""

    library: str
    version: str
    path: str
    title: str
    heading: str  # heading path of the best section, " > "-joined
    anchor: str
    score: float  # higher is better
    snippet: str
    kind: str = "guide"  # what the page is: guide, reference, course, ... (parsing/page_kinds.py)


@dataclass(frozen=True)
class SearchResult:
    """A search's hits, best first, and how they were ranked."""

    query: str
    hits: tuple[Hit, ...]
    mode: str  # fulltext, semantic or hybrid: what actually ranked the hits
    note: str = ""  # why an automatic search used full text only, and what to do about it


@dataclass(frozen=True)
class Excerpt:
    """One section's text (with any short subsections it needs) chosen to answer a query."""

    library: str
    version: str
    path: str
    title: str
    heading: str  # heading path of the section, " > "-joined
    anchor: str
    text: str
    truncated: bool  # cut to fit; read the page for the rest


@dataclass(frozen=True)
class Answer:
    """The best sections for a query packed to a token budget, and a cursor for more."""

    query: str
    excerpts: tuple[Excerpt, ...]
    tokens: int  # about how many tokens the excerpts take
    cursor: str | None  # pass it back for the next excerpts; None when there are no more
    mode: str  # fulltext, semantic or hybrid: what ranked the pages
    note: str = ""  # why only full text ranked them, and what to do about it


ReadKind = Literal["page", "index", "listing", "missing"]


@dataclass(frozen=True)
class ReadResult:
    """The answer to reading one path."""

    library: str
    version: str
    path: str  # normalised path that was asked for
    kind: ReadKind
    text: str  # markdown to show
    title: str = ""
    truncated: bool = False
    omitted_sections: tuple[str, ...] = ()  # headings left out by a token cap
    suggestions: tuple[Hit, ...] = ()  # for a missing path

    @property
    def is_error(self) -> bool:
        return self.kind == "missing"
