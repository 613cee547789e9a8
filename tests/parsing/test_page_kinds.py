"""A page's kind comes from its front matter, its folders, its file name, then its body."""

from __future__ import annotations

import pytest

from docshelf.parsing.page_kinds import page_kind


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("docs/agents/overview", "guide"),
        ("reference/agents/agent", "reference"),
        ("app/api-reference/functions/redirect", "reference"),
        ("app/api-reference", "reference"),
        ("course/01-first-agent/16-adding-memory", "course"),
        ("tutorial/body", "tutorial"),
        ("learn/thinking-in-react", "tutorial"),
        ("examples/custom_validators", "example"),
        ("blog/announcing-vite8", "blog"),
        ("blog", "blog"),
        ("changes/hotupdate-hook", "changelog"),
        ("CHANGELOG", "changelog"),
        ("release-notes", "changelog"),
        ("api/base_model", "api"),
        ("02-Reference/03-cli", "reference"),
        ("index", "guide"),
    ],
)
def test_the_first_folder_naming_a_kind_or_the_file_name_gives_it(path: str, kind: str):
    assert page_kind(path, {}, "Some text.") == kind


def test_front_matter_naming_a_kind_wins_over_the_folder():
    assert page_kind("docs/x", {"type": "Tutorial"}, "") == "tutorial"
    assert page_kind("reference/x", {"kind": "changelog"}, "") == "changelog"


def test_front_matter_naming_no_known_kind_is_ignored():
    assert page_kind("reference/x", {"type": "docs"}, "") == "reference"


def test_a_dated_page_with_an_author_is_a_blog_post():
    meta = {"title": "The plan", "date": "2021/06/08", "author": "The team"}
    assert page_kind("community/the-plan", meta, "") == "blog"
    assert page_kind("community/dated", {"date": "2021-06-08"}, "") == "guide"


def test_a_page_generated_from_code_is_api():
    assert page_kind("concepts/models", {}, "Intro.\n\n::: pydantic.BaseModel\n") == "api"
    assert page_kind("mod", {}, ".. autoclass:: httpx.Client\n") == "api"


def test_a_vitepress_container_is_not_generated_api():
    assert page_kind("guide/features", {}, "::: tip\nUse it.\n:::\n") == "guide"
