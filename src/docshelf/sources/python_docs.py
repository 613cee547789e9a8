"""The `pypi:` source: a release's docs folder, else its repository's, else its long description.

The sdist (or wheel) is fetched by `pypi.py`; its docs are found by the same discovery as
a git repository's (Sphinx `conf.py`, `mkdocs.yml`, a `docs/` folder). A package that
ships none is served from its repository at the release's tag (`project_urls`: Source,
Repository, Homepage; see `repo_docs`), else from the long description PyPI shows
(PKG-INFO or METADATA) and its CHANGES/HISTORY files, with a warning; the origin says
which, and where its docs live. `--from site` takes the website its project_urls name
instead (`site_docs`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from docshelf.parsing.formats import DocFile
from docshelf.progress import Reporter
from docshelf.sources import FetchedDocs, fetched_from_layout
from docshelf.sources.docsites import DocsLayout, FolderTree, discover_docs
from docshelf.sources.files import MAX_FILE_BYTES
from docshelf.sources.provenance import Provenance, provenance_from_pypi
from docshelf.sources.pypi import FetchedPypiPackage, fetch_pypi_package
from docshelf.sources.pypi_release import parse_pypi_spec
from docshelf.sources.repo_docs import docs_from_repository, plan_from_provenance
from docshelf.sources.site_docs import SiteCheck, docs_from_site


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
    spec: str,
    cache_dir: Path,
    docs_root: str | None,
    reporter: Reporter,
    docs_from: str | None = None,
    check_site: SiteCheck | None = None,
) -> FetchedDocs:
    """Fetch a PyPI release and choose what of it to serve, saying what was chosen.

    Its docs folder when it ships one; else its repository's docs at the release's tag
    (see `repo_docs`), else its long description with a warning. `docs_from` forces one:
    "tarball" (the release's own files), "repo" (its repository, or an error) or "site"
    (the website its project_urls name, Documentation before Homepage, see `site_docs`;
    `check_site` may refuse it).
    """
    parsed = parse_pypi_spec(spec)
    reporter.message(f"Fetching {parsed}")
    package = fetch_pypi_package(parsed, cache_dir, progress=reporter.download)
    source = f"pypi:{package.name}=={package.version}"
    kind = "wheel" if package.release.file.packagetype == "bdist_wheel" else "sdist"
    own_root = None if docs_from in ("repo", "site") else docs_root
    layout = discover_docs(FolderTree(package.root), own_root)
    if not layout.readme_only and docs_from not in ("repo", "site"):
        return fetched_from_layout(source, package.name, package.version, package.root, layout)
    metadata = read_package_metadata(package.root)
    provenance = pypi_provenance(package, metadata)
    served = _long_description_docs(source, package, layout, metadata, provenance, kind)
    if docs_from == "site":
        return docs_from_site(
            served,
            provenance,
            cache_dir,
            reporter,
            missing="its project_urls have no Documentation or Homepage link",
            docs_root=docs_root,
            check_site=check_site,
        )
    if docs_from == "tarball" or (docs_root and docs_from != "repo"):
        return served
    plan = plan_from_provenance(package.name, package.version, provenance)
    return docs_from_repository(
        served, plan, docs_from, cache_dir, reporter, kind=kind, docs_root=docs_root
    )


def _long_description_docs(
    source: str,
    package: FetchedPypiPackage,
    layout: DocsLayout,
    metadata: PackageMetadata,
    provenance: Provenance,
    kind: str,
) -> FetchedDocs:
    """The long description and the README-like files, said to be what they are."""
    description = long_description_page(metadata)
    documents = [description] if description is not None else []
    extras = [d for d in layout.files if description is None or d.page_id != description.page_id]
    documents += extras
    what = "the long description" if description is not None else "no long description"
    origin = f"the {kind} ships no docs; serving {what}"
    origin += f" and {', '.join(d.page_id for d in extras)}" if extras else ""
    if provenance.docs_urls:
        origin += f"; its docs: {provenance.docs_urls[0]} (from project_urls)"
    elif provenance.repository:
        origin += f"; its source: {provenance.repository} (from project_urls)"
    return FetchedDocs(
        source, package.name, package.version, package.root, tuple(documents), origin
    )
