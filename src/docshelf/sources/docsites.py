"""Finding the docs in a package, repository or folder: which generator, folder and page ids.

The one discovery every source uses (git commits, PyPI sdists, npm tarballs, local
folders). It reads a tree through `RepoTree`, picks the docs site by its generator's own
config (see `sitegen`), else a conventional docs folder, else README + CHANGELOG, and
returns a `DocsLayout`: a `DocFile` (page id, file path, format) for each page. Page ids
follow the public site's URL paths where a config says them; in a plain folder they are
the file paths without their suffix.
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
    strip_suffix,
    suffix_of,
)
from docshelf.sources.nextjs_docs import is_nextjs, is_numbered, nextjs_layout, numbered_ids
from docshelf.sources.sitegen import build_layout, find_sites

__all__ = ["DocFile", "DocsLayout", "FolderTree", "RepoTree", "discover_docs"]

# README-like files at the root, each one page named like its stem in capitals.
README_STEMS = ("README", "CHANGELOG", "CHANGES", "HISTORY", "NEWS")
README_SUFFIXES = (".md", ".markdown", ".rst")
# Plain docs folders, most usual first (each is tried only when no generator config names
# one). `.docs` and `dist/docs` are what npm packages ship; the rest are repository habits.
CONVENTIONAL_FOLDERS = (
    ".docs",
    "dist/docs",
    "docs",
    "doc",
    "documentation",
    "website/docs",
    "apps/docs",
    "apps/website",
    "site",
    "packages/docs",
)


def discover_docs(
    tree: RepoTree,
    docs_root: str | None = None,
    *,
    whole_folder: bool = False,
    prefer: str | None = None,
) -> DocsLayout:
    """The docs of `tree`: by generator config, else a docs folder, else README + CHANGELOG.

    `docs_root` (the `--docs-root` option) restricts the search to that folder; a
    generator config inside it (or one whose docs folder it is) still sets the page ids.
    `whole_folder` (a local folder the user pointed at): without a generator config,
    every doc file in the tree is a page, instead of a docs folder or the README.
    `prefer` (a package's folder in a monorepo): a docs site or docs folder inside it
    comes first; without one, the repository's own docs are found as usual.
    """
    files = [f for f in tree.files() if not (set(f.split("/")[:-1]) & SKIP_DIRS)]
    if prefer and docs_root is None:
        layout = _package_docs(tree, files, _clean_folder(prefer))
        if layout is not None:
            return layout
    if docs_root is not None:
        root = _clean_folder(docs_root)
        _check_folder(files, root, docs_root)
        for site in find_sites(files, within=root):
            layout = build_layout(tree, files, site)
            if layout is not None and layout.files and _is_under(layout.folder, root):
                return layout
        return folder_layout(tree, files, root, note=f"--docs-root {docs_root}")
    for site in find_sites(files):
        layout = build_layout(tree, files, site)
        if layout is not None and layout.files:
            return layout
    if whole_folder:
        return folder_layout(tree, files, "", generator="local")
    for folder in CONVENTIONAL_FOLDERS:
        layout = folder_layout(tree, files, folder)
        if layout.files:
            return layout
    return readme_layout(files)


def _package_docs(tree: RepoTree, files: Sequence[str], package: str) -> DocsLayout | None:
    """The docs site or docs folder inside a monorepo package's folder, if it has one."""
    if not package:
        return None
    for site in find_sites(files, within=package):
        if _is_under(site.site_dir, package):
            layout = build_layout(tree, files, site)
            if layout is not None and layout.files:
                return layout
    for folder in CONVENTIONAL_FOLDERS:
        layout = folder_layout(tree, files, f"{package}/{folder}")
        if layout.files:
            return layout
    return None


def folder_layout(
    tree: RepoTree,
    files: Sequence[str],
    root: str,
    *,
    note: str = "",
    generator: str = "folder",
) -> DocsLayout:
    """Every doc file under `root`, named by its path there without the suffix.

    In a folder whose top-level folders all carry ordering prefixes (`01-app/`), the
    prefixes leave the page ids and only order the listings; Next.js's own docs folder
    gets nextjs.org's URL paths and shared pages (see `nextjs_docs`).
    """
    docs = [
        (path, rel)
        for path in files
        if (rel := _relative(path, root)) is not None and suffix_of(rel) in DOC_SUFFIXES
    ]
    rels = [rel for _, rel in docs]
    notes: tuple[str, ...] = (note,) if note else ()
    if is_nextjs(rels):
        layout = nextjs_layout(tree, files, root)
        return DocsLayout(layout.generator, root, layout.files, notes + layout.notes)
    numbered = is_numbered(rels)
    chosen = []
    for path, rel in docs:
        page_id, order = numbered_ids(strip_suffix(rel)) if numbered else (strip_suffix(rel), "")
        chosen.append(DocFile(page_id, path, FORMATS[suffix_of(rel)], order=order))
    if numbered:
        notes += ("ordering prefixes dropped",)
    return DocsLayout(generator, root, dedupe(chosen), notes)


def readme_layout(tree: RepoTree | Sequence[str]) -> DocsLayout:
    """README, CHANGELOG, CHANGES, HISTORY and NEWS at the root, in markdown or rst.

    Each is one page named after its stem in capitals (`README`) whatever its spelling on
    disk; of two spellings, markdown wins.
    """
    files = tree if isinstance(tree, Sequence) else tree.files()
    at_root = {f.lower(): f for f in sorted(files, reverse=True) if "/" not in f}
    chosen = []
    for stem in README_STEMS:
        for suffix in README_SUFFIXES:
            found = at_root.get(f"{stem.lower()}{suffix}")
            if found is not None:
                chosen.append(DocFile(stem, found, FORMATS[suffix]))
                break
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
            f"--docs-root {raw!r} points outside the package or repository; give a folder "
            "inside it, such as 'docs' or 'website/docs'."
        )
    return "/".join(parts)


def _check_folder(files: Sequence[str], root: str, raw: str) -> None:
    if not root or any(f.startswith(root + "/") for f in files):
        return
    tops = sorted({f.split("/", 1)[0] for f in files if "/" in f})[:12]
    raise SourceError(
        f"--docs-root {raw!r} is not a folder with files in the package or repository; "
        f"folders there: {', '.join(tops) or 'none'}."
    )
