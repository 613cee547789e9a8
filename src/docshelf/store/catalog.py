"""Which libraries and versions the index holds, and resolving `LIB` / `LIB@VERSION` to one."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

from docshelf.errors import LibraryNotFoundError, NothingIndexedError, UsageError
from docshelf.models import Library, LibraryVersion
from docshelf.semver import version_key
from docshelf.wording import Blank, Param

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class VersionRef:
    """A resolved library version: its row id plus its public record."""

    id: int
    record: LibraryVersion


def check_library_name(name: str) -> str:
    if not _NAME.match(name):
        raise UsageError(
            f"Invalid library name {name!r}: use letters, digits, '.', '_' or '-' (at most 64), "
            "starting with a letter or digit, e.g. ",
            Param("name", "mastra"),
            ".",
        )
    return name


def split_library_ref(ref: str) -> tuple[str, str | None]:
    """`mastra` -> ("mastra", None); `mastra@1.1.45` -> ("mastra", "1.1.45")."""
    name, sep, version = ref.strip().partition("@")
    if sep and not version:
        raise UsageError(f"Library reference {ref!r} has '@' but no version: use NAME@VERSION.")
    return name, (version or None)


def list_libraries(conn: sqlite3.Connection) -> list[Library]:
    """Every library with its versions, newest version first, libraries by name."""
    rows = conn.execute(
        "SELECT library, version, source, pages, sections, indexed_at, origin FROM versions"
    ).fetchall()
    grouped: dict[str, list[LibraryVersion]] = {}
    for row in rows:
        grouped.setdefault(row["library"], []).append(
            LibraryVersion(
                row["library"],
                row["version"],
                row["source"],
                row["pages"],
                row["sections"],
                row["indexed_at"],
                row["origin"],
            )
        )
    return [
        Library(name, tuple(sorted(vs, key=lambda v: version_key(v.version), reverse=True)))
        for name, vs in sorted(grouped.items())
    ]


def kind_counts(conn: sqlite3.Connection) -> dict[tuple[str, str], dict[str, int]]:
    """(library, version) -> its pages per kind, most first (from the pages_kind index)."""
    rows = conn.execute(
        "SELECT v.library, v.version, k.kind, k.n FROM (SELECT version_id, kind, count(*) AS n "
        "FROM pages INDEXED BY pages_kind GROUP BY kind, version_id) k "
        "JOIN versions v ON v.id = k.version_id ORDER BY k.n DESC, k.kind"
    )
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for row in rows:
        kinds = counts.setdefault((row[0], row[1]), {})
        kinds[row[2] or "guide"] = kinds.get(row[2] or "guide", 0) + row[3]
    return counts


def resolve_version(
    conn: sqlite3.Connection, ref: str | None, pins: Mapping[str, str] | None = None
) -> VersionRef:
    """Resolve `LIB`, `LIB@VERSION` or None (the only library) to one indexed version.

    Without a version, the one `pins` names for the library (the version a project locks)
    when it is indexed, else the newest."""
    libraries = list_libraries(conn)
    if ref is None or not ref.strip():
        if len(libraries) == 1:
            return _ref(conn, default_version(libraries[0], pins))
        if not libraries:
            raise NothingIndexedError()
        names = ", ".join(lib.name for lib in libraries)
        raise UsageError(
            f"Several libraries are indexed ({names}); say which one with ",
            Param("library", Blank("name")),
            " (or NAME@VERSION).",
        )
    name, version = split_library_ref(ref)
    if not libraries:
        raise NothingIndexedError(name)
    library = next((lib for lib in libraries if lib.name == name), None)
    if library is None:
        raise LibraryNotFoundError(name, [lib.name for lib in libraries])
    if version is None:
        return _ref(conn, default_version(library, pins))
    for record in library.versions:
        if record.version == version or record.version == version.lstrip("v"):
            return _ref(conn, record)
    raise missing_version(library, version)


def default_version(library: Library, pins: Mapping[str, str] | None) -> LibraryVersion:
    """The version `pins` names for the library, when indexed; else its newest. `pins` is
    not looked at for a library indexed in one version (it may be costly to work out)."""
    if pins is None or len(library.versions) == 1:
        return library.latest
    wanted = pins.get(library.name)
    for record in library.versions:
        if record.version == wanted:
            return record
    return library.latest


def missing_version(library: Library, version: str) -> LibraryNotFoundError:
    """The error for a version of `library` that is not indexed, naming the source the
    library was added from so the fix can be run as printed."""
    known = [v.version for v in library.versions]
    return LibraryNotFoundError(library.name, known, version, unpinned_source(library))


def unpinned_source(library: Library) -> str | None:
    """The source of the library's newest version without its version pin
    (`npm:@mastra/mcp-docs-server@1.1.45` -> `npm:@mastra/mcp-docs-server`), or None when
    its source is not pinned to a version (a folder)."""
    for record in library.versions:
        suffix = f"@{record.version}"
        if record.source.endswith(suffix) and ":" in record.source:
            return record.source[: -len(suffix)]
    return None


def resolve_versions(
    conn: sqlite3.Connection, ref: str | None, pins: Mapping[str, str] | None = None
) -> list[VersionRef]:
    """For search: one version when named, else every library's default version (the
    one `pins` names, else the newest)."""
    if ref is not None and ref.strip():
        return [resolve_version(conn, ref, pins)]
    ids = {(r[0], r[1]): r[2] for r in conn.execute("SELECT library, version, id FROM versions")}
    chosen = [default_version(lib, pins) for lib in list_libraries(conn)]
    return [VersionRef(ids[(record.name, record.version)], record) for record in chosen]


def sees_versions(conn: sqlite3.Connection, refs: list[VersionRef]) -> bool:
    """Whether `conn` sees each version as `refs` were resolved: the same rows, indexed at
    the same time. A version's pages, sections and FTS tables are written once, with its
    row (store/indexing.py)."""
    rows = conn.execute(
        f"SELECT id, indexed_at, sections FROM versions WHERE id IN ({','.join('?' * len(refs))})",
        [ref.id for ref in refs],
    )
    seen = {r[0]: (r[1], r[2]) for r in rows}
    return all(seen.get(ref.id) == (ref.record.indexed_at, ref.record.sections) for ref in refs)


def _ref(conn: sqlite3.Connection, record: LibraryVersion) -> VersionRef:
    row = conn.execute(
        "SELECT id FROM versions WHERE library = ? AND version = ?",
        (record.name, record.version),
    ).fetchone()
    return VersionRef(row[0], record)


def source_key(source: str) -> str:
    """A recorded source or a spec, comparable: PyPI names normalised, npm ones as given."""
    if source.startswith("pypi:") and "==" in source:
        name, _, version = source[5:].partition("==")
        return f"pypi:{_pep503(name)}=={version}"
    return source


def _pep503(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
