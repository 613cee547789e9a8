"""Release news of npm packages: recent versions with publish dates, dist-tags and changelog."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from docshelf.errors import DocshelfError, UsageError
from docshelf.models import Library
from docshelf.semver import Version, find_version
from docshelf.sources.npm_registry import NpmRegistry
from docshelf.versions.changelog import ChangelogEntry
from docshelf.versions.errors import ChangelogNotFoundError
from docshelf.versions.npm_changelog import (
    entry_block,
    load_changelog,
    package_name,
    registry_session,
)

DEFAULT_LIMIT = 10
MAX_CHANGELOG_DOWNLOADS = 3  # tarballs read per package for one answer; the rest say how
_NOT_READ = (
    f"not read (at most {MAX_CHANGELOG_DOWNLOADS} package tarballs per answer); ask for this "
    "version's changelog"
)
_DURATION = re.compile(r"^\s*(\d+)\s*(h|d|w|mo|y)\s*$", re.IGNORECASE)
_UNITS = {"h": 1 / 24, "d": 1, "w": 7, "mo": 30, "y": 365}


@dataclass(frozen=True)
class Release:
    """One published version: when, which dist-tags point at it, and its changelog entry."""

    version: str
    published: datetime | None
    tags: tuple[str, ...]
    entry: ChangelogEntry | None = None
    note: str = ""  # why `entry` is None, when a changelog was looked for


@dataclass(frozen=True)
class PackageNews:
    """A package's recent releases, newest first."""

    package: str
    since: datetime | None
    releases: tuple[Release, ...]
    dist_tags: tuple[tuple[str, str], ...]  # (tag, version), "latest" first
    newest: Release | None  # the newest release overall, to say how old the news is
    more: int  # releases in the window left out by the limit


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """`14d`, `36h`, `2w`, `3mo`, `1y`, or a date (`2026-09-01`) -> an aware UTC datetime."""
    now = now or datetime.now(UTC)
    match = _DURATION.match(text)
    if match:
        try:
            return now - timedelta(days=int(match[1]) * _UNITS[match[2].lower()])
        except (OverflowError, ValueError):  # before the year 1, or days beyond timedelta
            raise UsageError(
                f"since={text!r} reaches too far back (before the year 1). npm began in 2010: "
                "use a shorter window such as '90d' or '2y', or a date such as '2020-01-01'."
            ) from None
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"since={text!r} is neither a duration nor a date. Use e.g. '14d', '36h', '2w', "
            "'3mo' or a date such as '2026-09-01'."
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def expand_packages(targets: Iterable[str], added: Iterable[str]) -> list[str]:
    """npm package names for `targets`; a pattern (`npm:@mastra/*`) picks from `added`.

    `added` are the packages the user has indexed docs from; plain names pass through.
    """
    packages: dict[str, None] = {}
    known = sorted(set(added))
    for target in targets:
        text = target.strip().removeprefix("npm:")
        if any(ch in text for ch in "*?["):
            matched = [p for p in known if fnmatch.fnmatchcase(p, text)]
            if not matched:
                listed = ", ".join(known) or "none"
                raise UsageError(
                    f"No added library comes from an npm package matching {text!r} (npm "
                    f"packages added: {listed}). Name the packages instead, e.g. "
                    "npm:@mastra/core npm:@mastra/memory."
                )
            packages.update(dict.fromkeys(matched))
        else:
            name, wanted = package_name(text)
            if wanted:
                raise UsageError(
                    f"News covers every recent version; name the package without a version: "
                    f"npm:{name}."
                )
            packages[name] = None
    if not packages:
        raise UsageError("Name at least one npm package, e.g. npm:@mastra/core.")
    return list(packages)


def whats_new(
    package: str,
    cache_dir: Path,
    *,
    since: datetime | None = None,
    limit: int = DEFAULT_LIMIT,
    changelogs: bool = True,
    prereleases: bool = True,
    registry: NpmRegistry | None = None,
) -> PackageNews:
    """The newest releases of `package` (published at or after `since`), newest first.

    Publish dates and dist-tags come from the registry metadata; each release's notes
    from the changelog in the newest release's tarball (a release missing there, such as
    a patch of an older line, is read from its own, up to a few tarballs per answer).
    Snapshot builds (`0.0.0-...`) are left out, and prereleases too unless `prereleases`.
    """
    if limit < 1:
        raise UsageError("limit must be at least 1, e.g. 10.")
    name, _wanted = package_name(package)
    with registry_session(registry) as active:
        releases, tags = list_releases(name, registry=active, prereleases=prereleases)
        newest = releases[0] if releases else None
        window = [r for r in releases if since is None or (r.published and r.published >= since)]
        shown = window[:limit]
        if changelogs and shown:
            shown = _with_entries(name, shown, cache_dir, active)
    ordered_tags = sorted(tags.items(), key=lambda item: (item[0] != "latest", item[0]))
    return PackageNews(
        name, since, tuple(shown), tuple(ordered_tags), newest, len(window) - len(shown)
    )


def list_releases(
    package: str, *, registry: NpmRegistry | None = None, prereleases: bool = True
) -> tuple[list[Release], dict[str, str]]:
    """Every release on the registry, newest published first, and the dist-tags."""
    name, _wanted = package_name(package)
    with registry_session(registry) as active:
        doc = active.packument(name)
    tags = _dist_tags(doc)
    return _releases(doc, tags, prereleases), tags


def _dist_tags(doc: dict[str, Any]) -> dict[str, str]:
    tags = doc.get("dist-tags")
    return {k: v for k, v in tags.items() if isinstance(v, str)} if isinstance(tags, dict) else {}


def _releases(doc: dict[str, Any], tags: dict[str, str], prereleases: bool) -> list[Release]:
    versions = doc.get("versions")
    times = doc.get("time")
    times = times if isinstance(times, dict) else {}
    by_version: dict[str, list[str]] = {}
    for tag, version in tags.items():
        by_version.setdefault(version, []).append(tag)
    oldest = datetime.min.replace(tzinfo=UTC)
    keyed = []
    for version in versions if isinstance(versions, dict) else ():
        parsed = find_version(version)
        if parsed is None or (parsed.is_prerelease and (not prereleases or _snapshot(parsed))):
            continue
        published = _published(times.get(version))
        release = Release(version, published, tuple(by_version.get(version, ())))
        keyed.append(((published or oldest, parsed.sort_key()), release))
    keyed.sort(key=lambda item: item[0], reverse=True)
    return [release for _key, release in keyed]


def _snapshot(version: Version) -> bool:
    """A `0.0.0-branch-20260101` build: published for testing, never a release."""
    return version.release == (0, 0, 0)


def _published(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _with_entries(
    package: str, releases: Sequence[Release], cache_dir: Path, registry: NpmRegistry
) -> list[Release]:
    """Attach changelog entries, reading the newest uncovered release's changelog first."""
    wanted = {r.version: v for r in releases if (v := find_version(r.version)) is not None}
    by_parsed = {parsed: version for version, parsed in wanted.items()}
    entries: dict[str, ChangelogEntry] = {}
    problems: dict[str, str] = {}
    read = 0
    for version in sorted(wanted, key=lambda v: wanted[v], reverse=True):
        if version in entries or version in problems:
            continue
        if read == MAX_CHANGELOG_DOWNLOADS:
            break
        read += 1
        try:
            loaded = load_changelog(package, version, cache_dir, registry=registry)
        except ChangelogNotFoundError:
            problems[version] = "its package ships no CHANGELOG.md"
            continue
        except DocshelfError as exc:
            problems[version] = str(exc)
            continue
        for entry in loaded.changelog.entries:
            parsed = find_version((entry.version or "").lstrip("vV"))
            if parsed is not None and parsed in by_parsed:
                entries.setdefault(by_parsed[parsed], entry)
        if version not in entries:
            problems[version] = f"no entry for it in {package}@{version} {loaded.file}"
    out = []
    for release in releases:
        found = entries.get(release.version)
        note = "" if found else problems.get(release.version, _NOT_READ)
        out.append(Release(release.version, release.published, release.tags, found, note))
    return out


def gather_news(
    targets: Iterable[str],
    libraries: Iterable[Library],
    cache_dir: Path,
    *,
    since: str | None = None,
    limit: int = DEFAULT_LIMIT,
    changelogs: bool = True,
    registry: NpmRegistry | None = None,
) -> list[PackageNews]:
    """News for packages and scope patterns; a pattern picks from the libraries' npm sources."""
    from docshelf.versions.compare import npm_package_of

    added = [p for lib in libraries if (p := npm_package_of(lib)) is not None]
    cutoff = parse_since(since) if since else None
    packages = expand_packages(targets, added)
    with registry_session(registry) as active:
        return [
            whats_new(
                package,
                cache_dir,
                since=cutoff,
                limit=limit,
                changelogs=changelogs,
                registry=active,
            )
            for package in packages
        ]


# ---------------------------------------------------------------- output


def format_news(items: Sequence[PackageNews], max_lines: int | None = None) -> str:
    """Each package's header, then its releases with up to `max_lines` of notes each."""
    blocks = []
    for item in items:
        blocks.append(news_header(item))
        blocks += [release_block(item.package, r, max_lines) for r in item.releases]
    return "\n\n".join(blocks)


def news_json(items: Sequence[PackageNews]) -> list[dict[str, Any]]:
    return [
        {
            "package": item.package,
            "since": item.since.isoformat() if item.since else None,
            "dist_tags": dict(item.dist_tags),
            "more": item.more,
            "releases": [
                {
                    "version": r.version,
                    "published": r.published.isoformat() if r.published else None,
                    "dist_tags": list(r.tags),
                    "changelog": r.entry.body if r.entry else None,
                    "note": r.note,
                }
                for r in item.releases
            ],
        }
        for item in items
    ]


def news_header(news: PackageNews) -> str:
    tags = ", ".join(f"{tag}={version}" for tag, version in news.dist_tags) or "none"
    window = f" since {news.since:%Y-%m-%d %H:%M} UTC" if news.since else ""
    head = f"## {news.package} (dist-tags: {tags})"
    if not news.releases:
        newest = news.newest
        when = f", published {_date(newest.published)}" if newest else ""
        latest = f"; the newest is {newest.version}{when}" if newest else ""
        return f"{head}\nNo releases{window}{latest}. Widen since, e.g. since='90d'."
    count = len(news.releases)
    more = ""
    if news.more:
        noun = "release" if news.more == 1 else "releases"
        more = f" ({news.more} older {noun} in the window left out: raise the limit)"
    return f"{head}\n{count} release{'s' if count != 1 else ''}{window}, newest first{more}:"


def release_block(package: str, release: Release, max_lines: int | None = None) -> str:
    tags = f" [{', '.join(release.tags)}]" if release.tags else ""
    head = f"### {package}@{release.version} — {_date(release.published)}{tags}"
    if release.entry is None:
        return head + (f"\n(no changelog entry: {release.note})" if release.note else "")
    more = f' (get_changelog(package="{package}", version="{release.version}"))'
    body = entry_block(release.entry, max_lines, more).split("\n", 1)
    return head + ("\n" + body[1].strip("\n") if len(body) > 1 and body[1].strip() else "")


def _date(when: datetime | None) -> str:
    return f"{when:%Y-%m-%d}" if when else "date unknown"
