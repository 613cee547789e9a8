"""What changed between two versions of a docs corpus: pages added, removed, renamed, modified."""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from typing import Literal

from docshelf.constants import PageStatus
from docshelf.models import Section
from docshelf.parsing.markdown import parse_page
from docshelf.versions.linediff import count_changed_lines, lcs_length, split_lines

SectionStatus = Literal["added", "removed", "changed"]
# Page paths -> their sections as indexed, in page order (e.g. Shelf.page_sections).
SectionSource = Callable[[list[str]], Mapping[str, Sequence[Section]]]

RENAME_THRESHOLD = 0.6  # word similarity a removed and an added page need to count as a rename
_RENAME_CANDIDATES = 5  # added pages scored per removed page, best shared shingles first
_STATUS_MARKS: dict[PageStatus, str] = {
    "added": "A",
    "removed": "D",
    "renamed": "R",
    "modified": "M",
}


@dataclass(frozen=True)
class SectionChange:
    """A section of a page that appeared, disappeared or changed between two versions."""

    heading_path: tuple[str, ...]  # H1 > H2 > H3; () for the text before the first heading
    status: SectionStatus


@dataclass(frozen=True)
class PageChange:
    """One page that differs between two versions."""

    path: str  # path in the new version; the old path for a removed page
    status: PageStatus
    old_path: str | None  # path before a rename; None unless status is "renamed"
    added_lines: int  # "+" lines of a unified diff of the two files
    removed_lines: int  # "-" lines of the same diff
    similarity: float | None  # 0-1 content similarity for a rename; None otherwise
    sections: tuple[SectionChange, ...] = ()  # for modified pages and edited renames


@dataclass(frozen=True)
class DocsDiff:
    """Every page change between two versions of a corpus, in path order."""

    from_label: str
    to_label: str
    changes: tuple[PageChange, ...]
    unchanged: int  # pages present in both versions with identical content

    def with_status(self, status: PageStatus) -> tuple[PageChange, ...]:
        return tuple(c for c in self.changes if c.status == status)

    @property
    def added_lines(self) -> int:
        return sum(c.added_lines for c in self.changes)

    @property
    def removed_lines(self) -> int:
        return sum(c.removed_lines for c in self.changes)


def diff_docs(
    old_pages: Mapping[str, str],
    new_pages: Mapping[str, str],
    from_label: str = "old",
    to_label: str = "new",
    *,
    rename_threshold: float = RENAME_THRESHOLD,
    old_sections: SectionSource | None = None,
    new_sections: SectionSource | None = None,
) -> DocsDiff:
    """Compare two corpora given as `{path: markdown}` (paths without `.md`).

    `old_sections` / `new_sections` give the sections of pages as they were indexed (by
    path), so edited pages need not be parsed again; without them, pages are parsed.
    """
    with _collector_paused():
        return _diff_docs(
            old_pages, new_pages, from_label, to_label, rename_threshold, old_sections, new_sections
        )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a diff runs: a diff allocates hundreds of
    thousands of short-lived containers (word lists, shingle postings) and makes no cycles,
    and the collections they trigger took a fifth of a Mastra-size diff's time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _diff_docs(
    old_pages: Mapping[str, str],
    new_pages: Mapping[str, str],
    from_label: str,
    to_label: str,
    rename_threshold: float,
    old_sections: SectionSource | None,
    new_sections: SectionSource | None,
) -> DocsDiff:
    removed = {p: old_pages[p] for p in old_pages.keys() - new_pages.keys()}
    added = {p: new_pages[p] for p in new_pages.keys() - old_pages.keys()}
    edited: list[tuple[str, PageStatus, str | None, float | None]] = []
    unchanged = 0
    for path in old_pages.keys() & new_pages.keys():
        if old_pages[path] == new_pages[path]:
            unchanged += 1
        else:
            edited.append((path, "modified", None, None))
    for old_path, new_path, similarity in match_renames(removed, added, rename_threshold):
        del removed[old_path], added[new_path]
        edited.append((new_path, "renamed", old_path, similarity))
    before = _keyed_by_path(old_sections, old_pages, [old or new for new, _s, old, _x in edited])
    after = _keyed_by_path(new_sections, new_pages, [new for new, _s, _old, _x in edited])
    changes: list[PageChange] = []
    for path, status, renamed_from, score in edited:
        old, new = old_pages[renamed_from or path], new_pages[path]
        added_lines, removed_lines = count_changed_lines(old, new)
        sections = _diff_keyed(before[renamed_from or path], after[path]) if old != new else ()
        changes.append(
            PageChange(path, status, renamed_from, added_lines, removed_lines, score, sections)
        )
    for path, text in removed.items():
        changes.append(PageChange(path, "removed", None, 0, len(split_lines(text)), None))
    for path, text in added.items():
        changes.append(PageChange(path, "added", None, len(split_lines(text)), 0, None))
    changes.sort(key=lambda c: (c.path, c.old_path or ""))
    return DocsDiff(from_label, to_label, tuple(changes), unchanged)


# ---------------------------------------------------------------- renames


def match_renames(
    removed: Mapping[str, str], added: Mapping[str, str], threshold: float = RENAME_THRESHOLD
) -> list[tuple[str, str, float]]:
    """Pair removed with added pages by content, one to one, best match first.

    Returns (old path, new path, similarity) for pairs at or above `threshold`, where
    similarity is the share of the two pages' words a minimal word diff keeps.
    """
    pairs = _match_identical(removed, added)
    taken_old = {old for old, _new, _score in pairs}
    taken_new = {new for _old, new, _score in pairs}
    removed = {p: text for p, text in removed.items() if p not in taken_old}
    added = {p: text for p, text in added.items() if p not in taken_new}

    words = {p: text.split() for p, text in added.items()}
    shingles = {p: _shingles(w) for p, w in words.items()}
    old_words = {p: removed[p].split() for p in sorted(removed)}
    old_shingles = {p: _shingles(w) for p, w in old_words.items()}
    # Only shingles some removed page has are ever looked up: index just those.
    wanted = set().union(*old_shingles.values())
    postings: defaultdict[int, list[str]] = defaultdict(list)
    for path, page_shingles in shingles.items():
        for shingle in page_shingles & wanted:
            postings[shingle].append(path)
    # Shingles shared by many pages (licence footers, boilerplate) say nothing about
    # which page became which and would make the index lookups quadratic.
    common_cutoff = max(10, len(added) // 20)

    scored: list[tuple[float, str, str]] = []
    for old_path, old_page_words in old_words.items():
        old_page_shingles = old_shingles[old_path]
        hits = [postings[s] for s in old_page_shingles if s in postings]
        shared = Counter(chain.from_iterable(p for p in hits if len(p) <= common_cutoff))
        ranked = sorted(shared.items(), key=lambda item: (-item[1], item[0]))
        candidates = [
            (_jaccard(old_page_shingles, shingles[p]), p) for p, _n in ranked[:_RENAME_CANDIDATES]
        ]
        best = max((j for j, _p in candidates), default=0.0)
        for jaccard, new_path in candidates:
            if jaccard >= best / 2:  # far behind the best: not worth a full comparison
                score = _word_similarity(old_page_words, words[new_path], threshold)
                if score >= threshold:
                    scored.append((score, old_path, new_path))

    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    for score, old_path, new_path in scored:
        if old_path not in taken_old and new_path not in taken_new:
            taken_old.add(old_path)
            taken_new.add(new_path)
            pairs.append((old_path, new_path, score))
    return pairs


def _match_identical(
    removed: Mapping[str, str], added: Mapping[str, str]
) -> list[tuple[str, str, float]]:
    """Pages moved without an edit, paired in path order when contents repeat."""
    by_text: defaultdict[str, list[str]] = defaultdict(list)
    for path in sorted(added):
        by_text[added[path]].append(path)
    pairs = []
    for path in sorted(removed):
        same = by_text.get(removed[path])
        if same:
            pairs.append((path, same.pop(0), 1.0))
    return pairs


def _word_similarity(a: list[str], b: list[str], threshold: float) -> float:
    """Share of words kept in order by a minimal word diff, 2 * LCS / (len a + len b);
    0.0 for most pairs under `threshold` (the search stops once it cannot reach it)."""
    total = len(a) + len(b)
    if not total:
        return 1.0
    # Rounded down, so a pair exactly at the threshold is never cut off by rounding.
    return 2 * lcs_length(a, b, at_least=int(threshold * total / 2)) / total


def _jaccard(a: set[int], b: set[int]) -> float:
    common = len(a & b)
    return common / (len(a) + len(b) - common) if common else 0.0


def _shingles(words: list[str]) -> set[int]:
    """Hashes of each run of three words (of the whole text when shorter)."""
    if len(words) < 3:
        return {hash(tuple(words))}
    return set(map(hash, zip(words, words[1:], words[2:], strict=False)))


# ---------------------------------------------------------------- sections


def diff_sections(old: str, new: str) -> tuple[SectionChange, ...]:
    """Sections added, removed or changed between two versions of one page, in page order.

    Sections are keyed by heading path (and by position among equal heading paths);
    a section whose heading was renamed shows as one removed and one added.
    """
    return _diff_keyed(_keyed(parse_page("", old).sections), _keyed(parse_page("", new).sections))


_Key = tuple[tuple[str, ...], int]


def _diff_keyed(
    old_sections: dict[_Key, str], new_sections: dict[_Key, str]
) -> tuple[SectionChange, ...]:
    # Removed sections are listed right after the last surviving section before them.
    removed_after: defaultdict[_Key | None, list[SectionChange]] = defaultdict(list)
    anchor = None
    for key in old_sections:
        if key in new_sections:
            anchor = key
        else:
            removed_after[anchor].append(SectionChange(key[0], "removed"))
    changes = list(removed_after[None])
    for key, text in new_sections.items():
        if key not in old_sections:
            changes.append(SectionChange(key[0], "added"))
        elif old_sections[key] != text:
            changes.append(SectionChange(key[0], "changed"))
        changes.extend(removed_after[key])
    return tuple(changes)


def _keyed(sections: Iterable[Section]) -> dict[_Key, str]:
    seen: Counter[tuple[str, ...]] = Counter()
    keyed: dict[_Key, str] = {}
    for section in sections:
        keyed[(section.heading_path, seen[section.heading_path])] = section.text.rstrip()
        seen[section.heading_path] += 1
    return keyed


def _keyed_by_path(
    source: SectionSource | None, pages: Mapping[str, str], paths: list[str]
) -> dict[str, dict[_Key, str]]:
    """Each page's keyed sections: from `source` (as indexed) when given, else parsed."""
    if source is None:
        return {path: _keyed(parse_page("", pages[path]).sections) for path in paths}
    found = source(paths)
    return {path: _keyed(found.get(path, ())) for path in paths}


# ---------------------------------------------------------------- summary


def format_diff_summary(diff: DocsDiff) -> str:
    """A compact listing: one line per changed page, then totals."""
    header = f"Docs changes {diff.from_label} -> {diff.to_label}"
    if not diff.changes:
        return f"{header}: no page changed ({diff.unchanged} unchanged)."
    names = [_display_path(c) for c in diff.changes]
    width = min(max(len(name) for name in names), 72)
    lines = [f"{header}:"]
    for change, name in zip(diff.changes, names, strict=True):
        line = f"{_STATUS_MARKS[change.status]} {name:<{width}}  "
        line += f"+{change.added_lines} -{change.removed_lines}"
        if change.similarity is not None:
            # Truncated, not rounded, so "100%" never hides an edited word.
            line += f"  ({int(change.similarity * 100)}% similar)"
        lines.append(line.rstrip())
    counts = ", ".join(
        f"{len(diff.with_status(status))} {status} ({mark})"
        for status, mark in _STATUS_MARKS.items()
    )
    lines.append(
        f"{counts}; {diff.unchanged} unchanged; +{diff.added_lines} -{diff.removed_lines} lines"
    )
    return "\n".join(lines)


def _display_path(change: PageChange) -> str:
    if change.old_path is not None:
        return f"{change.old_path} -> {change.path}"
    return change.path
