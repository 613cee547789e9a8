import threading
from pathlib import Path

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


SECTION_QUERIES = ["give each tenant its own sandbox", "agent tools memory", "get agent by id"]


def test_sections_ranked_beside_are_the_sections_ranked_on_the_one_connection(shelf: Shelf):
    from docshelf.search.fts import page_rankings, sections_beside
    from docshelf.store import catalog, db

    for query in SECTION_QUERIES:
        with db.snapshot(shelf.conn):
            refs = catalog.resolve_versions(shelf.conn, None)
            alone = page_rankings(shelf.conn, query, refs)
            pending = sections_beside(shelf.beside, shelf.conn, query, refs)
            assert pending is not None
            beside = page_rankings(shelf.conn, query, refs, sections=pending)
            assert pending.result() is not None  # ranked on the other connection
        assert beside == alone


def test_sections_beside_a_changed_index_are_ranked_on_the_callers_connection(
    shelf: Shelf, tmp_path: Path
):
    # The helper's snapshot starts after another library was added: it may not rank
    # what the caller's snapshot holds, so the caller ranks the sections itself.
    from docshelf.search.fts import page_rankings, sections_beside
    from docshelf.store import catalog, db

    query = SECTION_QUERIES[0]
    with db.snapshot(shelf.conn):
        refs = catalog.resolve_versions(shelf.conn, "demo")
        alone = page_rankings(shelf.conn, query, refs)
        with Shelf(shelf.home) as other:
            other.add_library(str(write_tree(tmp_path / "more", {"a.md": "# A\n\nsandbox"})))
        pending = sections_beside(shelf.beside, shelf.conn, query, refs)
        assert pending is not None
        found = page_rankings(shelf.conn, query, refs, sections=pending)
        assert pending.result() is None
    assert found == alone


def test_closing_a_shelf_ends_its_helper_thread(tmp_path: Path, corpus: Path):
    before = set(threading.enumerate())
    with Shelf(tmp_path / "home") as shelf:
        shelf.add_library(str(corpus), name="demo")
        shelf.search("sandbox")
        helper = [t for t in set(threading.enumerate()) - before if "beside" in t.name]
        assert len(helper) == 1
    assert not helper[0].is_alive()
    assert shelf.open_connections() == 0
