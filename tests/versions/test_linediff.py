"""Line diffs as GNU `diff` finds them: change counts, line splitting, unified text."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest
from diff_tools import MEMORY, gnu_diff_counts, lcs_counts, needs_diff, needs_patch
from hypothesis import given, settings
from hypothesis import strategies as st

from docshelf.versions.linediff import count_changed_lines, page_unified_diff, split_lines

# ---------------------------------------------------------------- counts


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
