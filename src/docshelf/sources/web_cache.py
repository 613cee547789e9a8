"""A website source's cache: the pages as markdown, and what the site said of each page.

Layout: `cache/web/<host>/<prefix hash>/` holds `pages/` (one `.md` file per page, named
by its id: the docs folder the index is built from) and `state.json` (per URL: its page
id, ETag, Last-Modified and links), so a re-add asks the site only for what changed and
keeps the text of what did not. A fetch writes a fresh `pages/` beside the old one and
swaps it in with `state.json` when it succeeds; a fetch that fails leaves both as they were.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docshelf.files import write_atomically
from docshelf.sources.web_client import Validators
from docshelf.sources.web_scope import SiteScope

STATE_FILE = "state.json"
PAGES_DIR = "pages"
_STATE_VERSION = 1


@dataclass(frozen=True)
class CachedPage:
    """What the previous fetch of one URL found."""

    url: str  # as requested
    final_url: str  # after redirects
    page_id: str
    validators: Validators
    links: tuple[str, ...]


class SiteCache:
    """The cache folder of one website source (one host and prefix)."""

    def __init__(self, cache_dir: Path, scope: SiteScope) -> None:
        host = re.sub(r"[^A-Za-z0-9.-]+", "_", scope.host)
        key = hashlib.sha256(f"{scope.origin}{scope.prefix}".encode()).hexdigest()[:12]
        self.root = Path(cache_dir) / "web" / host / key
        self.pages_dir = self.root / PAGES_DIR

    def load(self) -> dict[str, CachedPage]:
        """The previous fetch's pages by requested URL; empty when there is none usable."""
        try:
            data = json.loads((self.root / STATE_FILE).read_text(encoding="utf-8"))
            if data.get("version") != _STATE_VERSION:
                return {}
            entries = {
                url: CachedPage(
                    url,
                    str(item["final_url"]),
                    str(item["page_id"]),
                    Validators(item.get("etag"), item.get("last_modified")),
                    tuple(str(link) for link in item.get("links", ())),
                )
                for url, item in data["pages"].items()
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}
        return entries

    def previous_text(self, entry: CachedPage) -> str | None:
        """The markdown the previous fetch kept for a page, if it is still there."""
        file = page_file(self.pages_dir, entry.page_id)
        try:
            return file.read_text(encoding="utf-8")
        except OSError:
            return None

    def writer(self) -> SnapshotWriter:
        self.root.mkdir(parents=True, exist_ok=True)
        return SnapshotWriter(self)


class SnapshotWriter:
    """Writes one fetch's pages beside the previous ones; `commit` swaps them in."""

    def __init__(self, cache: SiteCache) -> None:
        self.cache = cache
        self.folder = Path(tempfile.mkdtemp(prefix=".pages-", dir=cache.root))
        self._state: dict[str, Any] = {}

    def write(
        self,
        url: str,
        final_url: str,
        page_id: str,
        markdown: str,
        validators: Validators,
        links: tuple[str, ...],
    ) -> Path:
        file = page_file(self.folder, page_id)
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(markdown, encoding="utf-8")
        self._state[url] = {
            "final_url": final_url,
            "page_id": page_id,
            "etag": validators.etag,
            "last_modified": validators.last_modified,
            "links": list(links),
        }
        return file

    def commit(self) -> Path:
        """Make this fetch the cached one; returns the pages folder."""
        old = self.cache.pages_dir.with_name(f".old-{os.getpid()}-{self.folder.name}")
        if self.cache.pages_dir.exists():
            os.replace(self.cache.pages_dir, old)
        os.replace(self.folder, self.cache.pages_dir)
        state = {"version": _STATE_VERSION, "pages": self._state}
        write_atomically(self.cache.root / STATE_FILE, json.dumps(state, indent=1))
        shutil.rmtree(old, ignore_errors=True)
        return self.cache.pages_dir

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def page_file(folder: Path, page_id: str) -> Path:
    """Where a page's markdown lives: `guide/config` -> `guide/config.md`."""
    return folder.joinpath(*page_id.split("/")).with_name(page_id.split("/")[-1] + ".md")
