"""The package tools over MCP (in-memory client): list_packages, list_exports, get_export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mcp import Client

from docshelf.server import build_server
from docshelf.shelf import Shelf
from packages.fake_packages import make_kit
from packages.fake_python import make_python_project

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    make_python_project(root)
    (root / "package.json").write_text(json.dumps({"dependencies": {"kit": "^2"}}))
    make_kit(root / "node_modules")
    return root


@pytest.fixture
def shelf(tmp_path: Path):
    with Shelf(tmp_path / "home") as s:
        page = "# Circles\n\nA `Circle` has a radius.\n"
        s.index_files("shapes", "1.2.0", "pypi:shapes@1.2.0", [("guide/circles", page)])
        yield s


async def test_the_package_tools_are_in_the_default_profile_with_short_descriptions(shelf):
    async with Client(build_server(shelf)) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    for name in ("list_packages", "list_exports", "get_export"):
        assert len(tools[name].description or "") < 600, name
        assert "project_path" in tools[name].input_schema["properties"]
        assert "max_tokens" in tools[name].input_schema["properties"]
    assert tools["list_exports"].input_schema["required"] == ["package"]
    assert tools["get_export"].input_schema["required"] == ["package"]


async def test_a_python_export_over_mcp_with_its_docs_pages(shelf, project):
    where = {"project_path": str(project)}
    async with Client(build_server(shelf)) as client:
        packages = await client.call_tool("list_packages", where)
        exports = await client.call_tool("list_exports", {"package": "shapes", **where})
        circle = await client.call_tool(
            "get_export", {"package": "shapes", "name": "Circle", **where}
        )
    assert "- * shapes 1.2.0 (Python): Shapes and areas" in packages.content[0].text
    assert "- Circle (class) shapes/_impl.py:17: A circle of a given radius." in (
        exports.content[0].text
    )
    assert "Circle" in [e["name"] for e in exports.structured_content["exports"]]
    text = circle.content[0].text
    assert "def __init__(self, radius: float" in text
    assert "- guide/circles: Circles" in text
    assert circle.structured_content["docs"][0]["path"] == "guide/circles"


async def test_the_project_the_server_started_in_is_the_default(shelf, project):
    async with Client(build_server(shelf, project=project)) as client:
        exports = await client.call_tool("list_exports", {"package": "kit", "filter": "kit"})
    assert not exports.is_error
    assert "- createKit (function)" in exports.content[0].text


async def test_without_a_project_the_tools_say_which_path_to_pass(shelf):
    async with Client(build_server(shelf)) as client:
        result = await client.call_tool("list_packages", {})
    assert result.is_error and "no project path was given" in result.content[0].text


async def test_a_confined_server_reads_only_its_project(shelf, project, tmp_path):
    other = tmp_path / "other"
    make_python_project(other)
    async with Client(build_server(shelf, project=project, confine=True)) as client:
        inside = await client.call_tool("list_exports", {"package": "shapes"})
        outside = await client.call_tool(
            "list_exports", {"package": "shapes", "project_path": str(other)}
        )
    assert not inside.is_error
    assert outside.is_error and "outside" in outside.content[0].text


async def test_a_confined_server_without_a_project_offers_no_package_tools(shelf):
    async with Client(build_server(shelf, confine=True)) as client:
        names = {t.name for t in (await client.list_tools()).tools}
    assert "search_docs" in names and "list_packages" not in names


async def test_long_answers_come_in_parts_with_the_next_offset(shelf, project):
    args = {"package": "shapes", "project_path": str(project), "max_tokens": 30}
    async with Client(build_server(shelf)) as client:
        first = await client.call_tool("list_exports", args)
        offset = first.structured_content["part"]["next_offset"]
        second = await client.call_tool("list_exports", {**args, "offset": offset})
    assert offset and f"offset={offset}" in first.content[0].text
    names = [e["name"] for e in first.structured_content["exports"]]
    later = [e["name"] for e in second.structured_content["exports"]]
    assert later and not set(names) & set(later)


async def test_bad_input_is_a_tool_error_that_says_what_to_do(shelf, project):
    where = {"project_path": str(project)}
    async with Client(build_server(shelf)) as client:
        missing = await client.call_tool("get_export", {"package": "shapez", **where})
        near = await client.call_tool(
            "get_export", {"package": "shapes", "name": "Circel", **where}
        )
        broken = await client.call_tool("list_exports", {"package": "shapes.broken", **where})
        nowhere = await client.call_tool("list_packages", {"project_path": "/no/such/dir"})
    assert missing.is_error and "Did you mean: shapes" in missing.content[0].text
    assert "`list_packages()`" in missing.content[0].text
    assert near.is_error and "Did you mean: Circle" in near.content[0].text
    assert '`list_exports(package="shapes", filter=<part>)`' in near.content[0].text
    assert broken.is_error and "syntax error" in broken.content[0].text
    assert nowhere.is_error and "does not exist" in nowhere.content[0].text


async def test_the_mastra_profile_is_unchanged_by_the_package_tools(shelf, project):
    async with Client(build_server(shelf, profile="mastra", project=project)) as client:
        names = {t.name for t in (await client.list_tools()).tools}
    assert "list_packages" not in names and "getMastraExports" in names


def served_over_http(monkeypatch, shelf, **options):  # type: ignore[no-untyped-def]
    """The server `serve(..., http=True)` would run, caught before it listens."""
    from docshelf.server import app, http

    caught = []
    monkeypatch.setattr(http, "serve_http", lambda server, *a, **k: caught.append(server))
    app.serve(shelf, http=True, add_default=False, **options)
    return caught[0]


async def test_over_http_the_tools_read_the_folder_the_server_started_in(
    shelf, project, tmp_path, monkeypatch
):
    other = tmp_path / "other"
    make_python_project(other)
    monkeypatch.chdir(project)
    server = served_over_http(monkeypatch, shelf)
    async with Client(server) as client:
        inside = await client.call_tool("list_exports", {"package": "shapes"})
        outside = await client.call_tool(
            "list_exports", {"package": "shapes", "project_path": str(other)}
        )
    assert not inside.is_error
    assert outside.is_error and "the only project this server reads" in outside.content[0].text


async def test_over_http_outside_a_project_the_tools_are_not_offered(shelf, tmp_path, monkeypatch):
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path / "empty")
    async with Client(served_over_http(monkeypatch, shelf)) as client:
        names = {t.name for t in (await client.list_tools()).tools}
    assert "search_docs" in names and "get_export" not in names
