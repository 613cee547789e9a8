"""The source manifest: where every indexed version came from, so the index can be rebuilt.

A JSON file beside the database (`libraries.json`), replaced whole on every change; it
outlives a damaged index, which `docshelf reindex` rebuilds from it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from docshelf.errors import DocshelfError, StoreError
from docshelf.files import write_atomically

MANIFEST = "libraries.json"


@dataclass(frozen=True)
class SourceEntry:
    """One indexed version and what it was added from."""

    library: str
    version: str
    source: str
    docs_root: str | None = None
    docs_from: str | None = None  # `--from tarball|repo|site`, when the add forced one


def read_manifest(home: Path) -> list[SourceEntry]:
    """Every recorded version, in the order they were added; StoreError when damaged."""
    file = home / MANIFEST
    if not file.exists():
        return []
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        return [
            SourceEntry(
                e["library"], e["version"], e["source"], e.get("docs_root"), e.get("docs_from")
            )
            for e in data["libraries"]
            if isinstance(e, dict) and "source" in e
        ]
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(
            f"{file} is damaged ({exc}); fix or delete it, then `docshelf add` your "
            "libraries again."
        ) from exc


def remember_source(home: Path, entry: SourceEntry) -> None:
    """Record (or replace) where `entry`'s version came from; a damaged file starts over."""
    try:
        kept = [e for e in read_manifest(home) if (e.library, e.version) != _key(entry)]
    except DocshelfError:
        kept = []
    _write(home, [*kept, entry])


def forget_sources(home: Path, removed: Iterable[tuple[str, str]]) -> None:
    """Drop the (library, version) pairs that were removed from the index."""
    gone = set(removed)
    _write(home, [e for e in read_manifest(home) if _key(e) not in gone])


def _key(entry: SourceEntry) -> tuple[str, str]:
    return entry.library, entry.version


def _write(home: Path, entries: list[SourceEntry]) -> None:
    home.mkdir(parents=True, exist_ok=True)
    rows = []
    for e in entries:
        row = {"library": e.library, "version": e.version, "source": e.source}
        if e.docs_root:
            row["docs_root"] = e.docs_root
        if e.docs_from:
            row["docs_from"] = e.docs_from
        rows.append(row)
    write_atomically(home / MANIFEST, json.dumps({"libraries": rows}, indent=2) + "\n")
