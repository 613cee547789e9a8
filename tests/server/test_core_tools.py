"""The default profile's tools through the SDK's in-memory client: list, search, ask, read."""

import pytest
from mcp import Client

from docshelf.server import build_server
from docshelf.shelf import Shelf

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def test_tools_are_listed_with_agent_descriptions(shelf: Shelf):
    async with Client(build_server(shelf)) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) == {
        *("list_libraries", "search_docs", "ask_docs", "read_docs", "resolve_library"),
        "add_library",
        *("list_versions", "diff_docs", "get_changelog", "whats_new"),
        *("list_packages", "list_exports", "get_export"),
    }
    assert "read_docs" in tools["search_docs"].description
    assert tools["search_docs"].input_schema["required"] == ["query"]
    assert tools["read_docs"].output_schema is not None


async def test_search_docs_returns_text_and_structured_hits(shelf: Shelf):
    async with Client(build_server(shelf)) as client:
        result = await client.call_tool("search_docs", {"query": "tenant sandbox", "limit": 3})
    assert not result.is_error
    assert result.structured_content["hits"][0]["path"] == "docs/workspace/sandbox"
    assert "docs/workspace/sandbox" in result.content[0].text


async def test_search_docs_says_when_full_text_alone_ranked_the_hits(shelf: Shelf):
    async with Client(build_server(shelf)) as client:
        result = await client.call_tool("search_docs", {"query": "tenant sandbox"})
    assert result.structured_content["mode"] == "fulltext"
    note = result.structured_content["note"]
    assert "DOCSHELF_SEMANTIC=off" in note and f"({note})" in result.content[0].text


async def test_ask_docs_returns_sections_with_where_they_are_from_and_a_cursor(shelf: Shelf):
    async with Client(build_server(shelf)) as client:
        first = await client.call_tool(
            "ask_docs", {"query": "agent tools memory", "max_tokens": 60}
        )
        cursor = first.structured_content["cursor"]
        more = await client.call_tool(
            "ask_docs", {"query": "agent tools memory", "max_tokens": 60, "cursor": cursor}
        )
    assert not first.is_error and cursor
    excerpt = first.structured_content["excerpts"][0]
    assert {"path", "heading", "library", "version", "text", "truncated"} <= set(excerpt)
    assert f"## {excerpt['path']}" in first.content[0].text
    assert f'`ask_docs(query="agent tools memory", cursor="{cursor}")`' in first.content[0].text
    shown = {(e["path"], e["heading"]) for e in first.structured_content["excerpts"]}
    assert not shown & {(e["path"], e["heading"]) for e in more.structured_content["excerpts"]}


async def test_ask_docs_with_a_foreign_cursor_is_a_tool_error_saying_what_to_do(shelf: Shelf):
    async with Client(build_server(shelf)) as client:
        first = await client.call_tool(
            "ask_docs", {"query": "agent tools memory", "max_tokens": 30}
        )
        result = await client.call_tool(
            "ask_docs", {"query": "sandbox", "cursor": first.structured_content["cursor"]}
        )
    assert result.is_error and "without a cursor" in result.content[0].text


async def test_read_docs_missing_path_is_an_error_with_a_listing(shelf: Shelf):
    async with Client(build_server(shelf)) as client:
        result = await client.call_tool("read_docs", {"paths": ["docs/agents/nope"]})
    assert result.is_error
    assert "Nearest existing directory" in result.content[0].text


async def test_escaping_path_is_a_tool_error_that_says_how_to_fix(shelf: Shelf):
    async with Client(build_server(shelf)) as client:
        result = await client.call_tool("read_docs", {"paths": ["../../etc/passwd"]})
    assert result.is_error
    assert "relative to the docs root" in result.content[0].text


async def test_unknown_library_is_a_tool_error_naming_the_known_ones(shelf: Shelf):
    async with Client(build_server(shelf)) as client:
        result = await client.call_tool("search_docs", {"query": "x", "library": "nope"})
    assert result.is_error and "demo" in result.content[0].text


async def test_list_libraries_reports_versions(shelf: Shelf):
    async with Client(build_server(shelf)) as client:
        result = await client.call_tool("list_libraries", {})
    lib = result.structured_content["libraries"][0]
    assert lib["name"] == "demo" and lib["versions"][0]["pages"] == 8
    assert lib["versions"][0]["kinds"] == {"guide": 5, "reference": 3}
    assert "(8 pages: 5 guide, 3 reference; " in result.content[0].text
    search = result.structured_content["search"]
    assert search.startswith("Search is full text only: semantic search is off")
    assert search in result.content[0].text


async def test_read_docs_with_section_and_token_cap(shelf: Shelf):
    async with Client(build_server(shelf)) as client:
        result = await client.call_tool(
            "read_docs", {"paths": ["docs/agents/overview"], "max_tokens": 20}
        )
    doc = result.structured_content["results"][0]
    assert doc["truncated"] and doc["omitted_sections"] == ["Agents > Memory", "Agents > Tools"]


async def test_read_docs_answers_are_capped_without_max_tokens(
    shelf: Shelf, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DOCSHELF_MAX_ANSWER_TOKENS", "30")
    async with Client(build_server(shelf)) as client:
        result = await client.call_tool("read_docs", {"paths": ["docs/agents/overview"]})
        again = await client.call_tool(
            "read_docs", {"paths": ["docs/agents/overview"], "max_tokens": 100000}
        )
    doc = result.structured_content["results"][0]
    assert doc["truncated"] and "offset=" in doc["text"]
    assert len(doc["text"].partition("\n\n[")[0]) <= 30 * 4
    assert again.structured_content["results"][0]["truncated"]  # the cap is a ceiling


async def test_read_docs_refuses_thousands_of_paths_at_once(shelf: Shelf):
    async with Client(build_server(shelf)) as client:
        result = await client.call_tool("read_docs", {"paths": ["docs"] * 2000})
    assert result.is_error and "at most 20 paths" in result.content[0].text


async def test_every_tool_answer_is_capped_and_pages_on_with_offset(
    shelf: Shelf, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DOCSHELF_MAX_ANSWER_TOKENS", "40")
    async with Client(build_server(shelf)) as client:
        first = await client.call_tool("search_docs", {"query": "agent", "limit": 8})
        text = first.content[0].text
        offset = int(text.rsplit("offset=", 1)[1].split()[0].rstrip(".,)]"))
        rest = await client.call_tool(
            "search_docs", {"query": "agent", "limit": 8, "offset": offset}
        )
    assert text.partition("\n\n[")[0] and len(text.partition("\n\n[")[0]) <= 40 * 4
    assert "call search_docs again with the same arguments and offset=" in text
    assert not rest.is_error and rest.content[0].text.strip()


async def test_search_docs_says_how_to_read_a_hit_with_read_docs(shelf: Shelf):
    async with Client(build_server(shelf)) as client:
        result = await client.call_tool("search_docs", {"query": "tenant sandbox"})
    text = result.content[0].text
    assert text.endswith('Read a page with `read_docs(paths=[<path>], library="demo")`.')
    assert "docshelf read" not in text


async def test_with_several_libraries_read_docs_asks_for_the_library_parameter(
    shelf: Shelf, corpus
):
    shelf.add_library(str(corpus), name="other")
    async with Client(build_server(shelf)) as client:
        result = await client.call_tool("read_docs", {"paths": ["docs/agents/overview"]})
    assert result.is_error
    assert "say which one with `library=<name>`" in result.content[0].text
    assert "--library" not in result.content[0].text


async def test_tools_on_an_empty_index_say_nothing_is_indexed_and_how_to_add(tmp_path):
    with Shelf(tmp_path / "empty") as empty:
        async with Client(build_server(empty)) as client:
            search = await client.call_tool("search_docs", {"query": "memory"})
            read = await client.call_tool("read_docs", {"paths": ["docs"]})
    for result in (search, read):
        assert result.is_error
        assert "Nothing is indexed yet" in result.content[0].text
        text = result.content[0].text
        assert '`add_library(source="npm:@mastra/mcp-docs-server", name="mastra")`' in text


async def test_search_docs_and_ask_docs_keep_to_a_kind(shelf: Shelf):
    async with Client(build_server(shelf)) as client:
        found = await client.call_tool("search_docs", {"query": "tool", "kind": "reference"})
        asked = await client.call_tool(
            "ask_docs", {"query": "agent tools memory", "kind": "reference"}
        )
        wrong = await client.call_tool("search_docs", {"query": "tool", "kind": "manual"})
    hits = found.structured_content["hits"]
    assert hits and {h["kind"] for h in hits} == {"reference"}
    assert all(h["path"].startswith("reference/") for h in hits)
    assert ", reference): " in found.content[0].text
    excerpts = asked.structured_content["excerpts"]
    assert excerpts and all(e["path"].startswith("reference/") for e in excerpts)
    assert wrong.is_error and "guide, tutorial, course, reference" in wrong.content[0].text
