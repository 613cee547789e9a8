"""Finding the docs in a repository: which site generator, which folder, which page ids.

Discovery reads a tree (a git commit or a folder) through `RepoTree`, picks the docs
site by its generator's own config (see `sitegen`), else a conventional docs folder,
else README + CHANGELOG, and returns a `DocsLayout`: (page id, file path, format) for
each page. Page ids follow the public site's URL paths; the format picks the parser.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from docshelf.errors import SourceError

DOC_SUFFIXES = (".md", ".mdx", ".markdown", ".rst")
SKIP_DIRS = frozenset({"node_modules", ".git", "__pycache__", ".venv", "venv", ".tox"})
README_NAMES = ("README.md", "readme.md", "Readme.md", "README.markdown", "README.rst")
CHANGELOG_NAMES = ("CHANGELOG.md", "changelog.md", "CHANGES.md", "CHANGELOG.rst", "CHANGES.rst")
# Plain docs folders, most usual first (each is tried only when no generator config names one).
CONVENTIONAL_FOLDERS = (
    "docs",
    "doc",
    "documentation",
    "website/docs",
    "apps/docs",
    "apps/website",
    "site",
    "packages/docs",
    ".docs",
    "dist/docs",
)
FORMATS = {".md": "md", ".markdown": "md", ".mdx": "mdx", ".rst": "rst", ".txt": "rst"}


class RepoTree(Protocol):
    """A snapshot of a repository: its file paths, and a way to read some of them."""

    def files(self) -> Sequence[str]:
        """Paths ('/'-separated, relative to the repository root) of its regular files."""
        ...

    def read_texts(self, paths: Iterable[str]) -> dict[str, str]:
        """Text of each path that exists (decoded as UTF-8, bad bytes replaced)."""
        ...


@dataclass(frozen=True)
class DocFile:
    """One page of the docs: its id (the public URL path), its file, and how to parse it."""

    page_id: str
    path: str  # relative to the repository root
    format: str  # "md", "mdx" or "rst"


@dataclass(frozen=True)
class DocsLayout:
    """Where a repository's docs are and what each page is called."""

    generator: str  # "VitePress", "MkDocs", "Docusaurus", "Sphinx", "Starlight", ...
    folder: str  # the docs folder ("" for the root); for README-only, ""
    files: tuple[DocFile, ...]
    notes: tuple[str, ...] = field(default=())
    readme_only: bool = False

    def describe(self) -> str:
        """`VitePress site in docs/`, `docs folder docs/`, or `README and CHANGELOG only`."""
        if self.readme_only:
            return "README and CHANGELOG only"
        where = f"{self.folder}/" if self.folder else "the repository root"
        if self.generator == "folder":
            return f"docs folder {where}"
        return f"{self.generator} site in {where}"


class FolderTree:
    """A RepoTree over a folder on disk (links are never followed)."""

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
                    if file.is_symlink() or not file.is_file():
                        continue
                    found.append(file.relative_to(self.root).as_posix())
            self._files = sorted(found)
        return self._files

    def read_texts(self, paths: Iterable[str]) -> dict[str, str]:
        texts = {}
        for path in paths:
            file = self.root / path
            if file.is_file() and not file.is_symlink():
                texts[path] = file.read_text(encoding="utf-8", errors="replace")
        return texts


def discover_docs(tree: RepoTree, docs_root: str | None = None, *, name: str = "") -> DocsLayout:
    """The docs of `tree`: by generator config, else a docs folder, else README + CHANGELOG.

    `docs_root` (the `--docs-root` option) restricts the search to that folder; a
    generator config inside it (or one whose docs folder it is) still sets the page ids.
    """
    from docshelf.sources import sitegen

    files = [f for f in tree.files() if not (set(f.split("/")[:-1]) & SKIP_DIRS)]
    if docs_root is not None:
        root = _clean_folder(docs_root)
        _check_folder(files, root, docs_root)
        for site in sitegen.find_sites(files, within=root):
            layout = sitegen.build_layout(tree, files, site)
            if layout is not None and layout.files and _is_under(layout.folder, root):
                return layout
        return folder_layout(files, root, note=f"--docs-root {docs_root}")
    for site in sitegen.find_sites(files):
        layout = sitegen.build_layout(tree, files, site)
        if layout is not None and layout.files:
            return layout
    for folder in CONVENTIONAL_FOLDERS:
        layout = folder_layout(files, folder)
        if layout.files:
            return layout
    return readme_layout(files, name)


def folder_layout(files: Sequence[str], root: str, *, note: str = "") -> DocsLayout:
    """Every doc file under `root`; `x/index.md` is page `x`, the root index is `index`."""
    chosen = []
    for path in files:
        rel = _relative(path, root)
        if rel is None or _suffix(rel) not in DOC_SUFFIXES:
            continue
        chosen.append(DocFile(page_id_for(strip_suffix(rel)), path, FORMATS[_suffix(rel)]))
    return DocsLayout("folder", root, dedupe(chosen), (note,) if note else ())


def readme_layout(files: Sequence[str], name: str = "") -> DocsLayout:
    """README and CHANGELOG at the root, as pages `README` and `CHANGELOG`."""
    present = set(files)
    chosen = []
    for names, page_id in ((README_NAMES, "README"), (CHANGELOG_NAMES, "CHANGELOG")):
        found = next((n for n in names if n in present), None)
        if found is not None:
            chosen.append(DocFile(page_id, found, FORMATS[_suffix(found)]))
    return DocsLayout("README", "", tuple(chosen), readme_only=True)


def page_id_for(rel_no_suffix: str, index_names: tuple[str, ...] = ("index",)) -> str:
    """`guide/index` -> `guide`; `index` -> `index`; `guide/intro` unchanged."""
    head, _, last = rel_no_suffix.rpartition("/")
    if last in index_names:
        return head or "index"
    return rel_no_suffix


def dedupe(files: Iterable[DocFile]) -> tuple[DocFile, ...]:
    """One file per page id (the first in path order), sorted by page id."""
    chosen: dict[str, DocFile] = {}
    for doc in sorted(files, key=lambda d: d.path):
        chosen.setdefault(doc.page_id, doc)
    return tuple(sorted(chosen.values(), key=lambda d: d.page_id))


def strip_suffix(path: str) -> str:
    suffix = _suffix(path)
    return path[: -len(suffix)] if suffix else path


def _suffix(path: str) -> str:
    return posixpath.splitext(path)[1].lower()


def _relative(path: str, root: str) -> str | None:
    if not root:
        return path
    return path[len(root) + 1 :] if path.startswith(root + "/") else None


def _is_under(folder: str, root: str) -> bool:
    return not root or folder == root or folder.startswith(root + "/")


def _clean_folder(raw: str) -> str:
    parts = [p for p in raw.replace("\\", "/").split("/") if p not in ("", ".")]
    if ".." in parts or raw.startswith(("/", "~")):
        raise SourceError(
            f"--docs-root {raw!r} points outside the repository; give a folder inside it, such "
            "as 'docs' or 'website/docs'."
        )
    return "/".join(parts)


def _check_folder(files: Sequence[str], root: str, raw: str) -> None:
    if not root or any(f.startswith(root + "/") for f in files):
        return
    tops = sorted({f.split("/", 1)[0] for f in files if "/" in f})[:12]
    raise SourceError(
        f"--docs-root {raw!r} is not a folder with files in the repository; folders there: "
        f"{', '.join(tops) or 'none'}."
    )
