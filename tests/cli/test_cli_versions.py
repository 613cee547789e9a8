"""The `diff`, `changes` and `news` commands, over a fake registry."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from corpus import SOURCE, V1, V2
from docshelf.cli import main
from docshelf.shelf import Shelf
from docshelf.sources import npm as npm_source
from docshelf.versions import npm_changelog
from npm_fake import FakeNpm, changesets


@pytest.fixture
def run(tmp_path, monkeypatch):
    npm = FakeNpm()
    log = changesets("@mastra/core", ["1.26.0", "1.26.0-alpha.0", "1.25.0"])
    npm.publish("@mastra/core", "1.25.0", {"CHANGELOG.md": log}, published="2026-09-01T00:00Z")
    npm.publish("@mastra/core", "1.26.0", {"CHANGELOG.md": log}, published="2026-09-03T00:00Z")
    monkeypatch.setattr(npm_changelog, "open_registry", npm.registry)
    monkeypatch.setattr(npm_source, "NpmRegistry", npm.registry)
    with Shelf(tmp_path / "home") as shelf:
        shelf.index_files("demo", "1.0.0", SOURCE.format("1.0.0"), V1.items())
        shelf.index_files("demo", "2.0.0", SOURCE.format("2.0.0"), V2.items())

    def invoke(*args: str):
        return CliRunner().invoke(main, ["--home", str(tmp_path / "home"), *args])

    return invoke


def test_diff_prints_the_summary_in_path_order(run):
    result = run("diff", "demo", "1.0.0", "2.0.0")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "Docs changes demo@1.0.0 -> demo@2.0.0:"
    assert [line[0] for line in result.output.splitlines()[1:5]] == ["R", "D", "M", "A"]


def test_diff_page_prints_a_unified_diff_and_sections_on_request(run):
    patch = run("diff", "demo", "1.0.0", "2.0.0", "--page", "guide/setup")
    sections = run("diff", "demo", "--page", "guide/setup", "--sections")

    assert patch.output.startswith("--- a/guide/setup.md\n+++ b/guide/setup.md\n@@ ")
    assert sections.output.splitlines() == [
        "~ Setup > Install",
        "- Setup > Legacy options",
        "+ Setup > Streaming",
    ]


def test_diff_json_with_filters(run):
    result = run("diff", "demo", "1.0.0", "2.0.0", "--json", "--status", "renamed")

    data = json.loads(result.output)
    assert [(c["old_path"], c["path"]) for c in data["changes"]] == [
        ("guide/agents", "concepts/agents")
    ]
    assert data["counts"]["modified"] == 1


def test_diff_of_a_missing_version_without_fetching_is_one_line_with_the_fix(run):
    result = run("diff", "demo", "1.0.0", "9.9.9", "--no-fetch")

    assert result.exit_code == 1
    assert result.output.startswith("docshelf: error: Library 'demo' has no version 9.9.9")


def test_changes_prints_the_range_and_folds_prereleases(run):
    result = run("changes", "npm:@mastra/core", "--from", "1.25.0", "--to", "1.26.0")
    every = run("changes", "npm:@mastra/core", "--from", "1.25.0", "--prereleases", "--json")

    assert result.exit_code == 0, result.output
    assert "## 1.26.0" in result.output and "## 1.26.0-alpha.0" not in result.output
    assert [e["version"] for e in json.loads(every.output)["entries"]] == [
        "1.26.0",
        "1.26.0-alpha.0",
    ]


def test_changes_without_a_range_prints_the_latest_entry(run):
    result = run("changes", "npm:@mastra/core")
    assert result.output.startswith("Changelog of @mastra/core 1.26.0 (from @mastra/core@1.26.0")


def test_news_lists_releases_newest_first(run):
    result = run("news", "npm:@mastra/core", "--lines", "2")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "## @mastra/core (dist-tags: latest=1.26.0)"
    assert lines[3] == "### @mastra/core@1.26.0 — 2026-09-03 [latest]"


def test_news_of_an_unknown_scope_says_which_packages_were_added(run):
    result = run("news", "npm:@nobody/*")

    assert result.exit_code == 1
    assert "the registry's search lists no package matching '@nobody/*'" in result.output
    assert "npm packages indexed: @acme/docs" in result.output


@pytest.mark.parametrize("since", ["999999d", "800000d", "100000mo"])
def test_news_since_too_far_back_is_one_line_with_the_fix(run, since):
    result = run("news", "npm:@mastra/core", "--since", since)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "too far back" in result.output


def test_news_of_a_scope_covers_the_packages_the_registry_lists(run):
    result = run("news", "npm:@mastra/*")

    assert result.exit_code == 0, result.output
    assert result.output.startswith("npm:@mastra/*: 1 of the @mastra packages the registry's")
    assert "## @mastra/core (dist-tags: latest=1.26.0)" in result.output
