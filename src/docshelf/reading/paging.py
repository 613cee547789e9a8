"""Cut a long answer into parts that fit a token budget, so agents can page on: by whole
blocks (list items, entries), or by characters preferring section and line breaks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from docshelf.errors import UsageError
from docshelf.reading.tokens import CHARS_PER_TOKEN
from docshelf.settings import get_int
from docshelf.wording import Param

DEFAULT_MAX_TOKENS = 4000


def answer_budget(max_tokens: int | None = None) -> int:
    """The tokens an answer may use: `max_tokens`, at most DOCSHELF_MAX_ANSWER_TOKENS (also
    the default), so no request can ask for an unbounded answer."""
    ceiling = max(get_int("max_answer_tokens"), 1)
    return ceiling if max_tokens is None else max(min(max_tokens, ceiling), 1)


@dataclass(frozen=True)
class TextPart:
    """Blocks (or characters) `start` to `end` (exclusive) of `total`, as one text."""

    text: str
    start: int
    end: int
    total: int
    cut: bool = False  # the one block shown was longer than the budget and was cut short

    @property
    def next_offset(self) -> int | None:
        """Where the next part starts, or None when this part reaches the end."""
        return self.end if self.end < self.total else None


def page_blocks(
    blocks: Sequence[str],
    *,
    offset: int = 0,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    joiner: str = "\n",
) -> TextPart:
    """The blocks from `offset` on that fit in about `max_tokens`; at least one block.

    A single block longer than the budget is cut at a line boundary (`cut` is then True),
    so an answer never exceeds the budget by more than one line.
    """
    _check_max_tokens(max_tokens)
    total = len(blocks)
    _check_offset(offset, total, "items")
    budget = max_tokens * CHARS_PER_TOKEN
    used = 0
    end = offset
    while end < total:
        size = len(blocks[end]) + (len(joiner) if end > offset else 0)
        if end > offset and used + size > budget:
            break
        used += size
        end += 1
    shown = list(blocks[offset:end])
    cut = False
    if end == offset + 1 and len(shown[0]) > budget:
        shown[0], cut = _cut(shown[0], budget), True
    return TextPart(joiner.join(shown), offset, end, total, cut)


def cut_text(
    text: str, *, offset: int = 0, max_tokens: int, breaks: Sequence[int] = ()
) -> TextPart:
    """The characters of `text` from `offset` on that fit in about `max_tokens`.

    The part ends at the last of `breaks` (character offsets, e.g. where sections start)
    past half the budget, else at the last blank line or line end there, else mid-line;
    `next_offset` is where the next part starts, so the parts add up to the text.
    """
    _check_max_tokens(max_tokens)
    total = len(text)
    _check_offset(offset, total, "characters")
    budget = max_tokens * CHARS_PER_TOKEN
    end = offset + budget
    if end >= total:
        return TextPart(text[offset:], offset, total, total)
    floor = offset + budget // 2
    fitting = [b for b in breaks if floor < b <= end]
    if fitting:
        end = max(fitting)
    else:
        for mark in ("\n\n", "\n"):
            found = text.rfind(mark, floor, end)
            if found != -1:
                end = found + len(mark)
                break
    return TextPart(text[offset:end], offset, end, total)


def _check_offset(offset: int, total: int, unit: str) -> None:
    if offset < 0:
        raise UsageError(
            Param("offset"),
            f" must be 0 or more, not {offset}: use ",
            Param("offset", 0),
            " for the first part, then the offset each answer names for the next one.",
        )
    if offset and offset >= total:
        raise UsageError(
            Param("offset", offset),
            f" is past the end: there are {total} {unit} (offsets 0-{max(total - 1, 0)}). Use ",
            Param("offset", 0),
            " to start over, or the next offset the previous answer named.",
        )


def _cut(text: str, budget: int) -> str:
    head = text[:budget]
    newline = head.rfind("\n")
    return head[:newline] if newline > budget // 2 else head


def _check_max_tokens(max_tokens: int) -> None:
    if max_tokens < 1:
        raise UsageError(
            Param("max_tokens"),
            " must be a positive number of tokens, e.g. ",
            Param("max_tokens", 4000),
            ".",
        )
