"""MCP resources: the libraries listing and docs pages by `docs://LIB/VERSION/PATH`."""

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError

from docshelf.server import build_server
from docshelf.server.resources import DOCS_TEMPLATE
from docshelf.shelf import Shelf

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def test_libraries_resource_lists_each_version_with_its_top_uri(shelf: Shelf):
    async with Client(build_server(shelf)) as client:
        listed = (await client.list_resources()).resources
        text = (await client.read_resource("docs://libraries")).contents[0].text
    assert [str(r.uri) for r in listed] == ["docs://libraries"]
    assert "demo local: 8 pages, docs://demo/local/" in text


async def test_docs_template_is_listed_and_reads_a_page_as_markdown(shelf: Shelf):
    async with Client(build_server(shelf)) as client:
        templates = (await client.list_resource_templates()).resource_templates
        result = await client.read_resource("docs://demo/local/docs/agents/overview")
    assert [t.uri_template for t in templates] == [DOCS_TEMPLATE]
    content = result.contents[0]
    assert content.mime_type == "text/markdown"
    assert content.text.startswith("# Agents")


async def test_docs_template_reads_a_directory_as_its_index_and_listing(shelf: Shelf):
    async with Client(build_server(shelf)) as client:
        result = await client.read_resource("docs://demo/local/docs")
    assert "Start here." in result.contents[0].text
    assert "docs/agents/" in result.contents[0].text


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("docs://demo/local/docs/nope", "Nearest existing directory"),
        ("docs://demo/9.9/docs", "no version 9.9"),
        ("docs://nope/1.0/docs", "No library named 'nope'"),
        ("docs://demo/local/../../etc/passwd", "Unknown resource"),
        ("docs://demo/local/%2E%2E/%2E%2E/etc/passwd", "Unknown resource"),
        ("docs://demo/local/%00", "Unknown resource"),
    ],
)
async def test_bad_docs_uri_is_a_not_found_error_that_says_why(shelf: Shelf, uri, expected):
    async with Client(build_server(shelf)) as client:
        with pytest.raises(MCPError) as caught:
            await client.read_resource(uri)
    assert expected in str(caught.value)
