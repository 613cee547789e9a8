"""Tests for diffing two indexed versions of a library, fetching a missing npm version."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from corpus import SOURCE, V1, V2
from docshelf.errors import LibraryNotFoundError, UsageError
from docshelf.shelf import Shelf
from docshelf.versions.compare import (
    diff_json,
    diff_page,
    diff_versions,
    filter_changes,
    format_listing,
)
from docshelf.versions.errors import DiffPageNotFoundError


@pytest.fixture
def shelf(tmp_path: Path):
    with Shelf(tmp_path / "home") as s:
        s.index_files("demo", "1.0.0", SOURCE.format("1.0.0"), V1.items())
        s.index_files("demo", "2.0.0", SOURCE.format("2.0.0"), V2.items())
        yield s


def cache_package(shelf: Shelf, version: str, pages: dict[str, str]) -> None:
    """Put @acme/docs@VERSION in the download cache, as a finished fetch leaves it."""
    folder = shelf.cache_dir / "npm" / "@acme" / "docs" / version
    for path, text in pages.items():
        file = folder / "unpacked" / "package" / "docs" / f"{path}.md"
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8")
    release = {"name": "@acme/docs", "version": version, "tarball": "x", "integrity": "x"}
    (folder / "release.json").write_text(json.dumps(release), encoding="utf-8")


def test_diff_versions_reports_every_kind_of_change_in_path_order(shelf):
    result = diff_versions(shelf, "demo", "1.0.0", "2.0.0")

    kinds = [(c.status, c.old_path, c.path) for c in result.diff.changes]
    assert kinds == [
        ("renamed", "guide/agents", "concepts/agents"),
        ("removed", None, "guide/legacy"),
        ("modified", None, "guide/setup"),
        ("added", None, "guide/streaming"),
    ]
    assert result.diff.unchanged == 1
    assert (result.old.version, result.new.version, result.fetched) == ("1.0.0", "2.0.0", ())


def test_modified_pages_carry_section_changes_by_heading_path(shelf):
    setup = diff_versions(shelf, "demo", "1.0.0", "2.0.0").diff.changes[2]

    assert [(s.heading_path, s.status) for s in setup.sections] == [
        (("Setup", "Install"), "changed"),
        (("Setup", "Legacy options"), "removed"),
        (("Setup", "Streaming"), "added"),
    ]


@pytest.mark.skipif(shutil.which("diff") is None, reason="needs the diff binary")
def test_line_counts_equal_those_of_diff_u_on_the_files(shelf, tmp_path):
    result = diff_versions(shelf, "demo", "1.0.0", "2.0.0")

    for change in result.diff.changes:
        old = tmp_path / "old.md"
        new = tmp_path / "new.md"
        old.write_text(V1.get(change.old_path or change.path, ""), encoding="utf-8")
        new.write_text(V2.get(change.path, ""), encoding="utf-8")
        out = subprocess.run(
            ["diff", "-u", str(old), str(new)], capture_output=True, text=True, timeout=30
        ).stdout.split("\n")[2:]
        expected = (sum(x.startswith("+") for x in out), sum(x.startswith("-") for x in out))
        assert (change.added_lines, change.removed_lines) == expected, change.path


def test_without_versions_the_two_newest_indexed_are_compared(shelf):
    shelf.index_files("demo", "1.10.0", SOURCE.format("1.10.0"), V1.items())

    result = diff_versions(shelf, "demo")

    # Semver order: 2.0.0 > 1.10.0 > 1.0.0 (not string order, where "1.10.0" < "1.9").
    assert (result.old.version, result.new.version) == ("1.10.0", "2.0.0")
    assert diff_versions(shelf, "demo", to_version="1.10.0").old.version == "1.0.0"
    assert diff_versions(shelf, "demo", "1.0.0").new.version == "2.0.0"


def test_one_indexed_version_is_not_enough_and_the_error_shows_how(tmp_path):
    with Shelf(tmp_path / "home") as s:
        s.index_files("solo", "1.0.0", "/some/folder", V1.items())
        with pytest.raises(UsageError, match=r"`docshelf diff solo 1\.0\.0 OTHER`"):
            diff_versions(s, "solo")


def test_a_missing_npm_version_is_fetched_and_indexed_on_demand(shelf):
    shelf.remove_library("demo@2.0.0")
    cache_package(shelf, "2.0.0", V2)  # in the download cache: no network needed

    result = diff_versions(shelf, "demo", "1.0.0", "2.0.0")

    assert [r.ref for r in result.fetched] == ["demo@2.0.0"]
    assert len(result.diff.changes) == 4
    assert [v.version for v in shelf.list_libraries()[0].versions] == ["2.0.0", "1.0.0"]


def test_no_fetch_names_the_missing_version_and_how_to_add_it(shelf):
    with pytest.raises(
        LibraryNotFoundError, match=r"no version 3\.0\.0; indexed: 2\.0\.0, 1\.0\.0"
    ):
        diff_versions(shelf, "demo", "1.0.0", "3.0.0", fetch=False)


def test_a_library_from_a_folder_cannot_fetch_other_versions(tmp_path):
    with Shelf(tmp_path / "home") as s:
        s.index_files("local", "1.0.0", str(tmp_path), V1.items())
        with pytest.raises(LibraryNotFoundError, match="docshelf add"):
            diff_versions(s, "local", "1.0.0", "2.0.0")


def test_the_library_can_be_named_by_its_npm_package(shelf):
    result = diff_versions(shelf, "npm:@acme/docs", "1.0.0", "2.0.0")
    assert result.library == "demo"


def test_versions_inside_the_library_name_are_refused_with_the_right_form(shelf):
    with pytest.raises(UsageError, match=r"`docshelf diff demo 1\.0\.0 NEWER`"):
        diff_versions(shelf, "demo@1.0.0", "2.0.0")


def test_a_repeated_diff_is_served_from_the_cache_until_a_version_is_reindexed(shelf):
    first = diff_versions(shelf, "demo", "1.0.0", "2.0.0")
    assert diff_versions(shelf, "demo", "1.0.0", "2.0.0").diff is first.diff

    shelf.index_files("demo", "2.0.0", SOURCE.format("2.0.0"), V1.items())  # same second
    assert diff_versions(shelf, "demo", "1.0.0", "2.0.0").diff.changes == ()


def test_page_diff_follows_a_rename_from_either_path(shelf):
    by_new = diff_page(shelf, "demo", "concepts/agents.md", "1.0.0", "2.0.0")
    by_old = diff_page(shelf, "demo", "guide/agents", "1.0.0", "2.0.0")

    assert by_new == by_old
    assert (by_new.status, by_new.old_path, by_new.path) == (
        "renamed",
        "guide/agents",
        "concepts/agents",
    )
    assert by_new.unified.startswith("--- a/guide/agents.md\n+++ b/concepts/agents.md\n")
    assert "-They" not in by_new.unified and "+Agents call models" in by_new.unified


def test_page_diff_of_added_removed_and_unchanged_pages(shelf):
    added = diff_page(shelf, "demo", "guide/streaming", "1.0.0", "2.0.0")
    removed = diff_page(shelf, "demo", "guide/legacy", "1.0.0", "2.0.0")
    same = diff_page(shelf, "demo", "index", "1.0.0", "2.0.0")

    assert added.status == "added" and added.unified.startswith("--- /dev/null\n")
    assert removed.status == "removed" and "+++ /dev/null" in removed.unified
    assert (same.status, same.unified, same.sections) == (None, "", ())


def test_page_diff_of_a_missing_page_suggests_changed_paths(shelf):
    with pytest.raises(DiffPageNotFoundError, match="guide/setup"):
        diff_page(shelf, "demo", "guide/setpu", "1.0.0", "2.0.0")


def test_filter_changes_by_prefix_matches_either_path_of_a_rename(shelf):
    diff = diff_versions(shelf, "demo", "1.0.0", "2.0.0").diff

    assert [c.path for c in filter_changes(diff, path_prefix="guide/")] == [
        "concepts/agents",
        "guide/legacy",
        "guide/setup",
        "guide/streaming",
    ]
    assert [c.path for c in filter_changes(diff, statuses=["added", "removed"])] == [
        "guide/legacy",
        "guide/streaming",
    ]
    with pytest.raises(UsageError, match="added, removed, renamed, modified"):
        filter_changes(diff, statuses=["changed"])


def test_listing_is_aligned_like_a_registry_diff_with_totals(shelf):
    text = format_listing(diff_versions(shelf, "demo", "1.0.0", "2.0.0"), sections=True)

    assert text.splitlines() == [
        "Docs changes demo@1.0.0 -> demo@2.0.0:",
        "R guide/agents -> concepts/agents  +1 -1  (97% similar)",
        "    ~ Agents",
        "D guide/legacy                     +0 -3",
        "M guide/setup                      +3 -3",
        "    ~ Setup > Install",
        "    - Setup > Legacy options",
        "    + Setup > Streaming",
        "A guide/streaming                  +3 -0",
        "1 added (A), 1 removed (D), 1 renamed (R), 1 modified (M); 1 unchanged; +7 -7 lines",
    ]


def test_listing_of_identical_versions_says_nothing_changed(shelf):
    shelf.index_files("demo", "2.0.1", SOURCE.format("2.0.1"), V2.items())
    text = format_listing(diff_versions(shelf, "demo", "2.0.0", "2.0.1"))
    assert text == "Docs changes demo@2.0.0 -> demo@2.0.1: no page changed (4 unchanged)."


def test_diff_json_has_counts_and_sections(shelf):
    data = diff_json(diff_versions(shelf, "demo", "1.0.0", "2.0.0"))

    assert data["counts"] == {"added": 1, "removed": 1, "renamed": 1, "modified": 1}
    setup = data["changes"][2]
    assert setup["sections"][0] == {"heading_path": ["Setup", "Install"], "status": "changed"}
    json.dumps(data)


def test_sections_read_from_the_index_give_the_diff_parsing_gives(shelf):
    from docshelf.versions.docs_diff import diff_docs

    old, new = (shelf.list_libraries()[0].versions[i] for i in (1, 0))
    old_pages, new_pages = shelf.page_contents(old), shelf.page_contents(new)
    indexed = diff_docs(
        old_pages,
        new_pages,
        old_sections=lambda paths: shelf.page_sections(old, paths),
        new_sections=lambda paths: shelf.page_sections(new, paths),
    )
    assert indexed == diff_docs(old_pages, new_pages)
    assert any(change.sections for change in indexed.changes)
