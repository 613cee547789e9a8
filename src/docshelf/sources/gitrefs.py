"""Git refs as versions: the version a tag names, the newest release tag, and resolving REF."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from docshelf.errors import SourceError
from docshelf.semver import Version, find_version

_HEX = re.compile(r"^[0-9a-f]{7,40}$")
# A version at the end of a tag: `v8.2.2`, `8.2`, `vite@8.2.2`, `@scope/pkg@1.2.3`,
# `pkg-v1.2.3`, `release-1.2.3`, `v2.0.0-beta.1`. Group `name` is what comes before it.
_TAG_VERSION = re.compile(
    r"^(?:(?P<name>.*?)(?:@|[-_/]))??[vV]?"
    r"(?P<num>\d+(?:\.\d+){0,2})(?P<rest>(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$"
)


@dataclass(frozen=True)
class Ref:
    """One ref of a repository: a tag or a branch, and the commit it points to."""

    name: str  # short name: "v8.2.2", "main"
    kind: str  # "tag" or "branch"
    commit: str  # full sha of the commit (annotated tags peeled)


@dataclass(frozen=True)
class TagVersion:
    """What a release tag says: the package it is for (monorepos) and its version."""

    tag: str
    package: str  # "" for a plain `v1.2.3`
    version: Version


@dataclass(frozen=True)
class Resolved:
    """REF resolved to a commit, with the version label recorded for it."""

    ref: str  # what to fetch: a tag or branch name, or a commit sha
    kind: str  # "tag", "branch" or "commit"
    commit: str
    version: str  # "8.2.2" for a tag, "main-a98c8d9" for a branch, "a98c8d9" for a commit


def tag_version(tag: str) -> TagVersion | None:
    """The package and version a tag names, or None when it names no version.

    `v8.2.2` -> ("", 8.2.2); `vite@8.2.2` -> ("vite", 8.2.2); `@scope/pkg@1.2.3` ->
    ("@scope/pkg", 1.2.3); `pkg-v1.2.3` -> ("pkg", 1.2.3); `v1.2` -> ("", 1.2.0).
    """
    match = _TAG_VERSION.match(tag.strip())
    if match is None:
        return None
    parts = [*match["num"].split("."), "0", "0"][:3]
    version = find_version(".".join(parts) + match["rest"])
    if version is None:
        return None
    return TagVersion(tag, match["name"] or "", version)


def version_label(resolved_kind: str, name: str, commit: str) -> str:
    """The version recorded for a ref: the tag's version, `BRANCH-sha7`, or `sha7`."""
    if resolved_kind == "tag":
        parsed = tag_version(name)
        if parsed is not None:
            return str(parsed.version)
        return _safe_label(name) or commit[:7]
    if resolved_kind == "branch":
        return f"{_safe_label(name) or 'branch'}-{commit[:7]}"
    return commit[:7]


def _safe_label(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z._+-]+", "-", text).strip("-.")[:64]


def newest_release_tag(refs: Iterable[Ref], repo_name: str = "") -> Ref | None:
    """The newest release tag by semver: prereleases only when there are no releases.

    In a monorepo whose tags name packages (`vite@8.2.2`, `create-vite@9.1.2`), plain
    `vX.Y.Z` tags win, then tags of the package named like the repository.
    """
    tagged = [(r, tag_version(r.name)) for r in refs if r.kind == "tag"]
    candidates = [(r, v) for r, v in tagged if v is not None]
    if not candidates:
        return None
    plain = [(r, v) for r, v in candidates if not v.package]
    own = [(r, v) for r, v in candidates if _package_base(v.package) == repo_name.lower()]
    pool = plain or own or candidates
    releases = [(r, v) for r, v in pool if not v.version.is_prerelease]
    pool = releases or pool
    return max(pool, key=lambda rv: (rv[1].version.sort_key(), rv[0].name))[0]


def _package_base(package: str) -> str:
    return package.rsplit("/", 1)[-1].lower()


def resolve_ref(
    refs: Sequence[Ref],
    wanted: str | None,
    *,
    default_branch: str | None,
    repo_name: str = "",
    source: str = "the repository",
    find_commit: object = None,
) -> Resolved:
    """Resolve REF (tag, branch, commit, or a bare version) against a repository's refs.

    With no REF: the newest release tag, else the default branch. A commit sha that is
    not a ref tip is returned as kind "commit" when `find_commit(sha)` (a callable that
    returns a full sha or None) knows it. Raises SourceError listing the nearest tags.
    """
    if not wanted:
        newest = newest_release_tag(refs, repo_name)
        if newest is not None:
            return _resolved(newest)
        branch = next((r for r in refs if r.kind == "branch" and r.name == default_branch), None)
        branch = branch or next((r for r in refs if r.kind == "branch"), None)
        if branch is None:
            raise SourceError(
                f"{source} has no tags and no branches to read. Check the URL, or name a "
                "commit with @SHA."
            )
        return _resolved(branch)
    for kind in ("tag", "branch"):
        for ref in refs:
            if ref.kind == kind and ref.name == wanted:
                return _resolved(ref)
    by_version = _tags_for_version(refs, wanted, repo_name)
    if by_version is not None:
        return _resolved(by_version)
    if _HEX.match(wanted.lower()):
        sha = wanted.lower()
        tips = {r.commit for r in refs if r.commit.startswith(sha)}
        if len(tips) == 1:
            commit = tips.pop()
            return Resolved(commit, "commit", commit, version_label("commit", commit, commit))
        full = find_commit(sha) if callable(find_commit) else (sha if len(sha) == 40 else None)
        if isinstance(full, str):
            return Resolved(full, "commit", full, version_label("commit", full, full))
    raise SourceError(_not_found_message(refs, wanted, source))


def _resolved(ref: Ref) -> Resolved:
    return Resolved(ref.name, ref.kind, ref.commit, version_label(ref.kind, ref.name, ref.commit))


def _tags_for_version(refs: Sequence[Ref], wanted: str, repo_name: str) -> Ref | None:
    """A bare version (`8.2.2`) finds `v8.2.2`, or `NAME@8.2.2` for the repo's own package."""
    wanted_version = find_version(wanted)
    if wanted_version is None:
        return None
    matches = []
    for ref in refs:
        parsed = tag_version(ref.name) if ref.kind == "tag" else None
        if parsed is not None and parsed.version == wanted_version:
            matches.append((ref, parsed))
    plain = [r for r, v in matches if not v.package]
    own = [r for r, v in matches if _package_base(v.package) == repo_name.lower()]
    chosen = plain or own or ([r for r, _ in matches] if len(matches) == 1 else [])
    return chosen[0] if chosen else None


def nearest_tags(refs: Sequence[Ref], wanted: str, limit: int = 8) -> list[str]:
    """Tags closest to `wanted`: by version when it is one, else by spelling."""
    tags = [r.name for r in refs if r.kind == "tag"]
    parsed = tag_version(wanted)
    if parsed is not None:
        scored = []
        for tag in tags:
            other = tag_version(tag)
            if other is None:
                continue
            a, b = parsed.version.release, other.version.release
            distance = (abs(a[0] - b[0]), abs(a[1] - b[1]), abs(a[2] - b[2]))
            same_package = other.package == parsed.package
            scored.append(((not same_package, distance, other.version.is_prerelease), tag))
        near = [tag for _, tag in sorted(scored)[:limit]]
        if near:
            return near
    return difflib.get_close_matches(wanted, tags, n=limit, cutoff=0.3)


def _not_found_message(refs: Sequence[Ref], wanted: str, source: str) -> str:
    near = nearest_tags(refs, wanted)
    branches = [r.name for r in refs if r.kind == "branch"][:5]
    parts = [f"{source} has no tag, branch or commit {wanted!r}."]
    if near:
        parts.append(f"Nearest tags: {', '.join(near)}.")
    elif branches:
        parts.append(f"Branches: {', '.join(branches)}.")
    parts.append(
        "Add @ one of those (or a full commit sha), or leave out @REF for the newest release tag."
    )
    return " ".join(parts)
