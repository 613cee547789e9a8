"""YAML front matter, including the not-quite-YAML that real docs (Mastra's SKILL.md) carry."""

from __future__ import annotations

import pytest

from docshelf.parsing.front_matter import quote_misread_values, read_yaml, split_front_matter

UNQUOTED_SKILL = """\
---
name: mastra-memory
description: Documentation for @mastra/memory. Use when: working with memory APIs.
package: @mastra/memory
metadata:
  package: @mastra/memory
  version: 1.10
---

## When to use
"""


def test_front_matter_is_split_from_the_body_with_yaml_types():
    meta, body = split_front_matter("---\ntitle: Intro\ntags: [a, b]\norder: 2\n---\n# Intro\n")
    assert meta == {"title": "Intro", "tags": ["a", "b"], "order": 2}
    assert body == "# Intro\n"


def test_text_without_front_matter_is_all_body():
    assert split_front_matter("# Title\n\n---\nnot: front matter\n---\n") == (
        {},
        "# Title\n\n---\nnot: front matter\n---\n",
    )


def test_unquoted_scope_names_and_colons_in_values_are_read_as_written():
    meta, body = split_front_matter(UNQUOTED_SKILL, plain=True)
    assert meta["package"] == "@mastra/memory"
    assert meta["description"] == (
        "Documentation for @mastra/memory. Use when: working with memory APIs."
    )
    assert meta["metadata"] == {"package": "@mastra/memory", "version": "1.10"}
    assert body.startswith("\n## When to use")


def test_plain_keeps_every_value_a_string_and_typed_does_not():
    text = "---\nversion: 1.10\ncount: 3\n---\n"
    assert split_front_matter(text, plain=True)[0] == {"version": "1.10", "count": "3"}
    assert split_front_matter(text)[0] == {"version": 1.1, "count": 3}


def test_dates_become_strings_so_metadata_stays_json():
    assert split_front_matter("---\ndate: 2026-01-02\n---\n")[0] == {"date": "2026-01-02"}


@pytest.mark.parametrize("broken", ["title: [unclosed", "a: {b", "- a\nb: c"])
def test_front_matter_beyond_repair_is_kept_raw(broken: str):
    assert split_front_matter(f"---\n{broken}\n---\nBody\n") == ({"_raw": broken}, "Body\n")


def test_a_list_instead_of_a_mapping_is_kept_raw():
    assert split_front_matter("---\n- a\n- b\n---\n")[0] == {"_raw": "- a\n- b"}


def test_only_values_yaml_refuses_are_quoted():
    text = 'a: @x/y\nb: "@kept"\nc: [1, 2]\nd: plain words\ne: one: two\n  f: `tick`'
    assert quote_misread_values(text) == (
        'a: "@x/y"\nb: "@kept"\nc: [1, 2]\nd: plain words\ne: "one: two"\n  f: "`tick`"'
    )


def test_unreadable_yaml_is_a_value_error():
    with pytest.raises(ValueError, match="flow"):
        read_yaml("a: [b")
