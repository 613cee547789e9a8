"""docshelf: version-matched library docs for AI coding agents.

The public API (everything else may change):

- ``Shelf(home=None)``: a data directory and its index.
  ``add_library(source, name=..., docs_root=..., docs_from=...)``,
  ``remove_library("LIB[@VERSION]")``,
  ``list_libraries()``, ``search(query, library=..., path_prefix=..., limit=...)``,
  ``search_results(...)`` (the hits and the mode that ranked them), ``ask(query,
  library=..., max_tokens=2000, cursor=...)`` (the best sections, packed to a budget),
  ``read(paths, library=..., section=..., max_tokens=..., offset=...)``,
  ``list_directory(path)``, ``build_vectors()``, ``reindex()``.
- ``build_server(shelf, profile="default"|"mastra")``: the MCP server over a shelf.
- Records: ``Library``, ``LibraryVersion``, ``Page``, ``Section``, ``Hit``,
  ``SearchResult``, ``Answer``, ``Excerpt``, ``ReadResult``, ``SkippedFile``
  (``LibraryVersion.skipped``: the files an add left out, and why).
- Versions and changes: ``diff_versions``, ``get_changelog``, ``whats_new``.
- The API a project has installed: ``open_project(path)``, then ``list_packages(project)``,
  ``list_exports(project, package, filter=...)``, ``get_export(project, package, name)``.
- Errors: ``DocshelfError`` and the shared subclasses in ``docshelf.errors``; each
  capability's own in its folder (``docshelf.sources.errors``, ``docshelf.packages.errors``,
  ``docshelf.guides.errors``, ``docshelf.versions.errors``).

Names are imported on first use, so ``import docshelf`` stays cheap. How the package is
laid out: docs/architecture.md.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from docshelf.constants import VERSION as __version__

_EXPORTS = {
    "Shelf": "docshelf.shelf",
    "build_server": "docshelf.server",
    "Library": "docshelf.models",
    "LibraryVersion": "docshelf.models",
    "Page": "docshelf.models",
    "Section": "docshelf.models",
    "Hit": "docshelf.models",
    "ReadResult": "docshelf.models",
    "SearchResult": "docshelf.models",
    "Answer": "docshelf.models",
    "Excerpt": "docshelf.models",
    "SkippedFile": "docshelf.models",
    "diff_versions": "docshelf.versions.compare",
    "get_changelog": "docshelf.versions.npm_changelog",
    "whats_new": "docshelf.versions.news",
    "DocshelfError": "docshelf.errors",
    "open_project": "docshelf.packages.project",
    "list_packages": "docshelf.packages.api",
    "list_exports": "docshelf.packages.api",
    "get_export": "docshelf.packages.api",
}

__all__ = [
    "Answer",
    "DocshelfError",
    "Excerpt",
    "Hit",
    "Library",
    "LibraryVersion",
    "Page",
    "ReadResult",
    "SearchResult",
    "Section",
    "Shelf",
    "SkippedFile",
    "__version__",
    "build_server",
    "diff_versions",
    "get_changelog",
    "get_export",
    "list_exports",
    "list_packages",
    "open_project",
    "whats_new",
]

if TYPE_CHECKING:
    from docshelf.errors import DocshelfError
    from docshelf.models import (
        Answer,
        Excerpt,
        Hit,
        Library,
        LibraryVersion,
        Page,
        ReadResult,
        SearchResult,
        Section,
        SkippedFile,
    )
    from docshelf.packages.api import get_export, list_exports, list_packages
    from docshelf.packages.project import open_project
    from docshelf.server import build_server
    from docshelf.shelf import Shelf
    from docshelf.versions.compare import diff_versions
    from docshelf.versions.news import whats_new
    from docshelf.versions.npm_changelog import get_changelog


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'docshelf' has no attribute {name!r}")
    return getattr(import_module(module), name)
