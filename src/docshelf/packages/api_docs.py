"""Docs pages that mention an export, from the indexed docs of the same package version.

A library is taken to document an installed package when its version is the installed
one (exactly, a leading 'v' aside) and either its source names the package
(`npm:@mastra/core@1.2.0`, `pypi:httpx@0.28.1`) or its name is the package's (`httpx`,
`core` for `@mastra/core`, `pydantic-core` and `pydantic_core` alike).
"""

from __future__ import annotations

import re

from docshelf.models import LibraryVersion
from docshelf.packages.api_records import DocLink, PackageRecord
from docshelf.packages.project import normalize_dist_name
from docshelf.shelf import Shelf

MAX_LINKS = 5
CANDIDATES = 12  # ranked pages checked for a literal mention


def find_doc_links(shelf: Shelf, record: PackageRecord, name: str) -> tuple[DocLink, ...]:
    """Up to MAX_LINKS pages of the package's indexed docs that mention `name`, best first."""
    versions = matching_versions(shelf, record)
    if not versions:
        return ()
    parts = [p for p in re.split(r"[.\s]+", name) if p]
    if not parts:
        return ()
    query = " ".join(parts)
    links: list[DocLink] = []
    for version in versions:
        hits = shelf.search(query, library=version.ref, limit=CANDIDATES, mode="fulltext")
        for hit in hits:
            text = shelf.page_content(version, hit.path) or ""
            if all(re.search(rf"(?<![\w$]){re.escape(p)}(?![\w$])", text) for p in parts):
                links.append(DocLink(hit.library, hit.version, hit.path, hit.title, hit.heading))
            if len(links) >= MAX_LINKS:
                return tuple(links)
    return tuple(links)


def matching_versions(shelf: Shelf, record: PackageRecord) -> list[LibraryVersion]:
    """The indexed library versions that document exactly this installed package."""
    names = _library_names(record)
    sources = _source_specs(record)
    found = []
    for library in shelf.list_libraries():
        for version in library.versions:
            if version.version.lstrip("v") != record.version.lstrip("v"):
                continue
            source = version.source.lower()
            if library.name.lower() in names or any(source.startswith(s) for s in sources):
                found.append(version)
    return found


def _library_names(record: PackageRecord) -> set[str]:
    name = record.name
    names = {name.lower(), name.rsplit("/", 1)[-1].lower(), name.lstrip("@").replace("/", "__")}
    if record.language == "python":
        normal = normalize_dist_name(name)
        names |= {normal, normal.replace("-", "_"), normal.replace("-", ".")}
    return names


def _source_specs(record: PackageRecord) -> list[str]:
    prefixes = ("npm:",) if record.language == "javascript" else ("pypi:", "pip:", "python:")
    name = record.name.lower()
    names = {name, normalize_dist_name(name)} if record.language == "python" else {name}
    return [f"{p}{n}@{record.version.lower()}" for p in prefixes for n in names]
