"""A stdio server's tools registered after the first tools/list, which a kept list answers."""

import json
import os
from pathlib import Path

import pytest
from mcp import Client

from docshelf.server import build_server
from docshelf.server.deferred_tools import fingerprint
from docshelf.shelf import Shelf

pytestmark = pytest.mark.anyio
WAIT_S = 30


@pytest.fixture
def anyio_backend():
    return "asyncio"


def _dumped(tools) -> list[dict]:
    return [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools]


async def _listed(server) -> list[dict]:
    async with Client(server) as client:
        return _dumped((await client.list_tools()).tools)


async def test_a_first_start_registers_the_tools_and_keeps_their_list(shelf: Shelf, tmp_path: Path):
    kept = tmp_path / "cache" / "tools.json"
    deferred = build_server(shelf, tool_list=kept)
    listed = await _listed(deferred)
    assert listed == await _listed(build_server(shelf))
    assert deferred.deferred is not None and deferred.deferred.ready
    assert json.loads(kept.read_text())["tools"] == listed


async def test_a_later_start_answers_from_the_kept_list_then_registers(
    shelf: Shelf, tmp_path: Path
):
    kept = tmp_path / "tools.json"
    await _listed(build_server(shelf, tool_list=kept))
    data = json.loads(kept.read_text())
    data["tools"][0]["description"] = "kept, not registered"
    kept.write_text(json.dumps(data))

    server = build_server(shelf, tool_list=kept)
    async with Client(server) as client:
        tools = (await client.list_tools()).tools
        assert tools[0].description == "kept, not registered"  # answered from the file
        result = await client.call_tool("search_docs", {"query": "tenant sandbox", "limit": 3})
    assert not result.is_error
    assert result.structured_content["hits"][0]["path"] == "docs/workspace/sandbox"
    assert server.deferred is not None and server.deferred.checked.wait(WAIT_S)
    # The registered tools differed from what was answered: the file is right again.
    assert json.loads(kept.read_text())["tools"] == await _listed(build_server(shelf))


async def test_a_call_before_any_list_registers_the_tools(shelf: Shelf, tmp_path: Path):
    server = build_server(shelf, tool_list=tmp_path / "tools.json")
    async with Client(server) as client:
        result = await client.call_tool("list_libraries", {})
    assert not result.is_error
    assert server.deferred is not None and server.deferred.ready


@pytest.mark.parametrize("content", ["{not json", '{"key": "another start", "tools": []}', "[]"])
async def test_a_damaged_or_foreign_kept_list_is_replaced(
    shelf: Shelf, tmp_path: Path, content: str
):
    kept = tmp_path / "tools.json"
    kept.write_text(content)
    listed = await _listed(build_server(shelf, tool_list=kept))
    assert len(listed) == 13
    assert json.loads(kept.read_text())["tools"] == listed


async def test_a_server_of_other_options_keeps_its_own_list(shelf: Shelf, tmp_path: Path):
    kept = tmp_path / "tools.json"
    await _listed(build_server(shelf, tool_list=kept))
    read_only = await _listed(build_server(shelf, tool_list=kept, allow_add=False))
    assert "add_library" not in {t["name"] for t in read_only}
    assert json.loads(kept.read_text())["tools"] == read_only


async def test_a_list_that_cannot_be_written_only_costs_time(shelf: Shelf, tmp_path: Path):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder would go")
    listed = await _listed(build_server(shelf, tool_list=blocker / "tools.json"))
    assert len(listed) == 13


def test_the_fingerprint_changes_with_the_options_and_a_source_file(tmp_path: Path):
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    source = tmp_path / "pkg" / "sub" / "tools.py"
    source.write_text("def tool(): ...\n")
    (tmp_path / "pkg" / "notes.txt").write_text("not a source")
    roots = [str(tmp_path / "pkg")]
    first = fingerprint({"profile": "default"}, roots)
    assert fingerprint({"profile": "default"}, roots) == first
    assert fingerprint({"profile": "default", "allow_add": False}, roots) != first
    (tmp_path / "pkg" / "notes.txt").write_text("still not a source")
    assert fingerprint({"profile": "default"}, roots) == first
    stat = source.stat()
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert fingerprint({"profile": "default"}, roots) != first


async def test_the_mastra_profile_keeps_its_list_keyed_by_the_version_it_describes(
    shelf: Shelf, tmp_path: Path, corpus: Path
):
    kept = tmp_path / "tools.json"
    listed = await _listed(build_server(shelf, profile="mastra", library="demo", tool_list=kept))
    assert listed == await _listed(build_server(shelf, profile="mastra", library="demo"))
    key = json.loads(kept.read_text())["key"]
    (corpus / "newtopic").mkdir()
    (corpus / "newtopic" / "intro.md").write_text("# New topic\n\nA new top-level folder.\n")
    shelf.add_library(str(corpus), name="demo")  # indexed again, with a new folder
    again = await _listed(build_server(shelf, profile="mastra", library="demo", tool_list=kept))
    assert json.loads(kept.read_text())["key"] != key
    docs = next(t for t in again if t["name"] == "mastraDocs")
    assert "newtopic" in docs["inputSchema"]["properties"]["paths"]["description"]
