"""Tests for comparing two versions of a docs corpus."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docshelf.versions.docs_diff import (
    DocsDiff,
    PageChange,
    SectionChange,
    diff_docs,
    diff_sections,
    format_diff_summary,
    match_renames,
)
from docshelf.versions.linediff import count_changed_lines, page_unified_diff, split_lines

MEMORY = """\
# Memory

Memory lets an agent remember earlier messages in a thread and recall them later.

## Working memory

Working memory keeps a small scratchpad of facts about the user, updated every turn.

## Semantic recall

Semantic recall searches older threads with vector embeddings and adds the best matches.

```ts
const memory = new Memory({ options: { semanticRecall: { topK: 3 } } });
```
"""

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

needs_diff = pytest.mark.skipif(shutil.which("diff") is None, reason="needs the diff binary")
needs_patch = pytest.mark.skipif(shutil.which("patch") is None, reason="needs the patch binary")


def gnu_diff_counts(tmp_path: Path, old: str, new: str) -> tuple[int, int]:
    """(+, -) line counts of `diff -u` between two texts."""
    (tmp_path / "old").write_bytes(old.encode())
    (tmp_path / "new").write_bytes(new.encode())
    out = subprocess.run(
        ["diff", "-u", str(tmp_path / "old"), str(tmp_path / "new")],
        capture_output=True,
        check=False,
        timeout=30,
    ).stdout.decode()
    body = out.split("\n")[2:]
    return sum(line.startswith("+") for line in body), sum(line.startswith("-") for line in body)


def lcs_counts(old: list[str], new: list[str]) -> tuple[int, int]:
    """(+, -) of a minimal line diff, by the textbook dynamic programme."""
    row = [0] * (len(new) + 1)
    for a in old:
        previous_diagonal = 0
        for j, b in enumerate(new, start=1):
            above = row[j]
            row[j] = previous_diagonal + 1 if a == b else max(row[j], row[j - 1])
            previous_diagonal = above
    common = row[-1]
    return len(new) - common, len(old) - common


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


@needs_diff
@pytest.mark.parametrize(
    ("old", "new"),
    [
        # difflib.SequenceMatcher pairs the wrong fence line here and reports +2 -2.
        ("```\ntext\n```\n", "text\nnew\n```\n"),
        ("a\nb\n", "a\nb"),
        ("a\r\nb\r\n", "a\nb\n"),
        ("", "one\ntwo\n"),
        ("one\ntwo\n", ""),
        ("same\n" * 5 + "x\n" + "same\n" * 5, "same\n" * 4 + "y\n" + "same\n" * 6),
        ("line\u2028with separator\nend\n", "line\u2028with separator\nend!\n"),
    ],
)
def test_line_counts_equal_diff_u_on_awkward_input(tmp_path, old, new):
    assert count_changed_lines(old, new) == gnu_diff_counts(tmp_path, old, new)


@given(
    st.lists(st.sampled_from(["", "```", "- a", "- b", "text", "}"]), max_size=30),
    st.lists(st.sampled_from(["", "```", "- a", "- b", "text", "}"]), max_size=30),
)
def test_line_counts_are_those_of_a_minimal_diff(old, new):
    old_text, new_text = "\n".join(old), "\n".join(new)

    expected = lcs_counts(split_lines(old_text), split_lines(new_text))
    assert count_changed_lines(old_text, new_text) == expected


def test_split_lines_cuts_at_newlines_only_like_diff():
    assert split_lines("a\rb\x0bc\u2028d\ne") == ["a\rb\x0bc\u2028d\n", "e"]
    assert split_lines("a\n\n") == ["a\n", "\n"]
    assert split_lines("") == []


def test_identical_corpora_have_no_changes():
    diff = diff_docs(OLD, dict(OLD))

    assert diff == DocsDiff("old", "new", (), unchanged=len(OLD))


# ---------------------------------------------------------------- unified diff


def test_page_unified_diff_shows_hunks_like_diff_u():
    old = "".join(f"line {n}\n" for n in range(1, 13))
    new = old.replace("line 2\n", "line two\n").replace("line 11\n", "")

    assert page_unified_diff("guide/page", old, new) == (
        "--- a/guide/page.md\n"
        "+++ b/guide/page.md\n"
        "@@ -1,5 +1,5 @@\n"
        " line 1\n"
        "-line 2\n"
        "+line two\n"
        " line 3\n"
        " line 4\n"
        " line 5\n"
        "@@ -8,5 +8,4 @@\n"
        " line 8\n"
        " line 9\n"
        " line 10\n"
        "-line 11\n"
        " line 12\n"
    )


def test_page_unified_diff_merges_changes_closer_than_twice_the_context():
    old = "".join(f"line {n}\n" for n in range(1, 10))
    new = old.replace("line 2\n", "line two\n").replace("line 8\n", "line eight\n")

    assert page_unified_diff("p", old, new).count("@@ -") == 1
    assert page_unified_diff("p", old, new, context=2).count("@@ -") == 2


def test_page_unified_diff_marks_a_missing_final_newline():
    assert page_unified_diff("p", "a\nb", "a\nc") == (
        "--- a/p.md\n+++ b/p.md\n@@ -1,2 +1,2 @@\n a\n-b\n"
        "\\ No newline at end of file\n+c\n\\ No newline at end of file\n"
    )


def test_page_unified_diff_of_added_and_removed_pages_uses_dev_null():
    assert page_unified_diff("new", None, "x\ny\n") == (
        "--- /dev/null\n+++ b/new.md\n@@ -0,0 +1,2 @@\n+x\n+y\n"
    )
    assert page_unified_diff("gone", "x\n", None) == (
        "--- a/gone.md\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n"
    )


def test_page_unified_diff_names_the_old_path_of_a_rename():
    text = page_unified_diff("guides/new", "a\n", "b\n", old_path="guides/old")

    assert text.startswith("--- a/guides/old.md\n+++ b/guides/new.md\n")


def test_page_unified_diff_of_identical_pages_is_empty():
    assert page_unified_diff("p", MEMORY, MEMORY) == ""


@needs_patch
@settings(deadline=None, max_examples=60)  # each example runs `patch` in a subprocess
@given(
    st.lists(st.sampled_from(["", "```", "- a", "- b", "text", "}", "x\r"]), max_size=25),
    st.lists(st.sampled_from(["", "```", "- a", "- b", "text", "}", "x\r"]), max_size=25),
    st.booleans(),
    st.sampled_from([0, 1, 3]),
)
def test_page_unified_diff_applies_cleanly_with_patch(old, new, final_newline, context):
    old_text = "\n".join(old)
    new_text = "\n".join(new) + ("\n" if final_newline and new else "")
    patch_text = page_unified_diff("page", old_text, new_text, context)
    if not patch_text:
        assert old_text == new_text
        return
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "page.md"
        target.write_bytes(old_text.encode())
        result = subprocess.run(
            ["patch", "--quiet", "--binary", "--fuzz=0", "-p1"],
            input=patch_text.encode(),
            cwd=folder,
            capture_output=True,
            check=False,
            timeout=30,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert target.read_bytes().decode() == new_text


def test_a_huge_reordering_still_yields_a_consistent_diff():
    # Thousands of shared lines in a new order push past the minimal search's budget.
    old = "".join(f"item {n % 40}\n" for n in range(3000))
    new = "".join(f"item {n * 7 % 40}\n" for n in range(3000))

    added, removed = count_changed_lines(old, new)
    text = page_unified_diff("p", old, new)

    assert added == removed > 0
    # Each count is one short of the text's: the "--- a/p.md" and "+++ b/p.md" headers.
    assert (text.count("\n+"), text.count("\n-")) == (added + 1, removed)


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
