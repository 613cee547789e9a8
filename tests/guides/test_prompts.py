from pathlib import Path

import pytest

from corpus import write_tree
from docshelf.guides.errors import MigrationGuidesNotFoundError
from docshelf.guides.prompts import PromptMessage, migration_checklist, upgrade_to_v1
from docshelf.shelf import Shelf

GUIDES = {
    "docs/index.md": "# Docs\n\nWelcome.\n",
    "guides/migrations/agentnetwork.md": "# Migrate from AgentNetwork\n\n## Memory is required\n",
    "guides/migrations/upgrade-to-v1/overview.md": (
        "# Upgrade to v1\n\n## Migration strategy\n\n```bash\nnpx @mastra/codemod@latest v1\n```\n"
    ),
    "guides/migrations/upgrade-to-v1/agent.md": (
        "# Agent class\n\n## Changed\n\n### `getAgents` to `listAgents`\n\nRename.\n\n"
        "> ```bash\n> npx @mastra/codemod@latest v1/mastra-plural-apis .\n> ```\n\n"
        "### Voice methods moved\n\nUse agent.voice.\n\n## Removed\n\n### `format` parameter\n\n"
        "Gone.\n"
    ),
    "guides/migrations/upgrade-to-v1/workflows.md": (
        "# Workflows\n\n## Changed\n\n### `createRunAsync` to `createRun`\n\nRename.\n"
    ),
    "guides/migrations/upgrade-to-v1/tracing.md": (
        "# Tracing\n\n## Changed\n\n### Observability config\n\nTelemetry became "
        "observability: move the config key.\n"
    ),
    "guides/migrations/upgrade-to-v1/voice.md": (
        "# Voice\n\n## Speaker methods renamed\n\nText.\n\n## Realtime events\n\nText.\n"
    ),
}


def make_shelf(tmp_path: Path, files: dict[str, str]) -> Shelf:
    shelf = Shelf(tmp_path / "home")
    shelf.add_library(str(write_tree(tmp_path / "src", files)), name="mastra")
    return shelf


@pytest.fixture
def shelf(tmp_path: Path):
    with make_shelf(tmp_path, GUIDES) as s:
        yield s


def only_text(messages: list[PromptMessage]) -> str:
    assert len(messages) == 1 and messages[0].role == "user"
    return messages[0].text


def test_upgrade_without_area_lists_every_area_with_headings_after_the_overview(shelf: Shelf):
    text = only_text(upgrade_to_v1(shelf, "mastra"))
    assert 'First read the overview: `mastraMigration` with path="upgrade-to-v1/overview"' in text
    assert "- agent: Agent class (path=upgrade-to-v1/agent, 3 changes, 1 with codemods)" in text
    assert "  Changed: `getAgents` to `listAgents`; Voice methods moved" in text
    assert "  Removed: `format` parameter" in text
    assert "`npx @mastra/codemod@latest v1`" in text
    assert "- overview:" not in text


def test_upgrade_prompt_is_generated_from_the_guides_in_the_index(tmp_path: Path):
    files = {
        **GUIDES,
        "guides/migrations/upgrade-to-v1/rag.md": "# RAG\n\n## Changed\n\n### `chunk` options\n",
    }
    with make_shelf(tmp_path, files) as s:
        text = only_text(upgrade_to_v1(s, "mastra"))
    assert "- rag: RAG (path=upgrade-to-v1/rag, 1 changes)" in text
    assert "`chunk` options" in text


def test_area_matches_a_guide_name_in_singular_or_plural(shelf: Shelf):
    for area in ("agent", "Agents", "workflow"):
        text = only_text(upgrade_to_v1(shelf, "mastra", area))
        assert f'upgrade the "{area}" part' in text
        assert "No guide is named after" not in text
    text = only_text(upgrade_to_v1(shelf, "mastra", "agents"))
    assert '## Agent class (path="upgrade-to-v1/agent")' in text
    assert "- [ ] `getAgents` to `listAgents` (codemod `v1/mastra-plural-apis`)" in text
    assert "`npx @mastra/codemod@latest v1/mastra-plural-apis .`" in text
    assert "Workflows" not in text


def test_area_matches_part_of_a_guide_title(shelf: Shelf):
    text = only_text(upgrade_to_v1(shelf, "mastra", "agent class"))
    assert 'path="upgrade-to-v1/agent"' in text


def test_area_without_a_named_guide_falls_back_to_search(shelf: Shelf):
    text = only_text(upgrade_to_v1(shelf, "mastra", "observability"))
    assert 'No guide is named after "observability"' in text
    assert '## Tracing (path="upgrade-to-v1/tracing")' in text
    assert "Agent class" not in text


def test_area_with_no_match_says_so_and_lists_the_areas(shelf: Shelf):
    text = only_text(upgrade_to_v1(shelf, "mastra", "kubernetes"))
    assert 'no migration guide in mastra@local matches "kubernetes"' in text
    assert "agent (Agent class), tracing (Tracing), voice (Voice), workflows (Workflows)" in text
    assert "overview (" not in text


def test_blank_area_means_every_area(shelf: Shelf):
    assert upgrade_to_v1(shelf, "mastra", "  ") == upgrade_to_v1(shelf, "mastra")


def test_checklist_has_a_box_per_h3_heading_grouped_by_guide(shelf: Shelf):
    text = only_text(migration_checklist(shelf, "mastra"))
    assert '## Agent class (path="upgrade-to-v1/agent")\nChanged:\n' in text
    assert "- [ ] `getAgents` to `listAgents` (codemod `v1/mastra-plural-apis`)\n" in text
    assert "Removed:\n- [ ] `format` parameter" in text
    assert "- [ ] `createRunAsync` to `createRun`" in text
    assert text.count("- [ ]") == 7


def test_checklist_uses_h2_headings_of_a_guide_without_h3(shelf: Shelf):
    text = only_text(migration_checklist(shelf, "mastra"))
    assert '## Voice (path="upgrade-to-v1/voice")\n- [ ] Speaker methods renamed\n' in text


def test_guides_outside_the_v1_folder_are_listed_apart(shelf: Shelf):
    text = only_text(migration_checklist(shelf, "mastra"))
    _, others = text.split("Other migration guides")
    assert "- agentnetwork: Migrate from AgentNetwork" in others
    assert "Memory is required" not in text


def test_without_a_v1_folder_every_guide_is_an_area(tmp_path: Path):
    files = {
        "upgrading/from-2-to-3.md": "# From 2 to 3\n\n## Changed\n\n### `run` is async\n",
        "upgrading/from-1-to-2.md": "# From 1 to 2\n\n## Removed\n\n### `legacy` flag\n",
    }
    with make_shelf(tmp_path, files) as s:
        text = only_text(migration_checklist(s, "mastra"))
        assert "- [ ] `run` is async" in text and "- [ ] `legacy` flag" in text
        assert "Other migration guides" not in text
        text = only_text(upgrade_to_v1(s, "mastra", "2 to 3"))
    assert 'path="from-2-to-3"' in text and "from-1-to-2" not in text


def test_the_tool_named_in_the_messages_can_be_changed(shelf: Shelf):
    text = only_text(upgrade_to_v1(shelf, "mastra", tool="migration_guides"))
    assert "`migration_guides`" in text and "mastraMigration" not in text


def test_prompts_over_a_library_without_guides_raise_with_a_fix(tmp_path: Path):
    with make_shelf(tmp_path, {"a.md": "# A\n"}) as s, pytest.raises(MigrationGuidesNotFoundError):
        migration_checklist(s, "mastra")
