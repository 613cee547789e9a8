"""Versions, docs diffs and changelogs against the real npm registry (pinned versions)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from docshelf.shelf import Shelf
from docshelf.versions.compare import diff_page, diff_versions
from docshelf.versions.news import whats_new
from docshelf.versions.npm_changelog import get_changelog

pytestmark = pytest.mark.network

DOCS = "@mastra/mcp-docs-server"


@pytest.fixture(scope="module")
def shelf(tmp_path_factory):
    with Shelf(tmp_path_factory.mktemp("home")) as s:
        s.add_library(f"npm:{DOCS}@1.1.45", name="mastra")
        yield s


def test_mastra_docs_diff_1_1_45_to_1_2_27_has_the_known_shape(shelf):
    # 1.2.27 is not indexed yet: the diff fetches and indexes it.
    result = diff_versions(shelf, "mastra", "1.1.45", "1.2.27")

    assert [r.ref for r in result.fetched] == ["mastra@1.2.27"]
    assert (result.old.pages, result.new.pages) == (814, 1013)
    diff = result.diff
    counts = {s: len(diff.with_status(s)) for s in ("added", "removed", "renamed", "modified")}
    # Observed: 269 added, 70 removed, 138 renamed, 506 modified, 100 unchanged.
    assert 240 <= counts["added"] <= 300 and 50 <= counts["removed"] <= 90
    assert 110 <= counts["renamed"] <= 160 and 470 <= counts["modified"] <= 540
    assert sum(counts.values()) - counts["added"] + diff.unchanged == 814
    by_path = {c.path: c for c in diff.changes}
    approval = by_path["docs/agents/human-in-the-loop"]
    assert (approval.status, approval.old_path) == ("renamed", "docs/agents/agent-approval")
    assert by_path["reference/agents/createSkill"].status == "added"
    agent = by_path["reference/agents/agent"]
    assert (agent.status, agent.added_lines, agent.removed_lines) == ("modified", 337, 41)
    assert ("Agent class", "Model strings") in {s.heading_path for s in agent.sections}


@pytest.mark.skipif(shutil.which("diff") is None, reason="needs the diff binary")
def test_mastra_page_line_counts_equal_diff_u_of_the_package_files(shelf):
    page = diff_page(shelf, "mastra", "reference/memory/memory-class", "1.1.45", "1.2.27")
    docs = shelf.cache_dir / "npm" / DOCS
    old, new = (
        docs / v / "unpacked/package/.docs/reference/memory/memory-class.md"
        for v in ("1.1.45", "1.2.27")
    )

    out = subprocess.run(
        ["diff", "-u", str(old), str(new)], capture_output=True, text=True, timeout=30
    ).stdout

    def counts(patch: str) -> tuple[int, int]:
        body = patch.split("\n")[2:]
        return sum(x.startswith("+") for x in body), sum(x.startswith("-") for x in body)

    assert counts(page.unified) == counts(out) == (19, 10)


def test_mastra_core_changelog_range_has_the_known_versions(tmp_path):
    result = get_changelog("npm:@mastra/core", tmp_path, from_version="1.23.0", to_version="1.26.0")
    every = get_changelog(
        "npm:@mastra/core", tmp_path, from_version="1.25.0", to_version="1.26.0", prereleases=True
    )

    assert [e.version for e in result.entries] == ["1.26.0", "1.25.0", "1.24.1", "1.24.0"]
    assert result.read_from == "1.26.0" and "1.24.2-alpha.0" in result.folded
    versions = [e.version for e in every.entries]
    assert versions[:2] == ["1.26.0", "1.26.0-alpha.13"] and versions[-1] == "1.25.1-alpha.0"
    assert len(versions) == 15


def test_mastra_core_news_lists_publish_dates_and_the_latest_tag(tmp_path):
    news = whats_new("@mastra/core", tmp_path, limit=500, changelogs=False)

    latest = dict(news.dist_tags)["latest"]
    by_version = {r.version: r for r in news.releases}
    assert "latest" in by_version[latest].tags
    assert by_version["1.26.0"].published is not None
    assert not any(v.startswith("0.0.0-") for v in by_version)
