"""Answers in one call: the best sections for a question, packed to a token budget."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_embedder import FakeEmbedder, with_fake_semantic

from docshelf.errors import UsageError
from docshelf.reading.answers import format_answer
from docshelf.search.excerpts import excerpt_tokens
from docshelf.server.tooling import TOOLS_VOICE
from docshelf.shelf import Shelf
from docshelf.wording import speaking

LONG_PAGE = "# Deploy\n\nShip it.\n\n## Steps\n\n" + "".join(
    f"Step {i}: run the deploy command for region {i} and check its logs.\n" for i in range(200)
)


def test_the_best_section_of_the_best_page_comes_first_with_where_it_is_from(shelf: Shelf):
    answer = shelf.ask("give each tenant its own sandbox")
    first = answer.excerpts[0]
    assert (first.path, first.heading) == ("docs/workspace/sandbox", "Sandbox > Dynamic sandbox")
    assert (first.library, first.version) == ("demo", "local")
    assert "every tenant gets its own sandbox directory" in first.text
    assert answer.mode == "fulltext" and "DOCSHELF_SEMANTIC=off" in answer.note


def test_the_budget_holds_and_the_cursor_gives_the_rest_without_repeats(shelf: Shelf):
    whole = shelf.ask("agent tools memory", max_tokens=4000)
    assert whole.cursor is None and len(whole.excerpts) > 3
    seen = []
    cursor = None
    for _ in range(len(whole.excerpts)):
        part = shelf.ask("agent tools memory", max_tokens=40, cursor=cursor)
        assert part.tokens == sum(excerpt_tokens(e) for e in part.excerpts)
        assert part.tokens <= 40 or len(part.excerpts) == 1
        seen += [(e.path, e.heading) for e in part.excerpts]
        cursor = part.cursor
        if cursor is None:
            break
    assert seen == [(e.path, e.heading) for e in whole.excerpts]


def test_each_top_page_gives_its_best_section_before_any_page_gives_a_second(shelf: Shelf):
    answer = shelf.ask("agent tools memory", max_tokens=4000)
    paths = [e.path for e in answer.excerpts]
    pages = list(dict.fromkeys(paths))
    assert paths[: len(pages)] == pages  # every page once, then the second sections


def test_a_short_section_brings_the_subsections_under_it(shelf: Shelf):
    answer = shelf.ask("createTool parameters")
    parameters = next(e for e in answer.excerpts if e.heading == "createTool() > Parameters")
    assert "### id" in parameters.text and "### inputSchema" in parameters.text
    headings = [e.heading for e in answer.excerpts]
    assert "createTool() > Parameters > id" not in headings  # shown once, inside its parent


def test_a_section_longer_than_the_budget_is_cut_at_a_line_and_says_so(shelf: Shelf):
    shelf.index_files("ops", "1.0", "test", [("deploy", LONG_PAGE)])
    answer = shelf.ask("deploy command region logs", library="ops", max_tokens=300)
    first = answer.excerpts[0]
    assert first.truncated and first.text.endswith("\n…")
    assert answer.tokens <= 300
    assert "[cut to fit: `docshelf read deploy --library ops@1.0` has" in format_answer(answer)
    with speaking(TOOLS_VOICE):
        assert '[cut to fit: `read_docs(paths=["deploy"], library="ops@1.0")`' in (
            format_answer(answer)
        )


def test_the_same_text_in_two_libraries_is_shown_once(shelf: Shelf, corpus: Path):
    shelf.add_library(str(corpus), name="copy")
    answer = shelf.ask("give each tenant its own sandbox", max_tokens=4000)
    texts = [e.text for e in answer.excerpts]
    assert len(texts) == len(set(texts))


def test_a_cursor_of_another_query_or_a_made_up_one_is_refused(shelf: Shelf):
    cursor = shelf.ask("agent tools memory", max_tokens=30).cursor
    assert cursor is not None
    with pytest.raises(UsageError, match="another query"):
        shelf.ask("sandbox", cursor=cursor)
    with pytest.raises(UsageError, match="not a cursor this tool gave"):
        shelf.ask("sandbox", cursor="nonsense!")


def test_a_question_nothing_matches_gets_no_excerpts_and_says_what_to_try(shelf: Shelf):
    answer = shelf.ask("zzyzx quux")
    assert (answer.excerpts, answer.cursor) == ((), None)
    assert "Try other words" in format_answer(answer)


def test_a_budget_out_of_range_is_refused(shelf: Shelf):
    with pytest.raises(UsageError, match="max_tokens must be between"):
        shelf.ask("sandbox", max_tokens=0)


def test_section_vectors_put_forward_a_section_asked_about_in_other_words(
    tmp_path: Path, corpus: Path
):
    with Shelf(tmp_path / "vectors") as shelf:
        with_fake_semantic(shelf, FakeEmbedder(), corpus)
        shelf.build_vectors()
        answer = shelf.ask("boxes for customers")
    assert answer.mode == "hybrid"
    assert (answer.excerpts[0].path, answer.excerpts[0].heading) == (
        "docs/workspace/sandbox",
        "Sandbox > Dynamic sandbox",
    )
