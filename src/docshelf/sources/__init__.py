"""Where docs come from: each source kind turns a spec into a local tree of docs files.

The registry. A kind registers the fetcher for its prefix:
``register_source("npm", "docshelf.sources.npm:fetch_docs")``; a "module:function" string
is imported only when a spec of that kind is fetched, so registering costs nothing at
start-up (a callable works too). A fetcher takes (spec without the prefix, download cache,
docs root override, reporter) and returns `FetchedDocs`: the files of its pages, chosen by
the one discovery in `docsites`, and where they came from. A spec with no known prefix is
a local folder (`docshelf.sources.local`). Built-in kinds register the same way a new one
does: add its module here and one `register_source` line below.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from importlib import import_module
from pathlib import Path

from docshelf.errors import SourceError, UsageError
from docshelf.models import SkippedFile
from docshelf.parsing.formats import DocFile
from docshelf.parsing.front_matter import front_matter_block
from docshelf.progress import Reporter, SilentReporter
from docshelf.sources.doctree import DocsLayout
from docshelf.sources.errors import UnreadableFileError
from docshelf.sources.files import MAX_FILE_BYTES, OnSkip, read_regular_text
from docshelf.sources.includes import MAX_INCLUDE_BYTES, expand_includes


@dataclass(frozen=True)
class FetchedDocs:
    """A source made local: its pages' files, what to call it, and where the docs came from."""

    source: str  # canonical spec, pinned to the version fetched
    name: str  # suggested library name
    version: str
    root: Path  # the package, repository snapshot or folder the documents' paths are in
    documents: tuple[DocFile, ...]
    origin: str = ""  # where the docs came from, e.g. "VitePress site in docs/"
    warnings: tuple[str, ...] = ()  # for the user: skipped files, README-only fallbacks
    skipped: tuple[SkippedFile, ...] = ()  # files discovery left out (two files, one page)

    def iter_files(self, on_skip: OnSkip | None = None) -> Iterator[DocFile]:
        """Each page with its text: read from its file (bad bytes replaced), the body of
        the page it shares (`text_from`) under its own front matter, and the code it
        includes from the source (see `includes`) filled in. A page whose file is not read
        (not a regular file, over MAX_FILE_BYTES) goes to `on_skip` with the reason, as do
        the files discovery left out."""
        if on_skip is not None:
            for skipped in self.skipped:
                on_skip(skipped)
        for doc in self.documents:
            text = doc.text if doc.text is not None else self._read_page(doc.path, on_skip)
            if text is None:
                continue
            shared = self.read_text(doc.text_from) if doc.text_from else None
            if shared is not None:
                text = front_matter_block(text)[0] + front_matter_block(shared)[1]
            if doc.text is None:
                text = expand_includes(doc.path, text, self.read_include)
            yield replace(doc, text=text)

    def read_text(self, path: str, limit: int = MAX_FILE_BYTES) -> str | None:
        """A file of the source by its root-relative path; None if it is missing, a link,
        not a regular file, larger than `limit`, or would leave the root."""
        try:
            return self._read(path, limit)
        except UnreadableFileError:
            return None

    def _read_page(self, path: str, on_skip: OnSkip | None) -> str | None:
        try:
            return self._read(path, MAX_FILE_BYTES)
        except UnreadableFileError as exc:
            if on_skip is not None:
                on_skip(SkippedFile(path, exc.reason))
            return None

    def _read(self, path: str, limit: int) -> str | None:
        """None for a file that is not there (a link, outside the root, gone); raises
        UnreadableFileError for one that is there but not read (a pipe, too large)."""
        root = self.root.resolve()
        file = root / path
        try:
            if file.is_symlink() or not file.resolve().is_relative_to(root):
                return None
            if not file.exists():
                return None
        except OSError:
            return None
        return read_regular_text(file, max_bytes=limit)

    def read_include(self, path: str) -> str | None:
        return self.read_text(path, MAX_INCLUDE_BYTES)


def fetched_from_layout(
    source: str,
    name: str,
    version: str,
    root: Path,
    layout: DocsLayout,
    warnings: tuple[str, ...] = (),
) -> FetchedDocs:
    """FetchedDocs for the pages discovery chose, described as it described them."""
    return FetchedDocs(
        source, name, version, root, layout.files, layout.describe(), warnings, layout.skipped
    )


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
    spec: str,
    cache_dir: Path,
    docs_root: str | None = None,
    reporter: Reporter | None = None,
    *,
    docs_from: str | None = None,
    check_site: Callable[[str], None] | None = None,
) -> FetchedDocs:
    """Fetch (or locate) the docs named by `spec`: `npm:NAME[@VERSION]`, `pypi:NAME[SPEC]`,
    `git:URL[@REF]`, `github:OWNER/REPO[@REF]`, ... or a folder path.

    `docs_from` ("tarball", "repo" or "site") is for kinds whose fetcher takes a
    `docs_from` argument (npm, PyPI): where their docs come from when it should not be
    decided. `check_site` raises for a docs website (named by the package's metadata) that
    may not be fetched; None lets any be.
    """
    reporter = reporter or SilentReporter()
    prefix, sep, rest = spec.partition(":")
    if sep and prefix in _KINDS:
        fetcher = load_fetcher(_KINDS[prefix])
        if docs_from is None:
            return fetcher(rest, cache_dir, docs_root, reporter)
        if "docs_from" not in inspect.signature(fetcher).parameters:
            raise UsageError(
                f"--from {docs_from} applies to package sources (npm:, pypi:), which can take "
                f"their docs from the package, its repository or its website; {prefix}: "
                "sources are read where they are. Leave --from out."
            )
        return fetcher(  # type: ignore[call-arg]
            rest, cache_dir, docs_root, reporter, docs_from=docs_from, check_site=check_site
        )
    if sep and re.fullmatch(r"[a-z][a-z0-9+]{1,15}", prefix) and not Path(spec).exists():
        kinds = ", ".join(f"{k}:" for k in source_kinds())
        raise UsageError(
            f"Unknown source kind '{prefix}:' in {spec!r}. Use one of {kinds} "
            "(e.g. npm:@mastra/mcp-docs-server@1.1.45) or a path to a folder of markdown."
        )
    if docs_from is not None:
        raise UsageError(
            f"--from {docs_from} applies to package sources (npm:, pypi:); a folder is read "
            "where it is. Leave --from out."
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
    """Raise SourceError when a fetched source has nothing to index at all."""
    if not fetched.documents:
        raise SourceError(
            f"{fetched.source} has no docs site, docs folder (.docs, dist/docs, docs, ...), "
            "README or CHANGELOG. Point --docs-root at the folder that holds its docs."
        )


register_source("npm", "docshelf.sources.npm:fetch_docs")
register_source("pypi", "docshelf.sources.python_docs:fetch_docs")
register_source("git", "docshelf.sources.git:fetch_git_docs")
register_source("github", "docshelf.sources.git:fetch_github_docs")
register_source("gitlab", "docshelf.sources.git:fetch_gitlab_docs")
register_source("https", "docshelf.sources.website:fetch_docs")
register_source("http", "docshelf.sources.website:fetch_http_docs")
