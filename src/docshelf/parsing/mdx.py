"""MDX -> markdown: imports, exports, JSX component tags and `{/* comments */}` removed.

A heading id written as a comment (`## Usage {/*usage*/}`, react.dev) becomes an
attribute list, which the markdown parser turns into the section's anchor.

What a reader sees is kept: the text and code blocks inside components, and string
props that hold visible text (`<Note title="Heads up">` keeps "Heads up"). Code fences
and inline code are never touched. Lower-case HTML tags stay, as in markdown.
"""

from __future__ import annotations

import re

from docshelf.models import Page
from docshelf.parsing.markdown import parse_page

# String props whose value is text a reader of the rendered page sees.
VISIBLE_PROPS = ("title", "label", "caption", "heading", "summary", "alt", "description")

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n.*?\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_STATEMENT = re.compile(r"^(import|export)\b(?!\s*[-:=])")
_COMMENT = re.compile(r"\{\s*/\*.*?\*/\s*\}", re.DOTALL)
# react.dev writes a heading's id as a comment: `## Usage {/*usage*/}`.
_HEADING_ID = re.compile(r"(?m)^(#{1,6}[ \t].*?)[ \t]*\{/\*\s*([\w:-]+)\s*\*/\}[ \t]*$")
_STRING_EXPR = re.compile(r"""\{\s*(['"])((?:(?!\1).)*)\1\s*\}""")
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
_TAG_START = re.compile(r"<(/?)(?:[A-Z][\w.]*(?=[\s/>])|(?=>))")
_MAX_TAG_CHARS = 4000
_PROP = re.compile(r"""(?<![\w-])([A-Za-z_][\w-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def mdx_to_markdown(text: str) -> str:
    """The markdown a reader of an MDX page would see, front matter kept as it was."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    front = _FRONT_MATTER.match(text)
    head, body = (text[: front.end()], text[front.end() :]) if front else ("", text)
    out: list[str] = []
    prose: list[str] = []
    fence: str | None = None
    lines = body.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        match = _FENCE.match(line)
        if fence is not None:
            out.append(line)
            marker = match.group(1) if match else ""
            if marker[:1] == fence[0] and len(marker) >= len(fence) and not line.strip(" \t`~"):
                fence = None
            i += 1
            continue
        if match:
            out.append(_clean_prose("\n".join(prose)))
            prose = []
            fence = match.group(1)
            out.append(line)
            i += 1
            continue
        if _STATEMENT.match(line):
            i = _skip_statement(lines, i)
            continue
        prose.append(line)
        i += 1
    out.append(_clean_prose("\n".join(prose)))
    cleaned = "\n".join(part for part in out)
    cleaned = re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", cleaned).strip("\n") + "\n"
    return head + cleaned


def _skip_statement(lines: list[str], start: int) -> int:
    """Index of the first line after an import/export statement (brackets balanced)."""
    depth = 0
    i = start
    while i < len(lines):
        code = re.sub(r"""(['"`])(?:\\.|(?!\1).)*\1""", "", lines[i])
        depth += sum(code.count(c) for c in "({[") - sum(code.count(c) for c in ")}]")
        i += 1
        if depth <= 0 and not code.rstrip().endswith((",", "=", "(", "{", "[")):
            break
    return i


def _clean_prose(text: str) -> str:
    if not text:
        return text
    held: list[str] = []

    def hold(match: re.Match[str]) -> str:
        held.append(match.group(0))
        return f"\ue000{len(held) - 1}\ue001"

    text = _HEADING_ID.sub(lambda m: f"{m.group(1)} {{#{m.group(2)}}}", text)
    text = _INLINE_CODE.sub(hold, text)
    text = _COMMENT.sub("", text)
    text = _STRING_EXPR.sub(lambda m: m.group(2), text)
    text = _strip_tags(text)
    text = re.sub(r"(?m)[ \t]+$", "", text)
    return re.sub("\ue000(\\d+)\ue001", lambda m: held[int(m.group(1))], text)


def _strip_tags(text: str) -> str:
    """Remove JSX component tags (capitalised names and fragments), keeping visible props."""
    out: list[str] = []
    pos = 0
    while True:
        match = _TAG_START.search(text, pos)
        if match is None:
            out.append(text[pos:])
            return "".join(out)
        end = _tag_end(text, match.end())
        if end is None:  # not a well-formed tag: leave the text as it is
            out.append(text[pos : match.end()])
            pos = match.end()
            continue
        out.append(text[pos : match.start()])
        if not match.group(1):  # an opening tag may carry visible text in its props
            props = text[match.end() : end]
            shown = [
                a or b
                for name, a, b in _PROP.findall(_without_expressions(props))
                if name in VISIBLE_PROPS and (a or b).strip()
            ]
            if shown:
                out.append(" ".join(shown))
        pos = end + 1
    return "".join(out)


def _tag_end(text: str, start: int) -> int | None:
    """Index of the `>` that closes a tag, skipping strings and `{...}` expressions."""
    depth = 0
    quote: str | None = None
    i = start
    while i < min(len(text), start + _MAX_TAG_CHARS):
        char = text[i]
        if quote is not None:
            if char == quote:
                quote = None
        elif char in "\"'`":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == ">" and depth == 0:
            return i
        elif char == "<" and depth == 0 and text[i + 1 : i + 2].isalpha():
            return None  # another tag starts first: this '<' was not a tag
        i += 1
    return None


def _without_expressions(props: str) -> str:
    """Props with `{...}` expressions blanked, so strings inside code are not read as text."""
    out = []
    depth = 0
    for char in props:
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
            continue
        if depth == 0:
            out.append(char)
    return "".join(out)


def parse_mdx_page(path: str, text: str) -> Page:
    """An MDX page, cleaned to markdown, as a Page (registered as format `mdx`)."""
    return parse_page(path, mdx_to_markdown(text))
