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
from docshelf.wording import Blank, Call, Param, say

DEFAULT_LIMIT = 10
MAX_CHANGELOG_DOWNLOADS = 3  # tarballs read per package for one answer; the rest say how
MAX_SCOPE_PACKAGES = 10  # packages a scope pattern stands for in one answer
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
    hidden_prereleases: int = 0  # prereleases in the window, not listed unless asked for
    changelog_note: str = ""  # said once for the package: no changelog, tarballs not read
    via: str = ""  # the scope pattern it was found by, and from which list


@dataclass(frozen=True)
class Target:
    """A package to report on, and what it was found by (a scope pattern), if anything."""

    package: str
    via: str = ""


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """`14d`, `36h`, `2w`, `3mo`, `1y`, or a date (`2026-09-01`) -> an aware UTC datetime."""
    now = now or datetime.now(UTC)
    match = _DURATION.match(text)
    if match:
        try:
            return now - timedelta(days=int(match[1]) * _UNITS[match[2].lower()])
        except (OverflowError, ValueError):  # before the year 1, or days beyond timedelta
            raise UsageError(
                Param("since", text),
                " reaches too far back (before the year 1). npm began in 2010: use a shorter "
                "window such as ",
                Param("since", "90d"),
                ", or a date such as ",
                Param("since", "2020-01-01"),
                ".",
            ) from None
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            Param("since", text),
            " is neither a duration nor a date. Use e.g. ",
            Param("since", "14d"),
            " ('36h', '2w', '3mo' work too) or a date such as ",
            Param("since", "2026-09-01"),
            ".",
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


def expand_targets(
    targets: Iterable[str], added: Iterable[str], registry: NpmRegistry
) -> list[Target]:
    """Packages for `targets`: names pass through; a scope pattern (`npm:@mastra/*`)
    stands for the packages the registry's search lists in that scope (the indexed ones
    first, at most MAX_SCOPE_PACKAGES), or, when the search cannot answer, for the indexed
    ones; each says which. Other patterns pick from the indexed packages."""
    known = sorted(set(added))
    found: dict[str, Target] = {}
    for target in targets:
        text = target.strip().removeprefix("npm:")
        if not any(ch in text for ch in "*?["):
            for name in expand_packages([target], known):
                found.setdefault(name, Target(name))
            continue
        for item in _expand_pattern(text, known, registry):
            found.setdefault(item.package, item)
    if not found:
        raise UsageError("Name at least one npm package, e.g. npm:@mastra/core.")
    return list(found.values())


def _expand_pattern(pattern: str, added: list[str], registry: NpmRegistry) -> list[Target]:
    scope = pattern[1:].split("/", 1)[0] if pattern.startswith("@") and "/" in pattern else None
    why = "the pattern names no scope"
    if scope is not None and not any(ch in scope for ch in "*?["):
        try:
            listed, total = registry.scope_packages(scope)
        except DocshelfError as exc:
            why = f"the registry's search did not answer: {exc}"
        else:
            matched = [p for p in listed if fnmatch.fnmatchcase(p, pattern)]
            if matched:
                first = [p for p in added if p in matched]
                kept = (first + [p for p in matched if p not in first])[:MAX_SCOPE_PACKAGES]
                more = len(matched) - len(kept) + (total - len(listed))
                via = (
                    f"npm:{pattern}: {len(kept)} of the @{scope} packages the registry's "
                    f"search lists ({total} in the scope), those indexed here first"
                )
                if more:
                    via += f"; {more} more left out: name them to see their releases"
                return [Target(p, via + ".") for p in kept]
            why = f"the registry's search lists no package matching {pattern!r}"
    matched = [p for p in added if fnmatch.fnmatchcase(p, pattern)]
    if not matched:
        raise UsageError(
            f"No npm package matches {pattern!r}: {why}, and no library indexed here comes "
            f"from a matching package (npm packages indexed: {', '.join(added) or 'none'}). "
            "Name the packages instead, e.g. npm:@mastra/core npm:@mastra/memory."
        )
    via = (
        f"npm:{pattern}: the matching packages whose docs are indexed here ({why}); name "
        "other packages to see their releases."
    )
    return [Target(p, via) for p in matched]


def whats_new(
    package: str,
    cache_dir: Path,
    *,
    since: datetime | None = None,
    limit: int = DEFAULT_LIMIT,
    changelogs: bool = True,
    prereleases: bool = False,
    registry: NpmRegistry | None = None,
    via: str = "",
) -> PackageNews:
    """The newest releases of `package` (published at or after `since`), newest first.

    Publish dates and dist-tags come from the registry metadata; each release's notes
    from the changelog in the newest release's tarball (a release missing there, such as
    a patch of an older line, is read from its own, up to a few tarballs per answer).
    Snapshot builds (`0.0.0-...`) are left out, and prereleases (canaries, betas) too
    unless `prereleases`: the answer counts those it hides.
    """
    if limit < 1:
        raise UsageError("limit must be at least 1, e.g. 10.")
    name, _wanted = package_name(package)
    with registry_session(registry) as active:
        every, tags = list_releases(name, registry=active, prereleases=True)
        releases = every if prereleases else [r for r in every if not _is_prerelease(r)]
        newest = releases[0] if releases else None
        window = [r for r in releases if _within(r, since)]
        hidden = 0
        if not prereleases:
            hidden = sum(1 for r in every if _is_prerelease(r) and _within(r, since))
        shown = window[:limit]
        note = ""
        if changelogs and shown:
            shown, note = _with_entries(name, shown, cache_dir, active)
    ordered_tags = sorted(tags.items(), key=lambda item: (item[0] != "latest", item[0]))
    return PackageNews(
        name,
        since,
        tuple(shown),
        tuple(ordered_tags),
        newest,
        len(window) - len(shown),
        hidden,
        note,
        via,
    )


def _is_prerelease(release: Release) -> bool:
    parsed = find_version(release.version)
    return parsed is not None and parsed.is_prerelease


def _within(release: Release, since: datetime | None) -> bool:
    return since is None or (release.published is not None and release.published >= since)


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
) -> tuple[list[Release], str]:
    """Attach changelog entries, reading the newest uncovered release's changelog first.

    Returns the releases and a note said once for the package: that it ships no
    changelog (a release without one ends the reading), or how many releases were left
    unread by the cap on tarballs per answer. A release keeps a note of its own only for
    a problem of its own (its changelog has no entry for it, its tarball failed)."""
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
        except ChangelogNotFoundError as exc:
            if not wanted[version].is_prerelease:
                return list(releases), _no_changelog(package, version, exc.repository)
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
    unread = []
    for release in releases:
        found = entries.get(release.version)
        if found is None and release.version not in problems:
            unread.append(release.version)
        note = problems.get(release.version, "")
        out.append(Release(release.version, release.published, release.tags, found, note))
    return out, _unread_note(package, unread)


def _no_changelog(package: str, version: str, repository: str | None) -> str:
    where = f" ({repository})" if repository else ""
    return (
        f"{package} ships no changelog in its npm package (none in {version}, the newest "
        f"listed): its release notes are in its repository{where}."
    )


def _unread_note(package: str, unread: list[str]) -> str:
    if not unread:
        return ""
    what = "release" if len(unread) == 1 else "releases"
    return say(
        f"The notes of {len(unread)} older {what} were not read (at most "
        f"{MAX_CHANGELOG_DOWNLOADS} package tarballs per answer); ",
        Call("changes", package=package, version=Blank("version")),
        " reads one.",
    )


def gather_news(
    targets: Iterable[str],
    libraries: Iterable[Library],
    cache_dir: Path,
    *,
    since: str | None = None,
    limit: int = DEFAULT_LIMIT,
    changelogs: bool = True,
    prereleases: bool = False,
    registry: NpmRegistry | None = None,
) -> list[PackageNews]:
    """News for packages and scope patterns (see `expand_targets`); prereleases only when
    asked for."""
    from docshelf.versions.compare import npm_package_of

    added = [p for lib in libraries if (p := npm_package_of(lib)) is not None]
    cutoff = parse_since(since) if since else None
    with registry_session(registry) as active:
        return [
            whats_new(
                target.package,
                cache_dir,
                since=cutoff,
                limit=limit,
                changelogs=changelogs,
                prereleases=prereleases,
                registry=active,
                via=target.via,
            )
            for target in expand_targets(targets, added, active)
        ]


# ---------------------------------------------------------------- output


def format_news(items: Sequence[PackageNews], max_lines: int | None = None) -> str:
    """Each package's header, then its releases with up to `max_lines` of notes each; a
    scope pattern's line once, before the packages it stands for."""
    blocks = []
    via = ""
    for item in items:
        if item.via and item.via != via:
            blocks.append(item.via)
        via = item.via
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
            "hidden_prereleases": item.hidden_prereleases,
            "changelog_note": item.changelog_note,
            "via": item.via,
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
    notes = "".join(f"\n{note}" for note in (_hidden_note(news), news.changelog_note) if note)
    if not news.releases:
        newest = news.newest
        when = f", published {_date(newest.published)}" if newest else ""
        latest = f"; the newest is {newest.version}{when}" if newest else ""
        further = say(" Look further back, e.g. ", Param("since", "90d"), ".")
        return f"{head}\nNo releases{window}{latest}.{further}{notes}"
    count = len(news.releases)
    more = ""
    if news.more:
        noun = "release" if news.more == 1 else "releases"
        more = f" ({news.more} older {noun} in the window left out: raise the limit)"
    plural = "s" if count != 1 else ""
    return f"{head}\n{count} release{plural}{window}, newest first{more}:{notes}"


def _hidden_note(news: PackageNews) -> str:
    count = news.hidden_prereleases
    if not count:
        return ""
    what = "prerelease" if count == 1 else "prereleases"
    return say(
        f"{count} {what} (canary, beta, rc ...) in the window not listed: ",
        Param("include_prereleases", True),
        " lists them.",
    )


def release_block(package: str, release: Release, max_lines: int | None = None) -> str:
    tags = f" [{', '.join(release.tags)}]" if release.tags else ""
    head = f"### {package}@{release.version} — {_date(release.published)}{tags}"
    if release.entry is None:
        return head + (f"\n(no changelog entry: {release.note})" if release.note else "")
    more = say(" (", Call("changes", package=package, version=release.version), ")")
    body = entry_block(release.entry, max_lines, more).split("\n", 1)
    return head + ("\n" + body[1].strip("\n") if len(body) > 1 and body[1].strip() else "")


def _date(when: datetime | None) -> str:
    return f"{when:%Y-%m-%d}" if when else "date unknown"
