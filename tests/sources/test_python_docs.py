"""Tests for choosing a Python package's docs, and for adding `pypi:` sources end to end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from docshelf.parsing.formats import DocFile
from docshelf.shelf import Shelf
from docshelf.sources.docsites import FolderTree, discover_docs
from docshelf.sources.errors import IntegrityError
from docshelf.sources.python_docs import (
    PackageMetadata,
    long_description_page,
    read_package_metadata,
)
from pypi_fake import FakePypi, pkg_info


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


# -- finding the docs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "kind", "folder"),
    [
        ({"docs/conf.py": "", "docs/index.rst": "I\n=\n"}, "Sphinx", "docs"),
        ({"doc/conf.py": "", "doc/index.rst": "I\n=\n"}, "Sphinx", "doc"),
        ({"docs/source/conf.py": "", "docs/source/index.rst": "I\n=\n"}, "Sphinx", "docs/source"),
        (
            {"mkdocs.yml": "docs_dir: site-src\n", "site-src/index.md": "# I\n"},
            "MkDocs",
            "site-src",
        ),
        ({"mkdocs.yml": "site_name: x\n", "docs/index.md": "# I\n"}, "MkDocs", "docs"),
        ({"docs/guide.md": "# G\n"}, "folder", "docs"),
    ],
)
def test_the_docs_folder_of_an_sdist_is_found_by_its_generator(
    tmp_path: Path, files: dict[str, str], kind: str, folder: str
) -> None:
    found = discover_docs(FolderTree(write(tmp_path, files)))
    assert (found.generator, found.folder) == (kind, folder)


def test_a_docs_folder_without_docs_or_behind_a_link_is_not_used(tmp_path: Path) -> None:
    write(tmp_path / "elsewhere", {"conf.py": "", "index.rst": "I\n=\n"})
    package = write(tmp_path / "pkg", {"doc/conf.py": "", "README.md": "# R\n"})
    (package / "docs").symlink_to(tmp_path / "elsewhere")
    (package / "mkdocs.yml").write_text("docs_dir: ../elsewhere\n")
    assert discover_docs(FolderTree(package)).readme_only


def test_package_metadata_is_read_from_pkg_info_or_a_wheels_metadata(tmp_path: Path) -> None:
    urls = {"Documentation": "https://demo.dev/docs"}
    write(
        tmp_path / "sdist", {"PKG-INFO": pkg_info("demo", "1.0", "# Hi\n", "text/markdown", urls)}
    )
    meta = read_package_metadata(tmp_path / "sdist")
    assert meta == PackageMetadata(
        "# Hi\n", "text/markdown", (("Documentation", urls["Documentation"]),)
    )
    wheel = {"demo-1.0.dist-info/METADATA": pkg_info("demo", "1.0", "Hi\n==\n", "", {})}
    assert read_package_metadata(write(tmp_path / "wheel", wheel)).description == "Hi\n==\n"
    assert read_package_metadata(tmp_path / "nothing-here") == PackageMetadata()


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("text/markdown", DocFile("README", format="md", text="# Hi")),
        ("text/x-rst", DocFile("README", format="rst", text="# Hi")),
        ("", DocFile("README", format="rst", text="# Hi")),  # PyPI's default
        ("text/plain", DocFile("README", format="md", text="```text\n# Hi\n```\n")),
    ],
)
def test_the_long_description_becomes_a_page_in_its_markup(
    content_type: str, expected: DocFile
) -> None:
    assert long_description_page(PackageMetadata("# Hi", content_type)) == expected
    assert long_description_page(PackageMetadata("  \n", content_type)) is None


# -- adding pypi: sources -----------------------------------------------------------------

SPHINX_DOCS = {
    "docs/conf.py": "project = 'widget'\nsource_suffix = ['.rst', '.txt']\n",
    "docs/index.rst": """\
Welcome to Widget
=================

Widget turns :class:`Gadget` objects into :func:`~widget.render` output.

.. toctree::
   :maxdepth: 2

   quickstart
   api
   topics/deploy
""",
    "docs/quickstart.rst": """\
Quickstart
==========

.. currentmodule:: widget

Install it
----------

.. code-block:: console
   :caption: shell

   $ pip install widget

Render a gadget
---------------

Call :func:`render` with a :class:`Gadget`; see :ref:`the deploy guide <deploy>`.

.. versionadded:: 2.0
   The ``fast`` flag.

.. tab-set::

   .. tab-item:: Sync

      Use ``render(gadget)``.

.. note::
   Rendering caches templates.
""",
    "docs/api.rst": """\
API
===

.. autoclass:: widget.Gadget
   :members:

.. autofunction:: widget.render
""",
    "docs/topics/deploy.txt": """\
.. _deploy:

Deploying
=========

Serve the rendered files with any web server.
""",
    "requirements.txt": "sphinx\n",  # outside the Sphinx folder: not a page
    "docs/_build/html/index.rst": "Built\n=====\n",
    "README.md": "# Widget\n",
}


class Recorder:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def message(self, text: str) -> None:
        self.messages.append(text)

    def download(self, done: int, total: int | None) -> None:
        pass

    def index(self, done: int, total: int) -> None:
        pass


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePypi]:
    with FakePypi() as server:
        monkeypatch.setenv("DOCSHELF_PYPI_INDEX", server.index_url)
        monkeypatch.setenv("DOCSHELF_PYPI_FILES", server.files.url)
        monkeypatch.setenv("DOCSHELF_HTTP_TIMEOUT", "10")
        yield server


@pytest.fixture
def shelf(tmp_path: Path) -> Iterator[Shelf]:
    with Shelf(tmp_path / "home") as opened:
        yield opened


def test_an_sdist_with_sphinx_docs_is_indexed_page_by_page(fake: FakePypi, shelf: Shelf) -> None:
    fake.publish("widget", "2.1", SPHINX_DOCS, project_urls={"Source": "https://github.com/a/w"})
    record = shelf.add_library("pypi:widget==2.1")
    assert (record.name, record.version, record.source) == ("widget", "2.1", "pypi:widget==2.1")
    assert (record.origin, record.pages) == ("Sphinx site in docs/", 4)

    home = shelf.read(["."], library="widget")[0].text
    assert home.startswith("# Welcome to Widget\n\nWidget turns `Gadget` objects into `render`")
    for entry in ("- topics/ (1 pages)", "- api: API", "- quickstart: Quickstart"):
        assert entry in home
    assert "requirements" not in home and "_build" not in home
    assert shelf.read(["topics/deploy"], library="widget")[0].title == "Deploying"

    page = shelf.read(["quickstart"], library="widget")[0]
    assert page.title == "Quickstart"
    for text in (
        "```console\n$ pip install widget\n```",
        "Call `render` with a `Gadget`; see the deploy guide.",
        "**Added in version 2.0:** The `fast` flag.",
        "**Sync:** Use `render(gadget)`.",
        "**Note:** Rendering caches templates.",
    ):
        assert text in page.text
    assert "API: `widget.Gadget`" in shelf.read(["api"], library="widget")[0].text
    hits = shelf.search("serve rendered files web server", library="widget")
    assert hits[0].path == "topics/deploy" and hits[0].title == "Deploying"
    assert fake.rogue.requests == []


def test_an_sdist_without_docs_serves_its_long_description_and_says_where_docs_are(
    fake: FakePypi, shelf: Shelf
) -> None:
    fake.publish(
        "tiny",
        "0.3.0",
        {"CHANGES.rst": "Changes\n=======\n\n0.3.0\n-----\n\nFaster.\n", "README.md": "# Old\n"},
        description="# Tiny\n\nA tiny client.\n\n## Usage\n\nCall `tiny.get()`.\n",
        project_urls={"Documentation": "https://tiny.dev/", "Source": "https://github.com/t/t"},
    )
    recorder = Recorder()
    record = shelf.add_library("pypi:tiny", reporter=recorder)
    assert (record.version, record.pages) == ("0.3.0", 2)
    assert record.origin == (
        "the sdist ships no docs; serving the long description and CHANGES; "
        "its docs: https://tiny.dev/ (from project_urls); its repository github.com/t/t was "
        "not used"
    )
    [warning] = [m for m in recorder.messages if m.startswith("Warning:")]
    assert (
        "is on github.com, which docshelf does not fetch from" in warning
    )  # tests allow 127.0.0.1
    assert "`docshelf add pypi:tiny==0.3.0 --from repo`" in warning
    readme = shelf.read(["README"], library="tiny")[0]
    assert readme.title == "Tiny" and "Call `tiny.get()`." in readme.text
    assert "Faster." in shelf.read(["CHANGES"], library="tiny")[0].text


def test_an_rst_long_description_from_a_wheel_is_parsed_as_rst(
    fake: FakePypi, shelf: Shelf
) -> None:
    fake.publish(
        "wheely",
        "1.0",
        {"wheely/__init__.py": ""},
        kind="wheel",
        description="Wheely\n======\n\nUse :func:`wheely.go`.\n",
        content_type="text/x-rst",
    )
    record = shelf.add_library("pypi:wheely")
    page = shelf.read(["README"], library="wheely")[0]
    assert page.title == "Wheely" and "Use `wheely.go`." in page.text
    assert record.origin.startswith("the wheel ships no docs")


def test_a_zip_sdist_and_a_docs_root_override_are_honoured(fake: FakePypi, shelf: Shelf) -> None:
    files = {"docs/index.md": "# Docs\n", "manual/intro.rst": "Intro\n=====\n\nHello.\n"}
    fake.publish("zipped", "1.0", files, kind="sdist-zip")
    record = shelf.add_library("pypi:zipped", docs_root="manual")
    assert record.pages == 1
    assert shelf.read(["intro"], library="zipped")[0].title == "Intro"


def test_a_bad_hash_is_refused_and_the_previous_index_keeps_serving(
    fake: FakePypi, shelf: Shelf
) -> None:
    fake.publish("stable", "1.0", {"docs/index.md": "# Stable\n\nThe good docs.\n"})
    shelf.add_library("pypi:stable")
    fake.publish("stable", "1.1", {"docs/index.md": "# Evil\n"}, sha256="0" * 64)
    with pytest.raises(IntegrityError, match="does not match the sha256"):
        shelf.add_library("pypi:stable")
    versions = [v.version for lib in shelf.list_libraries() for v in lib.versions]
    assert versions == ["1.0"]
    assert shelf.search("good docs", library="stable")[0].path == "index"


def test_a_re_index_rebuilds_pypi_libraries_from_the_cache(fake: FakePypi, shelf: Shelf) -> None:
    fake.publish("widget", "2.1", SPHINX_DOCS)
    shelf.add_library("pypi:widget==2.1")
    asked = len(fake.index.requests) + len(fake.files.requests)
    rebuilt = shelf.reindex()
    assert [(r.name, r.version, r.pages) for r in rebuilt] == [("widget", "2.1", 4)]
    assert len(fake.index.requests) + len(fake.files.requests) == asked
