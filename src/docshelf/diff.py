"""What changed between two versions of a docs corpus: pages added, removed, renamed, modified."""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Literal

from docshelf.parsing.markdown import parse_page

PageStatus = Literal["added", "removed", "renamed", "modified"]
SectionStatus = Literal["added", "removed", "changed"]

RENAME_THRESHOLD = 0.6  # word similarity a removed and an added page need to count as a rename
_RENAME_CANDIDATES = 5  # added pages scored per removed page, best shared shingles first
_MAX_EDITS = 1000  # beyond this many edits a minimal line diff is too slow in Python
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
) -> DocsDiff:
    """Compare two corpora given as `{path: markdown}` (paths without `.md`)."""
    removed = {p: old_pages[p] for p in old_pages.keys() - new_pages.keys()}
    added = {p: new_pages[p] for p in new_pages.keys() - old_pages.keys()}
    changes: list[PageChange] = []
    unchanged = 0
    for path in old_pages.keys() & new_pages.keys():
        old, new = old_pages[path], new_pages[path]
        if old == new:
            unchanged += 1
        else:
            changes.append(_edited_page(path, "modified", None, old, new, None))
    for old_path, new_path, similarity in match_renames(removed, added, rename_threshold):
        old, new = removed.pop(old_path), added.pop(new_path)
        changes.append(_edited_page(new_path, "renamed", old_path, old, new, similarity))
    for path, text in removed.items():
        changes.append(PageChange(path, "removed", None, 0, len(split_lines(text)), None))
    for path, text in added.items():
        changes.append(PageChange(path, "added", None, len(split_lines(text)), 0, None))
    changes.sort(key=lambda c: (c.path, c.old_path or ""))
    return DocsDiff(from_label, to_label, tuple(changes), unchanged)


def _edited_page(
    path: str,
    status: PageStatus,
    old_path: str | None,
    old: str,
    new: str,
    similarity: float | None,
) -> PageChange:
    added, removed = count_changed_lines(old, new)
    sections = diff_sections(old, new) if old != new else ()
    return PageChange(path, status, old_path, added, removed, similarity, sections)


# ---------------------------------------------------------------- line diff


def split_lines(text: str) -> list[str]:
    """Lines as `diff` sees them: cut at "\\n" only, each keeping its newline."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
        return [line + "\n" for line in lines]
    return [line + "\n" for line in lines[:-1]] + [lines[-1]]


def count_changed_lines(old: str, new: str) -> tuple[int, int]:
    """(added, removed) line counts of a minimal unified diff from `old` to `new`."""
    a, b = split_lines(old), split_lines(new)
    common = len(_diff_pairs(a, b))
    return len(b) - common, len(a) - common


def page_unified_diff(
    path: str,
    old: str | None,
    new: str | None,
    context: int = 3,
    *,
    old_path: str | None = None,
) -> str:
    """Unified diff of one page; None for `old` (`new`) means the page was added (removed)."""
    a, b = split_lines(old or ""), split_lines(new or "")
    opcodes = _opcodes(a, b, _diff_pairs(a, b))
    if not any(tag != "equal" for tag, *_ in opcodes):
        return ""
    old_name = "/dev/null" if old is None else f"a/{old_path or path}.md"
    new_name = "/dev/null" if new is None else f"b/{path}.md"
    out = [f"--- {old_name}\n", f"+++ {new_name}\n"]
    for hunk in _hunks(opcodes, context):
        out.extend(_render_hunk(hunk, a, b, context))
    return "".join(out)


_Opcode = tuple[str, int, int, int, int]  # tag, a start, a end, b start, b end


def _diff_pairs(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int]]:
    """Lines a diff keeps: minimal like `diff`, or difflib's guess on huge rewrites."""
    return _matching_pairs(a, b, len(a) + len(b)) or []


def _matching_pairs(
    a: Sequence[str], b: Sequence[str], max_edits: int
) -> list[tuple[int, int]] | None:
    """(i, j) of items a minimal edit script keeps, in order; None past `max_edits` edits.

    When the minimal script is too costly to find, difflib's guess (a longer script)
    stands in, so a result is not always minimal but never longer than `max_edits`.
    """
    head = 0
    while head < len(a) and head < len(b) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < len(a) - head and tail < len(b) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    # An item found on one side only can never be matched, so leaving it out keeps the
    # result minimal while shrinking the search, often to nothing on rewritten pages.
    mid_a, mid_b = a[head : len(a) - tail], b[head : len(b) - tail]
    in_a, in_b = set(mid_a), set(mid_b)
    keep_a = [i for i, item in enumerate(mid_a) if item in in_b]
    keep_b = [j for j, item in enumerate(mid_b) if item in in_a]
    budget = max_edits - (len(mid_a) - len(keep_a)) - (len(mid_b) - len(keep_b))
    if budget < 0:
        return None
    codes: dict[str, int] = {}
    seq_a = [codes.setdefault(mid_a[i], len(codes)) for i in keep_a]
    seq_b = [codes.setdefault(mid_b[j], len(codes)) for j in keep_b]
    middle = _myers_pairs(seq_a, seq_b, min(budget, _MAX_EDITS))
    if middle is None:
        if budget <= _MAX_EDITS:
            return None  # the search was not cut short: more edits are needed
        # autojunk keeps difflib fast on repetitive text, at the cost of a longer diff.
        blocks = difflib.SequenceMatcher(None, seq_a, seq_b).get_matching_blocks()
        middle = [(m.a + k, m.b + k) for m in blocks for k in range(m.size)]
        if len(seq_a) + len(seq_b) - 2 * len(middle) > budget:
            return None
    pairs = [(i, i) for i in range(head)]
    pairs.extend((head + keep_a[i], head + keep_b[j]) for i, j in middle)
    pairs.extend((len(a) - tail + k, len(b) - tail + k) for k in range(tail))
    return pairs


def _myers_pairs(
    a: Sequence[int], b: Sequence[int], max_edits: int
) -> list[tuple[int, int]] | None:
    """Longest common subsequence by Myers' O(ND) greedy search; None past `max_edits`."""
    n, m = len(a), len(b)
    offset = n + m + 1
    furthest = [0] * (2 * offset + 1)  # furthest x reached on each diagonal k = x - y
    trace: list[list[int]] = []
    for d in range(min(n + m, max_edits) + 1):
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and furthest[offset + k - 1] < furthest[offset + k + 1]):
                x = furthest[offset + k + 1]
            else:
                x = furthest[offset + k - 1] + 1
            y = x - k
            while x < n and y < m and a[x] == b[y]:
                x += 1
                y += 1
            furthest[offset + k] = x
            if x >= n and y >= m:
                trace.append(furthest[offset - d : offset + d + 1])
                return _backtrack(trace, n, m)
        trace.append(furthest[offset - d : offset + d + 1])
    return None


def _backtrack(trace: list[list[int]], n: int, m: int) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    x, y = n, m
    for d in range(len(trace) - 1, 0, -1):
        before = trace[d - 1]  # before[k + d - 1] is the furthest x on diagonal k after d-1 edits
        k = x - y
        if k == -d or (k != d and before[k - 1 + d - 1] < before[k + 1 + d - 1]):
            prev_k = k + 1
            snake_x = before[prev_k + d - 1]
        else:
            prev_k = k - 1
            snake_x = before[prev_k + d - 1] + 1
        while x > snake_x:
            x, y = x - 1, y - 1
            pairs.append((x, y))
        x = before[prev_k + d - 1]
        y = x - prev_k
    while x > 0 and y > 0:
        x, y = x - 1, y - 1
        pairs.append((x, y))
    pairs.reverse()
    return pairs


def _opcodes(a: Sequence[str], b: Sequence[str], pairs: list[tuple[int, int]]) -> list[_Opcode]:
    codes: list[_Opcode] = []
    i = j = 0
    for pi, pj in [*pairs, (len(a), len(b))]:
        if pi > i or pj > j:
            tag = "replace" if pi > i and pj > j else ("delete" if pi > i else "insert")
            codes.append((tag, i, pi, j, pj))
        if pi < len(a):
            if codes and codes[-1][0] == "equal":
                codes[-1] = ("equal", codes[-1][1], pi + 1, codes[-1][3], pj + 1)
            else:
                codes.append(("equal", pi, pi + 1, pj, pj + 1))
        i, j = pi + 1, pj + 1
    return codes


def _hunks(opcodes: list[_Opcode], context: int) -> Iterator[list[_Opcode]]:
    """Changes close enough to share their context lines, grouped."""
    hunk: list[_Opcode] = []
    for code in opcodes:
        if code[0] == "equal":
            continue
        if hunk and code[1] - hunk[-1][2] > 2 * context:
            yield hunk
            hunk = []
        hunk.append(code)
    if hunk:
        yield hunk


def _render_hunk(
    hunk: list[_Opcode], a: Sequence[str], b: Sequence[str], context: int
) -> list[str]:
    a_start = max(0, hunk[0][1] - context)
    a_end = min(len(a), hunk[-1][2] + context)
    b_start = hunk[0][3] - (hunk[0][1] - a_start)
    b_end = hunk[-1][4] + (a_end - hunk[-1][2])
    out = [f"@@ -{_hunk_range(a_start, a_end)} +{_hunk_range(b_start, b_end)} @@\n"]
    i = a_start
    for _tag, i1, i2, j1, j2 in hunk:
        out.extend(_marked(" ", a[i:i1]))
        out.extend(_marked("-", a[i1:i2]))
        out.extend(_marked("+", b[j1:j2]))
        i = i2
    out.extend(_marked(" ", a[i:a_end]))
    return out


def _hunk_range(start: int, end: int) -> str:
    length = end - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def _marked(mark: str, lines: Sequence[str]) -> Iterator[str]:
    for line in lines:
        if line.endswith("\n"):
            yield mark + line
        else:
            yield f"{mark}{line}\n\\ No newline at end of file\n"


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
    # Shingles shared by many pages (licence footers, boilerplate) say nothing about
    # which page became which and would make the index lookups quadratic.
    postings: defaultdict[int, list[str]] = defaultdict(list)
    for path, page_shingles in shingles.items():
        for shingle in page_shingles:
            postings[shingle].append(path)
    common_cutoff = max(10, len(added) // 20)

    scored: list[tuple[float, str, str]] = []
    for old_path in sorted(removed):
        old_words = removed[old_path].split()
        old_shingles = _shingles(old_words)
        hits = [postings[s] for s in old_shingles if s in postings]
        shared = Counter(chain.from_iterable(p for p in hits if len(p) <= common_cutoff))
        ranked = sorted(shared.items(), key=lambda item: (-item[1], item[0]))
        candidates = [
            (_jaccard(old_shingles, shingles[p]), p) for p, _n in ranked[:_RENAME_CANDIDATES]
        ]
        best = max((j for j, _p in candidates), default=0.0)
        for jaccard, new_path in candidates:
            if jaccard >= best / 2:  # far behind the best: not worth a full comparison
                score = _word_similarity(old_words, words[new_path], threshold)
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
    """Share of words kept in order, 2 * LCS / (len a + len b); 0.0 when under threshold."""
    total = len(a) + len(b)
    if not total:
        return 1.0
    # Words shared regardless of order bound the similarity from above, cheaply.
    if 2 * (Counter(a) & Counter(b)).total() < threshold * total:
        return 0.0
    # Fewer than this many word edits keeps the similarity at or above the threshold.
    pairs = _matching_pairs(a, b, int(total * (1 - threshold)))
    return 0.0 if pairs is None else 2 * len(pairs) / total


def _jaccard(a: set[int], b: set[int]) -> float:
    common = len(a & b)
    return common / (len(a) + len(b) - common) if common else 0.0


def _shingles(words: list[str]) -> set[int]:
    """Hashes of each run of three words (of the whole text when shorter)."""
    if len(words) < 3:
        return {hash(tuple(words))}
    return {hash(run) for run in zip(words, words[1:], words[2:], strict=False)}


# ---------------------------------------------------------------- sections


def diff_sections(old: str, new: str) -> tuple[SectionChange, ...]:
    """Sections added, removed or changed between two versions of one page, in page order.

    Sections are keyed by heading path (and by position among equal heading paths);
    a section whose heading was renamed shows as one removed and one added.
    """
    old_sections = _keyed_sections(old)
    new_sections = _keyed_sections(new)
    # Removed sections are listed right after the last surviving section before them.
    removed_after: defaultdict[tuple[tuple[str, ...], int] | None, list[SectionChange]]
    removed_after = defaultdict(list)
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


def _keyed_sections(text: str) -> dict[tuple[tuple[str, ...], int], str]:
    seen: Counter[tuple[str, ...]] = Counter()
    keyed: dict[tuple[tuple[str, ...], int], str] = {}
    for section in parse_page("", text).sections:
        keyed[(section.heading_path, seen[section.heading_path])] = section.text.rstrip()
        seen[section.heading_path] += 1
    return keyed


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
