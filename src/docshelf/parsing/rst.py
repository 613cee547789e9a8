"""reStructuredText (Sphinx's too) -> Page, through docutils: quiet, no file access, bounded.

The rst is parsed into a doctree by docutils and written out as markdown (parsing/
rst_markdown.py), which is then cut into sections like any markdown page; so a page's
`content` is markdown whatever it was written in. docutils never touches the disk here
(no config files, includes or raw files) and never prints. What would make it slow is
kept from it: pages over MAX_RST_CHARS, over-long lines and huge tables are indexed
from their raw text instead, and a page docutils cannot finish (deep nesting) falls
back the same way.
"""

from __future__ import annotations

import io
import posixpath
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

from docshelf.models import Page
from docshelf.parsing.markdown import parse_page, split_sections

MAX_RST_CHARS = 512 * 1024
MAX_LINE_CHARS = 10_000  # docutils' own line_length_limit: a longer line voids the page
# docutils' table parsers slow down with rows and, worse, columns; a table past these
# limits is kept verbatim as a literal block.
MAX_TABLE_LINES = 400
MAX_TABLE_COLUMNS = 40
PARSE_SECONDS = 10.0  # a page docutils has not read by then is indexed from its raw text

_GRID_BORDER = re.compile(r"^([ \t]*)\+(?:[-=]+\+)+[ \t]*$")
_SIMPLE_BORDER = re.compile(r"^([ \t]*)[=-]+(?:[ \t]+[=-]+)+[ \t]*$")
_parse_lock = threading.Lock()  # docutils keeps roles and directives in global tables
# The parse deadline of the calling thread, read by the per-line check; other threads
# (another docutils user) see none.
_deadline = threading.local()


class _TimeUp(Exception):
    """docutils took longer than PARSE_SECONDS over one page."""


@dataclass(frozen=True)
class RstDocument:
    """A reStructuredText document as markdown, with what Sphinx keeps beside the text."""

    title: str  # the document title ("" when it has none)
    markdown: str
    toctree: tuple[str, ...] = ()  # toctree entries, as written (relative to the page)


class RstError(Exception):
    """docutils could not parse a document within the limits; the text says why."""


def rst_to_markdown(text: str) -> RstDocument:
    """Parse reStructuredText (with Sphinx directives and roles) into markdown.

    Raises RstError when the text is over the limits or docutils fails on it.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if len(text) > MAX_RST_CHARS:
        raise RstError(f"it is over {MAX_RST_CHARS // 1024} KiB")
    if any(len(line) > MAX_LINE_CHARS for line in text.split("\n")):
        raise RstError(f"a line is over {MAX_LINE_CHARS} characters")
    text = defuse_tables(text)
    from docutils.core import publish_doctree

    from docshelf.parsing.rst_markdown import MarkdownWriter
    from docshelf.parsing.rst_sphinx import prepare_names

    with _parse_lock:
        _watch_lines()
        prepare_names(text)
        _deadline.at = time.monotonic() + PARSE_SECONDS
        try:
            doctree = publish_doctree(text, settings_overrides=_settings())
        except _TimeUp:
            raise RstError(f"docutils took over {PARSE_SECONDS:g} s") from None
        except RecursionError:
            raise RstError("it nests too deeply") from None
        except Exception as exc:  # docutils has no root exception; any failure means fallback
            raise RstError(f"docutils failed: {type(exc).__name__}: {exc}") from exc
        finally:
            _deadline.at = None
        writer = MarkdownWriter()
        try:
            markdown = writer.write(doctree)
        except RecursionError:
            raise RstError("it nests too deeply") from None
    return RstDocument(writer.title, markdown, tuple(writer.toctree))


def _watch_lines() -> None:
    """Make docutils check the deadline on every line it reads (installed once).

    docutils offers no time limit and reads nested blocks again line by line, so its
    line reader is the one place every slow input passes through.
    """
    from docutils.statemachine import StateMachine

    original = StateMachine.next_line
    if getattr(original, "_docshelf_deadline", False):
        return

    def next_line(self: StateMachine, n: int = 1) -> str:
        at = getattr(_deadline, "at", None)
        if at is not None and time.monotonic() > at:
            raise _TimeUp
        return original(self, n)

    next_line._docshelf_deadline = True  # type: ignore[attr-defined]
    StateMachine.next_line = next_line  # type: ignore[method-assign]


def _settings() -> dict[str, Any]:
    return {
        "_disable_config": True,  # never read docutils.conf files from disk
        "file_insertion_enabled": False,
        "raw_enabled": False,
        "report_level": 5,  # no system messages in the tree or anywhere else
        "halt_level": 5,
        "warning_stream": io.StringIO(),
        "traceback": True,  # raise instead of calling sys.exit
        "syntax_highlight": "none",  # code stays one text node; no pygments
        "smart_quotes": False,
        "pep_references": False,
        "rfc_references": False,
        "line_length_limit": MAX_LINE_CHARS,
        "input_encoding": "unicode",
        "output_encoding": "unicode",
        "doctitle_xform": True,
        "sectsubtitle_xform": False,
        "character_level_inline_markup": False,
        "id_prefix": "",
        "auto_id_prefix": "%",
    }


def parse_rst_page(path: str, text: str) -> Page:
    """Parse one reStructuredText file (path relative to the docs root, without `.rst`).

    The title is the document title; toctree entries are kept in the metadata as page
    paths. A page docutils cannot read within the limits is indexed from its raw text
    (rst underlined titles still make headings), with `rst_fallback` saying why.
    """
    try:
        document = rst_to_markdown(text)
    except RstError as exc:
        page = parse_page(path, text)
        return Page(page.path, page.title, page.content, page.sections, {"rst_fallback": str(exc)})
    sections = split_sections(document.markdown)
    metadata: dict[str, Any] = {}
    if document.toctree:
        metadata["toctree"] = [_resolve_entry(path, e) for e in document.toctree]
    title = document.title
    if not title:
        title = parse_page(path, document.markdown).title
    return Page(
        path=path,
        title=title,
        content=document.markdown,
        sections=tuple(sections),
        metadata=metadata,
    )


def _resolve_entry(page_path: str, entry: str) -> str:
    """A toctree entry as a page path: relative to the page's folder, or to the root."""
    if entry.startswith("/"):
        return posixpath.normpath(entry.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(page_path), entry))


def defuse_tables(text: str) -> str:
    """Turn each table past the size limits into a literal block of its own lines."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    unclosed = len(lines)  # no simple table starting at or after this index ever closes
    while i < len(lines):
        end = _table_end(lines, i) if i < unclosed else None
        if end is None or end < 0:
            if end is not None:
                unclosed = i
            out.append(lines[i])
            i += 1
            continue
        block = lines[i:end]
        first = lines[i]
        columns = first.count("+") - 1 if _GRID_BORDER.match(first) else len(first.split())
        if len(block) > MAX_TABLE_LINES or columns > MAX_TABLE_COLUMNS:
            indent = first[: len(first) - len(first.lstrip())]
            out += ["", f"{indent}::", ""]
            out += [f"{indent}    {line[len(indent) :]}" for line in block]
            out.append("")
        else:
            out += block
        i = end
    return "\n".join(out)


def _table_end(lines: list[str], start: int) -> int | None:
    """The index after the table starting at `start`; None if none starts there, -1 if a
    simple table starts there but never closes (then no later one does either)."""
    grid = _GRID_BORDER.match(lines[start])
    if grid:
        indent = grid.group(1)
        end = start + 1
        while end < len(lines) and lines[end].startswith((f"{indent}+", f"{indent}|")):
            end += 1
        return end
    if not _is_simple_border(lines[start]) or (start > 0 and lines[start - 1].strip()):
        return None  # not a border, or a title's underline
    for end in range(start + 1, len(lines)):
        after = lines[end + 1] if end + 1 < len(lines) else ""
        if _is_simple_border(lines[end]) and not after.strip():
            return end + 1
    return -1


def _is_simple_border(line: str) -> bool:
    return "=" in line and _SIMPLE_BORDER.match(line) is not None
