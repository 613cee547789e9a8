"""The `pypi:` source: a release's docs folder found by discovery, else its long description.

The sdist (or wheel) is fetched by `pypi.py`; its docs are found by the same discovery as
a git repository's (Sphinx `conf.py`, `mkdocs.yml`, a `docs/` folder). A package that
ships none is served from the long description PyPI shows (PKG-INFO or METADATA) and its
CHANGES/HISTORY files, and the origin says so and where its docs live instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from docshelf.parsing.formats import DocFile
from docshelf.progress import Reporter
from docshelf.sources import FetchedDocs
from docshelf.sources.docsites import FolderTree, discover_docs
from docshelf.sources.doctree import MAX_FILE_BYTES
from docshelf.sources.provenance import Provenance, provenance_from_pypi
from docshelf.sources.pypi import FetchedPypiPackage, fetch_pypi_package
from docshelf.sources.pypi_release import parse_pypi_spec


@dataclass(frozen=True)
class PackageMetadata:
    """What a package's PKG-INFO (sdist) or METADATA (wheel) says about itself."""

    description: str = ""
    content_type: str = ""  # e.g. "text/markdown"; "" means reStructuredText (PyPI's default)
    project_urls: tuple[tuple[str, str], ...] = ()
    home_page: str = ""


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


def long_description_page(metadata: PackageMetadata, page_id: str = "README") -> DocFile | None:
    """The long description PyPI shows on the project page, as one page with its text."""
    text = metadata.description.strip("\n")
    if not text.strip():
        return None
    kind = metadata.content_type.lower()
    if kind == "text/markdown":
        return DocFile(page_id, format="md", text=text)
    if kind == "text/plain":
        fence = "`" * max(3, 1 + max((len(r) for r in re.findall(r"`+", text)), default=0))
        return DocFile(page_id, format="md", text=f"{fence}text\n{text}\n{fence}\n")
    return DocFile(page_id, format="rst", text=text)  # text/x-rst, and PyPI's default


def pypi_provenance(package: FetchedPypiPackage, metadata: PackageMetadata) -> Provenance:
    """The package's repository and docs sites: from the index's JSON, else its own metadata."""
    release = package.release
    if release.project_urls or release.home_page:
        return provenance_from_pypi(release.project_urls, release.home_page)
    return provenance_from_pypi(metadata.project_urls, metadata.home_page)


def fetch_docs(
    spec: str, cache_dir: Path, docs_root: str | None, reporter: Reporter
) -> FetchedDocs:
    """Fetch a PyPI release and choose what of it to serve, saying what was chosen."""
    parsed = parse_pypi_spec(spec)
    reporter.message(f"Fetching {parsed}")
    package = fetch_pypi_package(parsed, cache_dir, progress=reporter.download)
    source = f"pypi:{package.name}=={package.version}"
    layout = discover_docs(FolderTree(package.root), docs_root)
    if not layout.readme_only:
        return FetchedDocs(
            source, package.name, package.version, package.root, layout.files, layout.describe()
        )
    metadata = read_package_metadata(package.root)
    description = long_description_page(metadata)
    documents = [description] if description is not None else []
    extras = [d for d in layout.files if description is None or d.page_id != description.page_id]
    documents += extras
    kind = "wheel" if package.release.file.packagetype == "bdist_wheel" else "sdist"
    what = "the long description" if description is not None else "no long description"
    origin = f"the {kind} ships no docs; serving {what}"
    origin += f" and {', '.join(d.page_id for d in extras)}" if extras else ""
    provenance = pypi_provenance(package, metadata)
    if provenance.docs_urls:
        origin += f"; its docs: {provenance.docs_urls[0]} (from project_urls)"
    elif provenance.repository:
        origin += f"; its source: {provenance.repository} (from project_urls)"
    return FetchedDocs(
        source, package.name, package.version, package.root, tuple(documents), origin
    )
