"""Shared fixtures: small markdown trees written by the tests, and shelves over them."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import CORPUS, write_tree
from docshelf.shelf import Shelf


@pytest.fixture(autouse=True)
def _full_text_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests rank with full text alone unless they turn semantic search on themselves, so
    results do not depend on whether the `semantic` extra is installed."""
    monkeypatch.setenv("DOCSHELF_SEMANTIC", "off")


@pytest.fixture(autouse=True)
def _repositories_only_on_this_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """A package's repository is fetched only from 127.0.0.1, so no test reaches a forge
    (tests that serve one with `git daemon` name that host too)."""
    monkeypatch.setenv("DOCSHELF_ALLOWED_REPO_HOSTS", "127.0.0.1")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "docs-src", CORPUS)


@pytest.fixture
def shelf(tmp_path: Path, corpus: Path):
    with Shelf(tmp_path / "home") as s:
        s.add_library(str(corpus), name="demo")
        yield s
