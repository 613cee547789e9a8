"""docshelf: version-matched library docs for AI coding agents.

The public API (everything else may change):

- ``Shelf(home=None)``: a data directory and its index.
  ``add_library(source, name=..., docs_root=..., docs_from=...)``,
  ``remove_library("LIB[@VERSION]")``,
  ``list_libraries()``, ``search(query, library=..., path_prefix=..., limit=...)``,
  ``search_results(...)`` (the hits and the mode that ranked them), ``ask(query,
  library=..., max_tokens=2000, cursor=...)`` (the best sections, packed to a budget),
  ``read(paths, library=..., section=..., max_tokens=...)``, ``list_directory(path)``,
  ``build_vectors()``, ``reindex()``.
- ``build_server(shelf, profile="default"|"mastra")``: the MCP server over a shelf.
- Records: ``Library``, ``LibraryVersion``, ``Page``, ``Section``, ``Hit``,
  ``SearchResult``, ``Answer``, ``Excerpt``, ``ReadResult``.
- Versions and changes: ``diff_versions``, ``get_changelog``, ``whats_new``.
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
    "diff_versions": "docshelf.versions.compare",
    "get_changelog": "docshelf.versions.npm_changelog",
    "whats_new": "docshelf.versions.news",
    "DocshelfError": "docshelf.errors",
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
    "__version__",
    "build_server",
    "diff_versions",
    "get_changelog",
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
    )
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
