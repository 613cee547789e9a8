"""Approximate token counts, so answers can be sized to an agent's context."""

from __future__ import annotations

CHARS_PER_TOKEN = 4  # close to what common LLM tokenizers average on English docs and code


def approx_tokens(text: str) -> int:
    return (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN
