"""The source registry: provenance of fetched docs, and warnings for README-only packages."""

from __future__ import annotations

from pathlib import Path

from corpus import write_tree
from docshelf.progress import SilentReporter
from docshelf.sources.docsites import FolderTree, discover_docs
from docshelf.sources.local import fetch_docs as fetch_local
from docshelf.sources.npm import readme_warning
from docshelf.sources.provenance import Provenance, provenance_from_npm
from docshelf.sources.repo_docs import plan_from_provenance


def test_provenance_names_the_docs_folder_or_the_readme_fallback(tmp_path: Path):
    package = write_tree(tmp_path / "pkg", {".docs/a.md": "# A", "README.md": "# R"})
    assert discover_docs(FolderTree(package)).describe() == "docs folder .docs/"
    readme = write_tree(tmp_path / "readme", {"README.md": "# R", "CHANGELOG.md": "# C"})
    assert discover_docs(FolderTree(readme)).describe() == "README and CHANGELOG only"
    local = fetch_local(str(package), tmp_path / "cache", None, SilentReporter())
    assert local.origin == "local folder"


def test_a_readme_only_npm_package_points_at_its_repository_and_website():
    provenance = provenance_from_npm(
        {
            "repository": {"type": "git", "url": "git+https://github.com/colinhacks/zod.git"},
            "homepage": "https://zod.dev",
        }
    )
    plan = plan_from_provenance("zod", "4.1.12", provenance)
    warning = readme_warning("npm:zod@4.1.12", plan, provenance)
    assert "only its README and CHANGELOG were indexed" in warning
    assert "github.com/colinhacks/zod (`docshelf add npm:zod@4.1.12 --from repo`)" in warning
    assert "its website (https://zod.dev)" in warning


def test_a_readme_only_npm_package_without_metadata_still_says_where_to_look():
    assert "git:URL@TAG" in readme_warning("npm:x@1.0.0", None, Provenance())
