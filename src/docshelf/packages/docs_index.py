"""Ranked search over the docs embedded in a project's installed packages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docshelf.models import Hit
from docshelf.packages.embedded_docs import package_doc_pages
from docshelf.packages.installed import InstalledPackage
from docshelf.parsing.formats import strip_doc_suffix
from docshelf.shelf import Shelf


@dataclass(frozen=True)
class PackageHit:
    package: str
    version: str
    hit: Hit


def package_library_name(package: str) -> str:
    """`@mastra/memory` -> `mastra__memory`: a valid library name, one per package."""
    return package.lstrip("@").replace("/", "__")


class PackageDocsIndex:
    """Installed packages' embedded docs, indexed on first use in their own database.

    Keyed by package version: a repeat search costs one query, and upgrading a package
    indexes the new version beside the old one.
    """

    def __init__(self, home: Path) -> None:
        self.shelf = Shelf(home / "packages")

    def close(self) -> None:
        self.shelf.close()

    def ensure_indexed(self, pkg: InstalledPackage) -> str:
        """Index `pkg`'s docs unless that version already is; returns its NAME@VERSION."""
        name = package_library_name(pkg.name)
        indexed = {
            v.version
            for lib in self.shelf.list_libraries()
            if lib.name == name
            for v in lib.versions
        }
        if pkg.version not in indexed:
            files = ((strip_doc_suffix(f.path), f.text) for f in package_doc_pages(pkg))
            self.shelf.index_files(name, pkg.version, f"installed:{pkg.root}", files)
        return f"{name}@{pkg.version}"

    def search(
        self, packages: list[InstalledPackage], query: str, max_results: int = 10
    ) -> list[PackageHit]:
        """Best pages for `query` across the given packages' docs, best first."""
        by_name = {package_library_name(p.name): p for p in packages if p.docs_dir is not None}
        refs = [self.ensure_indexed(p) for p in by_name.values()]
        if not refs:
            return []
        hits = self.shelf.search(query, library=refs, limit=max_results)
        return [PackageHit(by_name[h.library].name, h.version, h) for h in hits]
