"""Against the real npm registry and PyPI (marked `network`; pinned versions): a package
that ships no docs is traced to its repository and the release's tag. GitHub itself cannot
be reached from CI's sandbox, so these stop at the plan and clone nothing."""

from pathlib import Path

import pytest

from docshelf.sources.docsites import FolderTree, discover_docs
from docshelf.sources.npm import fetch_npm_package, npm_provenance
from docshelf.sources.pypi import fetch_pypi_package
from docshelf.sources.python_docs import pypi_provenance, read_package_metadata
from docshelf.sources.repo_docs import plan_from_provenance

pytestmark = pytest.mark.network


def test_zod_ships_no_docs_and_its_repository_and_tag_are_known(tmp_path: Path):
    package = fetch_npm_package("zod@3.23.8", tmp_path)
    assert discover_docs(FolderTree(package.root)).readme_only
    plan = plan_from_provenance(package.name, package.version, npm_provenance(package))
    assert plan is not None
    assert (plan.repository, plan.label, plan.tags[0]) == (
        "https://github.com/colinhacks/zod",
        "github.com/colinhacks/zod",
        "v3.23.8",
    )


def test_httpx_sdist_ships_no_docs_and_its_repository_and_tag_are_known(tmp_path: Path):
    package = fetch_pypi_package("httpx==0.28.1", tmp_path)
    assert discover_docs(FolderTree(package.root)).readme_only
    provenance = pypi_provenance(package, read_package_metadata(package.root))
    plan = plan_from_provenance(package.name, package.version, provenance)
    assert plan is not None
    assert plan.repository == "https://github.com/encode/httpx"
    assert "0.28.1" in plan.tags[:2]
