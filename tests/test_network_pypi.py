"""Against the real PyPI (marked `network`; runs in CI, pinned versions)."""

import pytest

from docshelf.shelf import Shelf

pytestmark = pytest.mark.network


def test_add_click_sphinx_docs_from_its_sdist_and_read_a_known_section(tmp_path):
    with Shelf(tmp_path / "home") as shelf:
        record = shelf.add_library("pypi:click==8.1.7")
        assert (record.name, record.version) == ("click", "8.1.7")
        assert record.source == "pypi:click==8.1.7"
        assert record.pages == 23  # docs/*.rst of the sdist

        page = shelf.read(["options"], library="click")[0]
        assert page.kind == "page" and page.title == "Options"
        assert "## Multiple Options" in page.text
        assert "@click.option('--pos', nargs=2, type=float)" in page.text

        api = shelf.read(["api"], library="click")[0].text
        assert "API: `click.Command`" in api

        hits = shelf.search("option given multiple times", library="click@8.1.7")
        assert "options" in [h.path for h in hits[:3]]
