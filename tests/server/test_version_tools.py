"""The version tools over MCP (in-memory client): versions, docs diffs, changelogs, news."""

from __future__ import annotations

import pytest
from mcp import Client

from corpus import SOURCE, V1, V2
from docshelf.server import build_server
from docshelf.server.profiles.mastra import MASTRA_VOICE
from docshelf.shelf import Shelf
from docshelf.sources import npm as npm_source
from docshelf.versions import npm_changelog
from docshelf.versions.answers import mastra_changes
from docshelf.wording import speaking
from npm_fake import FakeNpm, changesets

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def shelf(tmp_path):
    with Shelf(tmp_path / "home") as s:
        s.index_files("demo", "1.0.0", SOURCE.format("1.0.0"), V1.items())
        s.index_files("demo", "2.0.0", SOURCE.format("2.0.0"), V2.items())
        yield s


@pytest.fixture
def npm(monkeypatch) -> FakeNpm:
    npm = FakeNpm()
    versions = ["1.26.0", "1.26.0-alpha.1", "1.25.0", "1.24.0"]
    for i, version in enumerate(reversed(versions)):
        log = changesets("@mastra/core", versions[len(versions) - 1 - i :])
        when = f"2026-09-0{i + 1}T00:00:00.000Z"
        npm.publish("@mastra/core", version, {"CHANGELOG.md": log}, published=when)
    npm.publish("@acme/docs", "2.0.0", {"docs/index.md": "# Demo\n"})
    monkeypatch.setattr(npm_changelog, "open_registry", npm.registry)
    monkeypatch.setattr(npm_source, "NpmRegistry", npm.registry)  # fetching a docs version
    return npm


async def test_version_tools_have_short_agent_descriptions(shelf):
    async with Client(build_server(shelf)) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}

    for name in ("list_versions", "diff_docs", "get_changelog", "whats_new"):
        assert len(tools[name].description) < 600, name
        assert tools[name].output_schema is not None
    assert "offset" in tools["diff_docs"].input_schema["properties"]
    assert tools["get_changelog"].input_schema["required"] == ["package"]


async def test_list_versions_shows_indexed_and_published_versions(shelf, npm):
    async with Client(build_server(shelf)) as client:
        local = await client.call_tool("list_versions", {"library": "demo"})
        remote = await client.call_tool("list_versions", {"library": "demo", "registry": True})

    assert local.structured_content["libraries"][0]["indexed"] == ["2.0.0", "1.0.0"]
    assert "- demo (npm @acme/docs): 2.0.0, 1.0.0" in local.content[0].text
    assert "newest on npm (* indexed): 2.0.0 [latest] *" in remote.content[0].text


async def test_diff_docs_pages_through_the_summary_with_offset(shelf):
    args = {"library": "demo", "from_version": "1.0.0", "to_version": "2.0.0", "max_tokens": 40}
    async with Client(build_server(shelf)) as client:
        first = await client.call_tool("diff_docs", args)
        second = await client.call_tool("diff_docs", {**args, "offset": 2})

    text = first.content[0].text
    assert text.startswith("Docs changes demo@1.0.0 -> demo@2.0.0: 1 added (A)")
    assert "R guide/agents -> concepts/agents  +1 -1  (97% similar)" in text
    assert "call again with the same arguments and `offset=2`" in text
    assert first.structured_content["part"] == {"offset": 0, "next_offset": 2, "total": 4}
    assert second.structured_content["changes"][0]["path"] == "guide/setup"
    assert "    - Setup > Legacy options" in second.content[0].text


async def test_diff_docs_filters_by_prefix_and_status(shelf):
    async with Client(build_server(shelf)) as client:
        result = await client.call_tool(
            "diff_docs", {"library": "demo", "path_prefix": "guide/", "status": ["added"]}
        )

    assert [c["path"] for c in result.structured_content["changes"]] == ["guide/streaming"]
    assert "1 changes match the filter" in result.content[0].text


async def test_diff_docs_with_a_path_returns_that_pages_unified_diff(shelf):
    async with Client(build_server(shelf)) as client:
        result = await client.call_tool("diff_docs", {"library": "demo", "path": "guide/setup"})

    text = result.content[0].text
    assert text.startswith("Page guide/setup (demo@1.0.0 -> demo@2.0.0): modified.\nSections:")
    assert "-npm install @acme/docs\n+npm install @acme/docs@2" in text
    assert result.structured_content["unified_diff"].startswith("--- a/guide/setup.md")


async def test_diff_docs_errors_say_how_to_fix(shelf, npm):
    async with Client(build_server(shelf)) as client:
        missing = await client.call_tool(
            "diff_docs", {"library": "demo", "from_version": "0.9.0", "to_version": "2.0.0"}
        )
        bad_offset = await client.call_tool("diff_docs", {"library": "demo", "offset": 99})

    assert missing.is_error
    assert "has no version matching '0.9.0'; latest is 2.0.0" in missing.content[0].text
    assert bad_offset.is_error and "Use `offset=0` to start over" in bad_offset.content[0].text


async def test_get_changelog_returns_a_range_and_by_default_the_latest_entry(shelf, npm):
    async with Client(build_server(shelf)) as client:
        ranged = await client.call_tool(
            "get_changelog",
            {"package": "@mastra/core", "from_version": "1.24.0", "to_version": "1.26.0"},
        )
        latest = await client.call_tool("get_changelog", {"package": "@mastra/core"})

    assert [e["version"] for e in ranged.structured_content["entries"]] == ["1.26.0", "1.25.0"]
    assert "1 prerelease entry (1.26.0-alpha.1) left out" in ranged.content[0].text
    assert [e["version"] for e in latest.structured_content["entries"]] == ["1.26.0"]


async def test_get_changelog_pages_entries_when_they_do_not_fit(shelf, npm):
    args = {"package": "@mastra/core", "from_version": "1.0.0", "max_tokens": 20}
    async with Client(build_server(shelf)) as client:
        first = await client.call_tool("get_changelog", args)

    assert first.structured_content["part"]["next_offset"] == 1
    assert "[Shown: entries 1-1 of 3." in first.content[0].text


async def test_whats_new_lists_releases_for_a_scope_of_added_packages(shelf, npm):
    async with Client(build_server(shelf)) as client:
        result = await client.call_tool("whats_new", {"packages": ["@acme/*", "@mastra/core"]})

    text = result.content[0].text
    assert text.startswith("npm:@acme/*: 1 of the @acme packages the registry's search lists")
    assert "\n\n## @acme/docs (dist-tags: latest=2.0.0)" in text
    assert "### @mastra/core@1.26.0 — 2026-09-04 [latest]" in text
    releases = result.structured_content["releases"]
    assert [r["version"] for r in releases][:2] == ["2.0.0", "1.26.0"]


async def test_whats_new_with_a_bad_since_is_a_tool_error(shelf, npm):
    async with Client(build_server(shelf)) as client:
        result = await client.call_tool("whats_new", {"packages": ["x"], "since": "soon"})
    assert result.is_error and 'since="14d"' in result.content[0].text


async def test_diff_docs_fetches_and_indexes_a_version_published_on_npm(shelf, npm):
    npm.publish("@acme/docs", "3.0.0", {"docs/index.md": V1["index"], "docs/new.md": "# New\n"})
    async with Client(build_server(shelf)) as client:
        result = await client.call_tool(
            "diff_docs", {"library": "demo", "from_version": "2.0.0", "to_version": "3.0.0"}
        )

    assert "Fetched and indexed for this: demo@3.0.0." in result.content[0].text
    assert "A new  +1 -0" in result.content[0].text
    assert [v.version for v in shelf.list_libraries()[0].versions] == ["3.0.0", "2.0.0", "1.0.0"]


def test_mastra_changes_reads_short_package_names_and_pages(shelf, npm):
    text = mastra_changes(shelf, "core", from_version="1.24.0", to_version="1.26.0")
    with speaking(MASTRA_VOICE):  # as the mastraChanges tool runs it
        cut = mastra_changes(shelf, "@mastra/core", from_version="1.24.0", max_tokens=20)

    assert text.startswith("Changelog of @mastra/core, 1.24.0 < version <= 1.26.0")
    assert "## 1.26.0" in text and "## 1.25.0" in text and "[Shown" not in text
    assert "`offset=1`" in cut
    assert "package='@mastra/core'" in mastra_changes(shelf, None)


async def test_a_since_too_far_back_is_a_usage_error_not_a_crash(shelf, npm):
    async with Client(build_server(shelf)) as client:
        result = await client.call_tool(
            "whats_new", {"packages": ["@mastra/core"], "since": "99999999999d"}
        )
    assert result.is_error
    assert "too far back" in result.content[0].text


async def test_diff_docs_errors_name_the_tool_and_its_parameters_not_a_command(tmp_path):
    with Shelf(tmp_path / "solo") as solo:
        solo.index_files("solo", "1.0.0", "/some/folder", V1.items())
        async with Client(build_server(solo)) as client:
            result = await client.call_tool("diff_docs", {"library": "solo"})
    text = result.content[0].text
    assert result.is_error
    assert '`diff_docs(library="solo", from_version="1.0.0", to_version=<other>)`' in text
    assert "docshelf diff" not in text
