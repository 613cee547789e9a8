"""Finding the docs in a repository: which site generator, which folder, which page ids.

Discovery reads a tree (a git commit or a folder) through `RepoTree`, picks the docs
site by its generator's own config (see `sitegen`), else a conventional docs folder,
else README + CHANGELOG, and returns a `DocsLayout`: (page id, file path, format) for
each page. Page ids follow the public site's URL paths; the format picks the parser.
"""

from __future__ import annotations

from collections.abc import Sequence

from docshelf.errors import SourceError
from docshelf.sources.doctree import (
    DOC_SUFFIXES,
    FORMATS,
    SKIP_DIRS,
    DocFile,
    DocsLayout,
    FolderTree,
    RepoTree,
    dedupe,
    page_id_for,
    strip_suffix,
    suffix_of,
)
from docshelf.sources.sitegen import build_layout, find_sites

__all__ = ["DocFile", "DocsLayout", "FolderTree", "RepoTree", "discover_docs"]

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


def discover_docs(tree: RepoTree, docs_root: str | None = None, *, name: str = "") -> DocsLayout:
    """The docs of `tree`: by generator config, else a docs folder, else README + CHANGELOG.

    `docs_root` (the `--docs-root` option) restricts the search to that folder; a
    generator config inside it (or one whose docs folder it is) still sets the page ids.
    """
    files = [f for f in tree.files() if not (set(f.split("/")[:-1]) & SKIP_DIRS)]
    if docs_root is not None:
        root = _clean_folder(docs_root)
        _check_folder(files, root, docs_root)
        for site in find_sites(files, within=root):
            layout = build_layout(tree, files, site)
            if layout is not None and layout.files and _is_under(layout.folder, root):
                return layout
        return folder_layout(files, root, note=f"--docs-root {docs_root}")
    for site in find_sites(files):
        layout = build_layout(tree, files, site)
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
        if rel is None or suffix_of(rel) not in DOC_SUFFIXES:
            continue
        chosen.append(DocFile(page_id_for(strip_suffix(rel)), path, FORMATS[suffix_of(rel)]))
    return DocsLayout("folder", root, dedupe(chosen), (note,) if note else ())


def readme_layout(files: Sequence[str], name: str = "") -> DocsLayout:
    """README and CHANGELOG at the root, as pages `README` and `CHANGELOG`."""
    present = set(files)
    chosen = []
    for names, page_id in ((README_NAMES, "README"), (CHANGELOG_NAMES, "CHANGELOG")):
        found = next((n for n in names if n in present), None)
        if found is not None:
            chosen.append(DocFile(page_id, found, FORMATS[suffix_of(found)]))
    return DocsLayout("README", "", tuple(chosen), readme_only=True)


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
