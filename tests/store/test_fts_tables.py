import sqlite3

from corpus import write_tree
from docshelf.shelf import Shelf
from docshelf.store.fts_tables import card_lead


def fts_tables(shelf: Shelf) -> set[str]:
    rows = shelf.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'"
    )
    return {r[0] for r in rows}


def ranking(shelf: Shelf, query: str, library: str) -> list[tuple[str, float, str]]:
    return [(h.path, h.score, h.heading) for h in shelf.search(query, library=library)]


QUERIES = ["agent memory", "define a tool with an input schema", "tenant sandbox", "recall"]


def test_each_version_has_its_own_tables_and_they_go_with_it(shelf: Shelf, corpus):
    shelf.add_library(str(corpus), name="other")
    assert fts_tables(shelf) == {
        "cards",
        "sections_fts_1",
        "pages_fts_1",
        "sections_fts_2",
        "pages_fts_2",
    }
    shelf.remove_library("demo")
    assert fts_tables(shelf) == {"cards", "sections_fts_2", "pages_fts_2"}
    versions = {r[0] for r in shelf.conn.execute("SELECT version_id FROM cards")}
    assert versions == {2}


def test_a_library_ranks_the_same_alone_and_beside_others(tmp_path, corpus):
    other = write_tree(
        tmp_path / "other-src",
        {
            "agents.md": "# Agents\n\nAgent agent agent memory tools tools sandbox.\n",
            "memory.md": "# Memory\n\nMemory for an agent: recall, threads, memory, tools.\n",
            "tools.md": "# Tools\n\nA tool has an input schema; tools and tenants.\n" * 5,
        },
    )
    with Shelf(tmp_path / "alone") as alone:
        alone.add_library(str(corpus), name="demo")
        expected = {q: ranking(alone, q, "demo") for q in QUERIES}
    with Shelf(tmp_path / "crowded") as crowded:
        crowded.add_library(str(other), name="first")
        crowded.add_library(str(corpus), name="demo")
        crowded.add_library(str(other), name="last")
        assert {q: ranking(crowded, q, "demo") for q in QUERIES} == expected


def test_a_re_added_version_never_reuses_an_old_version_id(shelf: Shelf, corpus):
    shelf.add_library(str(corpus), name="demo")
    shelf.remove_library("demo")
    shelf.add_library(str(corpus), name="demo")
    assert fts_tables(shelf) == {"cards", "sections_fts_3", "pages_fts_3"}


def test_snippets_come_from_the_version_that_was_hit(shelf: Shelf, tmp_path):
    other = write_tree(tmp_path / "other", {"x.md": "# X\n\nA sandbox for every tenant.\n"})
    shelf.add_library(str(other), name="other")
    hits = {h.library: h for h in shelf.search("tenant sandbox", limit=20)}
    assert hits["other"].snippet.endswith("A sandbox for every tenant.")
    assert "tenant" in hits["demo"].snippet


def test_full_text_is_stored_once(shelf: Shelf):
    # External content: the FTS tables keep no copy of the text (no _content tables).
    names = {r[0] for r in shelf.conn.execute("SELECT name FROM sqlite_master")}
    assert not {n for n in names if n.endswith("_content") and n != "cards_content"}


def test_card_lead_is_the_first_sentence_at_most_thirty_words():
    assert card_lead("Agents use tools. They remember.") == "Agents use tools."
    assert card_lead("word " * 50) == " ".join(["word"] * 30)
    assert card_lead("") == ""


def test_a_reader_keeps_its_snapshot_while_a_version_is_replaced(shelf: Shelf, corpus):
    reader = sqlite3.connect(shelf.db_path, isolation_level=None)
    reader.execute("BEGIN")
    before = reader.execute("SELECT count(*) FROM sections_fts_1").fetchone()[0]
    shelf.add_library(str(corpus), name="demo")  # version 1 dropped, version 2 written
    assert reader.execute("SELECT count(*) FROM sections_fts_1").fetchone()[0] == before
    reader.execute("COMMIT")
    reader.close()
