import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import CORPUS, write_tree
from docshelf.errors import LibraryNotFoundError
from docshelf.search.fts import VersionLists, merge_lists
from docshelf.search.query import fts_match, query_terms
from docshelf.shelf import Shelf

CORPUS_PAGES = {path.removesuffix(".md") for path in CORPUS}


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


AND_PAGES = ["docs/agents/overview", "docs/agents/using-tools", "docs/workspace/sandbox"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"', []),
        ("AND(", AND_PAGES),  # the word "and": every page that has it
        ("*", []),
        ("-x", []),
        ("NEAR(a b)", []),
        ("a:b", []),
        ("^start", ["docs/index"]),  # "Start here."
        ("col:val OR", []),
        ("''", []),
        ("(((", []),
        ("日本語 ツール", []),
        ("émoji 🎉", []),
        ("", []),
        ("   ", []),
        ("\x00", []),
        ("a" * 5000, []),
        ("OR AND NOT", AND_PAGES),  # only stop-words: they are searched rather than nothing
        ('"unbalanced', []),
    ],
)
def test_fts_hostile_queries_are_searched_as_words_never_as_syntax(
    shelf: Shelf, query: str, expected: list[str]
):
    hits = shelf.search(query)
    assert sorted(h.path for h in hits) == expected
    assert all(h.library == "demo" and h.snippet for h in hits)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_text_finds_corpus_pages_once_each_best_first(shelf_for_hypothesis, text):
    hits = shelf_for_hypothesis.search(text)
    paths = [h.path for h in hits]
    assert set(paths) <= CORPUS_PAGES
    assert len(paths) == len(set(paths))
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    if not query_terms(text):
        assert hits == []


@pytest.fixture(scope="module")
def shelf_for_hypothesis(tmp_path_factory):
    root = tmp_path_factory.mktemp("hyp")
    with Shelf(root / "home") as s:
        s.add_library(str(write_tree(root / "src", CORPUS)), name="demo")
        yield s


def test_query_terms_drop_stopwords_but_keep_something():
    assert query_terms("How do I add memory to an agent?") == ["add", "memory", "agent"]
    assert query_terms("what is it") == ["what", "is", "it"]


def test_fts_match_quotes_every_term():
    assert fts_match(['a"b', "or"]) == '"a""b" OR "or"'


def test_merged_lists_weigh_each_library_by_its_own_rarest_word():
    # BM25 gives a word found once a weight that grows with the log of the row count:
    # 5.0 in a big library, 2.5 in a small one. Divided by it, the small library's
    # page, which matches its query words better, comes first.
    big = VersionLists([(1, -10.0)], [(10, -8.0)], [])
    small = VersionLists([(2, -6.0)], [(20, -3.0)], [])
    merged = merge_lists([big, small], [(5.0, 4.0), (2.5, 1.0)])
    assert [r[0] for r in merged.sections] == [2, 1]
    assert [r[0] for r in merged.pages] == [20, 10]
    assert [r[0] for r in merge_lists([big, small]).sections] == [1, 2]  # raw scores
