from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_packages import make_kit
from fake_python import make_python_project

from docshelf.packages import api
from docshelf.packages.api_answers import export_answer, exports_answer, packages_answer
from docshelf.packages.errors import NotInstalledError
from docshelf.packages.project import open_project
from docshelf.server.tooling import TOOLS_VOICE
from docshelf.shelf import Shelf
from docshelf.wording import speaking


@pytest.fixture
def both(tmp_path: Path) -> Path:
    """A project with a virtualenv and a node_modules."""
    root = tmp_path / "app"
    make_python_project(root)
    (root / "package.json").write_text(json.dumps({"dependencies": {"kit": "^2"}}))
    make_kit(root / "node_modules")
    return root


def test_list_packages_puts_the_project_dependencies_first_in_both_languages(both) -> None:
    listing = api.list_packages(open_project(both))
    first = [(p.name, p.language) for p in listing.packages if p.direct]
    assert first == [("kit", "javascript"), ("numpy-stats", "python"), ("shapes", "python")]
    shapes = next(p for p in listing.packages if p.name == "shapes")
    assert (shapes.version, shapes.summary, shapes.modules) == (
        "1.2.0",
        "Shapes and areas",
        ("shapes",),
    )
    stubs = next(p for p in listing.packages if p.name == "fancy-stubs")
    assert stubs.modules == ("fancy",)


def test_yarn_plug_n_play_is_named_as_the_reason_for_no_npm_packages(tmp_path) -> None:
    (tmp_path / "package.json").write_text("{}")
    (tmp_path / ".pnp.cjs").write_text("")
    listing = api.list_packages(open_project(tmp_path))
    assert "Plug'n'Play" in listing.notes[0]


def test_a_package_in_neither_world_lists_near_names_from_both(both) -> None:
    with pytest.raises(NotInstalledError) as raised:
        api.list_exports(open_project(both), "shape")
    assert "Did you mean: shapes" in str(raised.value)


def test_get_export_links_the_indexed_docs_of_the_same_version_that_mention_it(
    both, tmp_path
) -> None:
    pages = [
        ("guide/circles", "# Circles\n\nMake a `Circle` with a radius, then call scale.\n"),
        ("guide/squares", "# Squares\n\nSquares have sides.\n"),
        ("guide/circling", "# Circling\n\nCircles of friends (no class named so here).\n"),
    ]
    with Shelf(tmp_path / "home") as shelf:
        shelf.index_files("shapes", "1.2.0", "pypi:shapes@1.2.0", pages)
        shelf.index_files("shapes", "1.1.0", "pypi:shapes@1.1.0", pages[:1])
        detail = api.get_export(open_project(both), "shapes", "Circle", shelf=shelf)
        assert [(d.path, d.version) for d in detail.docs] == [("guide/circles", "1.2.0")]
        method = api.get_export(open_project(both), "shapes", "Circle.scale", shelf=shelf)
        assert [d.path for d in method.docs] == ["guide/circles"]
        text = export_answer(detail).text
        assert "## Docs pages that mention Circle (shapes@1.2.0)" in text
        assert "`docshelf read PATH --library shapes@1.2.0`" in text  # the CLI's words
        with speaking(TOOLS_VOICE):
            agent = export_answer(detail).text
        assert '`read_docs(paths=[<path>], library="shapes@1.2.0")`' in agent


def test_docs_of_another_version_are_not_linked(both, tmp_path) -> None:
    with Shelf(tmp_path / "home") as shelf:
        shelf.index_files("shapes", "1.1.0", "local", [("a", "# A\n\nCircle here.\n")])
        assert api.get_export(open_project(both), "shapes", "Circle", shelf=shelf).docs == ()


def test_the_answers_page_on_with_offsets_within_the_budget(both) -> None:
    project = open_project(both)
    listing = api.list_exports(project, "kit")
    first = exports_answer(listing, max_tokens=40)
    assert first.part.next_offset is not None
    assert f"`--offset {first.part.next_offset}`" in first.text  # the command line's words
    with speaking(TOOLS_VOICE):
        again = exports_answer(listing, max_tokens=40)
    assert f"`offset={first.part.next_offset}`" in again.text  # an agent's
    rest = exports_answer(listing, offset=first.part.next_offset, max_tokens=10_000)
    assert rest.part.next_offset is None and rest.part.end == len(listing.exports)
    packages = packages_answer(api.list_packages(project), max_tokens=30)
    assert "[Shown: packages 1-" in packages.text
    detail = export_answer(api.get_export(project, "shapes", "Circle"), max_tokens=60)
    assert detail.text.startswith("# Circle (class) in shapes 1.2.0")
    assert "--offset" in detail.text


def test_an_unfiltered_listing_with_no_match_says_to_shorten_the_filter(both) -> None:
    listing = api.list_exports(open_project(both), "kit", "zzz")
    assert "Try a shorter filter" in exports_answer(listing, "zzz").text
