"""Site generators' markdown extensions, made plain markdown before a page is parsed.

What a reader of the rendered site sees is kept; the syntax that tells the generator how
to render it goes:
- admonitions and containers: MkDocs' `!!! note "Title"` (body indented) and `??? x`,
  pymdownx blocks `/// tip | Title` ... `///` (FastAPI), VitePress and Docusaurus
  `::: tip Title` ... `:::`: the marker becomes a bold label line, the body stays text;
- VitePress `<script setup>` and `<style>` blocks (Vue code for the page, not docs);
- twoslash code blocks (`ts twoslash`): the hidden setup before `// ---cut---` and the
  `// @noErrors`-style directives are dropped, as the site shows them.
Code fences are never touched except for twoslash markers inside twoslash blocks.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_BLOCK_OPEN = re.compile(r"^(/{3,})[ \t]*([\w-]+)?[ \t]*(?:\|[ \t]*(.*?))?[ \t]*$")
_ADMONITION = re.compile(r"^(?:!!!|\?\?\?\+?)[ \t]+([\w-]+)(?:[ \t]+\"([^\"]*)\")?[ \t]*$")
_CONTAINER = re.compile(r"^:{3,}[ \t]*([\w-]+)(?:\[([^\]]*)\])?(?:[ \t]+(.*?))?[ \t]*(?:\{.*\})?$")
_CONTAINER_CLOSE = re.compile(r"^:{3,}[ \t]*$")
_VUE_BLOCK = re.compile(r"^<(script|style)\b[^>]*>[ \t]*$", re.IGNORECASE)
_TWOSLASH_DIRECTIVE = re.compile(r"^\s*//\s*(?:@\w+(?::.*)?|\^[?|!].*)\s*$")
_SILENT_CONTAINERS = {"code-group", "raw", "v-pre"}
_LABELS = {"tab": ""}  # a tab shows its title alone


def plain_markdown(text: str) -> str:
    """`text` with the generator syntax above turned into what its site shows."""
    if not any(mark in text for mark in ("///", "!!!", "???", ":::", "<script", "<style", "cut")):
        return text
    lines = text.split("\n")
    out: list[str] = []
    fence: str | None = None
    twoslash = False
    i = 0
    while i < len(lines):
        line = lines[i]
        match = _FENCE.match(line)
        if fence is not None:
            closes = match is not None and not match.group(2).strip()
            marker = match.group(1) if match else ""
            if closes and marker[:1] == fence[0] and len(marker) >= len(fence):
                fence = None
                out.append(line)
            elif not twoslash:
                out.append(line)
            i += 1
            continue
        if match:
            fence = match.group(1)
            twoslash = "twoslash" in match.group(2)
            out.append(line)
            if twoslash:
                body_end = _fence_end(lines, i + 1, fence)
                out += _twoslash_body(lines[i + 1 : body_end])
                i = body_end
            else:
                i += 1
            continue
        i = _plain_line(lines, i, out)
    return "\n".join(out)


def _plain_line(lines: list[str], i: int, out: list[str]) -> int:
    """Append the plain form of the construct starting at line i; return the next line."""
    line = lines[i]
    vue = _VUE_BLOCK.match(line)
    if vue:
        end = _closing_tag(lines, i + 1, vue.group(1).lower())
        if end is not None:
            return end + 1
    block = _BLOCK_OPEN.match(line)
    if block and (block.group(2) or block.group(3) is not None):
        out.append(_label(block.group(2) or "", block.group(3) or ""))
        return i + 1
    if block:  # a bare `///` closes a block
        return i + 1
    admonition = _ADMONITION.match(line)
    if admonition:
        out.append(_label(admonition.group(1), admonition.group(2) or ""))
        j = i + 1
        while j < len(lines) and (not lines[j].strip() or lines[j].startswith(("    ", "\t"))):
            body = lines[j]
            out.append(body[4:] if body.startswith("    ") else body.removeprefix("\t"))
            j += 1
        return j
    if _CONTAINER_CLOSE.match(line):
        return i + 1
    container = _CONTAINER.match(line)
    if container:
        kind = container.group(1).lower()
        if kind not in _SILENT_CONTAINERS:
            title = container.group(2) or container.group(3) or ""
            out.append(_label("" if kind == "details" else kind, title))
        return i + 1
    out.append(line)
    return i + 1


def _label(kind: str, title: str) -> str:
    """`**Tip:**`, `**Note: Technical Details**`, or `**Title**` for a tab or details."""
    kind = _LABELS.get(kind.lower(), kind.replace("-", " ").capitalize())
    title = title.strip().strip('"')
    if not kind:
        return f"**{title}**" if title else ""
    if not title or title.lower() == kind.lower():
        return f"**{kind}:**"
    return f"**{kind}: {title}**"


def _fence_end(lines: list[str], start: int, fence: str) -> int:
    """Index of the line that closes a fence opened before `start` (or the end)."""
    for j in range(start, len(lines)):
        match = _FENCE.match(lines[j])
        if (
            match
            and match.group(1)[0] == fence[0]
            and len(match.group(1)) >= len(fence)
            and not match.group(2).strip()
        ):
            return j
    return len(lines)


def _twoslash_body(body: list[str]) -> list[str]:
    """The lines a twoslash block shows: after `---cut---`, before `---cut-after---`."""
    for j, line in enumerate(body):
        if re.match(r"^\s*//\s*---cut(?:-before)?---\s*$", line):
            body = body[j + 1 :]
            break
    for j, line in enumerate(body):
        if re.match(r"^\s*//\s*---cut-after---\s*$", line):
            body = body[:j]
            break
    return [line for line in body if not _TWOSLASH_DIRECTIVE.match(line)]


def _closing_tag(lines: list[str], start: int, tag: str) -> int | None:
    for j in range(start, min(len(lines), start + 2000)):
        if lines[j].strip().lower() == f"</{tag}>":
            return j
    return None
