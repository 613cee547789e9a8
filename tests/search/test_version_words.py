"""The version a row belongs to is never text a query can match (issue 13, part 6)."""

import pytest

from corpus import write_tree
from docshelf.shelf import Shelf

TWO_PAGES = {
    "install.md": "# Install\n\nRun the installer and follow the prompts.\n",
    "upgrade.md": "# Upgrade\n\nUpgrade to v1 by changing the import path.\n",
}


@pytest.fixture
def two_pages(tmp_path):
    with Shelf(tmp_path / "home") as shelf:
        shelf.add_library(str(write_tree(tmp_path / "src", TWO_PAGES)), name="two")
        yield shelf


def test_searching_v1_finds_only_the_page_that_says_v1(two_pages: Shelf):
    assert [h.path for h in two_pages.search("v1")] == ["upgrade"]


def test_upgrade_to_v1_does_not_match_every_page_of_version_one(two_pages: Shelf):
    assert [h.path for h in two_pages.search("upgrade to v1")] == ["upgrade"]
    assert two_pages.search("v2") == []


def test_version_words_do_not_match_across_libraries(two_pages: Shelf, tmp_path):
    other = write_tree(tmp_path / "other", {"a.md": "# A\n\nNothing about versions.\n"})
    two_pages.add_library(str(other), name="other")
    assert [h.path for h in two_pages.search("v1 v2 v3")] == ["upgrade"]
