"""CHANGELOG.md -> one entry per version, and the entries that lie between two versions.

Text that sits under no version heading is never dropped: what comes before the first
entry is the changelog's `preamble`, and link reference definitions closing the file
(Keep a Changelog's compare links) its `footer`; an "Unreleased" heading opens an entry
whose version is None; any other heading (a section title, a malformed version, stray
text) stays in the body of the entry above it, since a release's notes run to the next
release.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

from docshelf.semver import Version, find_version
from docshelf.versions.errors import VersionBoundError, VersionRangeError

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})(.*)$")
_ATX = re.compile(r"^( {0,3})(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_NOT_PARAGRAPH = re.compile(r"^(?: {4}|\t|\s*(?:[>|<]|[-*+][ \t]|\d+[.)][ \t]))")
_MARKUP = re.compile(r"<[^>]*>|[*`]|\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])?")
_VERSION_TEXT = (
    r"\d+(?:\.\d+){1,3}"
    r"(?:-[0-9A-Za-z][0-9A-Za-z.-]*|(?:a|b|rc|alpha|beta)\.?\d*)?"
    r"(?:\+[0-9A-Za-z][0-9A-Za-z.-]*)?"
)
# "1.2.3", "v1.2.3 (2024-05-01)", "@scope/pkg@1.2.3", "pkg v1.2.3", "Version 1.2.3 / 2024-05-01",
# and Node.js's "2024-05-01, Version 22.1.0 (Current), @someone".
_VERSION_HEADING = re.compile(
    r"^[^\w@]*"
    r"(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}[,:\s-]+)?"
    r"(?:(?!v?\d)@?[\w.-]+(?:/[\w.-]+)?(?:@|\s+))?"
    r"(?:v|version\s*|release\s*)?"
    rf"(?P<version>{_VERSION_TEXT})"
    r"(?P<rest>[^\w].*|)$",
    re.IGNORECASE,
)
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S")
_UNRELEASED = re.compile(r"^[^\w]*(?:unreleased|upcoming)\b", re.IGNORECASE)
_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
_MONTH = r"(?P<month>(?:" + "|".join(_MONTHS) + r")[a-z]*)\.?"
_DATES = (
    re.compile(r"(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})\b"),
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b", re.I),
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>\d{{4}})\b", re.I),
)
# Words that may follow a version in its heading without making it look like prose.
_DECORATION = {
    *_MONTHS,
    *"january february march april june july august september sept october november".split(),
    *"december unreleased yanked released release latest stable lts on pre prerelease".split(),
    *"initial hotfix patch minor major changes st nd rd th".split(),
}
_PYTHON_PRE = re.compile(r"^(\d+\.\d+(?:\.\d+)?)(a|b|rc|alpha|beta)\.?(\d*)$", re.IGNORECASE)
_PYTHON_PRE_NAMES = {"a": "alpha", "b": "beta"}


@dataclass(frozen=True)
class ChangelogEntry:
    """The notes of one release, from its heading to the next release's heading."""

    version: str | None  # as written, without "v" or brackets; None for "Unreleased"
    date: str | None  # ISO 8601 (YYYY-MM-DD) when the heading gives a date
    title_line: str  # the heading line as written (its text line for a setext heading)
    body: str  # markdown under the heading, blank lines at either end trimmed
    start_line: int  # 1-based line of the heading in the changelog


@dataclass(frozen=True)
class Changelog:
    """A parsed changelog: preamble, entries in file order, closing link definitions."""

    preamble: str
    entries: tuple[ChangelogEntry, ...]
    footer: str = ""

    @property
    def versions(self) -> tuple[str, ...]:
        """Versions in file order (usually newest first), duplicates kept."""
        return tuple(e.version for e in self.entries if e.version is not None)


@dataclass(frozen=True)
class _Heading:
    line: int  # 0-based index of the heading's text line
    end: int  # 0-based index of its last line (the underline of a setext heading)
    level: int
    text: str
    indented: bool


@dataclass(frozen=True)
class _Candidate:
    heading: _Heading
    text: str  # heading text without markup
    version: str | None
    date: str | None
    strong: bool  # nothing but a version and decoration (date, links, "yanked") in the text


def parse_changelog(text: str) -> Changelog:
    """Split a CHANGELOG.md into per-version entries, in one pass over its lines.

    Understands Changesets (`## 1.2.3`), Keep a Changelog (`## [1.2.3] - 2024-05-01`,
    `## [Unreleased]`), `# v1.2.3`, `### 1.2.3 / 2024-05-01`, `## @scope/pkg@1.2.3`,
    conventional-changelog links, setext headings and prerelease versions. Headings
    inside fenced code blocks are ignored.
    """
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    starts = _pick_entry_headings([_classify(h) for h in _scan_headings(lines)])
    first = starts[0].heading.line if starts else len(lines)
    footer = _footer_start(lines, starts[-1].heading.end + 1) if starts else len(lines)
    entries = []
    for i, start in enumerate(starts):
        end = starts[i + 1].heading.line if i + 1 < len(starts) else footer
        heading = start.heading
        entries.append(
            ChangelogEntry(
                version=start.version,
                date=start.date,
                title_line=lines[heading.line].strip(),
                body=_trimmed(lines, heading.end + 1, end),
                start_line=heading.line + 1,
            )
        )
    return Changelog(
        preamble=_trimmed(lines, 0, first),
        entries=tuple(entries),
        footer=_trimmed(lines, footer, len(lines)),
    )


def _footer_start(lines: list[str], floor: int) -> int:
    """Where the run of link reference definitions (and blank lines) ending the file starts."""
    start = len(lines)
    for i in range(len(lines) - 1, floor - 1, -1):
        if _LINK_DEFINITION.match(lines[i]):
            start = i
        elif lines[i].strip():
            break
    return start


def _scan_headings(lines: list[str]) -> list[_Heading]:
    """ATX and setext headings outside fenced code blocks."""
    found: list[_Heading] = []
    fence = ""
    paragraph = False  # whether the previous line could be the text of a setext heading
    for i, line in enumerate(lines):
        fence_match = _FENCE.match(line)
        if fence:
            # Indented fences count too: changelog bullets nest code blocks under them.
            if fence_match and fence_match[1][0] == fence[0] and len(fence_match[1]) >= len(fence):
                fence = "" if not fence_match[2].strip() else fence
            continue
        if fence_match and not (fence_match[1][0] == "`" and "`" in fence_match[2]):
            fence, paragraph = fence_match[1], False
            continue
        atx = _ATX.match(line)
        if atx:
            found.append(_Heading(i, i, len(atx[2]), atx[3] or "", bool(atx[1])))
            paragraph = False
            continue
        setext = _SETEXT.match(line)
        if setext and paragraph:
            level = 1 if setext[1][0] == "=" else 2
            found.append(_Heading(i - 1, i, level, lines[i - 1].strip(), False))
            paragraph = False
            continue
        paragraph = bool(line.strip()) and not _NOT_PARAGRAPH.match(line)
    return found


def _classify(heading: _Heading) -> _Candidate:
    text = " ".join(_MARKUP.sub(lambda m: m[1] or "", heading.text).split()).strip("_ ")
    date = _find_date(text)
    match = _VERSION_HEADING.match(text[:200])  # bounded: the pattern can backtrack
    if match is None:
        return _Candidate(heading, text, None, date, strong=False)
    version = match["version"].rstrip(".-")
    rest = match["rest"]
    for pattern in _DATES:
        rest = pattern.sub(" ", rest)
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", rest)}
    return _Candidate(heading, text, version, date, strong=words <= _DECORATION)


def _find_date(text: str) -> str | None:
    for pattern in _DATES:
        for match in pattern.finditer(text):
            month = match["month"]
            number = int(month) if month.isdigit() else _MONTHS.index(month[:3].lower()) + 1
            try:
                return datetime.date(int(match["year"]), number, int(match["day"])).isoformat()
            except ValueError:
                continue
    return None


def _pick_entry_headings(candidates: list[_Candidate]) -> list[_Candidate]:
    """The headings that open entries: versions at release level, and "Unreleased"."""
    levels = {c.heading.level for c in candidates if c.version and c.strong}
    versioned = bool(levels)
    if not levels:
        levels = {min((c.heading.level for c in candidates if c.version), default=0)}
    top, bottom = min(levels), max(levels)
    return [c for c in candidates if _opens_entry(c, levels, top, bottom, versioned)]


def _opens_entry(c: _Candidate, levels: set[int], top: int, bottom: int, versioned: bool) -> bool:
    level, indented = c.heading.level, c.heading.indented
    if c.version:
        # A weak "## 1.2.3 Codename" counts among plain "## 1.2.2" headings, not deeper.
        return (c.strong and level in levels) or (not indented and level == top)
    unreleased = not indented and bool(_UNRELEASED.match(c.text))
    return unreleased and (not versioned or level <= bottom)


def _trimmed(lines: list[str], start: int, end: int) -> str:
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[start:end])


# ---------------------------------------------------------------- ranges


def select_entries(
    changelog: Changelog,
    from_version: str | None = None,
    to_version: str | None = None,
    *,
    include_prereleases: bool = True,
) -> list[ChangelogEntry]:
    """Entries with from_version < version <= to_version, newest first.

    Either bound may be None for an open range; both None gives every versioned entry.
    Ordering is semver precedence ("1.0.0-beta.3" < "1.0.0"). Entries without a version
    ("Unreleased") and with versions that cannot be ordered are left out, and so are
    prereleases when `include_prereleases` is False (Changesets repeats their notes in
    the release that follows them).
    """
    low = _bound("from_version", from_version, changelog)
    high = _bound("to_version", to_version, changelog)
    if low is not None and high is not None and low > high:
        raise VersionRangeError(str(from_version), str(to_version))
    keyed = []
    for entry in changelog.entries:
        version = _coerce_version(entry.version) if entry.version else None
        if version is None or (version.prerelease and not include_prereleases):
            continue
        if (low is None or version > low) and (high is None or version <= high):
            keyed.append((version.sort_key(), entry))
    # sorted() is stable under reverse=True, so duplicate versions keep file order.
    keyed.sort(key=lambda item: item[0], reverse=True)
    return [entry for _key, entry in keyed]


def _bound(name: str, value: str | None, changelog: Changelog) -> Version | None:
    if value is None or not value.strip():
        return None
    version = _coerce_version(value)
    if version is None:
        raise VersionBoundError(name, value, _newest(changelog.versions, 5))
    return version


def _newest(versions: Sequence[str], count: int) -> list[str]:
    parsed = [(v, _coerce_version(v)) for v in dict.fromkeys(versions)]
    ordered = sorted(((p.sort_key(), v) for v, p in parsed if p is not None), reverse=True)
    return [v for _key, v in ordered[:count]]


def _coerce_version(text: str) -> Version | None:
    """A version as changelogs write it: semver, "1.2" (as 1.2.0), or Python's "1.0b2"."""
    text = text.strip()
    if text[:1] in ("v", "V"):
        text = text[1:]
    version = find_version(text)
    if version is not None:
        return version
    python = _PYTHON_PRE.match(text)
    if python:
        release, pre, number = python.groups()
        name = _PYTHON_PRE_NAMES.get(pre.lower(), pre.lower())
        text = f"{release}-{name}" + (f".{number}" if number else "")
    release, dash, pre = text.partition("-")
    if re.fullmatch(r"\d+\.\d+", release):
        return find_version(f"{release}.0{dash}{pre}")
    return find_version(text)
