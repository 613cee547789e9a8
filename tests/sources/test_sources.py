"""The source registry: provenance of fetched docs, and warnings for README-only packages."""

from __future__ import annotations

import json
from pathlib import Path

from docshelf.sources import FetchedDocs, describe_docs_root
from docshelf.sources.npm import _npm_readme_warning


def test_provenance_names_the_docs_folder_or_the_readme_fallback(tmp_path: Path):
    (tmp_path / ".docs").mkdir()
    with_docs = FetchedDocs("npm:x@1.0.0", "x", "1.0.0", tmp_path, tmp_path / ".docs")
    assert with_docs.describe() == "docs folder .docs/"
    readme = FetchedDocs("npm:x@1.0.0", "x", "1.0.0", tmp_path, None)
    assert describe_docs_root(readme) == "README and CHANGELOG only"
    local = FetchedDocs(str(tmp_path), "x", "local", tmp_path, tmp_path)
    assert local.describe() == "local folder"


def test_a_readme_only_npm_package_points_at_its_repository_and_website(tmp_path: Path):
    (tmp_path / "package.json").write_text(
        json.dumps(
            {
                "repository": {"type": "git", "url": "git+https://github.com/colinhacks/zod.git"},
                "homepage": "https://zod.dev",
            }
        )
    )
    warning = _npm_readme_warning(tmp_path, "4.1.12")
    assert "only its README and CHANGELOG were indexed" in warning
    assert "`docshelf add github:colinhacks/zod@v4.1.12`" in warning
    assert "its website (https://zod.dev)" in warning


def test_a_readme_only_npm_package_without_metadata_still_says_where_to_look(tmp_path: Path):
    assert "github:OWNER/REPO@TAG" in _npm_readme_warning(tmp_path, "1.0.0")
