"""One entry point for every docs format: a page's format picks its parser.

`md` is markdown, `mdx` is MDX cleaned to markdown first, `rst` is reStructuredText.
A parser module registers itself with `register_parser` (the reStructuredText one,
`docshelf.parsing.rst`, does so when imported); until it exists, rst pages are read
with their section titles turned into markdown headings, so they stay searchable.
"""

from __future__ import annotations

import contextlib
import importlib
import re
from collections.abc import Callable

from docshelf.errors import UsageError
from docshelf.models import Page
from docshelf.parsing.markdown import parse_page
from docshelf.parsing.mdx import mdx_to_markdown

Parser = Callable[[str, str], Page]
_PARSERS: dict[str, Parser] = {}
_MODULES = {"rst": "docshelf.parsing.rst"}  # formats whose parser lives in its own module


def register_parser(fmt: str, parser: Parser) -> None:
    """Make `parse_document(path, text, fmt)` use `parser(path, text)`."""
    _PARSERS[fmt] = parser


def parse_document(path: str, text: str, fmt: str = "md") -> Page:
    """Parse one page of any known format into a Page."""
    parser = _PARSERS.get(fmt) or _load(fmt)
    return parser(path, text)


def _load(fmt: str) -> Parser:
    module = _MODULES.get(fmt)
    if module is not None:
        with contextlib.suppress(ImportError):
            importlib.import_module(module)
        if fmt in _PARSERS:
            return _PARSERS[fmt]
    if fmt == "rst":
        return _parse_rst_headings
    known = ", ".join(sorted({*_PARSERS, *_MODULES}))
    raise UsageError(f"No parser for the docs format {fmt!r}; known formats: {known}.")


def _parse_mdx(path: str, text: str) -> Page:
    return parse_page(path, mdx_to_markdown(text))


_ADORNMENT = re.compile(r"^([=\-~^\"'`#*+<>:._])\1{2,}\s*$")


def _parse_rst_headings(path: str, text: str) -> Page:
    """Stand-in for the reStructuredText parser: section titles become markdown headings."""
    lines = text.replace("\r\n", "\n").split("\n")
    styles: list[tuple[str, bool]] = []
    out: list[str] = []
    i = 0
    while i < len(lines):
        over = bool(_ADORNMENT.match(lines[i])) and i + 2 < len(lines)
        title_at = i + 1 if over else i
        if title_at + 1 < len(lines):
            title = lines[title_at].strip()
            under = _ADORNMENT.match(lines[title_at + 1])
            fits = under and title and len(lines[title_at + 1].rstrip()) >= len(title)
            if fits and not _ADORNMENT.match(lines[title_at]) and under is not None:
                style = (under.group(1), over)
                if style not in styles:
                    styles.append(style)
                out.append("#" * min(styles.index(style) + 1, 6) + " " + title)
                i = title_at + 2
                continue
        out.append(lines[i])
        i += 1
    return parse_page(path, "\n".join(out))


register_parser("md", parse_page)
register_parser("mdx", _parse_mdx)
