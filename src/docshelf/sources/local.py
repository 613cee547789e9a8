"""The local-folder source: a folder of markdown on this machine, indexed where it lies."""

from __future__ import annotations

import re
from pathlib import Path

from docshelf.errors import SourceError
from docshelf.progress import Reporter
from docshelf.sources import FetchedDocs, fetched_from_layout
from docshelf.sources.docsites import FolderTree, discover_docs


def fetch_docs(
    spec: str, cache_dir: Path, docs_root: str | None, reporter: Reporter
) -> FetchedDocs:
    """The folder `spec` names (its `docs_root` subfolder when given); nothing is copied.

    A docs site's config in it (VitePress, MkDocs, ...) names the pages; else every doc
    file in it is a page, named by its path.
    """
    folder = Path(spec).expanduser()
    if not folder.is_dir():
        raise SourceError(
            f"{spec!r} is not a folder. Give a folder of markdown files (e.g. ./docs) or a "
            "package spec such as npm:@mastra/mcp-docs-server."
        )
    folder = folder.resolve()
    layout = discover_docs(FolderTree(folder), docs_root, whole_folder=True)
    return fetched_from_layout(str(folder), _local_name(folder), "local", folder, layout)


def _local_name(folder: Path) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", folder.name).strip("-.") or "docs"
    return name[:64]
