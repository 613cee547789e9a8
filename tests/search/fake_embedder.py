"""A tiny deterministic embedder for semantic search tests (numpy only, no model)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from docshelf.search.semantic import SemanticSearch
from docshelf.shelf import Shelf

DIM = 64
# Words the fake model treats as meaning the same, so a test can ask in other words.
SYNONYMS = {"customer": "tenant", "customers": "tenant", "box": "sandbox", "boxes": "sandbox"}


class FakeEmbedder:
    """Bag of words hashed into 64 dimensions; synonyms share a dimension."""

    def __init__(self, model_id: str = "fake-64") -> None:
        self._model_id = model_id
        self.calls: list[int] = []  # texts per embed() call
        self.before_embed: Callable[[], None] | None = None

    @property
    def model_id(self) -> str:
        return self._model_id

    def embed(self, texts: Sequence[str], *, max_tokens: int | None = None) -> np.ndarray:
        if self.before_embed is not None:
            self.before_embed()
        self.calls.append(len(texts))
        out = np.zeros((len(texts), DIM), np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z]{4,}", text.lower()):  # short words carry no topic
                word = SYNONYMS.get(word, word)
                digest = hashlib.sha256(word.encode()).digest()
                out[row, digest[0] % DIM] += 1.0
            out[row] /= max(float(np.linalg.norm(out[row])), 1e-9)
        return out


def with_fake_semantic(shelf: Shelf, embedder: FakeEmbedder, corpus: Path | None = None) -> Shelf:
    """`shelf` with semantic search on `embedder`; the demo corpus added when given."""
    shelf.semantic = SemanticSearch(embedder=embedder)
    if corpus is not None:
        shelf.add_library(str(corpus), name="demo")
    return shelf
