"""Page kinds in search: retelling kinds rank below what they retell, and `kind` filters."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from corpus import write_tree
from docshelf.errors import UsageError
from docshelf.search import kinds
from docshelf.shelf import Shelf

# The course lesson says "add memory to your agent" more often than the guide does: by
# words alone it is the better match.
PAGES = {
    "docs/memory/overview.md": (
        "# Memory\n\nMemory lets an agent recall earlier messages. Add memory to an agent "
        "by passing a Memory instance to it.\n\n## Storage\n\nMemory needs a storage.\n"
    ),
    "course/03-agent-memory/02-adding-memory.md": (
        "# Adding memory to your agent\n\nIn this lesson you add memory to your agent: "
        "memory, memory, memory. Add memory to the agent and run the agent again.\n"
    ),
    "reference/memory/memory-class.md": (
        "# Memory class\n\nThe Memory class: options of memory storage for an agent.\n"
    ),
    "blog/memory-launch.md": "# Memory is here\n\nWe launched agent memory.\n",
}


@pytest.fixture
def kinds_shelf(tmp_path: Path):
    with Shelf(tmp_path / "home") as shelf:
        shelf.add_library(str(write_tree(tmp_path / "src", PAGES)), name="kinds")
        yield shelf


def test_a_course_lesson_ranks_below_the_guide_it_retells(
    kinds_shelf: Shelf, monkeypatch: pytest.MonkeyPatch
):
    query = "add memory to an agent"
    monkeypatch.setattr(kinds, "RETELLING_WEIGHT", 1.0)
    assert kinds_shelf.search(query)[0].path == "course/03-agent-memory/02-adding-memory"
    monkeypatch.setattr(kinds, "RETELLING_WEIGHT", 0.7)
    assert kinds_shelf.search(query)[0].path == "docs/memory/overview"


def test_a_question_asking_for_a_lesson_keeps_the_course_first(kinds_shelf: Shelf):
    hit = kinds_shelf.search("lesson: add memory to an agent")[0]
    assert (hit.path, hit.kind) == ("course/03-agent-memory/02-adding-memory", "course")


def test_hits_say_their_kind(kinds_shelf: Shelf):
    found = {h.path: h.kind for h in kinds_shelf.search("memory", limit=10)}
    assert found == {
        "docs/memory/overview": "guide",
        "course/03-agent-memory/02-adding-memory": "course",
        "reference/memory/memory-class": "reference",
        "blog/memory-launch": "blog",
    }


@pytest.mark.parametrize(
    ("kind", "paths"),
    [
        ("reference", {"reference/memory/memory-class"}),
        (["guide", "blog"], {"docs/memory/overview", "blog/memory-launch"}),
        ("guide, Course", {"docs/memory/overview", "course/03-agent-memory/02-adding-memory"}),
    ],
)
def test_kind_keeps_only_pages_of_those_kinds(
    kinds_shelf: Shelf, kind: str | list[str], paths: set[str]
):
    assert {h.path for h in kinds_shelf.search("memory agent", kind=kind)} == paths


def test_kind_and_path_prefix_hold_together(kinds_shelf: Shelf):
    assert kinds_shelf.search("memory", kind="guide", path_prefix="course/") == []


def test_ask_keeps_to_the_kinds_asked_for(kinds_shelf: Shelf):
    answer = kinds_shelf.ask("add memory to an agent", kind="reference")
    assert {e.path for e in answer.excerpts} == {"reference/memory/memory-class"}


def test_an_unknown_kind_is_an_error_naming_the_kinds(kinds_shelf: Shelf):
    with pytest.raises(UsageError, match=r"Unknown page kind 'guides'.*guide, tutorial, course"):
        kinds_shelf.search("memory", kind="guides")


def test_a_page_naming_another_as_its_source_ranks_below_it(tmp_path: Path):
    copy = (
        "---\ntitle: Memory\nsource: docs/memory/overview\n---\n\n"
        "# Memory\n\nAdd memory to an agent: memory, memory, agent memory.\n"
    )
    linked = "---\nsource: https://example.com/memory.py\n---\n\n# Memory source\n\n" + (
        "Add memory to an agent: memory, memory, agent memory.\n"
    )
    pages = {
        "docs/memory/overview.md": PAGES["docs/memory/overview.md"],
        "pages/memory.md": copy,
        "misc/memory-source.md": linked,
    }
    with Shelf(tmp_path / "home") as shelf:
        shelf.add_library(str(write_tree(tmp_path / "src", pages)), name="copies")
        paths = [h.path for h in shelf.search("add memory to an agent")]
    # the copy goes below its source; a `source` that is no page of the library is no copy
    assert paths.index("docs/memory/overview") < paths.index("pages/memory")
    assert paths[0] == "misc/memory-source"


def test_reweighing_the_pages_that_can_reach_the_top_ranks_it_as_reweighing_all(
    kinds_shelf: Shelf,
):
    ids = [r[0] for r in kinds_shelf.conn.execute("SELECT id FROM pages")]
    rng = random.Random(12)

    def top(scores: dict[int, float], limit: int) -> list[tuple[int, float]]:
        return [(p, scores[p]) for p in sorted(scores, key=lambda p: (-scores[p], p))[:limit]]

    for _ in range(300):
        # Scores that meet exactly where a lowered page and the limit-th best cross.
        scores = {p: rng.choice([0.1, 0.07, 0.05, 0.035, rng.random()]) for p in ids}
        limit = rng.randint(1, len(ids))
        every, some = dict(scores), dict(scores)
        kinds.reweigh(kinds_shelf.conn, "add memory to an agent", every, len(every))
        kinds.reweigh(kinds_shelf.conn, "add memory to an agent", some, limit)
        assert top(some, limit) == top(every, limit)
