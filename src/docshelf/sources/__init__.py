"""Where docs come from: each source kind turns a spec into a folder of markdown.

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
from docshelf.sources.docsites import DocFile
from docshelf.sources.local import find_docs_root, iter_fallback_files, iter_markdown


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
    """A source made local: where its docs are, what to call it, and where they came from."""

    source: str  # canonical spec, pinned to the version fetched
    name: str  # suggested library name
    version: str
    package_root: Path
    docs_root: Path | None  # None: only README/CHANGELOG are served
    # Pages chosen by discovery (page id, path under package_root, format); None: every
    # markdown file under docs_root, named by its path.
    documents: tuple[DocFile, ...] | None = None
    origin: str = ""  # where the docs came from, e.g. "VitePress site in docs/"
    warnings: tuple[str, ...] = ()  # for the user: skipped files, README-only fallbacks

    def iter_files(self) -> Iterator[tuple[str, str, str]]:
        """(page id, text, format) for each page; the format picks the parser."""
        if self.documents is not None:
            for doc in self.documents:
                text = (self.package_root / doc.path).read_text(encoding="utf-8", errors="replace")
                yield doc.page_id, text, doc.format
            return
        files = (
            iter_markdown(self.docs_root)
            if self.docs_root is not None
            else iter_fallback_files(self.package_root)
        )
        for path, text in files:
            yield path, text, "md"

    def describe(self) -> str:
        """Where the docs came from, for the add output and `list`."""
        return self.origin or describe_docs_root(self)


Fetcher = Callable[[str, Path, "str | None", Reporter], FetchedDocs]
_KINDS: dict[str, Fetcher] = {}


def register_source(prefix: str, fetcher: Fetcher) -> None:
    """Make `prefix:SPEC` resolve through `fetcher(spec, cache_dir, docs_root, reporter)`."""
    _KINDS[prefix] = fetcher


def fetch_source(
    spec: str, cache_dir: Path, docs_root: str | None = None, reporter: Reporter | None = None
) -> FetchedDocs:
    """Fetch (or locate) the docs named by `spec`: `npm:NAME[@VERSION]` or a folder path."""
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
    warnings = () if root is not None else (_npm_readme_warning(fetched.root, fetched.version),)
    return FetchedDocs(
        source=f"npm:{fetched.name}@{fetched.version}",
        name=fetched.name.rsplit("/", 1)[-1],
        version=fetched.version,
        package_root=fetched.root,
        docs_root=root,
        warnings=warnings,
    )


def _npm_readme_warning(package_root: Path, version: str) -> str:
    """Say that only the README was found, and where the docs may be instead."""
    import json

    try:
        meta = json.loads((package_root / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = {}
    repository = meta.get("repository") if isinstance(meta, dict) else None
    url = repository.get("url") if isinstance(repository, dict) else repository
    where = []
    if isinstance(url, str) and url:
        url = re.sub(r"^git\+", "", url)
        match = re.match(r"^(?:github:)?([\w.-]+/[\w.-]+?)(?:\.git)?$", url) or re.match(
            r"^(?:https?|git|ssh)://(?:git@)?github\.com/([\w.-]+/[\w.-]+?)(?:\.git)?/?$", url
        )
        spec = f"github:{match.group(1)}@v{version}" if match else f"git:{url}@v{version}"
        where.append(f"its repository (`docshelf add {spec}`, adjusting the tag if needed)")
    homepage = meta.get("homepage") if isinstance(meta, dict) else None
    if isinstance(homepage, str) and homepage:
        where.append(f"its website ({homepage})")
    hint = " or ".join(where) or "its repository (`docshelf add github:OWNER/REPO@TAG`)"
    return (
        "the package ships no docs folder (.docs, dist/docs, docs), so only its README and "
        f"CHANGELOG were indexed. Its docs are likely in {hint}; --docs-root picks another "
        "folder of the package."
    )


register_source("npm", _fetch_npm)


def _git_fetcher(kind: str) -> Fetcher:
    def fetch(spec: str, cache_dir: Path, docs_root: str | None, reporter: Reporter) -> FetchedDocs:
        from docshelf.sources.git import fetch_git, fetched_docs

        reporter.message(f"Resolving {kind}:{spec}")
        return fetched_docs(fetch_git(spec, kind, cache_dir, docs_root, reporter.message))

    return fetch


for _kind in ("git", "github", "gitlab"):
    register_source(_kind, _git_fetcher(_kind))


def describe_docs_root(fetched: FetchedDocs) -> str:
    """`docs folder .docs/`, `local folder`, or `README and CHANGELOG only`."""
    if fetched.docs_root is None:
        return "README and CHANGELOG only"
    try:
        rel = fetched.docs_root.relative_to(fetched.package_root).as_posix()
    except ValueError:
        return f"docs folder {fetched.docs_root}"
    return "local folder" if rel in ("", ".") else f"docs folder {rel}/"


def ensure_files(fetched: FetchedDocs) -> None:
    if fetched.documents is not None:
        if not fetched.documents:
            raise SourceError(
                f"{fetched.source} has no docs site, docs folder, README or CHANGELOG. Point "
                "--docs-root at the folder that holds its docs, or pick another REF."
            )
        return
    if fetched.docs_root is None and not any(
        True for _ in iter_fallback_files(fetched.package_root)
    ):
        raise SourceError(
            f"{fetched.source} has no docs folder (.docs, dist/docs, docs), README or CHANGELOG. "
            "Point --docs-root at the folder that holds its markdown."
        )
