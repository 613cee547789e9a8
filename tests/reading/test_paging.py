"""Tests for cutting long answers into token-capped parts of whole blocks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docshelf.errors import UsageError
from docshelf.reading.paging import page_blocks


def test_blocks_that_fit_come_whole_and_the_next_offset_follows_them():
    blocks = ["a" * 40, "b" * 40, "c" * 40]
    part = page_blocks(blocks, max_tokens=21)  # 84 characters: two blocks and a newline
    assert part.text == "a" * 40 + "\n" + "b" * 40
    assert (part.start, part.end, part.total, part.next_offset) == (0, 2, 3, 2)
    last = page_blocks(blocks, offset=2, max_tokens=21)
    assert last.text == "c" * 40 and last.next_offset is None


def test_a_block_longer_than_the_budget_is_cut_at_a_line_and_flagged():
    block = "\n".join(f"line {i:03d}" for i in range(100))
    part = page_blocks([block, "next"], max_tokens=50)
    assert part.cut and part.end == 1 and part.next_offset == 1
    assert len(part.text) <= 200 and part.text.endswith("line 021")


def test_an_empty_answer_is_one_empty_part():
    part = page_blocks([], max_tokens=10)
    assert (part.text, part.total, part.next_offset) == ("", 0, None)


@pytest.mark.parametrize(("offset", "max_tokens"), [(-1, 10), (3, 10), (0, 0)])
def test_bad_offset_or_budget_says_what_to_pass(offset, max_tokens):
    with pytest.raises(UsageError, match=r"offset|max.tokens"):
        page_blocks(["a", "b", "c"], offset=offset, max_tokens=max_tokens)


@given(
    st.lists(st.text(st.characters(exclude_characters="\x00"), max_size=60), max_size=30),
    st.integers(1, 40),
)
def test_paging_through_all_parts_shows_every_block_once_in_order(blocks, max_tokens):
    seen: list[str] = []
    offset: int | None = 0
    while offset is not None and blocks:
        part = page_blocks(blocks, offset=offset, max_tokens=max_tokens, joiner="\x00")
        if not part.cut:
            seen += part.text.split("\x00") if part.end > part.start else []
        else:
            seen.append(blocks[part.start])
        assert part.end > part.start
        offset = part.next_offset
    assert seen == blocks


def test_a_negative_offset_says_offsets_start_at_zero():
    with pytest.raises(UsageError, match=r"`--offset` must be 0 or more, not -1"):
        page_blocks(["a", "b"], offset=-1)
