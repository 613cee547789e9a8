from pathlib import Path

import pytest

from corpus import write_tree
from docshelf.errors import InvalidPathError
from docshelf.guides.errors import (
    GuideSectionNotFoundError,
    MigrationGuideNotFoundError,
    MigrationGuidesNotFoundError,
)
from docshelf.guides.migration_browser import browse_migrations
from docshelf.guides.migrations import (
    codemod_name,
    find_migrations_root,
    list_guide_sections,
    list_migration_guides,
    outline_migration_guides,
)
from docshelf.shelf import Shelf

CODEMOD = (
    "> **Codemod:** update your code automatically:\n>\n> ```bash\n"
    "> npx @mastra/codemod@latest v1/{name} .\n> ```\n>\n> ```bash\n"
    "> pnpm dlx @mastra/codemod@latest v1/{name} .\n> ```\n"
)
GUIDES = {
    "index.md": "# Docs\n\nWelcome.\n",
    "docs/agents/overview.md": "# Agents\n\nPass a RuntimeContext to every agent call.\n",
    "guides/migrations/agentnetwork.md": (
        "# Migrate from AgentNetwork\n\n## Memory is required\n\nConfigure memory.\n"
    ),
    "guides/migrations/upgrade-to-v1/overview.md": (
        "# Upgrade to v1\n\n## Migration strategy\n\nRun `npx @mastra/codemod@latest v1` first.\n"
    ),
    "guides/migrations/upgrade-to-v1/agent.md": (
        "# Agent class\n\nThe Agent class changed.\n\n## Changed\n\n"
        "### `getAgents` to `listAgents`\n\nRename the calls.\n\n"
        + CODEMOD.format(name="mastra-plural-apis")
        + "\n### Voice methods moved to `agent.voice`\n\nUse agent.voice.speak().\n\n"
        "#### Example\n\n```ts\n# not a heading\nawait agent.voice.speak('hi');\n```\n\n"
        "## Removed\n\n### `format` parameter\n\nThe format option is gone.\n"
    ),
    "guides/migrations/upgrade-to-v1/memory.md": (
        "# Memory\n\n## Changed\n\n### `Memory.query()` renamed to `Memory.recall()`\n\n"
        "Replace query with recall; RuntimeContext is now RequestContext here too.\n"
    ),
}


@pytest.fixture
def shelf(tmp_path: Path):
    with Shelf(tmp_path / "home") as s:
        s.add_library(str(write_tree(tmp_path / "docs-src", GUIDES)), name="mastra")
        yield s


def test_guides_folder_is_found_in_the_1_1_layout(shelf: Shelf):
    assert find_migrations_root(shelf, "mastra") == "guides/migrations"


def test_guides_folder_is_found_in_the_1_2_layout(tmp_path: Path):
    moved = {k.replace("guides/", "reference/"): v for k, v in GUIDES.items()}
    with Shelf(tmp_path / "home") as s:
        s.add_library(str(write_tree(tmp_path / "src", moved)), name="mastra")
        assert find_migrations_root(s, "mastra") == "reference/migrations"
        answer = browse_migrations(s, "mastra", "upgrade-to-v1/agent")
    assert answer.kind == "guide" and "Rename the calls." in answer.text


def test_no_path_lists_top_level_guides_and_folders(shelf: Shelf):
    answer = browse_migrations(shelf, "mastra")
    assert answer.kind == "listing" and answer.path == ""
    assert "- upgrade-to-v1/ (3 guides)" in answer.text
    assert "- agentnetwork: Migrate from AgentNetwork" in answer.text
    assert "queryKeywords" in answer.text


def test_folder_path_lists_its_guides_with_or_without_trailing_slash(shelf: Shelf):
    with_slash = browse_migrations(shelf, "mastra", "upgrade-to-v1/")
    without = browse_migrations(shelf, "mastra", "upgrade-to-v1")
    assert with_slash.kind == without.kind == "listing"
    assert with_slash.text == without.text
    assert "- upgrade-to-v1/agent: Agent class" in with_slash.text
    assert "agentnetwork" not in with_slash.text


def test_guide_path_returns_the_whole_guide_and_names_its_codemods(shelf: Shelf):
    answer = browse_migrations(shelf, "mastra", "upgrade-to-v1/agent.md")
    assert answer.kind == "guide" and answer.path == "upgrade-to-v1/agent"
    assert "The Agent class changed." in answer.text and "The format option is gone." in answer.text
    assert "- `npx @mastra/codemod@latest v1/mastra-plural-apis .`" in answer.text
    assert "pnpm dlx" not in answer.text.split("---")[-1]


def test_list_sections_shows_h2_and_h3_headings_with_codemods(shelf: Shelf):
    answer = browse_migrations(shelf, "mastra", "upgrade-to-v1/agent", list_sections=True)
    assert answer.kind == "section_list"
    lines = answer.text.splitlines()
    assert "## Changed" in lines
    assert "### `getAgents` to `listAgents` (codemod `v1/mastra-plural-apis`)" in lines
    assert "### Voice methods moved to `agent.voice`" in lines
    assert not any(line.startswith("#### ") or "not a heading" in line for line in lines)


def test_sections_match_title_words_case_insensitively_and_come_whole(shelf: Shelf):
    answer = browse_migrations(shelf, "mastra", "upgrade-to-v1/agent", sections=["VOICE"])
    assert answer.kind == "sections"
    assert "Use agent.voice.speak()." in answer.text
    assert "#### Example" in answer.text and "# not a heading" in answer.text
    assert "Rename the calls." not in answer.text


def test_h2_section_brings_its_h3_sections_once(shelf: Shelf):
    answer = browse_migrations(
        shelf, "mastra", "upgrade-to-v1/agent", sections=["changed", "getAgents"]
    )
    assert "1 section(s)" in answer.text
    assert answer.text.count("Rename the calls.") == 1
    assert "Use agent.voice.speak()." in answer.text
    assert "The format option is gone." not in answer.text


def test_unknown_section_raises_with_the_guide_headings(shelf: Shelf):
    with pytest.raises(GuideSectionNotFoundError) as info:
        browse_migrations(shelf, "mastra", "upgrade-to-v1/agent", sections=["pagination"])
    message = str(info.value)
    assert "### `format` parameter" in message
    assert "Call again with sections" in message


def test_missing_guide_raises_with_nearest_listing_and_suggestions(shelf: Shelf):
    with pytest.raises(MigrationGuideNotFoundError) as info:
        browse_migrations(shelf, "mastra", "upgrade-to-v1/agnet")
    error = info.value
    assert error.suggestions[0] == "upgrade-to-v1/agent"
    assert "Did you mean: upgrade-to-v1/agent" in str(error)
    assert "- upgrade-to-v1/memory: Memory" in str(error)
    assert "Call again with one of these paths" in str(error)


def test_missing_folder_lists_the_top_level(shelf: Shelf):
    with pytest.raises(MigrationGuideNotFoundError) as info:
        browse_migrations(shelf, "mastra", "upgrade-to-v9/")
    assert "- upgrade-to-v1/ (3 guides)" in str(info.value)


def test_query_keywords_search_only_the_guides_best_first(shelf: Shelf):
    answer = browse_migrations(shelf, "mastra", query_keywords=["recall", "RuntimeContext"])
    assert answer.kind == "search"
    hits = [line for line in answer.text.splitlines() if line[:1].isdigit()]
    assert hits[0] == "1. upgrade-to-v1/memory: Memory"
    assert "docs/agents" not in answer.text
    assert 'sections=["Memory.query() renamed to Memory.recall()"]' in answer.text


def test_query_keywords_with_no_hit_says_how_to_go_on(shelf: Shelf):
    answer = browse_migrations(shelf, "mastra", query_keywords="kubernetes")
    assert "No migration guide" in answer.text and "no arguments" in answer.text


def test_full_docs_paths_and_other_layout_paths_are_accepted(shelf: Shelf):
    full = browse_migrations(shelf, "mastra", "guides/migrations/upgrade-to-v1/memory")
    other = browse_migrations(shelf, "mastra", "reference/migrations/upgrade-to-v1/memory")
    assert full.path == other.path == "upgrade-to-v1/memory"
    assert full.text == other.text


def test_paths_leaving_the_docs_root_are_refused(shelf: Shelf):
    with pytest.raises(InvalidPathError):
        browse_migrations(shelf, "mastra", "../../etc/passwd")


def test_library_without_guides_says_how_to_fix_the_call(tmp_path: Path):
    with Shelf(tmp_path / "home") as s:
        s.add_library(str(write_tree(tmp_path / "src", {"a.md": "# A\n"})), name="mastra")
        assert find_migrations_root(s, "mastra") is None
        with pytest.raises(MigrationGuidesNotFoundError) as info:
            browse_migrations(s, "mastra")
    assert "mastra@local has no migration guides" in str(info.value)
    assert "version of the library that ships" in str(info.value)


def test_structured_listing_and_outline_of_the_guides(shelf: Shelf):
    guides = list_migration_guides(shelf, "mastra")
    assert [g.path for g in guides] == [
        "agentnetwork",
        "upgrade-to-v1/agent",
        "upgrade-to-v1/memory",
        "upgrade-to-v1/overview",
    ]
    sections = list_guide_sections(shelf, "upgrade-to-v1/agent", "mastra")
    assert [(s.level, s.heading, s.parent) for s in sections] == [
        (2, "Changed", ""),
        (3, "getAgents to listAgents", "Changed"),
        (3, "Voice methods moved to agent.voice", "Changed"),
        (2, "Removed", ""),
        (3, "format parameter", "Removed"),
    ]
    assert [codemod_name(c) for c in sections[1].codemods] == ["v1/mastra-plural-apis"]
    outline = outline_migration_guides(shelf, "mastra")
    assert outline.library == "mastra@local" and outline.root == "guides/migrations"
    assert len(outline.outlines) == 4
