"""One entry point for every docs format: a page's format picks its parser.

`md` is markdown, `mdx` is MDX cleaned to markdown first, `rst` is reStructuredText read
with docutils (loaded the first time an rst page is parsed), `next-app`/`next-pages` are
Next.js's MDX as each router's docs show it. A parser registers under its
format the way a source registers under its prefix: `register_parser("rst",
"docshelf.parsing.rst:parse_rst_page")` imports the module only when it is needed. Every
parser returns a Page whose `content` is markdown, so reading, diffs and search treat
every page alike whatever it was written in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from docshelf.errors import UsageError
from docshelf.models import Page

Parser = Callable[[str, str], Page]

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx")
RST_SUFFIXES = (".rst", ".rest")
# Sphinx projects may keep their sources as .txt (Django's docs do); elsewhere a .txt file
# is plain notes, so it is only read as reStructuredText inside a Sphinx source folder.
SPHINX_TEXT_SUFFIXES = (".txt",)
FORMAT_BY_SUFFIX = {".md": "md", ".markdown": "md", ".mdx": "mdx", ".rst": "rst", ".rest": "rst"}
_PARSERS: dict[str, Parser | str] = {}


@dataclass(frozen=True)
class DocFile:
    """One page of a library's docs: its id, the file that holds it, and its format.

    `path` is relative to the source's root (a package, a repository snapshot, a folder).
    A page a source writes itself (a PyPI long description) has its `text` instead.
    """

    page_id: str  # what read_docs calls it: the public URL path where the site says one
    path: str = ""
    format: str = "md"
    text: str | None = None
    # The file whose body this page shows, under its own front matter (a Next.js shared
    # page's `source:`); "" for the page's own file.
    text_from: str = ""
    # The page id as its files order it (`01-app/02-guides/x` for `app/guides/x`), for
    # listings; "" when that is the page id itself.
    order: str = ""


def format_for(filename: str, *, sphinx: bool = False) -> str | None:
    """The format of a file by its name, or None when docshelf does not index it.

    `sphinx`: the file lies in a Sphinx source folder that declares `.txt` sources.
    """
    lowered = filename.lower()
    for suffix, fmt in FORMAT_BY_SUFFIX.items():
        if lowered.endswith(suffix):
            return fmt
    if sphinx and lowered.endswith(SPHINX_TEXT_SUFFIXES):
        return "rst"
    return None


def strip_doc_suffix(name: str) -> str:
    """`a/b.md` -> `a/b`, `a/b.rst` -> `a/b`, `a/b.txt` -> `a/b`; other names unchanged."""
    lowered = name.lower()
    for suffix in (*FORMAT_BY_SUFFIX, *SPHINX_TEXT_SUFFIXES):
        if lowered.endswith(suffix):
            return name[: -len(suffix)]
    return name


def register_parser(fmt: str, parser: Parser | str) -> None:
    """Make `parse_document(page_id, text, fmt)` use `parser(page_id, text)`, a callable or
    the "module:function" that names one."""
    _PARSERS[fmt] = parser


def parse_document(page_id: str, text: str, fmt: str = "md") -> Page:
    """Parse one page of any registered format into a Page."""
    parser = _PARSERS.get(fmt)
    if parser is None:
        known = ", ".join(sorted(_PARSERS))
        raise UsageError(f"No parser for the docs format {fmt!r}; known formats: {known}.")
    if isinstance(parser, str):
        module, _, name = parser.partition(":")
        parser = _PARSERS[fmt] = getattr(import_module(module), name)
    return parser(page_id, text)


register_parser("md", "docshelf.parsing.markdown:parse_page")
register_parser("mdx", "docshelf.parsing.mdx:parse_mdx_page")
register_parser("rst", "docshelf.parsing.rst:parse_rst_page")
register_parser("next-app", "docshelf.parsing.nextjs:parse_app_page")
register_parser("next-pages", "docshelf.parsing.nextjs:parse_pages_page")
