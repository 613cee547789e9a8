"""Where docs come from: each source kind turns a spec into a local folder of markdown.

The registry. A kind registers the fetcher for its prefix:
``register_source("npm", "docshelf.sources.npm:fetch_docs")
register_source("https", "docshelf.sources.website:fetch_docs")
register_source("http", "docshelf.sources.website:fetch_http_docs")``; a "module:function" string
is imported only when a spec of that kind is fetched, so registering costs nothing at
start-up (a callable works too). A fetcher takes (spec without the prefix, download cache,
docs root override, reporter) and returns `FetchedDocs`. A spec with no known prefix is
a local folder (`docshelf.sources.local`). Built-in kinds register the same way a new one
does: add its module here and one `register_source` line below.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from docshelf.errors import SourceError, UsageError
from docshelf.progress import Reporter, SilentReporter
from docshelf.sources.files import iter_fallback_files, iter_markdown


@dataclass(frozen=True)
class FetchedDocs:
    """A source made local: where its markdown is, and what to call it."""

    source: str  # canonical spec, pinned to the version fetched
    name: str  # suggested library name
    version: str
    package_root: Path
    docs_root: Path | None  # None: only README/CHANGELOG are served

    def iter_files(self) -> Iterator[tuple[str, str]]:
        if self.docs_root is not None:
            return iter_markdown(self.docs_root)
        return iter_fallback_files(self.package_root)


Fetcher = Callable[[str, Path, "str | None", Reporter], FetchedDocs]
FOLDER_SOURCE = "docshelf.sources.local:fetch_docs"  # for a spec with no known prefix
_KINDS: dict[str, Fetcher | str] = {}


def register_source(prefix: str, fetcher: Fetcher | str) -> None:
    """Make `prefix:SPEC` resolve through `fetcher(spec, cache_dir, docs_root, reporter)`,
    a callable or the "module:function" that names one."""
    _KINDS[prefix] = fetcher


def source_kinds() -> list[str]:
    """The registered prefixes, sorted."""
    return sorted(_KINDS)


def fetch_source(
    spec: str, cache_dir: Path, docs_root: str | None = None, reporter: Reporter | None = None
) -> FetchedDocs:
    """Fetch (or locate) the docs named by `spec`: `npm:NAME[@VERSION]` or a folder path."""
    reporter = reporter or SilentReporter()
    prefix, sep, rest = spec.partition(":")
    if sep and prefix in _KINDS:
        return load_fetcher(_KINDS[prefix])(rest, cache_dir, docs_root, reporter)
    if sep and re.fullmatch(r"[a-z][a-z0-9+]{1,15}", prefix) and not Path(spec).exists():
        kinds = ", ".join(f"{k}:" for k in source_kinds())
        raise UsageError(
            f"Unknown source kind '{prefix}:' in {spec!r}. Use one of {kinds} "
            "(e.g. npm:@mastra/mcp-docs-server@1.1.45) or a path to a folder of markdown."
        )
    return load_fetcher(FOLDER_SOURCE)(spec, cache_dir, docs_root, reporter)


def load_fetcher(fetcher: Fetcher | str) -> Fetcher:
    """The callable a registration names."""
    if callable(fetcher):
        return fetcher
    module, _, name = fetcher.partition(":")
    found: Fetcher = getattr(import_module(module), name)
    return found


def ensure_files(fetched: FetchedDocs) -> None:
    """Raise SourceError when a fetched source has no markdown to index at all."""
    if fetched.docs_root is None and not any(
        True for _ in iter_fallback_files(fetched.package_root)
    ):
        raise SourceError(
            f"{fetched.source} has no docs folder (.docs, dist/docs, docs), README or CHANGELOG. "
            "Point --docs-root at the folder that holds its markdown."
        )


register_source("npm", "docshelf.sources.npm:fetch_docs")
register_source("https", "docshelf.sources.website:fetch_docs")
register_source("http", "docshelf.sources.website:fetch_http_docs")
