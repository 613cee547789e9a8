"""Where docs come from: each source kind turns a spec into a folder of docs files.

A kind registers a fetcher under its prefix (``npm:``); a spec with no known prefix is a
local folder. Built-in kinds register the same way a new one would.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from docshelf.errors import SourceError, UsageError
from docshelf.parsing.formats import DocFile
from docshelf.sources.doc_files import iter_doc_files, iter_readme_files
from docshelf.sources.local import find_docs_root


class Reporter(Protocol):
    """Progress callbacks for long work; adapters show them (a rich bar, a log line)."""

    def message(self, text: str) -> None: ...
    def download(self, done: int, total: int | None) -> None: ...
    def index(self, done: int, total: int) -> None: ...


class SilentReporter:
    def message(self, text: str) -> None:
        pass

    def download(self, done: int, total: int | None) -> None:
        pass

    def index(self, done: int, total: int) -> None:
        pass


@dataclass(frozen=True)
class FetchedDocs:
    """A source made local: where its docs files are, and what to call it."""

    source: str  # canonical spec, pinned to the version fetched
    name: str  # suggested library name
    version: str
    package_root: Path
    docs_root: Path | None  # None: only README/CHANGELOG are served
    pages: tuple[DocFile, ...] = ()  # pages the source wrote itself (a PyPI long description)
    summary: str = ""  # what was chosen, for the add's output ("click@8.1.7: Sphinx docs ...")

    def iter_files(self) -> Iterator[DocFile]:
        """The source's own pages, then the docs folder's files (else README/CHANGELOG)."""
        seen = {page.path for page in self.pages}
        yield from self.pages
        found = (
            iter_doc_files(self.docs_root)
            if self.docs_root is not None
            else iter_readme_files(self.package_root)
        )
        for file in found:
            if file.path not in seen:
                yield file


Fetcher = Callable[[str, Path, "str | None", Reporter], FetchedDocs]
_KINDS: dict[str, Fetcher] = {}


def register_source(prefix: str, fetcher: Fetcher) -> None:
    """Make `prefix:SPEC` resolve through `fetcher(spec, cache_dir, docs_root, reporter)`."""
    _KINDS[prefix] = fetcher


def fetch_source(
    spec: str, cache_dir: Path, docs_root: str | None = None, reporter: Reporter | None = None
) -> FetchedDocs:
    """Fetch (or locate) the docs named by `spec`: `npm:NAME[@VER]`, `pypi:NAME[SPEC]`, a folder."""
    reporter = reporter or SilentReporter()
    prefix, sep, rest = spec.partition(":")
    if sep and prefix in _KINDS:
        return _KINDS[prefix](rest, cache_dir, docs_root, reporter)
    if sep and re.fullmatch(r"[a-z][a-z0-9+]{1,15}", prefix) and not Path(spec).exists():
        kinds = ", ".join(f"{k}:" for k in sorted(_KINDS))
        raise UsageError(
            f"Unknown source kind '{prefix}:' in {spec!r}. Use one of {kinds} "
            "(e.g. npm:@mastra/mcp-docs-server@1.1.45) or a path to a folder of markdown."
        )
    return fetch_local(spec, docs_root)


def fetch_local(spec: str, docs_root: str | None = None) -> FetchedDocs:
    folder = Path(spec).expanduser()
    if not folder.is_dir():
        raise SourceError(
            f"{spec!r} is not a folder. Give a folder of markdown files (e.g. ./docs) or a "
            "package spec such as npm:@mastra/mcp-docs-server."
        )
    folder = folder.resolve()
    root = find_docs_root(folder, docs_root) if docs_root else folder
    return FetchedDocs(str(folder), _local_name(folder), "local", folder, root)


def _local_name(folder: Path) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", folder.name).strip("-.") or "docs"
    return name[:64]


def _fetch_npm(
    spec: str, cache_dir: Path, docs_root: str | None, reporter: Reporter
) -> FetchedDocs:
    from docshelf.sources.npm import fetch_npm_package, parse_npm_spec

    parsed = parse_npm_spec(spec)
    reporter.message(f"Fetching npm:{spec}")
    fetched = fetch_npm_package(parsed, cache_dir, progress=reporter.download)
    root = find_docs_root(fetched.root, docs_root)
    return FetchedDocs(
        source=f"npm:{fetched.name}@{fetched.version}",
        name=fetched.name.rsplit("/", 1)[-1],
        version=fetched.version,
        package_root=fetched.root,
        docs_root=root,
    )


register_source("npm", _fetch_npm)


def _fetch_pypi(
    spec: str, cache_dir: Path, docs_root: str | None, reporter: Reporter
) -> FetchedDocs:
    from docshelf.sources.python_docs import fetch_pypi_docs

    return fetch_pypi_docs(spec, cache_dir, docs_root, reporter)


register_source("pypi", _fetch_pypi)


def describe_docs_root(fetched: FetchedDocs) -> str:
    if fetched.docs_root is None:
        return "no docs folder found; serving README and CHANGELOG only (use --docs-root)"
    try:
        return fetched.docs_root.relative_to(fetched.package_root).as_posix() or "."
    except ValueError:
        return str(fetched.docs_root)


def ensure_files(fetched: FetchedDocs) -> None:
    if fetched.docs_root is None and not any(True for _ in fetched.iter_files()):
        raise SourceError(
            f"{fetched.source} has no docs folder (.docs, dist/docs, docs), README or CHANGELOG. "
            "Point --docs-root at the folder that holds its markdown."
        )
