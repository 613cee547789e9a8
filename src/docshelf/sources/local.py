"""The local-folder source: a folder of markdown on this machine, indexed where it lies."""

from __future__ import annotations

import re
from pathlib import Path

from docshelf.constants import DEFAULT_NAME, DEFAULT_SOURCE
from docshelf.errors import SourceError
from docshelf.progress import Reporter
from docshelf.sources import FetchedDocs, fetched_from_layout
from docshelf.sources.docsites import FolderTree, discover_docs
from docshelf.wording import Call


def fetch_docs(
    spec: str, cache_dir: Path, docs_root: str | None, reporter: Reporter
) -> FetchedDocs:
    """The folder `spec` names (its `docs_root` subfolder when given); nothing is copied.

    A docs site's config in it (VitePress, MkDocs, ...) names the pages; else every doc
    file in it is a page, named by its path.
    """
    folder = Path(spec).expanduser()
    if not folder.is_dir():
        raise not_a_folder(spec)
    folder = folder.resolve()
    layout = discover_docs(FolderTree(folder), docs_root, whole_folder=True)
    return fetched_from_layout(str(folder), _local_name(folder), "local", folder, layout)


def _local_name(folder: Path) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", folder.name).strip("-.") or "docs"
    return name[:64]


def not_a_folder(spec: str) -> SourceError:
    """The error for a spec that is neither a known kind nor a folder. When it reads as an
    npm package name (`zod`, `@mastra/core@1.2.0`) and npm has that package (one metadata
    request), it says to add `npm:SPEC`; else it lists the kinds of source there are."""
    from docshelf.sources import source_kinds

    package = _npm_package(spec)
    if package is not None:
        return SourceError(
            f"{spec!r} is not a folder, but npm has a package {package!r}. Add its docs with ",
            Call("add", source=f"npm:{spec}"),
            " (a source names its kind: " + ", ".join(f"{k}:" for k in source_kinds()) + ").",
        )
    kinds = ", ".join(f"{k}:NAME" for k in source_kinds())
    return SourceError(
        f"{spec!r} is not a folder. Give a folder of markdown files, e.g. ",
        Call("add", source="./docs", name="mydocs"),
        f", or a source with its kind ({kinds}), e.g. ",
        Call("add", source=DEFAULT_SOURCE, name=DEFAULT_NAME),
        ".",
    )


def _npm_package(spec: str) -> str | None:
    """The npm package `spec` names, if it reads as one and the registry has it."""
    from docshelf.errors import DocshelfError
    from docshelf.sources import npm_registry
    from docshelf.sources.npm_spec import parse_npm_spec

    if spec.startswith((".", "/", "~")) or "\\" in spec:
        return None  # written as a path: a folder that is not there
    try:
        name = parse_npm_spec(spec).name
    except DocshelfError:
        return None
    try:
        with npm_registry.NpmRegistry(retries=0) as registry:
            registry.packument(name)
    except DocshelfError:  # no such package, or the registry cannot be reached
        return None
    return name
