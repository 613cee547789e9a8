"""Tests for reading a package's repository and docs sites from PyPI and npm metadata."""

from __future__ import annotations

import pytest

from docshelf.sources.provenance import (
    DocsSite,
    Provenance,
    provenance_from_npm,
    provenance_from_pypi,
    split_repository_url,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("git+https://github.com/colinhacks/zod.git", ("https://github.com/colinhacks/zod", None)),
        ("git@github.com:vitejs/vite.git", ("https://github.com/vitejs/vite", None)),
        ("git://github.com/a/b", ("https://github.com/a/b", None)),
        ("github:a/b", ("https://github.com/a/b", None)),
        ("a/b", ("https://github.com/a/b", None)),
        ("gitlab:group/proj", ("https://gitlab.com/group/proj", None)),
        ("https://github.com/pallets/click/", ("https://github.com/pallets/click", None)),
        ("https://www.github.com/a/b#readme", ("https://github.com/a/b", None)),
        (
            "https://github.com/vitejs/vite/tree/main/packages/vite",
            ("https://github.com/vitejs/vite", "packages/vite"),
        ),
        (
            "https://gitlab.com/g/p/-/tree/main/docs",
            ("https://gitlab.com/g/p", "docs"),
        ),
        ("https://click.palletsprojects.com/", (None, None)),
        ("https://github.com/only-owner", (None, None)),
        ("not a url at all", (None, None)),
    ],
)
def test_repository_references_become_https_urls_and_folders(
    text: str, expected: tuple[str | None, str | None]
) -> None:
    assert split_repository_url(text) == expected


def test_pypi_project_urls_name_the_repository_and_the_docs_site() -> None:
    urls = {
        "Donate": "https://palletsprojects.com/donate",
        "Documentation": "https://click.palletsprojects.com/",
        "Changes": "https://click.palletsprojects.com/changes/",
        "Source Code": "https://github.com/pallets/click/",
        "Issue Tracker": "https://github.com/pallets/click/issues/",
    }
    assert provenance_from_pypi(urls) == Provenance(
        repository="https://github.com/pallets/click",
        docs_sites=(
            DocsSite("https://click.palletsprojects.com/", "its project_urls Documentation"),
        ),
    )


def test_a_pypi_homepage_on_a_code_host_is_the_repository_not_a_docs_site() -> None:
    found = provenance_from_pypi([("Homepage", "https://github.com/encode/httpx")])
    assert found.repository == "https://github.com/encode/httpx"
    assert found.docs_urls == () and found.homepage == "https://github.com/encode/httpx"
    site = provenance_from_pypi({}, home_page="https://www.python-httpx.org/")
    assert site == Provenance(
        docs_sites=(DocsSite("https://www.python-httpx.org/", "its Home-page"),),
        homepage="https://www.python-httpx.org/",
    )


def test_npm_repository_with_a_monorepo_directory_and_homepage() -> None:
    manifest = {
        "name": "vite",
        "repository": {
            "type": "git",
            "url": "git+https://github.com/vitejs/vite.git",
            "directory": "packages/vite",
        },
        "homepage": "https://vite.dev",
    }
    assert provenance_from_npm(manifest) == Provenance(
        repository="https://github.com/vitejs/vite",
        directory="packages/vite",
        docs_sites=(DocsSite("https://vite.dev", "the package's homepage"),),
        homepage="https://vite.dev",
    )


def test_npm_shorthand_repositories_and_code_host_homepages() -> None:
    found = provenance_from_npm({"repository": "colinhacks/zod", "homepage": "https://zod.dev"})
    assert found.repository == "https://github.com/colinhacks/zod"
    readme = provenance_from_npm(
        {"repository": "github:a/b", "homepage": "https://github.com/a/b#readme"}
    )
    assert readme.docs_urls == ()
    assert provenance_from_npm({"repository": {"url": "file:../local"}}) == Provenance()
    hostile = provenance_from_npm({"repository": {"url": "a/b", "directory": "../../etc"}})
    assert hostile.directory is None
