"""Finding the docs in a repository by its site generator's config, and naming pages by URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import write_tree
from docshelf.errors import SourceError
from docshelf.sources.docsites import FolderTree, discover_docs
from docshelf.sources.siteconfig import glob_match, load_yaml
from docshelf.sources.sitegen import apply_rewrites, docusaurus_id


def layout_of(tmp_path: Path, files: dict[str, str], docs_root: str | None = None):
    write_tree(tmp_path / "repo", files)
    return discover_docs(FolderTree(tmp_path / "repo"), docs_root)


def ids(layout) -> dict[str, str]:
    return {d.page_id: d.path for d in layout.files}


def test_vitepress_pages_are_named_by_clean_url_with_index_as_its_folder(tmp_path: Path):
    layout = layout_of(
        tmp_path,
        {
            "docs/.vitepress/config.ts": "export default defineConfig({ cleanUrls: true })",
            "docs/index.md": "# Home",
            "docs/guide/index.md": "# Guide",
            "docs/guide/features.md": "# Features",
            "docs/blog.md": "# Blog",
            "docs/public/robots.md": "not a page",
            "README.md": "# Repo",
            "packages/x/README.md": "# Package",
        },
    )
    assert layout.describe() == "VitePress site in docs/"
    assert ids(layout) == {
        "index": "docs/index.md",
        "guide": "docs/guide/index.md",
        "guide/features": "docs/guide/features.md",
        "blog": "docs/blog.md",
    }


def test_vitepress_src_dir_src_exclude_and_rewrites_are_read_without_running_the_config(
    tmp_path: Path,
):
    config = """
    // srcDir: 'wrong'
    export default {
      srcDir: './src',
      srcExclude: ['**/drafts/**', 'secret.md'],
      rewrites: {
        'packages/:pkg/src/(.*)': ':pkg/(.*)',
        'old.md': 'new.md',
      },
    }
    """
    layout = layout_of(
        tmp_path,
        {
            "site/.vitepress/config.mts": config,
            "site/src/index.md": "# Home",
            "site/src/old.md": "# Moved",
            "site/src/secret.md": "# Hidden",
            "site/src/drafts/a.md": "# Draft",
            "site/src/packages/pkg-a/src/intro.md": "# Intro",
        },
    )
    assert layout.folder == "site/src"
    assert set(ids(layout)) == {"index", "new", "pkg-a/intro"}


def test_mkdocs_reads_docs_dir_and_tolerates_python_tags(tmp_path: Path):
    config = (
        "site_name: Demo\n"
        "docs_dir: pages\n"
        "markdown_extensions:\n"
        "  - pymdownx.superfences:\n"
        "      custom_fences:\n"
        "        - name: mermaid\n"
        "          format: !!python/name:pymdownx.superfences.fence_code_format ''\n"
        "extra:\n  key: !ENV [API_KEY, none]\n"
        "exclude_docs: |\n  drafts/\n"
        "nav:\n  - Home: index.md\n  - Guide: guide/README.md\n"
    )
    layout = layout_of(
        tmp_path,
        {
            "mkdocs.yml": config,
            "pages/index.md": "# Home",
            "pages/guide/README.md": "# Guide",
            "pages/guide/install.md": "# Install",
            "pages/drafts/wip.md": "# WIP",
            "pages/.hidden/x.md": "# Hidden",
            "docs/other.md": "# Not the docs_dir",
        },
    )
    assert layout.describe() == "MkDocs site in pages/"
    assert set(ids(layout)) == {"index", "guide", "guide/install"}
    assert "nav lists 2 pages" in layout.notes


def test_mkdocs_in_a_translated_site_prefers_english(tmp_path: Path):
    layout = layout_of(
        tmp_path,
        {
            "docs/hi/mkdocs.yml": "INHERIT: ../en/mkdocs.yml\n",
            "docs/hi/docs/index.md": "# Hindi",
            "docs/en/mkdocs.yml": "site_name: X\n",
            "docs/en/docs/index.md": "# English",
            "docs/en/docs/tutorial/index.md": "# Tutorial",
        },
    )
    assert layout.folder == "docs/en/docs"
    assert set(ids(layout)) == {"index", "tutorial"}


def test_load_yaml_returns_none_for_broken_yaml():
    assert load_yaml("a: [unclosed") is None


def test_docusaurus_uses_route_base_path_slugs_ids_and_drops_number_prefixes(tmp_path: Path):
    config = """
    module.exports = {
      presets: [['classic', { docs: { path: 'content', routeBasePath: 'reference' } }]],
    };
    """
    layout = layout_of(
        tmp_path,
        {
            "website/docusaurus.config.js": config,
            "website/content/01-intro.md": "# Intro",
            "website/content/02-guides/index.mdx": "# Guides",
            "website/content/02-guides/03-setup.mdx": "---\nid: install\n---\n# Setup",
            "website/content/moved.md": "---\nslug: /elsewhere/page\n---\n# Moved",
            "website/content/_partial.mdx": "shared text",
        },
    )
    assert layout.describe() == "Docusaurus site in website/content/"
    assert set(ids(layout)) == {
        "reference/intro",
        "reference/guides",
        "reference/guides/install",
        "reference/elsewhere/page",
    }
    assert all(d.format == "mdx" for d in layout.files)


def test_docusaurus_defaults_to_docs_folder_and_docs_route():
    assert docusaurus_id("getting-started/index.md", {}, "docs") == "docs/getting-started"
    assert docusaurus_id("api/api.md", {}, "docs") == "docs/api"
    assert docusaurus_id("index.md", {}, "") == "index"
    assert docusaurus_id("a/b.md", {"slug": "c"}, "docs") == "docs/a/c"


def test_sphinx_names_pages_by_doc_name_and_honours_exclude_patterns(tmp_path: Path):
    conf = (
        "import os\n"
        "project = 'demo'\n"
        "root_doc = 'contents'\n"
        "source_suffix = {'.rst': 'restructuredtext', '.md': 'markdown'}\n"
        "exclude_patterns = ['_build', 'drafts/*']\n"
        "version = os.environ.get('V', '1')\n"
    )
    layout = layout_of(
        tmp_path,
        {
            "docs/source/conf.py": conf,
            "docs/source/index.rst": "Demo\n====\n",
            "docs/source/contents.rst": "Contents\n========\n",
            "docs/source/api/index.rst": "API\n===\n",
            "docs/source/guide.md": "# Guide",
            "docs/source/drafts/wip.rst": "WIP\n===\n",
            "tests/conf.py": "x = 1\n",
        },
    )
    assert layout.describe() == "Sphinx site in docs/source/"
    assert ids(layout) == {
        "index": "docs/source/index.rst",
        "contents": "docs/source/contents.rst",
        "api/index": "docs/source/api/index.rst",
        "guide": "docs/source/guide.md",
    }
    assert {d.format for d in layout.files} == {"rst", "md"}
    assert "root document contents" in layout.notes


def test_starlight_content_folder_with_slug_front_matter(tmp_path: Path):
    layout = layout_of(
        tmp_path,
        {
            "apps/docs/astro.config.mjs": "export default defineConfig({})",
            "apps/docs/src/content/docs/index.mdx": "# Welcome",
            "apps/docs/src/content/docs/Guides/Getting Started.md": "# Start",
            "apps/docs/src/content/docs/old.md": "---\nslug: reference/new\n---\n# New",
        },
    )
    assert layout.describe() == "Starlight site in apps/docs/src/content/docs/"
    assert set(ids(layout)) == {"index", "guides/getting-started", "reference/new"}


def test_next_style_content_folder_maps_files_to_url_paths(tmp_path: Path):
    layout = layout_of(
        tmp_path,
        {
            "next.config.js": "module.exports = {}",
            "src/content/index.md": "# Home",
            "src/content/learn/index.md": "# Learn",
            "src/content/learn/thinking-in-react.md": "# Thinking",
            "src/components/Button.js": "export default 1",
        },
    )
    assert layout.describe() == "Next.js content site in src/content/"
    assert set(ids(layout)) == {"index", "learn", "learn/thinking-in-react"}
    assert {d.format for d in layout.files} == {"mdx"}


def test_a_plain_docs_folder_is_used_when_no_generator_config_exists(tmp_path: Path):
    layout = layout_of(
        tmp_path,
        {"docs/index.md": "# Home", "docs/api/index.md": "# API", "docs/api/x.mdx": "# X"},
    )
    assert layout.describe() == "docs folder docs/"
    # No generator says the URLs: page ids are the file paths, index pages included.
    assert set(ids(layout)) == {"index", "api/index", "api/x"}


def test_fixture_configs_under_tests_are_not_mistaken_for_the_docs_site(tmp_path: Path):
    layout = layout_of(
        tmp_path,
        {
            "packages/x/__tests__/fixtures/.vitepress/config.ts": "export default {}",
            "packages/x/__tests__/fixtures/a.md": "# Fixture",
            "docs/index.md": "# Real docs",
        },
    )
    assert layout.describe() == "docs folder docs/"


def test_readme_and_changelog_are_the_fallback_and_say_so(tmp_path: Path):
    layout = layout_of(tmp_path, {"README.md": "# Lib", "CHANGELOG.md": "# Changes", "a.py": ""})
    assert layout.readme_only
    assert layout.describe() == "README and CHANGELOG only"
    assert set(ids(layout)) == {"README", "CHANGELOG"}


def test_docs_root_overrides_discovery_but_keeps_the_generator_rules_inside_it(tmp_path: Path):
    files = {
        "docs/.vitepress/config.ts": "export default {}",
        "docs/guide/index.md": "# Guide",
        "notes/index.md": "# Notes",
        "notes/a/index.md": "# A",
    }
    assert layout_of(tmp_path, files, "docs").generator == "VitePress"
    notes = layout_of(tmp_path, files, "notes")
    assert (notes.describe(), set(ids(notes))) == ("docs folder notes/", {"index", "a/index"})


def test_docs_root_outside_the_repository_or_missing_is_refused(tmp_path: Path):
    with pytest.raises(SourceError, match="outside the package or repository"):
        layout_of(tmp_path, {"docs/a.md": "# A"}, "../etc")
    with pytest.raises(SourceError, match="folders there: docs"):
        layout_of(tmp_path, {"docs/a.md": "# A"}, "nope")


def test_rewrite_patterns_and_globs():
    assert (
        apply_rewrites("packages/a/src/b/c.md", {"packages/:p/src/(.*)": ":p/(.*)"}) == "a/b/c.md"
    )
    assert glob_match("x/drafts/y.md", "**/drafts/**")
    assert glob_match("_build", "_build")
    assert not glob_match("guide/a.md", "*.md")


# -- folders on disk (npm tarballs, sdists, local folders) ----------------------------------


def test_markdown_and_rst_files_are_read_with_their_format(tmp_path: Path):
    layout = layout_of(
        tmp_path,
        {"docs/a.md": "# A", "docs/b/c.rst": "C\n=", "docs/notes.txt": "plain", "docs/i.png": ""},
    )
    assert [(d.page_id, d.path, d.format) for d in layout.files] == [
        ("a", "docs/a.md", "md"),
        ("b/c", "docs/b/c.rst", "rst"),
    ]


def test_txt_files_count_only_when_the_sphinx_project_declares_them(tmp_path: Path):
    plain = layout_of(
        tmp_path / "plain",
        {"docs/conf.py": "project = 'x'\n", "docs/index.rst": "I\n=", "docs/topic.txt": "T\n="},
    )
    assert set(ids(plain)) == {"index"}
    declared = layout_of(
        tmp_path / "django",
        {
            "docs/conf.py": "source_suffix = {\n    '.rst': 'restructuredtext',\n"
            "    '.txt': 'restructuredtext',\n}\n",
            "docs/index.rst": "I\n=",
            "docs/topic.txt": "T\n=",
        },
    )
    assert declared.generator == "Sphinx"
    assert {d.page_id: d.format for d in declared.files} == {"index": "rst", "topic": "rst"}


def test_links_are_not_followed_and_the_first_of_two_same_pages_wins(tmp_path: Path):
    outside = write_tree(tmp_path / "outside", {"secret.md": "secret"})
    repo = write_tree(tmp_path / "repo", {"docs/intro.md": "md", "docs/intro.rst": "rst"})
    (repo / "docs" / "linked").symlink_to(outside)
    (repo / "docs" / "link.md").symlink_to(outside / "secret.md")
    layout = discover_docs(FolderTree(repo))
    assert [(d.page_id, d.path) for d in layout.files] == [("intro", "docs/intro.md")]


def test_readme_and_changelog_files_in_markdown_or_rst_become_capitalised_pages(
    tmp_path: Path,
):
    layout = layout_of(
        tmp_path,
        {"readme.rst": "R\n=", "CHANGES.md": "# C", "HISTORY.txt": "h", "NEWS.rst": "N\n="},
    )
    assert layout.readme_only
    assert [(d.page_id, d.path, d.format) for d in layout.files] == [
        ("README", "readme.rst", "rst"),
        ("CHANGES", "CHANGES.md", "md"),
        ("NEWS", "NEWS.rst", "rst"),
    ]


def test_a_local_folder_without_a_site_config_is_all_pages_named_by_their_paths(
    tmp_path: Path,
):
    write_tree(tmp_path / "mine", {"index.md": "# I", "guide/index.md": "# G", "docs/a.md": "#"})
    layout = discover_docs(FolderTree(tmp_path / "mine"), whole_folder=True)
    assert layout.describe() == "local folder"
    assert set(ids(layout)) == {"index", "guide/index", "docs/a"}
