"""The source registry: kinds register by prefix, built-in ones the same way as new ones."""

from __future__ import annotations

from pathlib import Path

import pytest

import docshelf.sources as sources
from docshelf.errors import SourceError, UsageError
from docshelf.progress import Reporter
from docshelf.sources import FetchedDocs, fetch_source, load_fetcher, register_source


def test_every_registered_kind_names_a_fetcher_that_loads():
    assert "npm" in sources.source_kinds()
    for kind in sources.source_kinds():
        assert callable(load_fetcher(sources._KINDS[kind]))
    assert callable(load_fetcher(sources.FOLDER_SOURCE))


def test_a_new_kind_registers_like_a_built_in_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    calls = []

    def fetch_demo(
        spec: str, cache_dir: Path, docs_root: str | None, reporter: Reporter
    ) -> FetchedDocs:
        calls.append((spec, cache_dir, docs_root))
        return FetchedDocs(f"demo:{spec}", spec, "1.0.0", tmp_path, ())

    monkeypatch.setattr(sources, "_KINDS", dict(sources._KINDS))
    register_source("demo", fetch_demo)
    fetched = fetch_source("demo:thing", tmp_path / "cache", "docs")
    assert (fetched.source, fetched.name) == ("demo:thing", "thing")
    assert calls == [("thing", tmp_path / "cache", "docs")]
    assert "demo" in sources.source_kinds()


def test_an_unknown_kind_lists_the_known_ones(tmp_path: Path):
    with pytest.raises(UsageError, match=r"Unknown source kind 'cargo:'.* Use one of git:"):
        fetch_source("cargo:serde", tmp_path)


def test_a_spec_without_a_known_prefix_is_a_folder(tmp_path: Path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# A")
    fetched = fetch_source(str(tmp_path / "docs"), tmp_path / "cache")
    assert (fetched.name, fetched.version, fetched.root) == ("docs", "local", tmp_path / "docs")
    assert [d.page_id for d in fetched.documents] == ["a"]
    with pytest.raises(SourceError, match="is not a folder"):
        fetch_source(str(tmp_path / "missing"), tmp_path / "cache")
