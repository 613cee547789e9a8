"""Tests for comparing two versions of a docs corpus."""

from __future__ import annotations

import random

import pytest
from diff_tools import MEMORY, gnu_diff_counts, needs_diff

from docshelf.versions.docs_diff import (
    DocsDiff,
    PageChange,
    SectionChange,
    diff_docs,
    diff_sections,
    format_diff_summary,
    match_renames,
)

AGENT_OLD = """\
# Agent

The Agent class runs a model with tools.

## Parameters

### name

A unique name.

### model

The model to call.

## Legacy options

These options go away in the next major.
"""

AGENT_NEW = """\
# Agent

The Agent class runs a model with tools.

## Parameters

### name

A unique name, shown in traces.

### model

The model to call.

## Streaming

Call `agent.stream()` to receive tokens as they arrive.
"""

OLD = {
    "index": "# Docs\n\nWelcome to the docs.\n",
    "guides/memory": MEMORY,
    "guides/quickstart": "# Quickstart\n\nInstall the package.\n\nRun it.",
    "reference/agent": AGENT_OLD,
    "reference/legacy-tool": "# Legacy tool\n\nDo not use.\n",
}

NEW = {
    "index": "# Docs\n\nWelcome to the docs.\n",
    "guides/memory-overview": MEMORY.replace("the best matches", "the closest matches"),
    "guides/quickstart": "# Quickstart\n\nInstall the package.\n\nRun it.\n\nDeploy it.\n",
    "reference/agent": AGENT_NEW,
    "reference/workflows": "# Workflows\n\nChain steps.\n\n## Steps\n\nA step has an id.\n",
}

# ---------------------------------------------------------------- pages


def test_diff_docs_sorts_pages_into_added_removed_renamed_and_modified():
    diff = diff_docs(OLD, NEW, "1.0.0", "1.1.0")

    assert [(c.path, c.status, c.old_path) for c in diff.changes] == [
        ("guides/memory-overview", "renamed", "guides/memory"),
        ("guides/quickstart", "modified", None),
        ("reference/agent", "modified", None),
        ("reference/legacy-tool", "removed", None),
        ("reference/workflows", "added", None),
    ]
    assert diff.unchanged == 1
    assert (diff.from_label, diff.to_label) == ("1.0.0", "1.1.0")


def test_diff_docs_counts_lines_like_a_unified_diff():
    diff = diff_docs(OLD, NEW)

    counts = {c.path: (c.added_lines, c.removed_lines) for c in diff.changes}
    assert counts == {
        "guides/memory-overview": (1, 1),
        "guides/quickstart": (3, 1),  # "Run it." gains a newline, so it is replaced
        "reference/agent": (3, 3),
        "reference/legacy-tool": (0, 3),
        "reference/workflows": (7, 0),
    }
    assert (diff.added_lines, diff.removed_lines) == (14, 8)


@needs_diff
def test_line_counts_equal_those_of_diff_u(tmp_path):
    diff = diff_docs(OLD, NEW)

    for change in diff.changes:
        old = OLD.get(change.old_path or change.path, "") if change.status != "added" else ""
        new = NEW.get(change.path, "") if change.status != "removed" else ""
        expected = gnu_diff_counts(tmp_path, old, new)
        assert (change.added_lines, change.removed_lines) == expected, change.path


def test_identical_corpora_have_no_changes():
    diff = diff_docs(OLD, dict(OLD))

    assert diff == DocsDiff("old", "new", (), unchanged=len(OLD))


# ---------------------------------------------------------------- renames


def test_a_moved_page_with_a_small_edit_is_a_rename_with_its_similarity():
    (change,) = diff_docs(OLD, NEW).with_status("renamed")

    assert change.old_path == "guides/memory"
    assert change.similarity is not None
    assert 0.9 < change.similarity < 1.0


def test_identical_moved_pages_pair_in_path_order_with_similarity_one():
    removed = {"b/old": "# Same\n", "a/old": "# Same\n"}
    added = {"z/new": "# Same\n", "y/new": "# Same\n"}

    assert match_renames(removed, added) == [("a/old", "y/new", 1.0), ("b/old", "z/new", 1.0)]


def test_renames_pair_one_to_one_and_the_best_match_wins():
    base = MEMORY
    removed = {"near": base.replace("scratchpad", "notepad"), "far": base.replace("#", "####")}
    added = {"moved": base}

    ((old, new, similarity),) = match_renames(removed, added)

    assert (old, new) == ("near", "moved")
    assert similarity > 0.95


def test_a_page_too_different_to_be_a_rename_is_removed_and_added():
    old = {"guides/a": MEMORY}
    new = {"guides/b": "# Something else\n\nEntirely new words about workflows and steps.\n"}

    diff = diff_docs(old, new)

    assert [(c.path, c.status) for c in diff.changes] == [
        ("guides/a", "removed"),
        ("guides/b", "added"),
    ]


def test_rename_threshold_is_adjustable():
    old = {"a": "one two three four five six seven eight nine ten\n"}
    new = {"b": "one two three four five six seven XX YY ZZ\n"}

    assert diff_docs(old, new).with_status("renamed")
    assert not diff_docs(old, new, rename_threshold=0.9).with_status("renamed")


def test_rename_similarity_is_the_exact_share_of_words_a_minimal_diff_keeps():
    # 1,100 words deleted from a 4,000-word page: more edits than a capped search allows,
    # and no word is new, so the longest common subsequence is exactly what is left.
    rng = random.Random(7)
    old = [f"w{rng.randrange(60)}" for _ in range(4000)]
    gone = set(rng.sample(range(4000), 1100))
    new = [w for i, w in enumerate(old) if i not in gone]

    ((_, _, similarity),) = match_renames({"a": " ".join(old)}, {"b": " ".join(new)})

    assert similarity == 2 * len(new) / (len(old) + len(new))


def test_rename_right_at_the_threshold_counts():
    old = {"a": "one two three four five six seven eight nine ten\n"}
    new = {"b": "one two three four five six XX YY ZZ WW\n"}  # 6 of 10 words kept: 0.6

    ((_, _, similarity),) = match_renames(old, new)
    assert similarity == 0.6


# ---------------------------------------------------------------- sections


def test_diff_sections_reports_changes_by_heading_path_in_page_order():
    assert diff_sections(AGENT_OLD, AGENT_NEW) == (
        SectionChange(("Agent", "Parameters", "name"), "changed"),
        SectionChange(("Agent", "Legacy options"), "removed"),
        SectionChange(("Agent", "Streaming"), "added"),
    )


def test_modified_pages_carry_their_section_changes():
    diff = diff_docs(OLD, NEW)
    by_path = {c.path: c for c in diff.changes}

    assert by_path["reference/agent"].sections == diff_sections(AGENT_OLD, AGENT_NEW)
    assert by_path["guides/memory-overview"].sections == (
        SectionChange(("Memory", "Semantic recall"), "changed"),
    )
    assert by_path["reference/workflows"].sections == ()


def test_diff_sections_counts_text_before_the_first_heading_and_repeated_headings():
    old = "Intro.\n\n# Page\n\n## Example\n\nfirst\n\n## Example\n\nsecond\n"
    new = "Intro, edited.\n\n# Page\n\n## Example\n\nfirst\n\n## Example\n\nsecond, edited\n"

    assert diff_sections(old, new) == (
        SectionChange((), "changed"),
        SectionChange(("Page", "Example"), "changed"),
    )


def test_diff_sections_ignores_heading_lookalikes_in_code():
    old = "# Page\n\n```sh\n# a shell comment\n```\n"
    new = "# Page\n\n```sh\n# another shell comment\n```\n"

    assert diff_sections(old, new) == (SectionChange(("Page",), "changed"),)


# ---------------------------------------------------------------- summary


def test_format_diff_summary_lists_each_change_then_totals():
    diff = diff_docs(OLD, NEW, "1.0.0", "1.1.0")

    assert format_diff_summary(diff) == (
        "Docs changes 1.0.0 -> 1.1.0:\n"
        "R guides/memory -> guides/memory-overview  +1 -1  (98% similar)\n"
        "M guides/quickstart                        +3 -1\n"
        "M reference/agent                          +3 -3\n"
        "D reference/legacy-tool                    +0 -3\n"
        "A reference/workflows                      +7 -0\n"
        "1 added (A), 1 removed (D), 1 renamed (R), 2 modified (M); 1 unchanged; "
        "+14 -8 lines"
    )


def test_format_diff_summary_says_when_nothing_changed():
    diff = DocsDiff("1.0.0", "1.0.1", (), unchanged=3)

    assert (
        format_diff_summary(diff) == "Docs changes 1.0.0 -> 1.0.1: no page changed (3 unchanged)."
    )


def test_page_change_is_a_frozen_record():
    change = PageChange("p", "added", None, 1, 0, None)

    with pytest.raises(AttributeError):
        change.path = "q"  # type: ignore[misc]
