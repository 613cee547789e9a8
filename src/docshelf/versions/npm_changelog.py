"""Changelogs of npm packages: CHANGELOG.md read from a version's tarball, and the entries
between two versions."""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docshelf.errors import UsageError
from docshelf.semver import Version, find_version, sort_versions
from docshelf.sources.npm import fetch_npm_package
from docshelf.sources.npm_registry import NpmRegistry
from docshelf.sources.npm_spec import NpmSpec, parse_npm_spec
from docshelf.versions.changelog import Changelog, ChangelogEntry, parse_changelog, select_entries
from docshelf.versions.errors import ChangelogEntryNotFoundError, ChangelogNotFoundError
from docshelf.wording import Param, say

CHANGELOG_NAMES = ("changelog.md", "changes.md", "history.md", "changelog", "changelog.markdown")
_CACHED_CHANGELOGS = 32  # parsed changelogs kept in memory, by exact package version
_GITHUB = re.compile(
    r"^(?:git\+)?(?:https?|ssh|git)://(?:git@)?github\.com/([^/]+/[^/#]+?)(?:\.git)?(?:#.*)?$"
)
_CACHED_CANDIDATES = 3  # newer cached tarballs tried before downloading a version's own

_cache: OrderedDict[tuple[str, str, str], PackageChangelog] = OrderedDict()
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class PackageChangelog:
    """The changelog shipped in one version of a package."""

    package: str
    version: str  # the version whose tarball it was read from
    file: str  # its file name in the package, e.g. "CHANGELOG.md"
    changelog: Changelog


@dataclass(frozen=True)
class ChangelogSlice:
    """The entries of a package's changelog between two versions, newest first."""

    package: str
    read_from: str  # the version whose CHANGELOG.md was read
    file: str
    from_version: str | None  # excluded; None: from the first release
    to_version: str  # included
    entries: tuple[ChangelogEntry, ...]
    folded: tuple[str, ...] = ()  # prereleases left out: a later release repeats their notes
    newest: tuple[str, ...] = ()  # the newest versions the changelog lists, for hints
    single: bool = False  # one version was asked for, not a range


def open_registry() -> NpmRegistry:
    """The npm registry client the changelog and news commands use (tests replace it)."""
    return NpmRegistry()


@contextmanager
def registry_session(registry: NpmRegistry | None) -> Iterator[NpmRegistry]:
    """`registry`, or a fresh client closed afterwards."""
    if registry is not None:
        yield registry
        return
    with open_registry() as opened:
        yield opened


def package_name(text: str) -> tuple[str, str | None]:
    """`npm:@mastra/core@1.26.0` -> ("@mastra/core", "1.26.0"); the `npm:` prefix is optional."""
    spec = parse_npm_spec(text)
    return spec.name, spec.wanted


def load_changelog(
    package: str,
    version: str | None,
    cache_dir: Path,
    *,
    registry: NpmRegistry | None = None,
) -> PackageChangelog:
    """The changelog in `package@version` (a version, range, dist-tag; None for latest).

    The tarball is downloaded once into the download cache; the parsed changelog is kept
    in memory, so asking again for the same exact version reads nothing.
    """
    exact = find_version(version) if version else None
    key = (str(Path(cache_dir).resolve()), package, str(exact))
    if exact is not None:
        with _cache_lock:
            if key in _cache:
                _cache.move_to_end(key)
                return _cache[key]
    with registry_session(registry) as active:
        fetched = fetch_npm_package(NpmSpec(package, version), cache_dir, registry=active)
    key = (key[0], package, fetched.version)
    with _cache_lock:
        if key in _cache:
            return _cache[key]
    file = _find_changelog_file(fetched.root)
    if file is None:
        raise ChangelogNotFoundError(package, fetched.version, _repository(fetched.root))
    text = file.read_text(encoding="utf-8", errors="replace")
    result = PackageChangelog(package, fetched.version, file.name, parse_changelog(text))
    with _cache_lock:
        _cache[key] = result
        while len(_cache) > _CACHED_CHANGELOGS:
            _cache.popitem(last=False)
    return result


def get_changelog(
    package: str,
    cache_dir: Path,
    *,
    version: str | None = None,
    from_version: str | None = None,
    to_version: str | None = None,
    prereleases: bool | None = None,
    registry: NpmRegistry | None = None,
) -> ChangelogSlice:
    """Changelog entries of an npm package: one `version`, or from_version < v <= to_version.

    `package` may carry a version (`@mastra/core@1.26.0`), read as `version`, or as
    `to_version` when a `from_version` is given. `to_version` defaults to the latest
    release, whose CHANGELOG.md is the one read. With `prereleases` None, a prerelease
    entry is left out when a later release in the range repeats its notes (as Changesets
    does) unless a bound is itself a prerelease; True keeps them all, False drops them.
    """
    name, wanted = package_name(package)
    if wanted and (version or to_version):
        raise UsageError(
            f"{package!r} already names version {wanted}; drop it from the package or leave out ",
            Param("version" if version else "to_version"),
            ".",
        )
    if wanted and from_version:
        to_version = wanted
    elif wanted:
        version = wanted
    if version is not None and (from_version or to_version):
        raise UsageError(
            "Ask for one version (",
            Param("version"),
            ") or a range (",
            Param("from_version"),
            ", ",
            Param("to_version"),
            "), not both.",
        )
    if version is not None:
        return _one_version(name, version, cache_dir, registry)
    loaded = _changelog_listing(name, to_version, cache_dir, registry)
    upper = to_version if to_version and find_version(to_version) else loaded.version
    entries = select_entries(
        loaded.changelog, from_version, upper, include_prereleases=prereleases is not False
    )
    folded: tuple[str, ...] = ()
    bounds = [find_version(v) for v in (from_version, to_version) if v]
    if prereleases is None and not any(b is not None and b.is_prerelease for b in bounds):
        entries, folded = _fold_prereleases(entries)
    return ChangelogSlice(
        name,
        loaded.version,
        loaded.file,
        from_version,
        upper,
        tuple(entries),
        folded,
        _newest(loaded.changelog),
    )


def _one_version(
    package: str, version: str, cache_dir: Path, registry: NpmRegistry | None
) -> ChangelogSlice:
    loaded = _changelog_listing(package, version, cache_dir, registry)
    wanted = version if find_version(version) else loaded.version
    entries = _entries_for(loaded.changelog, wanted)
    if not entries:
        raise ChangelogEntryNotFoundError(
            package, wanted, loaded.version, list(_newest(loaded.changelog))
        )
    newest = _newest(loaded.changelog)
    return ChangelogSlice(
        package, loaded.version, loaded.file, None, wanted, entries[:1], (), newest, single=True
    )


def _changelog_listing(
    package: str, version: str | None, cache_dir: Path, registry: NpmRegistry | None
) -> PackageChangelog:
    """A changelog that has `version`'s entry: a cached newer version's, else its own.

    Release notes stay in later changelogs, so once a recent tarball is cached, older
    versions need no download (a patch of an older line may be missing from it; then
    its own tarball is fetched).
    """
    exact = find_version(version) if version else None
    if exact is not None and version is not None:
        newer = sorted(v for v in _cached_versions(cache_dir, package) if v >= exact)
        for candidate in newer[:_CACHED_CANDIDATES]:
            loaded = load_changelog(package, str(candidate), cache_dir, registry=registry)
            if _entries_for(loaded.changelog, version):
                return loaded
    return load_changelog(package, version, cache_dir, registry=registry)


def _cached_versions(cache_dir: Path, package: str) -> list[Version]:
    """Versions of `package` fully fetched into the download cache (see fetch_npm_package)."""
    base = Path(cache_dir) / "npm" / package
    if not base.is_dir():
        return []
    found = (find_version(p.name) for p in base.iterdir() if (p / "release.json").is_file())
    return [v for v in found if v is not None]


def _entries_for(changelog: Changelog, version: str) -> tuple[ChangelogEntry, ...]:
    return tuple(
        e for e in changelog.entries if e.version is not None and same_version(e.version, version)
    )


def same_version(a: str, b: str) -> bool:
    """Whether two version texts name one version ("v1.2.0" and "1.2.0+build" do)."""
    parsed_a, parsed_b = find_version(a.lstrip("vV")), find_version(b.lstrip("vV"))
    if parsed_a is None or parsed_b is None:
        return a.strip().lstrip("vV") == b.strip().lstrip("vV")
    return parsed_a == parsed_b


def _fold_prereleases(
    entries: list[ChangelogEntry],
) -> tuple[list[ChangelogEntry], tuple[str, ...]]:
    """Drop prereleases older than the newest release listed: it repeats their notes."""
    versions = [find_version((e.version or "").lstrip("vV")) for e in entries]
    releases = [v for v in versions if v is not None and not v.is_prerelease]
    if not releases:
        return entries, ()
    newest = max(releases)
    kept, folded = [], []
    for entry, parsed in zip(entries, versions, strict=True):
        if parsed is not None and parsed.is_prerelease and parsed < newest:
            folded.append(entry.version or "")
        else:
            kept.append(entry)
    return kept, tuple(folded)


def _newest(changelog: Changelog, count: int = 5) -> tuple[str, ...]:
    return tuple(sort_versions(dict.fromkeys(changelog.versions))[:count])


def _find_changelog_file(root: Path) -> Path | None:
    files = {p.name.lower(): p for p in root.iterdir() if p.is_file() and not p.is_symlink()}
    return next((files[name] for name in CHANGELOG_NAMES if name in files), None)


def _repository(root: Path) -> str | None:
    """The repository URL package.json names, for pointing at release notes elsewhere."""
    try:
        data = json.loads((root / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    repo = data.get("repository") if isinstance(data, dict) else None
    url = repo.get("url") if isinstance(repo, dict) else repo
    if not isinstance(url, str) or not url:
        return None
    folder = repo.get("directory") if isinstance(repo, dict) else None
    github = _GITHUB.match(url)
    if github is None:
        return url
    # Monorepos keep one changelog per package folder; link straight to it.
    inside = f"{folder.strip('/')}/" if isinstance(folder, str) and folder.strip("/") else ""
    return f"https://github.com/{github[1]}/blob/HEAD/{inside}CHANGELOG.md"


# ---------------------------------------------------------------- output


def changelog_header(result: ChangelogSlice) -> str:
    """What was asked and found, in one paragraph."""
    source = f"{result.package}@{result.read_from} {result.file}"
    if result.single:
        return f"Changelog of {result.package} {result.to_version} (from {source}):"
    low = f"{result.from_version} < " if result.from_version else ""
    count = len(result.entries)
    text = (
        f"Changelog of {result.package}, {low}version <= {result.to_version} "
        f"(from {source}): {count} entr{'y' if count == 1 else 'ies'}, newest first."
    )
    if result.folded:
        folded = len(result.folded)
        what = "prerelease entry" if folded == 1 else "prerelease entries"
        text += say(
            f" {folded} {what} ({_span(result.folded)}) left out: a later release in the "
            "range repeats their notes (",
            Param("prereleases", True),
            " lists them).",
        )
    if not result.entries:
        listed = ", ".join(result.newest) or "none"
        text += f" Its newest entries: {listed}."
    return text


def format_changelog(result: ChangelogSlice) -> str:
    """The header, then every entry in full."""
    return "\n\n".join([changelog_header(result), *(entry_block(e) for e in result.entries)])


def changelog_json(result: ChangelogSlice) -> dict[str, Any]:
    return {
        "package": result.package,
        "read_from": result.read_from,
        "file": result.file,
        "from_version": result.from_version,
        "to_version": result.to_version,
        "folded_prereleases": list(result.folded),
        "entries": [
            {"version": e.version, "date": e.date, "title_line": e.title_line, "body": e.body}
            for e in result.entries
        ],
    }


def entry_block(entry: ChangelogEntry, max_lines: int | None = None, more: str = "") -> str:
    """The entry's heading line and body; with `max_lines`, a long body is cut with `more`."""
    body = entry.body
    if max_lines is not None:
        lines = body.split("\n")
        if len(lines) > max_lines:
            hidden = len(lines) - max_lines
            body = "\n".join(lines[:max_lines]) + f"\n… {hidden} more lines{more}"
    return f"{entry.title_line}\n\n{body}".rstrip()


def _span(versions: tuple[str, ...]) -> str:
    ordered = sort_versions(versions)
    return ordered[0] if len(ordered) == 1 else f"{ordered[-1]} … {ordered[0]}"
