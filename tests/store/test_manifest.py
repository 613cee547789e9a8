"""The source manifest: what each indexed version was added from, kept beside the index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docshelf.errors import StoreError
from docshelf.shelf import Shelf
from docshelf.store.manifest import (
    MANIFEST,
    SourceEntry,
    forget_sources,
    read_manifest,
    remember_source,
)


def test_adding_and_removing_libraries_keeps_the_manifest_in_step(tmp_path: Path, corpus: Path):
    with Shelf(tmp_path / "home") as shelf:
        shelf.add_library(str(corpus), name="demo", docs_root="docs")
        shelf.add_library(str(corpus), name="other")
        assert read_manifest(shelf.home) == [
            SourceEntry("demo", "local", str(corpus.resolve()), "docs"),
            SourceEntry("other", "local", str(corpus.resolve())),
        ]
        shelf.remove_library("demo")
        assert [e.library for e in read_manifest(shelf.home)] == ["other"]


def test_remembering_a_version_again_replaces_its_entry(tmp_path: Path):
    remember_source(tmp_path, SourceEntry("demo", "1.0.0", "npm:demo@1.0.0"))
    remember_source(tmp_path, SourceEntry("demo", "2.0.0", "npm:demo@2.0.0"))
    remember_source(tmp_path, SourceEntry("demo", "1.0.0", "/a/folder", "docs"))
    assert read_manifest(tmp_path) == [
        SourceEntry("demo", "2.0.0", "npm:demo@2.0.0"),
        SourceEntry("demo", "1.0.0", "/a/folder", "docs"),
    ]
    data = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    assert "docs_root" not in data["libraries"][0]


def test_forgetting_drops_only_the_removed_versions(tmp_path: Path):
    for version in ("1.0.0", "2.0.0"):
        remember_source(tmp_path, SourceEntry("demo", version, f"npm:demo@{version}"))
    forget_sources(tmp_path, [("demo", "1.0.0"), ("gone", "9.9.9")])
    assert [e.version for e in read_manifest(tmp_path)] == ["2.0.0"]


def test_a_damaged_manifest_says_how_to_recover(tmp_path: Path):
    (tmp_path / MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(StoreError, match=r"is damaged .*fix or delete it"):
        read_manifest(tmp_path)


def test_remembering_over_a_damaged_manifest_starts_it_over(tmp_path: Path):
    (tmp_path / MANIFEST).write_text('{"libraries": 3}', encoding="utf-8")
    remember_source(tmp_path, SourceEntry("demo", "local", "/docs"))
    assert read_manifest(tmp_path) == [SourceEntry("demo", "local", "/docs")]
