"""Tests for splitting changelogs into versions and picking the versions between two."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docshelf.errors import UsageError
from docshelf.versions.changelog import Changelog, ChangelogEntry, parse_changelog, select_entries
from docshelf.versions.errors import VersionBoundError, VersionRangeError
from docshelf.wording import ToolVoice, speaking

CHANGESETS = """\
# @scope/pkg

## 2.0.0

### Major Changes

- 1a2b3c4: Removed the deprecated `run()` method. ([#120](https://github.com/o/r/pull/120))

  ```ts
  # not a heading: a comment in a code block
  agent.generate('hi');
  ```

### Patch Changes

- Updated dependencies [abc1234]:
  - @scope/core@1.4.0
  - @scope/utils@0.3.1

## 2.0.0-beta.1

### Patch Changes

- Fixed the retry loop.

## 1.4.0

### Minor Changes

- 5d6e7f8: Added streaming.

  ## Migration guide

  Indented headings belong to the bullet above them.
"""

KEEP_A_CHANGELOG = """\
# Changelog

All notable changes to this project will be documented in this file.

## [Unreleased]

### Added

- A new flag.

## [1.2.3] - 2024-05-01

### Fixed

- A crash on empty input.

## [1.2.2] - 2024-04-02 [YANKED]

### Security

- Patched a path traversal.

[unreleased]: https://github.com/o/r/compare/v1.2.3...HEAD
[1.2.3]: https://github.com/o/r/compare/v1.2.2...v1.2.3
[1.2.2]: https://github.com/o/r/releases/tag/v1.2.2
"""

CONVENTIONAL = """\
# Changelog

## [2.1.0](https://github.com/o/r/compare/v2.0.0...v2.1.0) (2024-06-01)

### Features

* **agent:** add memory ([abc123](https://github.com/o/r/commit/abc123))

# [2.0.0](https://github.com/o/r/compare/v1.0.0...v2.0.0) (2024-05-01)

### BREAKING CHANGES

* drop node 16

## <a name="1.0.0"></a>1.0.0 (2015-01-01)

* first release
"""


def entry_versions(changelog: Changelog) -> list[str | None]:
    return [e.version for e in changelog.entries]


def body_of(changelog: Changelog, version: str) -> str:
    (entry,) = [e for e in changelog.entries if e.version == version]
    return entry.body


# ---------------------------------------------------------------- styles


def test_changesets_changelog_has_one_entry_per_version_with_its_bullets():
    changelog = parse_changelog(CHANGESETS)

    assert entry_versions(changelog) == ["2.0.0", "2.0.0-beta.1", "1.4.0"]
    assert changelog.preamble == "# @scope/pkg"
    body = body_of(changelog, "2.0.0")
    assert body.startswith("### Major Changes\n\n- 1a2b3c4: Removed")
    assert (
        "- Updated dependencies [abc1234]:\n  - @scope/core@1.4.0\n  - @scope/utils@0.3.1" in body
    )
    assert "# not a heading" in body


def test_changesets_heading_indented_under_a_bullet_stays_in_its_entry():
    changelog = parse_changelog(CHANGESETS)

    assert body_of(changelog, "1.4.0").endswith(
        "  ## Migration guide\n\n  Indented headings belong to the bullet above them."
    )


def test_keep_a_changelog_reads_dates_unreleased_and_link_footer():
    changelog = parse_changelog(KEEP_A_CHANGELOG)

    assert entry_versions(changelog) == [None, "1.2.3", "1.2.2"]
    unreleased, current, yanked = changelog.entries
    assert unreleased.title_line == "## [Unreleased]"
    assert unreleased.body == "### Added\n\n- A new flag."
    assert (current.date, yanked.date) == ("2024-05-01", "2024-04-02")
    assert yanked.title_line == "## [1.2.2] - 2024-04-02 [YANKED]"
    assert yanked.body == "### Security\n\n- Patched a path traversal."
    assert changelog.footer.startswith("[unreleased]: https://github.com/o/r/compare/")
    assert changelog.footer.count("\n") == 2


def test_conventional_changelog_headings_at_two_levels_are_all_entries():
    changelog = parse_changelog(CONVENTIONAL)

    assert entry_versions(changelog) == ["2.1.0", "2.0.0", "1.0.0"]
    assert [e.date for e in changelog.entries] == ["2024-06-01", "2024-05-01", "2015-01-01"]
    assert body_of(changelog, "2.0.0") == "### BREAKING CHANGES\n\n* drop node 16"


@pytest.mark.parametrize(
    ("heading", "version", "date"),
    [
        ("# v1.2.3", "1.2.3", None),
        ("## v1.2.3 (2024-05-01)", "1.2.3", "2024-05-01"),
        ("### 1.2.3 / 2024-05-01", "1.2.3", "2024-05-01"),
        ("## @scope/pkg@1.2.3", "1.2.3", None),
        ("## my-lib@1.2.3", "1.2.3", None),
        ("## Version 1.2.3 - May 1, 2024", "1.2.3", "2024-05-01"),
        ("## Release v1.2.3 (1 May 2024)", "1.2.3", "2024-05-01"),
        ("## 1.0.0-beta.3", "1.0.0-beta.3", None),
        ("## [1.0.0-rc.1+build.5] - 2024-05-01", "1.0.0-rc.1+build.5", "2024-05-01"),
        ("## **1.2.3** — 2024/05/01", "1.2.3", "2024-05-01"),
        ("## `v2.0` (latest)", "2.0", None),
        ("## 3.1.0b2", "3.1.0b2", None),
        ("## 2024.05.01, Version 22.1.0 'Jod' (LTS), @someone", "22.1.0", "2024-05-01"),
        ("## 2024.05.01", "2024.05.01", "2024-05-01"),
    ],
)
def test_version_heading_styles_are_recognised(heading, version, date):
    changelog = parse_changelog(f"# Changelog\n\n{heading}\n\n- a change\n")

    (entry,) = changelog.entries
    assert (entry.version, entry.date, entry.title_line) == (version, date, heading)
    assert entry.body == "- a change"
    assert changelog.preamble == "# Changelog"


def test_setext_headings_are_versions():
    text = "Changelog\n=========\n\n1.1.0\n=====\n\nNew.\n\n1.0.0-beta.3\n------------\n\nOld.\n"

    changelog = parse_changelog(text)

    assert entry_versions(changelog) == ["1.1.0", "1.0.0-beta.3"]
    assert [e.title_line for e in changelog.entries] == ["1.1.0", "1.0.0-beta.3"]
    assert [e.start_line for e in changelog.entries] == [4, 9]
    assert [e.body for e in changelog.entries] == ["New.", "Old."]
    assert changelog.preamble == "Changelog\n========="


def test_start_lines_point_at_the_headings():
    changelog = parse_changelog(KEEP_A_CHANGELOG)
    lines = KEEP_A_CHANGELOG.split("\n")

    for entry in changelog.entries:
        assert lines[entry.start_line - 1] == entry.title_line


# ---------------------------------------------------------------- malformed input


def test_changelog_without_version_headings_is_all_preamble():
    text = "# Changelog\n\n## Recent\n\n- did things\n\n## Older\n\n- other things\n"

    changelog = parse_changelog(text)

    assert changelog.entries == ()
    assert changelog.preamble == text.strip()


def test_empty_changelog_has_nothing():
    assert parse_changelog("") == Changelog(preamble="", entries=(), footer="")


def test_duplicate_versions_are_both_kept_in_file_order():
    text = "## 1.0.1\n\nsecond copy\n\n## 1.0.0\n\nfirst\n\n## 1.0.1\n\nfirst copy\n"

    changelog = parse_changelog(text)

    assert entry_versions(changelog) == ["1.0.1", "1.0.0", "1.0.1"]
    assert [e.body for e in select_entries(changelog, "1.0.0")] == ["second copy", "first copy"]


def test_garbage_between_entries_stays_in_the_entry_above():
    text = (
        "## 2.0.0\n\n- new api\n\n"
        "## Notes from the team\n\nsome words\n\n"
        "## 1.x.y (unfinished heading)\n\n~~~\nunclosed? no, closed\n~~~\n"
        "-----\n\n"
        "## 1.0.0\n\n- first\n"
    )

    changelog = parse_changelog(text)

    assert entry_versions(changelog) == ["2.0.0", "1.0.0"]
    body = body_of(changelog, "2.0.0")
    assert "## Notes from the team\n\nsome words" in body
    assert "## 1.x.y (unfinished heading)" in body
    assert body.endswith("-----")


def test_prose_heading_with_a_version_below_release_level_is_not_an_entry():
    text = "## 3.0.0\n\n### 2.0 migration notes\n\nMove to the new API.\n\n## 2.5.0\n\n- old\n"

    changelog = parse_changelog(text)

    assert entry_versions(changelog) == ["3.0.0", "2.5.0"]
    assert "### 2.0 migration notes" in body_of(changelog, "3.0.0")


def test_prose_heading_at_release_level_reads_as_a_version_with_a_codename():
    text = "## 1.1.0 Bluebird\n\n- new\n\n## 1.0.0\n\n- first\n"

    assert entry_versions(parse_changelog(text)) == ["1.1.0", "1.0.0"]


def test_crlf_line_endings_parse_like_lf():
    lf = parse_changelog(KEEP_A_CHANGELOG)
    crlf = parse_changelog(KEEP_A_CHANGELOG.replace("\n", "\r\n"))

    assert crlf == lf
    assert all("\r" not in e.body for e in crlf.entries)


def test_byte_order_mark_does_not_hide_the_first_heading():
    changelog = parse_changelog("\ufeff## 1.0.0\n\n- first\n")

    assert entry_versions(changelog) == ["1.0.0"]


@pytest.mark.parametrize(
    "block",
    [
        "```md\n## 9.9.9\n```",
        "~~~\n## 9.9.9\n~~~",
        "````\n```\n## 9.9.9\n```\n````",
        "- a bullet with code:\n\n  ```md\n  ## 9.9.9\n  ```",
        "```\n9.9.9\n=====\n```",
    ],
)
def test_headings_inside_fenced_code_are_not_versions(block):
    text = f"## 1.1.0\n\n{block}\n\n## 1.0.0\n\n- first\n"

    changelog = parse_changelog(text)

    assert entry_versions(changelog) == ["1.1.0", "1.0.0"]
    assert body_of(changelog, "1.1.0") == block


def test_text_after_an_unclosed_fence_is_code_like_on_github():
    text = "## 1.1.0\n\n```\n## 1.0.0\n\n- first\n"

    changelog = parse_changelog(text)

    assert entry_versions(changelog) == ["1.1.0"]
    assert body_of(changelog, "1.1.0").endswith("- first")


@given(
    st.lists(
        st.sampled_from(
            [
                "## 1.2.3",
                "## [Unreleased]",
                "# v2.0.0",
                "### Patch Changes",
                "- a change",
                "  - nested",
                "```",
                "~~~",
                "",
                "1.0.0",
                "=====",
                "---",
                "[1.2.3]: https://example.com",
                "text",
            ]
        ),
        max_size=40,
    )
)
def test_every_line_of_the_changelog_is_kept_somewhere(lines):
    changelog = parse_changelog("\n".join(lines))

    kept = [changelog.preamble]
    for entry in changelog.entries:
        kept += [entry.title_line, entry.body]
    kept.append(changelog.footer)
    kept_lines = [k.strip() for k in "\n".join(kept).split("\n") if k.strip()]
    # Setext underlines are heading markup, like the "## " of an ATX heading.
    content = [line.strip() for line in lines if line.strip() not in ("", "=====", "---")]
    assert [k for k in kept_lines if k not in ("=====", "---")] == content


def test_large_changelog_parses_every_entry():
    blocks = [f"## 1.{n}.0\n\n### Patch Changes\n\n- change {n}\n" for n in range(5000, 0, -1)]

    changelog = parse_changelog("# big\n\n" + "\n".join(blocks))

    assert len(changelog.entries) == 5000
    assert changelog.entries[-1] == ChangelogEntry(
        version="1.1.0",
        date=None,
        title_line="## 1.1.0",
        body="### Patch Changes\n\n- change 1",
        start_line=3 + 6 * 4999,
    )


# ---------------------------------------------------------------- ranges

RANGE = parse_changelog(
    "# Changelog\n\n## Unreleased\n\n- next\n\n"
    + "".join(
        f"## {v}\n\n- {v}\n\n"
        for v in [
            "2.0.0",
            "2.0.0-rc.1",
            "2.0.0-beta.3",
            "2.0.0-beta.2",
            "1.10.0",
            "1.9.1",
            "1.9.0",
            "1.2",
            "not-a-version-1.0.0",
        ]
    )
)


def selected(
    from_version: str | None = None, to_version: str | None = None, prereleases: bool = True
) -> list[str | None]:
    entries = select_entries(RANGE, from_version, to_version, include_prereleases=prereleases)
    return [e.version for e in entries]


def test_select_entries_excludes_from_and_includes_to():
    assert selected("1.9.0", "1.10.0") == ["1.10.0", "1.9.1"]


def test_select_entries_orders_prereleases_before_their_release():
    assert selected("2.0.0-beta.2", "2.0.0") == ["2.0.0", "2.0.0-rc.1", "2.0.0-beta.3"]
    assert selected("1.10.0", "2.0.0-beta.3") == ["2.0.0-beta.3", "2.0.0-beta.2"]


def test_select_entries_can_leave_prereleases_out():
    assert selected("1.10.0", "2.0.0", prereleases=False) == ["2.0.0"]


def test_select_entries_with_only_a_lower_bound_runs_to_the_newest():
    assert selected("2.0.0-beta.3") == ["2.0.0", "2.0.0-rc.1"]


def test_select_entries_with_only_an_upper_bound_starts_at_the_oldest():
    assert selected(None, "1.9.1") == ["1.9.1", "1.9.0", "1.2"]


def test_select_entries_without_bounds_lists_every_orderable_version_newest_first():
    assert selected() == [
        "2.0.0",
        "2.0.0-rc.1",
        "2.0.0-beta.3",
        "2.0.0-beta.2",
        "1.10.0",
        "1.9.1",
        "1.9.0",
        "1.2",
    ]


def test_select_entries_sorts_an_oldest_first_changelog_newest_first():
    changelog = parse_changelog("## 0.1.0\n\n## 0.2.0\n\n## 0.10.0\n")

    assert [e.version for e in select_entries(changelog)] == ["0.10.0", "0.2.0", "0.1.0"]


def test_select_entries_with_equal_bounds_is_empty():
    assert selected("1.9.1", "1.9.1") == []


def test_select_entries_accepts_v_prefixes_and_two_part_versions():
    assert selected("v1.9.0", "V1.10") == ["1.10.0", "1.9.1"]
    assert selected("1.1", "1.9.0") == ["1.9.0", "1.2"]


def test_select_entries_treats_blank_bounds_as_open():
    assert selected("", " ") == selected()


def test_select_entries_rejects_from_newer_than_to_and_says_to_swap():
    with pytest.raises(VersionRangeError) as caught:
        select_entries(RANGE, "2.0.0", "1.9.0")

    message = str(caught.value)
    assert "start 2.0.0 is newer than its end 1.9.0" in message
    assert "Swap them: `--from 1.9.0` `--to 2.0.0`" in message  # the CLI's words ...
    with speaking(ToolVoice({})):  # ... or a tool's
        assert 'Swap them: `from_version="1.9.0"` `to_version="2.0.0"`' in str(caught.value)
    assert isinstance(caught.value, UsageError)


@pytest.mark.parametrize(
    ("name", "args"), [("from_version", ("latest",)), ("to_version", (None, "1.x"))]
)
def test_select_entries_rejects_a_bound_that_is_not_a_version_and_lists_real_ones(name, args):
    with pytest.raises(VersionBoundError) as caught:
        select_entries(RANGE, *args)

    with speaking(ToolVoice({})):
        message = str(caught.value)
    assert message.startswith(f"`{name}=")
    assert "is not a version" in message
    assert "newest here: 2.0.0, 2.0.0-rc.1, 2.0.0-beta.3, 2.0.0-beta.2, 1.10.0" in message
    assert f"leave `{name}` out" in message


def test_bound_error_on_a_changelog_without_versions_still_says_how_to_fix_it():
    with pytest.raises(VersionBoundError) as caught:
        select_entries(parse_changelog("# nothing yet\n"), "soon")

    assert str(caught.value) == (
        "`--from soon` is not a version. Pass a version such as '1.2.3' or "
        "'1.0.0-beta.3', or leave `--from` out to leave that end of the range open."
    )
