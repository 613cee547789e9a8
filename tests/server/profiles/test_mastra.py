import json
import shutil
import subprocess
from pathlib import Path

import pytest
from mcp import Client

from corpus import CORPUS, write_tree
from docshelf.server import build_server
from docshelf.shelf import Shelf

pytestmark = pytest.mark.anyio
FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "mastra_reference_surface.json"

EXTRA = {
    "guides/migrations/upgrade-to-v1/agent.md": (
        "# Agent class\n\nUpgrade agents.\n\n## Changed\n\n### `getAgents` to `listAgents`\n\n"
        "Rename the call.\n"
    ),
    "course/01-first-agent/01-introduction.md": "# Introduction\n\nWelcome.\n",
    "course/01-first-agent/02-install.md": "# Install\n\nRun npm install.\n",
}


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def mastra_shelf(tmp_path):
    with Shelf(tmp_path / "home") as shelf:
        shelf.add_library(str(write_tree(tmp_path / "src", CORPUS | EXTRA)), name="mastra")
        yield shelf


def schema_type(prop: dict) -> str:
    options = [o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"]
    first = options[0]
    if first.get("type") == "array":
        return f"array<{first['items']['type']}>"
    return first["type"]


async def test_tools_and_prompts_match_the_reference_surface(mastra_shelf):
    expected = json.loads(FIXTURE.read_text())
    async with Client(build_server(mastra_shelf, profile="mastra")) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        prompts = {p.name: p for p in (await client.list_prompts()).prompts}
    assert set(tools) - set(expected["tools"]) == {"mastraChanges"}  # docshelf's addition
    assert set(expected["tools"]) <= set(tools)
    for name, spec in expected["tools"].items():
        schema = tools[name].input_schema
        params = {k: schema_type(v) for k, v in schema.get("properties", {}).items()}
        assert params == spec["params"], name
        assert sorted(schema.get("required", [])) == spec["required"], name
    assert set(prompts) == set(expected["prompts"])
    assert [a.name for a in prompts["upgrade-to-v1"].arguments] == ["area"]
    assert not prompts["upgrade-to-v1"].arguments[0].required


async def test_mastra_docs_description_lists_top_level_paths_from_the_index(mastra_shelf):
    async with Client(build_server(mastra_shelf, profile="mastra")) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    paths_help = tools["mastraDocs"].input_schema["properties"]["paths"]["description"]
    assert "- docs/" in paths_help and "- reference/tools/" in paths_help


async def test_mastra_docs_reads_pages_and_flags_a_miss_with_ranked_suggestions(mastra_shelf):
    async with Client(build_server(mastra_shelf, profile="mastra")) as client:
        page = await client.call_tool("mastraDocs", {"paths": ["docs/workspace/sandbox.md"]})
        miss = await client.call_tool(
            "mastraDocs",
            {"paths": ["docs/agents/missing"], "queryKeywords": ["tenant", "sandbox"]},
        )
    assert not page.is_error and page.content[0].text.startswith("## docs/workspace/sandbox")
    assert miss.is_error
    text = miss.content[0].text
    assert "Nearest existing directory: 'docs/agents'" in text
    suggestions = text.split("might be relevant")[1]
    assert suggestions.splitlines()[2].startswith("- docs/workspace/sandbox")


async def test_escaping_path_is_refused_as_an_error(mastra_shelf):
    async with Client(build_server(mastra_shelf, profile="mastra")) as client:
        result = await client.call_tool("mastraDocs", {"paths": ["../../etc/passwd"]})
    assert result.is_error and "leave the docs root" in result.content[0].text


async def test_migration_course_and_prompts_answer(mastra_shelf):
    async with Client(build_server(mastra_shelf, profile="mastra")) as client:
        listing = await client.call_tool("mastraMigration", {})
        sections = await client.call_tool(
            "mastraMigration", {"path": "upgrade-to-v1/agent", "listSections": True}
        )
        course = await client.call_tool("startMastraCourse", {"email": "dev@example.com"})
        prompt = await client.get_prompt("migration-checklist", {})
    assert "upgrade-to-v1/" in listing.content[0].text
    assert "listAgents" in sections.content[0].text
    assert "nothing was sent" in course.content[0].text
    assert "listAgents" in prompt.messages[0].content.text


async def test_search_mastra_docs_falls_back_to_the_docs_site_with_a_note(mastra_shelf, tmp_path):
    async with Client(build_server(mastra_shelf, profile="mastra")) as client:
        result = await client.call_tool(
            "searchMastraDocs", {"query": "tenant sandbox", "projectPath": str(tmp_path)}
        )
    text = result.content[0].text
    assert "No installed @mastra package" in text
    assert "docs/workspace/sandbox" in text


@pytest.mark.network
async def test_installed_mastra_memory_through_the_profile_tools(mastra_shelf, tmp_path):
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not on PATH; this test installs @mastra/memory@1.31.0 with npm")
    project = tmp_path / "project"
    project.mkdir()
    (project / "package.json").write_text('{"name": "probe", "private": true}\n')
    subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", "@mastra/memory@1.31.0"],
        cwd=project,
        capture_output=True,
        timeout=600,
        check=True,
    )
    where = {"projectPath": str(project / "src")}
    (project / "src").mkdir()
    memory = {"package": "@mastra/memory", **where}
    async with Client(build_server(mastra_shelf, profile="mastra")) as client:
        listed = await client.call_tool("listMastraPackages", where)
        exports = await client.call_tool("getMastraExports", {**memory, "filter": "Memory"})
        details = await client.call_tool(
            "getMastraExportDetails",
            {**memory, "exportName": "memory", "includeImplementation": True},
        )
        exact = await client.call_tool(
            "getMastraExportDetails",
            {**memory, "exportName": "Memory", "includeImplementation": True},
        )
        topics = await client.call_tool("readMastraDocs", memory)
        page = await client.call_tool(
            "readMastraDocs", {**memory, "file": "references/docs-memory-overview.md"}
        )
        found = await client.call_tool(
            "searchMastraDocs", {"query": "working memory template", **where}
        )
        again = await client.call_tool(
            "searchMastraDocs", {"query": "semantic recall", **where, "maxResults": 3}
        )
    assert "@mastra/memory@1.31.0 (skill layout)" in listed.content[0].text
    assert "- Memory from '@mastra/memory'" in exports.content[0].text
    assert details.is_error and "Memory" in details.content[0].text  # did you mean
    assert "declare class Memory" in exact.content[0].text
    assert "## Implementation" in exact.content[0].text
    assert "references" in topics.content[0].text
    assert "# Memory" in page.content[0].text
    assert "@mastra/memory@1.31.0" in found.content[0].text
    assert "working" in found.content[0].text.lower()
    assert again.content[0].text.count("@mastra/memory@1.31.0:") <= 3


async def test_mastra_docs_answers_come_in_parts_without_new_parameters(
    mastra_shelf, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DOCSHELF_MAX_ANSWER_TOKENS", "40")
    paths = {"paths": ["docs/agents/overview", "reference/tools/create-tool"]}
    seen: list[str] = []
    async with Client(build_server(mastra_shelf, profile="mastra")) as client:
        offset = 0
        for _ in range(50):
            result = await client.call_tool("mastraDocs", {**paths, "offset": offset})
            body, _, note = result.content[0].text.partition("\n\n[Answer cut")
            seen.append(body)
            if not note:
                break
            assert len(body) <= 40 * 4
            offset = int(note.rsplit("offset=", 1)[1].split()[0].rstrip(".,)]"))
    whole = "".join(seen)
    assert "Give an agent memory" in whole and "Zod schema for the input" in whole
    assert len(seen) > 2


async def test_mastra_docs_refuses_more_paths_than_the_cap(mastra_shelf):
    async with Client(build_server(mastra_shelf, profile="mastra")) as client:
        result = await client.call_tool("mastraDocs", {"paths": ["docs"] * 2000})
    assert result.is_error and "at most 20 paths" in result.content[0].text
