"""The lists a site publishes of its pages: llms.txt, llms-full.txt and sitemaps, read.

`llms.txt` (llmstxt.org) is markdown whose links name the pages, often as `.md` files;
`llms-full.txt` is every page in one markdown file. It is cut into pages where a page
starts: a `---` block naming the page's `url:` or `source:` (the VitePress plugin's form),
or an H1 outside code fences, whose `Source: URL` line (Mintlify's form) gives its address.
A page with an address is named by it; one without is named by its title. Sitemaps (and
sitemap indexes) are parsed with lxml with entities and network access off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docshelf.parsing.markdown import slugify
from docshelf.sources.web_scope import SiteScope, normalize_url

MAX_SITEMAP_URLS = 50_000  # the sitemap protocol's own limit per file
_LINK = re.compile(r"\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_H1 = re.compile(r"^# +(.+?)\s*#*\s*$")
_SOURCE_LINE = re.compile(r"^(?:source|url)\s*:\s*(\S+)\s*$", re.I)
_MARKER_KEY = re.compile(r"^(?:url|source)\s*:\s*['\"]?([^'\"\s]+)['\"]?\s*$", re.I)


@dataclass(frozen=True)
class FullTextPage:
    """One page cut from an llms-full.txt."""

    page_id: str
    url: str | None  # the page's address, when the file names it
    markdown: str


def llms_links(text: str, base: str) -> list[str]:
    """The normalised addresses an llms.txt links to, in order, each once."""
    seen: dict[str, None] = {}
    for match in _LINK.finditer(text):
        url = normalize_url(match.group(1), base)
        if url is not None:
            seen.setdefault(url)
    return list(seen)


def split_llms_full(text: str, scope: SiteScope, base: str) -> list[FullTextPage]:
    """The pages of an llms-full.txt fetched from `base` that lie in `scope` (see the
    module docstring); pages that name no address are kept, named by their title."""
    lines = text.replace("\r\n", "\n").split("\n")
    starts = _page_starts(lines)
    if not starts:
        starts = [(0, None)]
    pages: list[FullTextPage] = []
    used: set[str] = set()
    for i, (line_no, url) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(lines)
        chunk = lines[line_no:end]
        body, found_url = _strip_marker(chunk)
        url = url or found_url
        markdown = "\n".join(body).strip()
        if not markdown:
            continue
        absolute = normalize_url(url, base) if url else None
        if absolute is not None and not scope.contains(absolute):
            continue
        page_id = scope.page_id(absolute) if absolute else _title_id(markdown)
        page_id = _unique(page_id, used)
        pages.append(FullTextPage(page_id, absolute, markdown + "\n"))
    return pages


def parse_sitemap(text: str) -> tuple[list[str], list[str]]:
    """(page URLs, child sitemap URLs) of a sitemap or sitemap index; a plain-text sitemap
    (one URL a line) is read too. Unparseable XML gives nothing."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped.startswith("<"):
        urls = [line.strip() for line in stripped.splitlines() if line.strip()]
        return [u for u in urls if u.startswith(("http://", "https://"))][:MAX_SITEMAP_URLS], []
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, recover=True, encoding="utf-8"
    )
    try:
        root = etree.fromstring(stripped.encode("utf-8"), parser=parser)
    except etree.XMLSyntaxError:
        return [], []
    if root is None:
        return [], []
    pages: list[str] = []
    children: list[str] = []
    for loc in root.iter("{*}loc", "loc"):
        parent = loc.getparent()
        owner = etree.QName(parent).localname if parent is not None else ""
        value = (loc.text or "").strip()
        if not value:
            continue
        (children if owner == "sitemap" else pages).append(value)
        if len(pages) + len(children) >= MAX_SITEMAP_URLS:
            break
    return pages, children


def _page_starts(lines: list[str]) -> list[tuple[int, str | None]]:
    """(line index, address or None) where each page of an llms-full.txt starts."""
    starts: list[tuple[int, str | None]] = []
    fence: str | None = None
    marker_end = -1
    i = 0
    while i < len(lines):
        line = lines[i]
        fence_match = _FENCE.match(line)
        if fence is not None:
            if fence_match and fence_match.group(1)[0] == fence[0]:
                fence = None
            i += 1
            continue
        if fence_match:
            fence = fence_match.group(1)
            i += 1
            continue
        if line.strip() == "---":
            url, close = _marker_block(lines, i)
            if url is not None:
                starts.append((i, url))
                marker_end = close
                i = close + 1
                continue
        if _H1.match(line):
            between = lines[marker_end + 1 : i] if marker_end >= 0 else None
            if between is None or any(text.strip() for text in between):
                starts.append((i, None))
            marker_end = -1
        i += 1
    return starts


def _marker_block(lines: list[str], start: int) -> tuple[str | None, int]:
    """The `url:`/`source:` of a `---` block opening at `start`, and its closing line."""
    for j in range(start + 1, min(start + 12, len(lines))):
        if lines[j].strip() == "---":
            for inner in lines[start + 1 : j]:
                match = _MARKER_KEY.match(inner.strip())
                if match:
                    return match.group(1), j
            return None, j
    return None, start


def _strip_marker(chunk: list[str]) -> tuple[list[str], str | None]:
    """A page's lines without its `---` marker block, and the `Source:` line's address."""
    body = list(chunk)
    if body and body[0].strip() == "---":
        for j in range(1, min(12, len(body))):
            if body[j].strip() == "---":
                body = body[j + 1 :]
                break
    found: str | None = None
    seen_h1 = False
    for j, line in enumerate(body[:8]):
        if _H1.match(line):
            seen_h1 = True
            continue
        match = _SOURCE_LINE.match(line.strip())
        if seen_h1 and match:
            found = match.group(1)
            del body[j]
            break
    return body, found


def _title_id(markdown: str) -> str:
    for line in markdown.split("\n"):
        match = _H1.match(line)
        if match:
            return slugify(match.group(1)) or "page"
    return "index"


def _unique(page_id: str, used: set[str]) -> str:
    candidate, n = page_id, 2
    while candidate in used:
        candidate = f"{page_id}-{n}"
        n += 1
    used.add(candidate)
    return candidate
