"""Which parser reads a docs file: markdown, or reStructuredText (`.rst`, `.txt` in Sphinx)."""

from __future__ import annotations

from typing import Literal, NamedTuple

from docshelf.models import Page

Markup = Literal["markdown", "rst"]

MARKDOWN_SUFFIXES = (".md", ".mdx", ".markdown")
RST_SUFFIXES = (".rst", ".rest")
# Sphinx projects may keep their sources as .txt (Django's docs do); elsewhere a .txt file
# is plain notes, so it is only read as reStructuredText inside a Sphinx source folder.
SPHINX_TEXT_SUFFIXES = (".txt",)


class DocFile(NamedTuple):
    """One docs file, read: its page path (no suffix), its text, and the markup to parse."""

    path: str
    text: str
    markup: Markup = "markdown"


def markup_for(filename: str, *, sphinx: bool = False) -> Markup | None:
    """The markup of a file by its name, or None when docshelf does not index it.

    `sphinx`: the file lies in a Sphinx source folder (one with a conf.py), where `.txt`
    files are reStructuredText too.
    """
    lowered = filename.lower()
    if lowered.endswith(MARKDOWN_SUFFIXES):
        return "markdown"
    if lowered.endswith(RST_SUFFIXES) or (sphinx and lowered.endswith(SPHINX_TEXT_SUFFIXES)):
        return "rst"
    return None


def strip_doc_suffix(name: str) -> str:
    """`a/b.md` -> `a/b`, `a/b.rst` -> `a/b`, `a/b.txt` -> `a/b`; other names unchanged."""
    lowered = name.lower()
    for suffix in (*MARKDOWN_SUFFIXES, *RST_SUFFIXES, *SPHINX_TEXT_SUFFIXES):
        if lowered.endswith(suffix):
            return name[: -len(suffix)]
    return name


def parse_document(path: str, text: str, markup: Markup = "markdown") -> Page:
    """Parse one docs file into a Page with the parser its markup needs.

    The page's `content` is always markdown, so reading, diffs and search treat every
    page alike whatever it was written in.
    """
    if markup == "rst":
        from docshelf.parsing.rst import parse_rst_page  # docutils loads only when needed

        return parse_rst_page(path, text)
    from docshelf.parsing.markdown import parse_page

    return parse_page(path, text)
