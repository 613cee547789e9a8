"""Docs diffs between two versions of a library, read from the index; a missing npm version is
fetched and indexed on demand."""

from __future__ import annotations

import difflib
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from docshelf.constants import PAGE_STATUSES, PageStatus
from docshelf.errors import LibraryNotFoundError, UsageError
from docshelf.models import Library, LibraryVersion
from docshelf.progress import Reporter
from docshelf.semver import version_key
from docshelf.shelf import Shelf
from docshelf.store.catalog import missing_version, split_library_ref
from docshelf.versions.docs_diff import (
    DocsDiff,
    PageChange,
    SectionChange,
    diff_docs,
    diff_sections,
)
from docshelf.versions.errors import DiffPageNotFoundError
from docshelf.versions.linediff import page_unified_diff
from docshelf.wording import Blank, Call

_MARKS = {"added": "A", "removed": "D", "renamed": "R", "modified": "M"}
_SECTION_MARKS = {"added": "+", "removed": "-", "changed": "~"}
_CACHED_DIFFS = 4  # an agent pages through one diff; keep a few so it is computed once

_cache: OrderedDict[tuple[str, ...], DocsDiff] = OrderedDict()
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class VersionDiff:
    """What changed in a library's docs from one indexed version to another."""

    library: str
    old: LibraryVersion
    new: LibraryVersion
    diff: DocsDiff
    fetched: tuple[LibraryVersion, ...] = ()  # versions indexed on demand for this diff


@dataclass(frozen=True)
class PageDiff:
    """One page compared across two versions."""

    old: LibraryVersion
    new: LibraryVersion
    path: str  # in the new version (the old version for a removed page)
    old_path: str | None  # in the old version; None when the page was added
    status: PageStatus | None  # None: the page is the same in both versions
    unified: str  # unified diff of the two files; "" when unchanged
    sections: tuple[SectionChange, ...]
    fetched: tuple[LibraryVersion, ...] = ()


def diff_versions(
    shelf: Shelf,
    library: str,
    from_version: str | None = None,
    to_version: str | None = None,
    *,
    fetch: bool = True,
    reporter: Reporter | None = None,
) -> VersionDiff:
    """Compare two versions of `library` (a name, or `npm:PACKAGE` for the library it feeds).

    Without versions, the two newest indexed versions are compared; with only
    `from_version`, that one and the newest. A version that is not indexed is fetched and
    indexed when the library comes from npm and `fetch` is true.
    """
    old, new, fetched = _version_pair(shelf, library, from_version, to_version, fetch, reporter)
    return VersionDiff(old.name, old, new, _cached_diff(shelf, old, new), fetched)


def diff_page(
    shelf: Shelf,
    library: str,
    path: str,
    from_version: str | None = None,
    to_version: str | None = None,
    *,
    fetch: bool = True,
    reporter: Reporter | None = None,
) -> PageDiff:
    """The unified diff and section changes of one page; follows a rename either way."""
    old, new, fetched = _version_pair(shelf, library, from_version, to_version, fetch, reporter)
    path = path.strip().strip("/").removesuffix(".md")
    before = shelf.page_content(old, path)
    after = shelf.page_content(new, path)
    old_path: str | None = path
    if before is None or after is None:
        # Added or removed here, or one half of a rename: the whole diff knows which.
        change = _find_change(_cached_diff(shelf, old, new), path)
        if change is None and before is None and after is None:
            raise DiffPageNotFoundError(
                path, old.ref, new.ref, _similar_paths(shelf, old, new, path)
            )
        if change is not None and change.status == "renamed":
            old_path, path = change.old_path, change.path
            before = shelf.page_content(old, old_path or "")
            after = shelf.page_content(new, path)
        elif before is None:
            old_path = None
    status: PageStatus | None = None
    if before is None:
        status = "added"
    elif after is None:
        status = "removed"
    elif old_path != path:
        status = "renamed"
    elif before != after:
        status = "modified"
    unified = page_unified_diff(path, before, after, old_path=old_path)
    sections = diff_sections(before, after) if before and after and before != after else ()
    return PageDiff(old, new, path, old_path, status, unified, sections, fetched)


# ---------------------------------------------------------------- versions


def _version_pair(
    shelf: Shelf,
    library: str,
    from_version: str | None,
    to_version: str | None,
    fetch: bool,
    reporter: Reporter | None,
) -> tuple[LibraryVersion, LibraryVersion, tuple[LibraryVersion, ...]]:
    name, package = _library_name(shelf, library)
    indexed = [v.version for v in _versions(shelf, name)]
    if not indexed and (from_version is None or to_version is None):
        raise LibraryNotFoundError(name, [lib.name for lib in shelf.list_libraries()])
    fetched: list[LibraryVersion] = []
    pair = []
    for version in _default_versions(name, indexed, from_version, to_version):
        record, was_fetched = ensure_version(
            shelf, name, version, package=package, fetch=fetch, reporter=reporter
        )
        pair.append(record)
        if was_fetched:
            fetched.append(record)
    return pair[0], pair[1], tuple(fetched)


def _default_versions(
    name: str, indexed: list[str], from_version: str | None, to_version: str | None
) -> tuple[str, str]:
    """Both newest indexed versions, the newest as TO, or the one before TO as FROM."""
    if from_version is not None and to_version is not None:
        return from_version, to_version
    if from_version is not None:
        return from_version, indexed[0]
    if to_version is not None:
        older = [v for v in indexed if version_key(v) < version_key(to_version)]
        if not older:
            raise UsageError(
                f"No version of '{name}' older than {to_version} is indexed "
                f"({', '.join(indexed)}); name the version to compare it with: ",
                Call("diff", library=name, from_version=Blank("older"), to_version=to_version),
                " (a missing npm version is fetched and indexed).",
            )
        return older[0], to_version
    if len(indexed) < 2:
        raise UsageError(
            f"Name two versions to compare: '{name}' has only {indexed[0]} indexed. For example ",
            Call("diff", library=name, from_version=indexed[0], to_version=Blank("other")),
            "; a missing npm version is fetched and indexed.",
        )
    return indexed[1], indexed[0]


def ensure_version(
    shelf: Shelf,
    library: str,
    version: str,
    *,
    package: str | None = None,
    fetch: bool = True,
    reporter: Reporter | None = None,
) -> tuple[LibraryVersion, bool]:
    """The indexed `library@version`, fetching it first if needed; (record, whether fetched).

    Fetching needs an npm source: `package`, or the package any indexed version of the
    library came from.
    """
    versions = _versions(shelf, library)
    wanted = version.strip()
    for record in versions:
        if record.version in (wanted, wanted.lstrip("vV")):
            return record, False
    package = package or _npm_package(versions)
    if not fetch or package is None:
        raise missing_version(Library(library, versions), wanted)
    record = shelf.add_library(f"npm:{package}@{wanted}", name=library, reporter=reporter)
    return record, True


def _versions(shelf: Shelf, library: str) -> tuple[LibraryVersion, ...]:
    found = next((lib for lib in shelf.list_libraries() if lib.name == library), None)
    return found.versions if found else ()


def _library_name(shelf: Shelf, text: str) -> tuple[str, str | None]:
    """(library name, npm package to fetch from) for `NAME` or `npm:PACKAGE`."""
    text = text.strip()
    if text.startswith("npm:"):
        from docshelf.sources.npm_spec import parse_npm_spec

        spec = parse_npm_spec(text)
        if spec.wanted:
            raise UsageError(
                "Give the versions apart from the package: ",
                Call(
                    "diff",
                    library=f"npm:{spec.name}",
                    from_version=Blank("from"),
                    to_version=Blank("to"),
                ),
                f", not {text!r}.",
            )
        for lib in shelf.list_libraries():
            if _npm_package(lib.versions) == spec.name:
                return lib.name, spec.name
        return spec.name.rsplit("/", 1)[-1], spec.name
    name, version = split_library_ref(text)
    if version is not None:
        raise UsageError(
            "Give the versions apart from the library name, e.g. ",
            Call("diff", library=name, from_version=version, to_version=Blank("newer")),
            ".",
        )
    return name, None


def _npm_package(versions: Iterable[LibraryVersion]) -> str | None:
    """The npm package a library was added from (its newest npm-sourced version's)."""
    for record in versions:
        if record.source.startswith("npm:"):
            from docshelf.sources.npm_spec import parse_npm_spec

            return parse_npm_spec(record.source).name
    return None


def npm_package_of(library: Library) -> str | None:
    """The npm package a library comes from, or None for a folder or other source."""
    return _npm_package(library.versions)


# ---------------------------------------------------------------- diffing


def _cached_diff(shelf: Shelf, old: LibraryVersion, new: LibraryVersion) -> DocsDiff:
    old_pages = shelf.page_contents(old)
    new_pages = shelf.page_contents(new)
    # Keyed by content: a version re-indexed within the same second must not hit the cache.
    key = (old.ref, new.ref, _fingerprint(old_pages), _fingerprint(new_pages))
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    diff = diff_docs(
        old_pages,
        new_pages,
        old.ref,
        new.ref,
        old_sections=lambda paths: shelf.page_sections(old, paths),
        new_sections=lambda paths: shelf.page_sections(new, paths),
    )
    with _cache_lock:
        _cache[key] = diff
        while len(_cache) > _CACHED_DIFFS:
            _cache.popitem(last=False)
    return diff


def _fingerprint(pages: dict[str, str]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(pages):
        digest.update(f"{path}\0{len(pages[path])}\0".encode())
        digest.update(pages[path].encode())
    return digest.hexdigest()


def _find_change(diff: DocsDiff, path: str) -> PageChange | None:
    for change in diff.changes:
        if path in (change.path, change.old_path):
            return change
    return None


def _similar_paths(shelf: Shelf, old: LibraryVersion, new: LibraryVersion, path: str) -> list[str]:
    changes = _cached_diff(shelf, old, new).changes
    paths = {p for c in changes for p in (c.path, c.old_path) if p is not None}
    return difflib.get_close_matches(path, sorted(paths), n=5, cutoff=0.5)


def filter_changes(
    diff: DocsDiff, *, path_prefix: str = "", statuses: Iterable[str] = ()
) -> tuple[PageChange, ...]:
    """Changes under `path_prefix` (either path of a rename) with one of `statuses` (any)."""
    wanted = set(statuses)
    unknown = wanted - set(PAGE_STATUSES)
    if unknown:
        raise UsageError(
            f"Unknown status {', '.join(sorted(unknown))}; use any of {', '.join(PAGE_STATUSES)}."
        )
    prefix = path_prefix.strip().lstrip("/")
    return tuple(
        c
        for c in diff.changes
        if (not wanted or c.status in wanted)
        and (c.path.startswith(prefix) or (c.old_path or "").startswith(prefix))
    )


# ---------------------------------------------------------------- output


def diff_totals(diff: DocsDiff) -> str:
    """One line: how many pages of each kind, unchanged pages, and line totals."""
    counts = ", ".join(f"{len(diff.with_status(s))} {s} ({_MARKS[s]})" for s in PAGE_STATUSES)
    return f"{counts}; {diff.unchanged} unchanged; +{diff.added_lines} -{diff.removed_lines} lines"


def format_listing(
    result: VersionDiff, changes: Sequence[PageChange] | None = None, *, sections: bool = False
) -> str:
    """Like a registry's diff: one aligned line per changed page in path order, then totals.

    With `sections`, each page's section changes follow it. `changes` narrows the listing
    (see filter_changes); the totals stay those of the whole diff.
    """
    diff = result.diff
    header = f"Docs changes {result.old.ref} -> {result.new.ref}"
    if not diff.changes:
        return f"{header}: no page changed ({diff.unchanged} unchanged)."
    shown = diff.changes if changes is None else tuple(changes)
    width = min(max((len(_display(c)) for c in shown), default=0), 72)
    lines = [f"{header}:"]
    lines += [change_block(c, width=width, max_sections=None if sections else 0) for c in shown]
    if len(shown) != len(diff.changes):
        lines.append(f"{len(shown)} of {len(diff.changes)} changed pages shown.")
    lines.append(diff_totals(diff))
    return "\n".join(lines)


def change_block(change: PageChange, *, width: int = 0, max_sections: int | None = None) -> str:
    """`M path  +12 -3`, then one line per section change (at most `max_sections`; 0: none)."""
    name = _display(change)
    line = f"{_MARKS[change.status]} {name:<{width}}  +{change.added_lines} -{change.removed_lines}"
    if change.similarity is not None:
        # Truncated, not rounded, so "100%" never hides an edited word.
        line += f"  ({int(change.similarity * 100)}% similar)"
    shown = change.sections if max_sections is None else change.sections[:max_sections]
    lines = [line, *(section_line(s) for s in shown)]
    hidden = len(change.sections) - len(shown)
    if hidden and max_sections:
        lines.append(f"    … {hidden} more section changes (see this page's diff)")
    return "\n".join(lines)


def _display(change: PageChange) -> str:
    return f"{change.old_path} -> {change.path}" if change.old_path else change.path


def section_line(section: SectionChange) -> str:
    """`    ~ Agent > Options`: + added, - removed, ~ changed; (intro) before any heading."""
    return f"    {_SECTION_MARKS[section.status]} {' > '.join(section.heading_path) or '(intro)'}"


def change_json(change: PageChange) -> dict[str, Any]:
    return {
        "path": change.path,
        "status": change.status,
        "old_path": change.old_path,
        "added_lines": change.added_lines,
        "removed_lines": change.removed_lines,
        "similarity": change.similarity,
        "sections": [
            {"heading_path": list(s.heading_path), "status": s.status} for s in change.sections
        ],
    }


def diff_json(result: VersionDiff, changes: Iterable[PageChange] | None = None) -> dict[str, Any]:
    diff = result.diff
    return {
        "library": result.library,
        "from": result.old.version,
        "to": result.new.version,
        "counts": {s: len(diff.with_status(s)) for s in PAGE_STATUSES},
        "unchanged": diff.unchanged,
        "added_lines": diff.added_lines,
        "removed_lines": diff.removed_lines,
        "fetched": [r.ref for r in result.fetched],
        "changes": [change_json(c) for c in (diff.changes if changes is None else changes)],
    }
