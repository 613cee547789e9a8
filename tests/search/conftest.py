"""Fixtures for the semantic search tests: a shelf whose embedder is the fake model."""

from pathlib import Path

import pytest

pytest.importorskip("numpy", reason="semantic search tests need numpy (pip install -e .[dev])")

from fake_embedder import FakeEmbedder, with_fake_semantic

from docshelf.shelf import Shelf


@pytest.fixture
def fake() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def semantic_shelf(tmp_path: Path, corpus: Path, fake: FakeEmbedder):
    with Shelf(tmp_path / "home") as shelf:
        yield with_fake_semantic(shelf, fake, corpus)
