"""Approximate token counts, so answers can be sized to an agent's context."""

from __future__ import annotations

CHARS_PER_TOKEN = 4  # close to what common LLM tokenizers average on English docs and code


def approx_tokens(text: str) -> int:
    return (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN


def cut_to_tokens(text: str, max_tokens: int) -> tuple[str, bool]:
    """`text` cut to about `max_tokens` at a line boundary (True when cut); a code fence
    left open by the cut is closed, so the rest of an answer does not read as code."""
    budget = max_tokens * CHARS_PER_TOKEN
    if len(text) <= budget:
        return text, False
    head = text[:budget]
    newline = head.rfind("\n")
    head = head[:newline] if newline > budget // 2 else head
    fences = sum(1 for line in head.split("\n") if line.lstrip().startswith(("```", "~~~")))
    if fences % 2:
        head += "\n```"
    return head.rstrip() + "\n…", True
