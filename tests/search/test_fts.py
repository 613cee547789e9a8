import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docshelf.errors import LibraryNotFoundError
from docshelf.search.query import fts_match, query_terms
from docshelf.shelf import Shelf


def test_search_ranks_the_page_that_answers_first(shelf: Shelf):
    hits = shelf.search("give each tenant its own sandbox", library="demo")
    assert hits[0].path == "docs/workspace/sandbox"
    assert hits[0].heading == "Sandbox > Dynamic sandbox"
    assert "tenant" in hits[0].snippet
    assert hits[0].library == "demo" and hits[0].version == "local"


def test_each_page_appears_once_at_its_best_section(shelf: Shelf):
    hits = shelf.search("agent tools memory", limit=20)
    paths = [h.path for h in hits]
    assert len(paths) == len(set(paths))


def test_camel_case_api_names_match_their_words(shelf: Shelf):
    assert shelf.search("get agent by id")[0].path == "reference/core/getAgentById"


def test_path_prefix_filters_results(shelf: Shelf):
    hits = shelf.search("tool", path_prefix="reference/")
    assert hits and all(h.path.startswith("reference/") for h in hits)


def test_limit_is_respected(shelf: Shelf):
    assert len(shelf.search("agent", limit=2)) == 2


def test_unknown_library_says_which_exist(shelf: Shelf):
    with pytest.raises(LibraryNotFoundError, match="demo"):
        shelf.search("x", library="nope")


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "AND(",
        "*",
        "-x",
        "NEAR(a b)",
        "a:b",
        "^start",
        "col:val OR",
        "''",
        "(((",
        "日本語 ツール",
        "émoji 🎉",
        "",
        "   ",
        "\x00",
        "a" * 5000,
        "OR AND NOT",
        '"unbalanced',
    ],
)
def test_fts_hostile_queries_return_results_or_empty_never_errors(shelf: Shelf, query):
    hits = shelf.search(query)
    assert isinstance(hits, list)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_a_valid_query(shelf_for_hypothesis, text):
    assert isinstance(shelf_for_hypothesis.search(text), list)


@pytest.fixture(scope="module")
def shelf_for_hypothesis(tmp_path_factory):
    from corpus import CORPUS, write_tree

    root = tmp_path_factory.mktemp("hyp")
    with Shelf(root / "home") as s:
        s.add_library(str(write_tree(root / "src", CORPUS)), name="demo")
        yield s


def test_query_terms_drop_stopwords_but_keep_something():
    assert query_terms("How do I add memory to an agent?") == ["add", "memory", "agent"]
    assert query_terms("what is it") == ["what", "is", "it"]


def test_fts_match_quotes_every_term():
    assert fts_match(['a"b', "or"]) == '"a""b" OR "or"'
