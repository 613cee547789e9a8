"""Cut a long answer into parts of whole blocks that fit a token budget, so agents can page on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from docshelf.errors import UsageError
from docshelf.reading.tokens import CHARS_PER_TOKEN

DEFAULT_MAX_TOKENS = 4000


@dataclass(frozen=True)
class TextPart:
    """Blocks `start` to `end` (exclusive) of `total`, joined into one text."""

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
    if max_tokens < 1:
        raise UsageError("max_tokens must be a positive number of tokens, e.g. 4000.")
    total = len(blocks)
    if offset < 0:
        raise UsageError(
            f"offset must be 0 or more, not {offset}: use 0 for the first part, then the "
            "offset each answer names for the next one."
        )
    if offset and offset >= total:
        last = max(total - 1, 0)
        raise UsageError(
            f"offset {offset} is past the end: there are {total} items (offsets 0-{last}). "
            "Use offset 0 to start over, or the next offset the previous answer named."
        )
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


def _cut(text: str, budget: int) -> str:
    head = text[:budget]
    newline = head.rfind("\n")
    return head[:newline] if newline > budget // 2 else head
