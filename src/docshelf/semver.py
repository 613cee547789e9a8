"""Semantic versions and npm-style version ranges: parse, order, match."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from docshelf.errors import UsageError

_NUM = r"0|[1-9]\d*"
_IDENT = r"[0-9A-Za-z-]+"
_DOTTED = rf"{_IDENT}(?:\.{_IDENT})*"
_VERSION_RE = re.compile(
    rf"^\s*[v=]?\s*(?P<major>{_NUM})\.(?P<minor>{_NUM})\.(?P<patch>{_NUM})"
    rf"(?:-(?P<pre>{_DOTTED}))?(?:\+(?P<build>{_DOTTED}))?\s*$"
)
_XR = rf"{_NUM}|[xX*]"
_PARTIAL = (
    rf"v?(?P<major>{_XR})(?:\.(?P<minor>{_XR})(?:\.(?P<patch>{_XR})"
    rf"(?:-(?P<pre>{_DOTTED}))?(?:\+{_DOTTED})?)?)?"
)
_SIMPLE_RE = re.compile(rf"^(?P<op><=|>=|<|>|=|~>|~|\^)?{_PARTIAL}$")
_PARTIAL_RE = re.compile(rf"^{_PARTIAL}$")
_HYPHEN_RE = re.compile(r"^(?P<low>\S+)\s+-\s+(?P<high>\S+)$")
# npm accepts "> = 1.2"-style gaps between an operator and its version.
_OP_GAP_RE = re.compile(r"(<=|>=|<|>|=|~>|~|\^)\s+")

_RANGE_HELP = (
    "Use an npm range such as '^1.2.0', '~1.2', '1.x', '>=1.2 <2', '1.2.3 - 1.4' or "
    "'^1 || ^2', or an exact version such as '1.2.3'."
)


@dataclass(frozen=True, eq=False)
class Version:
    """A semantic version (semver 2.0); build metadata is kept but never compared."""

    major: int
    minor: int
    patch: int
    prerelease: tuple[int | str, ...] = ()
    build: tuple[str, ...] = field(default=())

    @property
    def is_prerelease(self) -> bool:
        return bool(self.prerelease)

    @property
    def release(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)

    def sort_key(self) -> tuple[Any, ...]:
        """A tuple that orders versions by semver precedence."""
        # A release outranks any of its prereleases; numeric identifiers rank below
        # alphanumeric ones; a shorter identifier list ranks below a longer one.
        pre = tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in self.prerelease)
        return (self.major, self.minor, self.patch, not self.prerelease, pre)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self.sort_key() == other.sort_key()

    def __hash__(self) -> int:
        return hash(self.sort_key())

    def __lt__(self, other: Version) -> bool:
        return self.sort_key() < other.sort_key()

    def __le__(self, other: Version) -> bool:
        return self.sort_key() <= other.sort_key()

    def __gt__(self, other: Version) -> bool:
        return self.sort_key() > other.sort_key()

    def __ge__(self, other: Version) -> bool:
        return self.sort_key() >= other.sort_key()

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += "-" + ".".join(str(p) for p in self.prerelease)
        if self.build:
            text += "+" + ".".join(self.build)
        return text


def _parse_prerelease(text: str | None) -> tuple[int | str, ...]:
    if not text:
        return ()
    return tuple(int(p) if p.isdigit() else p for p in text.split("."))


def find_version(text: str) -> Version | None:
    """The version `text` spells, or None when it is not semver."""
    match = _VERSION_RE.match(text)
    if match is None:
        return None
    pre = match["pre"]
    if pre and any(len(p) > 1 and p.isdigit() and p[0] == "0" for p in pre.split(".")):
        return None  # semver forbids leading zeros in numeric prerelease identifiers
    return Version(
        int(match["major"]),
        int(match["minor"]),
        int(match["patch"]),
        _parse_prerelease(pre),
        tuple(match["build"].split(".")) if match["build"] else (),
    )


def parse_version(text: str) -> Version:
    """Parse a semantic version such as '1.2.3', 'v2.0.0-beta.1' or '1.0.0+build.5'."""
    version = find_version(text)
    if version is None:
        raise UsageError(
            f"{text!r} is not a semantic version. Write MAJOR.MINOR.PATCH with an optional "
            "-prerelease, such as '1.2.3' or '2.0.0-beta.1'."
        )
    return version


def version_key(text: str) -> tuple[int, tuple[Any, ...], str]:
    """Sort key for version strings that never raises: non-semver sorts first, by text."""
    version = find_version(text)
    if version is None:
        return (0, (), text)
    return (1, version.sort_key(), text)


def sort_versions(versions: Iterable[str], newest_first: bool = True) -> list[str]:
    """Version strings in semver order, newest first unless told otherwise."""
    return sorted(versions, key=version_key, reverse=newest_first)


@dataclass(frozen=True)
class _Comparator:
    op: str  # one of <, <=, >, >=, =
    version: Version

    def test(self, version: Version) -> bool:
        if self.op == "<":
            return version < self.version
        if self.op == "<=":
            return version <= self.version
        if self.op == ">":
            return version > self.version
        if self.op == ">=":
            return version >= self.version
        return version == self.version


_Set = tuple[_Comparator, ...]
_NOTHING: _Set = (_Comparator("<", Version(0, 0, 0, (0,))),)


def _floor(major: int, minor: int = 0, patch: int = 0) -> Version:
    # The "-0" prerelease is the lowest version of that release, so "< x.y.z-0"
    # shuts out x.y.z's prereleases as well as x.y.z itself.
    return Version(major, minor, patch, (0,))


def _desugar(op: str, match: re.Match[str], range_text: str) -> _Set:
    """Turn one operator and partial version into plain comparators."""
    parts: list[int | None] = []
    for name in ("major", "minor", "patch"):
        raw = match[name]
        # Everything after the first wildcard is a wildcard too ("1.x.3" is "1.x").
        if raw is None or raw in "xX*" or (parts and parts[-1] is None):
            parts.append(None)
        else:
            parts.append(int(raw))
    major, minor, patch = parts
    pre = _parse_prerelease(match["pre"])
    if pre and patch is None:
        raise UsageError(
            f"Cannot parse version range {range_text!r}: a prerelease needs a full version. "
            + _RANGE_HELP
        )
    if major is None:
        return _NOTHING if op in ("<", ">") else ()
    if minor is not None and patch is not None:
        full = Version(major, minor, patch, pre)
        if op == "~":
            return (_Comparator(">=", full), _Comparator("<", _floor(major, minor + 1)))
        if op == "^":
            if major:
                upper = _floor(major + 1)
            elif minor:
                upper = _floor(0, minor + 1)
            else:
                upper = _floor(0, 0, patch + 1)
            return (_Comparator(">=", full), _Comparator("<", upper))
        return (_Comparator(op or "=", full),)
    low = Version(major, minor or 0, 0)
    bump_major = minor is None or (op == "^" and major > 0)
    high = _floor(major + 1) if bump_major else _floor(major, (minor or 0) + 1)
    if op == ">=":
        return (_Comparator(">=", low),)
    if op in ("", "=", "~", "^"):
        return (_Comparator(">=", low), _Comparator("<", high))
    if op == ">":
        return (_Comparator(">=", Version(*high.release)),)
    if op == "<":
        return (_Comparator("<", _floor(*low.release)),)
    return (_Comparator("<", high),)  # "<="


def _parse_hyphen(low_text: str, high_text: str, range_text: str) -> _Set:
    low = _PARTIAL_RE.match(low_text)
    high = _PARTIAL_RE.match(high_text)
    if low is None or high is None:
        raise UsageError(f"Cannot parse version range {range_text!r}. " + _RANGE_HELP)
    return _desugar(">=", low, range_text) + _desugar("<=", high, range_text)


def _parse_set(text: str, range_text: str) -> _Set:
    text = text.strip()
    hyphen = _HYPHEN_RE.match(text)
    if hyphen:
        return _parse_hyphen(hyphen["low"], hyphen["high"], range_text)
    comparators: _Set = ()
    for token in _OP_GAP_RE.sub(r"\1", text).split():
        match = _SIMPLE_RE.match(token)
        if match is None:
            raise UsageError(
                f"Cannot parse version range {range_text!r}: {token!r} is not a version or "
                "comparator. " + _RANGE_HELP
            )
        op = match["op"] or ""
        comparators += _desugar("~" if op == "~>" else op, match, range_text)
    return comparators


@lru_cache(maxsize=256)
def _parse_range(range_text: str) -> tuple[_Set, ...]:
    return tuple(_parse_set(part, range_text) for part in range_text.split("||"))


def _set_allows(comparators: _Set, version: Version) -> bool:
    if not all(c.test(version) for c in comparators):
        return False
    if not version.prerelease:
        return True
    # npm rule: a prerelease matches only if the range names a prerelease of the
    # same release, so '^1.2.0' never picks up '1.3.0-beta'.
    return any(c.version.prerelease and c.version.release == version.release for c in comparators)


def satisfies(version: str | Version, range_text: str) -> bool:
    """Whether `version` falls in the npm range; a non-semver version never does."""
    comparator_sets = _parse_range(range_text)
    parsed = version if isinstance(version, Version) else find_version(version)
    if parsed is None:
        return False
    return any(_set_allows(s, parsed) for s in comparator_sets)


def max_satisfying(versions: Iterable[str], range_text: str) -> str | None:
    """The newest of `versions` in the npm range, or None when none is."""
    comparator_sets = _parse_range(range_text)
    best: tuple[Version, str] | None = None
    for text in versions:
        parsed = find_version(text)
        if parsed is None or (best is not None and parsed <= best[0]):
            continue
        if any(_set_allows(s, parsed) for s in comparator_sets):
            best = (parsed, text)
    return None if best is None else best[1]
