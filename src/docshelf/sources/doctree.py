"""The trees discovery reads (a git commit, a folder) and the layout of docs it returns.

`RepoTree` is what discovery needs of a snapshot: its file paths and a way to read some
of them. `DocsLayout` is its answer: which generator, which folder, and a `DocFile` per
page. The helpers name pages the way sites name their URLs.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from docshelf.parsing.formats import DocFile
from docshelf.sources.errors import UnreadableFileError
from docshelf.sources.files import read_regular_text

DOC_SUFFIXES = (".md", ".mdx", ".markdown", ".rst")
SKIP_DIRS = frozenset({"node_modules", ".git", "__pycache__", ".venv", "venv", ".tox"})
FORMATS = {".md": "md", ".markdown": "md", ".mdx": "mdx", ".rst": "rst", ".txt": "rst"}
# `01-app`, `3_guides`, `10 - intro`: the ordering prefix sites drop from their URLs.
ORDER_PREFIX = re.compile(r"^\d+\s*[-_.]+\s*(?=[^-_.\s])")


class RepoTree(Protocol):
    """A snapshot of a repository: its file paths, and a way to read some of them."""

    def files(self) -> Sequence[str]:
        """Paths ('/'-separated, relative to the repository root) of its regular files."""
        ...

    def read_texts(self, paths: Iterable[str]) -> dict[str, str]:
        """Text of each path that exists (decoded as UTF-8, bad bytes replaced)."""
        ...


@dataclass(frozen=True)
class DocsLayout:
    """Where a repository's docs are and what each page is called."""

    generator: str  # "VitePress", "MkDocs", "Docusaurus", "Sphinx", "folder", "local", ...
    folder: str  # the docs folder ("" for the root); for README-only, ""
    files: tuple[DocFile, ...]
    notes: tuple[str, ...] = field(default=())
    readme_only: bool = False

    def describe(self) -> str:
        """`VitePress site in docs/`, `docs folder docs/`, or `README and CHANGELOG only`."""
        if self.readme_only:
            return "README and CHANGELOG only"
        where = f"{self.folder}/" if self.folder else "the repository root"
        if self.generator == "local":
            return "local folder" if not self.folder else f"local folder, {where}"
        if self.generator == "folder":
            return f"docs folder {where}"
        if self.generator.endswith(" docs"):
            return f"{self.generator} in {where}"
        return f"{self.generator} site in {where}"


class FolderTree:
    """A RepoTree over a folder on disk (links are never followed).

    Paths are the real names, so a name that is not UTF-8 keeps its surrogate escapes
    here; `dedupe` gives such a page an id SQLite accepts. Files that are not regular (a
    named pipe, a device) are listed, so that a page made of one is named as skipped, but
    never read: opening a pipe waits for a writer.
    """

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._files: list[str] | None = None

    def files(self) -> Sequence[str]:
        if self._files is None:
            found = []
            for dirpath, dirnames, filenames in os.walk(self.root, followlinks=False):
                base = Path(dirpath)
                dirnames[:] = sorted(
                    d for d in dirnames if d not in SKIP_DIRS and not (base / d).is_symlink()
                )
                for name in filenames:
                    file = base / name
                    if file.is_symlink() or file.is_dir():
                        continue
                    found.append(file.relative_to(self.root).as_posix())
            self._files = sorted(found)
        return self._files

    def read_texts(self, paths: Iterable[str]) -> dict[str, str]:
        texts = {}
        for path in paths:
            file = self.root / path
            if file.is_symlink():
                continue
            try:
                texts[path] = read_regular_text(file)
            except UnreadableFileError:
                continue
        return texts


def page_id_for(rel_no_suffix: str, index_names: tuple[str, ...] = ("index",)) -> str:
    """`guide/index` -> `guide`; `index` -> `index`; `guide/intro` unchanged."""
    head, _, last = rel_no_suffix.rpartition("/")
    if last in index_names:
        return head or "index"
    return rel_no_suffix


def without_order_prefixes(rel: str) -> str:
    """`01-app/03-api-reference/fetch` -> `app/api-reference/fetch`, as such sites' URLs."""
    return "/".join(ORDER_PREFIX.sub("", part) for part in rel.split("/"))


def dedupe(files: Iterable[DocFile]) -> tuple[DocFile, ...]:
    """One file per page id (the first in path order), sorted by page id.

    An id made from a file name that is not UTF-8 gets U+FFFD for the bad bytes: SQLite
    refuses surrogate escapes, and the page stays findable and its path typeable.
    """
    chosen: dict[str, DocFile] = {}
    for doc in sorted(files, key=lambda d: d.path):
        page_id = doc.page_id.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        chosen.setdefault(page_id, replace(doc, page_id=page_id))
    return tuple(sorted(chosen.values(), key=lambda d: d.page_id))


def strip_suffix(path: str) -> str:
    """`a/b.md` -> `a/b`."""
    suffix = suffix_of(path)
    return path[: -len(suffix)] if suffix else path


def suffix_of(path: str) -> str:
    """The lower-case suffix of a file name: `A/B.MD` -> `.md`."""
    return posixpath.splitext(path)[1].lower()
