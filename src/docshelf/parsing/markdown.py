"""Markdown -> Page: front matter, title, and sections split at headings, fences kept whole.

Site generators' extensions are made plain first (`dialects`), and a heading's attribute
list (`## Install { #install }`, `{: .class }`) leaves the heading: its `#id`, when it
has one, becomes the section's anchor, as on the site.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from docshelf.models import Page, Section
from docshelf.parsing.dialects import plain_markdown
from docshelf.parsing.front_matter import split_front_matter

SPLIT_LEVEL = 3  # sections are cut at H1-H3; deeper headings stay inside their section

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # markdown backslash escapes
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
# `{ #id .class key=value }` (or `{: ...}`) closing a heading, as MkDocs' attr_list writes it.
_ATTR_LIST = re.compile(
    r"[ \t]*\{:?[ \t]*((?:[#.][\w:-]+|[\w-]+=(?:\"[^\"]*\"|'[^']*'|[^\s}]+))"
    r"(?:[ \t]+(?:[#.][\w:-]+|[\w-]+=(?:\"[^\"]*\"|'[^']*'|[^\s}]+)))*)[ \t]*\}[ \t]*$"
)
_INLINE_MARKUP = re.compile(
    r"!\[[^\]]*\]\([^)]*\)"  # images go entirely
    r"|\[([^\]]*)\]\([^)]*\)"  # links keep their label
    r"|[`*]|<[^>]+>"
    r"|(?<!\w)_{1,2}(?=\S)|(?<=\S)_{1,2}(?!\w)"  # emphasis underscores, not snake_case
)


def parse_page(path: str, text: str) -> Page:
    """Parse one markdown file (path relative to the docs root, without `.md`)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    metadata, body = split_front_matter(text)
    body = plain_markdown(body)
    lines = body.split("\n")
    anchors = strip_attribute_lists(lines)
    body = "\n".join(lines)
    sections = split_sections(body, anchors)
    title = _title(metadata, sections, path)
    return Page(path=path, title=title, content=body, sections=tuple(sections), metadata=metadata)


def strip_attribute_lists(lines: list[str]) -> dict[int, str]:
    """Remove attribute lists from heading lines (in place); `{line index: #id}` they gave."""
    anchors: dict[int, str] = {}
    for i, _level, _text, _setext in _find_headings(lines):
        match = _ATTR_LIST.search(lines[i])
        if match is None:
            continue
        lines[i] = lines[i][: match.start()]
        ids = re.findall(r"(?:^|\s)#([\w:-]+)", match.group(1))
        if ids:
            anchors[i] = ids[0]
    return anchors


def split_sections(body: str, anchors: dict[int, str] | None = None) -> list[Section]:
    """Cut a markdown body into sections at H1-H3 headings outside code fences.

    `anchors` gives headings (by line index) an explicit anchor in place of their slug."""
    lines = body.split("\n")
    headings = _find_headings(lines)
    sections: list[Section] = []
    slugs: dict[str, int] = {}
    stack: list[tuple[int, str]] = []
    starts = [h for h in headings if h[1] <= SPLIT_LEVEL]

    first = starts[0][0] if starts else len(lines)
    preamble = "\n".join(lines[:first]).strip("\n")
    if preamble.strip():
        sections.append(Section("", (), 0, "", preamble, 1))

    for i, (line_no, level, heading, _setext) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(lines)
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, heading))
        text = "\n".join(lines[line_no:end]).strip("\n")
        sections.append(
            Section(
                heading=heading,
                heading_path=tuple(h for _, h in stack),
                level=level,
                anchor=_unique_slug(heading, slugs, (anchors or {}).get(line_no)),
                text=text,
                start_line=line_no + 1,
            )
        )
    return sections


def _find_headings(lines: list[str]) -> list[tuple[int, int, str, bool]]:
    """(line index, level, text, is_setext) for each heading outside fenced code."""
    found: list[tuple[int, int, str, bool]] = []
    fence: str | None = None
    for i, line in enumerate(lines):
        fence_match = _FENCE.match(line)
        if fence is not None:
            marker = fence_match.group(1) if fence_match else ""
            closes = bool(marker) and marker[0] == fence[0] and len(marker) >= len(fence)
            if closes and fence_match and not fence_match.group(2).strip():
                fence = None
            continue
        if fence_match and not (fence_match.group(1)[0] == "`" and "`" in fence_match.group(2)):
            fence = fence_match.group(1)
            continue
        atx = _ATX.match(line)
        if atx:
            found.append((i, len(atx.group(1)), clean_heading(atx.group(2) or ""), False))
            continue
        setext = _SETEXT.match(line)
        if setext and i > 0 and _is_setext_text(lines, i - 1, found):
            level = 1 if setext.group(1)[0] == "=" else 2
            found.append((i - 1, level, clean_heading(lines[i - 1]), True))
    return found


def _is_setext_text(lines: list[str], i: int, found: list[tuple[int, int, str, bool]]) -> bool:
    """A setext heading is one plain paragraph line, preceded by a blank line or the start."""
    text = lines[i]
    if not text.strip() or text.startswith((" " * 4, "\t", ">", "-", "*", "+", "|", "<")):
        return False
    if re.match(r"^\s*\d+[.)]\s", text) or (found and found[-1][0] == i):
        return False
    return i == 0 or not lines[i - 1].strip()


def page_summary(page: Page, max_words: int = 80) -> str:
    """The page's lead: front matter description, else its first prose paragraphs."""
    description = page.metadata.get("description")
    words: list[str] = description.split() if isinstance(description, str) else []
    for section in page.sections:
        for block in section.text.split("\n\n"):
            block = block.strip()
            if not block or block.startswith(("#", "```", "~~~", "|", "<", "![", "import ")):
                continue
            words += clean_heading(block.lstrip("> ")).split()
            if len(words) >= max_words:
                return " ".join(words[:max_words])
        if words:
            break
    return " ".join(words[:max_words])


def clean_heading(raw: str) -> str:
    """Heading text without inline markup: links keep their label, code loses its ticks."""
    held: list[str] = []

    def hold(match: re.Match[str]) -> str:
        held.append(match.group(1))
        return f"\ue000{len(held) - 1}\ue001"

    text = _ESCAPED.sub(hold, raw)  # escaped characters are literal, never markup
    text = _INLINE_MARKUP.sub(lambda m: m.group(1) or "", text)
    text = re.sub("\ue000(\\d+)\ue001", lambda m: held[int(m.group(1))], text)
    return " ".join(text.split())


def slugify(text: str) -> str:
    """GitHub-style anchor: lowercase, punctuation dropped, spaces to hyphens."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.strip().replace(" ", "-")


def _unique_slug(heading: str, seen: dict[str, int], explicit: str | None = None) -> str:
    slug = explicit or slugify(heading) or "section"
    count = seen.get(slug, 0)
    seen[slug] = count + 1
    return slug if count == 0 else f"{slug}-{count}"


def _title(metadata: dict[str, Any], sections: list[Section], path: str) -> str:
    title = metadata.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    for level in (1, 2, 3):
        for section in sections:
            if section.level == level and section.heading:
                return section.heading
    name = path.rsplit("/", 1)[-1] or path
    return name.replace("-", " ").replace("_", " ").strip().capitalize() or "Untitled"
