"""Tests for reading npm packages' changelogs from their tarballs, through a fake registry."""

from __future__ import annotations

import pytest
from test_changelog import CHANGESETS, KEEP_A_CHANGELOG

from docshelf.errors import UsageError
from docshelf.versions.errors import (
    ChangelogEntryNotFoundError,
    ChangelogNotFoundError,
    VersionRangeError,
)
from docshelf.versions.npm_changelog import (
    changelog_header,
    changelog_json,
    format_changelog,
    get_changelog,
    load_changelog,
)
from npm_fake import FakeNpm, changesets


@pytest.fixture
def npm() -> FakeNpm:
    npm = FakeNpm()
    for version in ("1.4.0", "2.0.0-beta.1"):
        npm.publish("@scope/pkg", version, {"CHANGELOG.md": CHANGESETS}, tags={})
    npm.publish("@scope/pkg", "2.0.0", {"CHANGELOG.md": CHANGESETS})
    return npm


def versions(result) -> list[str | None]:
    return [e.version for e in result.entries]


def test_range_excludes_from_includes_to_and_folds_repeated_prereleases(npm, tmp_path):
    result = get_changelog(
        "npm:@scope/pkg",
        tmp_path,
        from_version="1.4.0",
        to_version="2.0.0",
        registry=npm.registry(),
    )

    assert versions(result) == ["2.0.0"]
    assert result.folded == ("2.0.0-beta.1",)
    assert (result.read_from, result.file, result.to_version) == ("2.0.0", "CHANGELOG.md", "2.0.0")
    assert "Removed the deprecated `run()` method" in result.entries[0].body


def test_prereleases_are_kept_when_asked_for_or_when_a_bound_is_one(npm, tmp_path):
    registry = npm.registry()
    kept = get_changelog(
        "@scope/pkg", tmp_path, from_version="1.4.0", prereleases=True, registry=registry
    )
    bound = get_changelog("@scope/pkg", tmp_path, to_version="2.0.0-beta.1", registry=registry)
    dropped = get_changelog(
        "@scope/pkg", tmp_path, from_version="1.0.0", prereleases=False, registry=registry
    )

    assert versions(kept) == ["2.0.0", "2.0.0-beta.1"]
    assert versions(bound) == ["2.0.0-beta.1", "1.4.0"]
    assert versions(dropped) == ["2.0.0", "1.4.0"] and dropped.folded == ()


def test_to_version_defaults_to_the_latest_release(npm, tmp_path):
    result = get_changelog("@scope/pkg", tmp_path, from_version="1.4.0", registry=npm.registry())
    assert result.read_from == "2.0.0" and versions(result) == ["2.0.0"]


def test_one_version_is_read_from_a_cached_newer_tarball_without_a_download(npm, tmp_path):
    get_changelog("@scope/pkg@2.0.0", tmp_path, registry=npm.registry())
    downloads = len(npm.downloads())

    result = get_changelog("@scope/pkg", tmp_path, version="1.4.0", registry=npm.registry())

    assert versions(result) == ["1.4.0"] and result.single
    assert result.read_from == "2.0.0"
    assert len(npm.downloads()) == downloads
    assert changelog_header(result).startswith(
        "Changelog of @scope/pkg 1.4.0 (from @scope/pkg@2.0.0"
    )


def test_a_warm_range_asks_the_registry_nothing(npm, tmp_path):
    get_changelog(
        "@scope/pkg", tmp_path, from_version="1.4.0", to_version="2.0.0", registry=npm.registry()
    )
    npm.requests.clear()

    again = get_changelog(
        "@scope/pkg", tmp_path, from_version="1.4.0", to_version="2.0.0", registry=npm.registry()
    )

    assert versions(again) == ["2.0.0"] and npm.requests == []


def test_a_version_in_the_package_spec_is_the_version_or_the_top_of_a_range(npm, tmp_path):
    registry = npm.registry()
    one = get_changelog("npm:@scope/pkg@2.0.0-beta.1", tmp_path, registry=registry)
    upto = get_changelog("npm:@scope/pkg@2.0.0", tmp_path, from_version="1.4.0", registry=registry)

    assert versions(one) == ["2.0.0-beta.1"] and one.single
    assert versions(upto) == ["2.0.0"] and not upto.single


def test_keep_a_changelog_entries_keep_their_dates(tmp_path):
    npm = FakeNpm()
    npm.publish("keep", "1.2.3", {"changelog.md": KEEP_A_CHANGELOG})

    result = get_changelog("keep", tmp_path, version="1.2.3", registry=npm.registry())

    assert (result.file, result.entries[0].date) == ("changelog.md", "2024-05-01")


def test_a_package_without_a_changelog_points_at_its_repository(tmp_path):
    npm = FakeNpm()
    npm.publish("@scope/quiet", "1.0.0", {"README.md": "# Quiet\n"})
    npm.tarballs.clear()
    package_json = (
        '{"name": "@scope/quiet", "repository": {"type": "git", '
        '"url": "git+https://github.com/acme/mono.git", "directory": "packages/quiet"}}'
    )
    npm.publish("@scope/quiet", "1.0.0", {"package.json": package_json})

    with pytest.raises(ChangelogNotFoundError) as caught:
        get_changelog("@scope/quiet", tmp_path, registry=npm.registry())

    assert "https://github.com/acme/mono/blob/HEAD/packages/quiet/CHANGELOG.md" in str(caught.value)


def test_a_version_missing_from_its_changelog_lists_the_newest_entries(tmp_path):
    npm = FakeNpm()
    npm.publish("pkg", "1.1.0", {"CHANGELOG.md": changesets("pkg", ["1.0.0"])})

    with pytest.raises(ChangelogEntryNotFoundError, match=r"no entry for 1\.1\.0.*1\.0\.0"):
        get_changelog("pkg", tmp_path, version="1.1.0", registry=npm.registry())


@pytest.mark.parametrize(
    ("package", "kwargs"),
    [
        ("pkg", {"version": "1.0.0", "from_version": "0.9.0"}),
        ("pkg@1.0.0", {"to_version": "1.1.0"}),
    ],
)
def test_asking_for_a_version_and_a_range_at_once_is_refused(tmp_path, package, kwargs):
    with pytest.raises(UsageError, match="version"):
        get_changelog(package, tmp_path, **kwargs)


def test_a_reversed_range_says_to_swap_the_bounds(npm, tmp_path):
    with pytest.raises(VersionRangeError, match="Swap them"):
        get_changelog(
            "@scope/pkg",
            tmp_path,
            from_version="2.0.0",
            to_version="1.4.0",
            registry=npm.registry(),
        )


def test_parsed_changelogs_are_kept_in_memory_by_exact_version(npm, tmp_path):
    first = load_changelog("@scope/pkg", "2.0.0", tmp_path, registry=npm.registry())
    assert load_changelog("@scope/pkg", "2.0.0", tmp_path, registry=npm.registry()) is first


def test_formatted_changelog_has_the_header_then_each_entry(npm, tmp_path):
    result = get_changelog(
        "@scope/pkg", tmp_path, from_version="1.0.0", to_version="2.0.0", registry=npm.registry()
    )

    text = format_changelog(result)

    assert text.startswith(
        "Changelog of @scope/pkg, 1.0.0 < version <= 2.0.0 (from @scope/pkg@2.0.0 "
        "CHANGELOG.md): 2 entries, newest first. 1 prerelease entry (2.0.0-beta.1) left out"
    )
    assert "\n\n## 2.0.0\n\n### Major Changes\n" in text and "\n\n## 1.4.0\n\n" in text
    data = changelog_json(result)
    assert [e["version"] for e in data["entries"]] == ["2.0.0", "1.4.0"]
    assert data["folded_prereleases"] == ["2.0.0-beta.1"]
