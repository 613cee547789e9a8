"""Docs of a Python package: its Sphinx or MkDocs source folder, else its long description."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from docshelf.parsing.formats import DocFile
from docshelf.sources.doc_files import (
    MAX_FILE_BYTES,
    is_sphinx_source,
    iter_doc_files,
)
from docshelf.sources.local import find_docs_root
from docshelf.sources.provenance import Provenance, provenance_from_pypi

if TYPE_CHECKING:
    from docshelf.sources import FetchedDocs, Reporter
    from docshelf.sources.pypi import FetchedPypiPackage

DocsKind = Literal["sphinx", "mkdocs", "folder"]
# Where Sphinx projects keep conf.py, most common first (split layouts use source/).
SPHINX_FOLDERS = (
    "docs",
    "doc",
    "docs/source",
    "doc/source",
    "docs/src",
    "doc/src",
    "Doc",
    "documentation",
    "docs/en",
    "source",
)
PLAIN_FOLDERS = ("docs", "doc", "documentation")
_MKDOCS_FILES = ("mkdocs.yml", "mkdocs.yaml")
_DOCS_DIR = re.compile(r"""^docs_dir:[ \t]*['"]?([^'"\s#]+)""", re.MULTILINE)
_LABELS: dict[DocsKind, str] = {"sphinx": "Sphinx docs", "mkdocs": "MkDocs docs", "folder": "docs"}


@dataclass(frozen=True)
class DocsFolder:
    """The folder a package keeps its docs sources in, and which generator reads it."""

    kind: DocsKind
    root: Path

    def describe(self, package_root: Path) -> str:
        """`Sphinx docs in docs/`."""
        try:
            where = self.root.relative_to(package_root).as_posix() or "."
        except ValueError:
            where = str(self.root)
        return f"{_LABELS[self.kind]} in {where}/"


@dataclass(frozen=True)
class PackageMetadata:
    """What a package's PKG-INFO (sdist) or METADATA (wheel) says about itself."""

    description: str = ""
    content_type: str = ""  # e.g. "text/markdown"; "" means reStructuredText (PyPI's default)
    project_urls: tuple[tuple[str, str], ...] = ()
    home_page: str = ""


def find_python_docs(package_root: Path) -> DocsFolder | None:
    """The docs sources of an unpacked sdist: Sphinx, else MkDocs' docs_dir, else docs/."""
    for name in SPHINX_FOLDERS:
        folder = _inside(package_root, name)
        if folder is not None and is_sphinx_source(folder) and _has_docs(folder):
            return DocsFolder("sphinx", folder)
    for config in _MKDOCS_FILES:
        file = package_root / config
        if not file.is_file() or file.is_symlink() or file.stat().st_size > MAX_FILE_BYTES:
            continue
        match = _DOCS_DIR.search(file.read_text(encoding="utf-8", errors="replace"))
        folder = _inside(package_root, match.group(1) if match else "docs")
        if folder is not None and _has_docs(folder):
            return DocsFolder("mkdocs", folder)
    for name in PLAIN_FOLDERS:
        folder = _inside(package_root, name)
        if folder is not None and _has_docs(folder):
            return DocsFolder("folder", folder)
    return None


def _inside(package_root: Path, name: str) -> Path | None:
    """`package_root/name` if it is a real folder inside the package (no links on the way)."""
    folder = package_root
    for part in Path(name).parts:
        if part in ("..", "/", "\\") or Path(part).is_absolute():
            return None
        folder = folder / part
        if folder.is_symlink() or not folder.is_dir():
            return None
    return folder.resolve()


def _has_docs(folder: Path) -> bool:
    return any(True for _ in iter_doc_files(folder))


def read_package_metadata(package_root: Path) -> PackageMetadata:
    """PKG-INFO at the sdist's top, else the wheel's *.dist-info/METADATA; empty if neither."""
    from packaging.metadata import parse_email

    candidates = [package_root / "PKG-INFO", package_root / "METADATA"]
    candidates += sorted(package_root.glob("*.dist-info/METADATA"))
    for file in candidates:
        if not file.is_file() or file.is_symlink() or file.stat().st_size > MAX_FILE_BYTES:
            continue
        raw, _unparsed = parse_email(file.read_text(encoding="utf-8", errors="replace"))
        urls = raw.get("project_urls") or {}
        description = raw.get("description") or ""
        return PackageMetadata(
            description="" if description.strip() == "UNKNOWN" else description,
            content_type=(raw.get("description_content_type") or "").split(";")[0].strip(),
            project_urls=tuple(urls.items()),
            home_page=raw.get("home_page") or "",
        )
    return PackageMetadata()


def long_description_page(metadata: PackageMetadata, path: str = "README") -> DocFile | None:
    """The long description PyPI shows on the project page, as one page."""
    text = metadata.description.strip("\n")
    if not text.strip():
        return None
    kind = metadata.content_type.lower()
    if kind == "text/markdown":
        return DocFile(path, text, "markdown")
    if kind == "text/plain":
        fence = "`" * max(3, 1 + max((len(r) for r in re.findall(r"`+", text)), default=0))
        return DocFile(path, f"{fence}text\n{text}\n{fence}\n", "markdown")
    return DocFile(path, text, "rst")  # text/x-rst, and PyPI's default when none is given


def pypi_provenance(package: FetchedPypiPackage, metadata: PackageMetadata) -> Provenance:
    """The package's repository and docs sites: from the index's JSON, else its own metadata."""
    release = package.release
    if release.project_urls or release.home_page:
        return provenance_from_pypi(release.project_urls, release.home_page)
    return provenance_from_pypi(metadata.project_urls, metadata.home_page)


def fetch_pypi_docs(
    spec: str, cache_dir: Path, docs_root: str | None, reporter: Reporter
) -> FetchedDocs:
    """Fetch a PyPI release and choose what of it to serve, saying what was chosen."""
    from docshelf.sources import FetchedDocs
    from docshelf.sources.pypi import fetch_pypi_package, parse_pypi_spec

    parsed = parse_pypi_spec(spec)
    reporter.message(f"Fetching {parsed}")
    package = fetch_pypi_package(parsed, cache_dir, progress=reporter.download)
    ref = f"{package.name}@{package.version}"
    source = f"pypi:{package.name}=={package.version}"
    folder: DocsFolder | None = None
    if docs_root:
        root = find_docs_root(package.root, docs_root)
        if root is not None:
            folder = DocsFolder("sphinx" if is_sphinx_source(root) else "folder", root)
    else:
        folder = find_python_docs(package.root)
    if folder is not None:
        fetched = FetchedDocs(source, package.name, package.version, package.root, folder.root)
        count = sum(1 for _ in fetched.iter_files())
        summary = f"{ref}: {folder.describe(package.root)} ({_pages(count)})"
        reporter.message(summary)
        return _with_summary(fetched, summary)
    metadata = read_package_metadata(package.root)
    description = long_description_page(metadata)
    pages = (description,) if description is not None else ()
    fetched = FetchedDocs(source, package.name, package.version, package.root, None, pages)
    served = [f.path for f in fetched.iter_files()]
    kind = "wheel" if package.release.file.packagetype == "bdist_wheel" else "sdist"
    what = "the long description" if description is not None else "no long description"
    extras = [p for p in served if description is None or p != description.path]
    summary = f"{ref}: the {kind} ships no docs; serving {what}"
    summary += (f" and {', '.join(extras)}" if extras else "") + f" ({_pages(len(served))})"
    provenance = pypi_provenance(package, metadata)
    if provenance.docs_urls:
        summary += f"; its docs: {provenance.docs_urls[0]} (from project_urls)"
    elif provenance.repository:
        summary += f"; its source: {provenance.repository} (from project_urls)"
    reporter.message(summary)
    return _with_summary(fetched, summary)


def _with_summary(fetched: FetchedDocs, summary: str) -> FetchedDocs:
    return replace(fetched, summary=summary)


def _pages(count: int) -> str:
    return f"{count} page" + ("" if count == 1 else "s")
