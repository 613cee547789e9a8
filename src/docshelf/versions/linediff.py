"""Minimal line diffs, as GNU `diff` finds them: Myers' search, change counts, unified text."""

from __future__ import annotations

import difflib
from collections.abc import Hashable, Iterator, Sequence

from rapidfuzz.distance import LCSseq

_MAX_EDITS = 1000  # beyond this many edits a minimal line diff is too slow in Python


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
    common = lcs_length(a, b)
    if len(a) + len(b) - 2 * common > _MAX_EDITS:
        # The unified diff of such a rewrite may be difflib's longer one: count its lines.
        common = len(_diff_pairs(a, b))
    return len(b) - common, len(a) - common


def lcs_length(a: Sequence[Hashable], b: Sequence[Hashable], *, at_least: int = 0) -> int:
    """Length of a longest common subsequence of `a` and `b`: what a minimal diff keeps;
    0 when it is shorter than `at_least` (which lets the search stop early).

    Exact, by rapidfuzz's bit-parallel LCS in C++, where a Myers search in Python costs a
    Python loop per edit. (rapidfuzz compares the items of a list by their hash.)
    """
    return int(LCSseq.similarity(a, b, score_cutoff=at_least))


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
    return matching_pairs(a, b, len(a) + len(b)) or []


def matching_pairs(
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
