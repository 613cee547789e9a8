"""Tests for release news: publish dates, dist-tags and changelog notes, newest first."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from docshelf.errors import UsageError
from docshelf.models import Library, LibraryVersion
from docshelf.versions import news as news_module
from docshelf.versions.news import (
    MAX_CHANGELOG_DOWNLOADS,
    expand_packages,
    format_news,
    gather_news,
    news_json,
    parse_since,
    whats_new,
)
from docshelf.wording import ToolVoice, speaking
from npm_fake import FakeNpm, changesets

NOW = datetime(2026, 9, 30, 12, 0, tzinfo=UTC)
LINE = ["1.2.0", "1.1.0", "1.1.0-alpha.0", "1.0.0"]


@pytest.fixture
def npm() -> FakeNpm:
    """@acme/core: a 1.x line with an alpha, a late patch of 1.0, a snapshot and a beta tag."""
    npm = FakeNpm()
    published = {
        "1.0.0": "2026-09-01T10:00:00.000Z",
        "1.1.0-alpha.0": "2026-09-10T10:00:00.000Z",
        "1.1.0": "2026-09-12T10:00:00.000Z",
        "1.2.0": "2026-09-20T10:00:00.000Z",
        "1.0.1": "2026-09-21T10:00:00.000Z",  # a patch of the old line, after 1.2.0
        "0.0.0-snapshot-20260922": "2026-09-22T10:00:00.000Z",
        "1.3.0-beta.0": "2026-09-25T10:00:00.000Z",
    }
    for version, when in published.items():
        if version == "1.0.1":
            log = changesets("@acme/core", ["1.0.1", "1.0.0"])
        elif version.startswith("1.3.0"):
            log = changesets("@acme/core", ["1.3.0-beta.0", *LINE])
        else:
            log = changesets("@acme/core", LINE[LINE.index(version) :] if version in LINE else [])
        npm.publish("@acme/core", version, {"CHANGELOG.md": log}, published=when, tags={})
    npm.packuments["@acme/core"]["dist-tags"] = {"latest": "1.2.0", "beta": "1.3.0-beta.0"}
    return npm


def test_parse_since_reads_durations_and_dates():
    assert parse_since("14d", NOW) == datetime(2026, 9, 16, 12, 0, tzinfo=UTC)
    assert parse_since("36h", NOW) == datetime(2026, 9, 29, 0, 0, tzinfo=UTC)
    assert parse_since("2w", NOW) == parse_since("14D", NOW)
    assert parse_since("1mo", NOW) == parse_since("30d", NOW)
    assert parse_since("2026-09-01", NOW) == datetime(2026, 9, 1, tzinfo=UTC)
    assert parse_since("2026-09-01T12:00:00+02:00", NOW).hour == 12


def test_parse_since_rejects_other_text_with_examples():
    with pytest.raises(UsageError, match="`--since 14d`"):
        parse_since("last week", NOW)


def test_scope_patterns_expand_to_added_packages_and_names_pass_through():
    added = ["@mastra/mcp-docs-server", "@mastra/core", "lodash"]

    assert expand_packages(["npm:@mastra/*", "@mastra/memory"], added) == [
        "@mastra/core",
        "@mastra/mcp-docs-server",
        "@mastra/memory",
    ]
    with pytest.raises(UsageError, match="npm packages added: @mastra/core"):
        expand_packages(["npm:@acme/*"], added)
    with pytest.raises(UsageError, match="without a version: npm:@mastra/core"):
        expand_packages(["npm:@mastra/core@1.0.0"], added)


def test_releases_come_newest_published_first_with_dist_tags_and_no_snapshots(npm, tmp_path):
    registry = npm.registry()
    news = whats_new("@acme/core", tmp_path, changelogs=False, prereleases=True, registry=registry)

    listed = [(r.version, r.tags) for r in news.releases]
    assert listed == [
        ("1.3.0-beta.0", ("beta",)),
        ("1.0.1", ()),
        ("1.2.0", ("latest",)),
        ("1.1.0", ()),
        ("1.1.0-alpha.0", ()),
        ("1.0.0", ()),
    ]
    assert news.dist_tags == (("latest", "1.2.0"), ("beta", "1.3.0-beta.0"))
    assert npm.downloads() == []


def test_since_and_limit_cut_the_list_and_say_how_many_were_left_out(npm, tmp_path):
    registry = npm.registry()
    since = parse_since("12d", NOW)
    options = {"changelogs": False, "prereleases": True, "registry": registry}
    recent = whats_new("@acme/core", tmp_path, since=since, **options)
    top = whats_new("@acme/core", tmp_path, limit=2, **options)
    stable = whats_new("@acme/core", tmp_path, changelogs=False, registry=registry)

    assert [r.version for r in recent.releases] == ["1.3.0-beta.0", "1.0.1", "1.2.0"]
    assert ([r.version for r in top.releases], top.more) == (["1.3.0-beta.0", "1.0.1"], 4)
    assert [r.version for r in stable.releases] == ["1.0.1", "1.2.0", "1.1.0", "1.0.0"]


def test_prereleases_are_hidden_unless_asked_for_and_counted_once(npm, tmp_path):
    news = whats_new("@acme/core", tmp_path, changelogs=False, registry=npm.registry())

    assert [r.version for r in news.releases] == ["1.0.1", "1.2.0", "1.1.0", "1.0.0"]
    assert news.hidden_prereleases == 2  # 1.3.0-beta.0 and 1.1.0-alpha.0; not the snapshot
    header = format_news([news]).splitlines()[:3]
    assert header[2] == (
        "2 prereleases (canary, beta, rc ...) in the window not listed: `--prereleases` lists them."
    )
    with speaking(ToolVoice({})):
        assert "`include_prereleases=true` lists them" in format_news([news])


def test_changelog_entries_come_from_few_tarballs_newest_version_first(npm, tmp_path):
    news = whats_new("@acme/core", tmp_path, prereleases=True, registry=npm.registry())

    assert all(r.entry is not None for r in news.releases)
    assert news.releases[1].entry.body == "### Patch Changes\n\n- Change shipped in 1.0.1."
    # 1.3.0-beta.0 lists everything but the late 1.0.1 patch, read from its own tarball.
    assert [url.rsplit("/", 1)[1] for url in npm.downloads()] == [
        "core-1.3.0-beta.0.tgz",
        "core-1.0.1.tgz",
    ]


def test_a_package_without_a_changelog_is_said_once_after_one_tarball(tmp_path):
    npm = FakeNpm()
    for minor in range(5):
        when = f"2026-09-0{minor + 1}T00:00:00.000Z"
        npm.publish("quiet", f"1.{minor}.0", {"README.md": "# Quiet\n"}, published=when)

    news = whats_new("quiet", tmp_path, registry=npm.registry())

    assert len(npm.downloads()) == 1
    assert news.changelog_note.startswith("quiet ships no changelog in its npm package")
    assert [r.note for r in news.releases] == [""] * 5
    text = format_news([news])
    assert text.count("ships no changelog") == 1 and "no changelog entry" not in text


def test_changelogs_read_per_answer_are_capped_and_the_rest_are_counted_once(tmp_path):
    npm = FakeNpm()
    for minor in range(5):
        when = f"2026-09-0{minor + 1}T00:00:00.000Z"
        log = changesets("lonely", [f"1.{minor}.0"])  # each tarball knows only itself
        npm.publish("lonely", f"1.{minor}.0", {"CHANGELOG.md": log}, published=when)

    news = whats_new("lonely", tmp_path, registry=npm.registry())

    assert len(npm.downloads()) == MAX_CHANGELOG_DOWNLOADS
    assert [r.entry is not None for r in news.releases] == [True] * 3 + [False] * 2
    assert [r.note for r in news.releases] == [""] * 5
    assert news.changelog_note == (
        "The notes of 2 older releases were not read (at most 3 package tarballs per "
        "answer); `docshelf changes npm:lonely@VERSION` reads one."
    )


def test_format_news_marks_tags_and_cuts_long_notes(npm, tmp_path):
    news = whats_new("@acme/core", tmp_path, limit=2, prereleases=True, registry=npm.registry())

    text = format_news([news], max_lines=1)

    assert text.splitlines()[:6] == [
        "## @acme/core (dist-tags: latest=1.2.0, beta=1.3.0-beta.0)",
        "2 releases, newest first (4 older releases in the window left out: raise the limit):",
        "",
        "### @acme/core@1.3.0-beta.0 — 2026-09-25 [beta]",
        "### Patch Changes",
        "… 2 more lines (`docshelf changes npm:@acme/core@1.3.0-beta.0`)",
    ]
    assert news_json([news])[0]["releases"][0]["dist_tags"] == ["beta"]


def test_no_release_in_the_window_names_the_newest_and_how_to_widen(npm, tmp_path):
    news = whats_new("@acme/core", tmp_path, since=NOW, prereleases=True, registry=npm.registry())

    assert format_news([news]).splitlines()[1] == (
        f"No releases since {NOW:%Y-%m-%d %H:%M} UTC; the newest is 1.3.0-beta.0, published "
        "2026-09-25. Look further back, e.g. `--since 90d`."
    )


def indexed(tmp_path) -> list[Library]:
    record = LibraryVersion("core", "1.2.0", "npm:@acme/core@1.2.0", 1, 1, "2026-09-30T00:00:00")
    local = LibraryVersion("notes", "local", str(tmp_path), 1, 1, "2026-09-30T00:00:00")
    return [Library("core", (record,)), Library("notes", (local,))]


def test_a_scope_stands_for_the_packages_the_registry_lists_indexed_ones_first(npm, tmp_path):
    npm.publish("@acme/widgets", "0.1.0", {}, published="2026-09-26T00:00:00.000Z")
    npm.publish("@other/thing", "1.0.0", {})

    items = gather_news(
        ["npm:@acme/*"], indexed(tmp_path), tmp_path, limit=1, registry=npm.registry()
    )

    assert [(i.package, [r.version for r in i.releases]) for i in items] == [
        ("@acme/core", ["1.0.1"]),
        ("@acme/widgets", ["0.1.0"]),
    ]
    assert items[0].via.startswith("npm:@acme/*: 2 of the @acme packages the registry's search")
    assert format_news(items).count("the registry's search lists") == 1  # said once


def test_a_scope_falls_back_to_the_indexed_packages_when_the_search_cannot_answer(tmp_path):
    npm = FakeNpm(search=False)
    npm.publish("@acme/core", "1.2.0", {})
    npm.publish("@acme/widgets", "0.1.0", {})

    items = gather_news(["npm:@acme/*"], indexed(tmp_path), tmp_path, registry=npm.registry())

    assert [i.package for i in items] == ["@acme/core"]
    assert items[0].via.startswith("npm:@acme/*: the matching packages whose docs are indexed")
    assert "search did not answer" in items[0].via


def test_a_big_scope_is_cut_and_says_how_many_were_left_out(tmp_path):
    npm = FakeNpm()
    for n in range(news_module.MAX_SCOPE_PACKAGES + 3):
        npm.publish(f"@big/p{n:02}", "1.0.0", {})

    items = gather_news(["npm:@big/*"], [], tmp_path, changelogs=False, registry=npm.registry())

    assert len(items) == news_module.MAX_SCOPE_PACKAGES
    assert "; 3 more left out: name them" in items[0].via
