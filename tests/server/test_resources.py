import pytest
from mcp import Client
from mcp.shared.exceptions import MCPDeprecationWarning, MCPError
from mcp.types import LoggingMessageNotificationParams, ResourceTemplateReference

from docshelf.server.app import build_server
from docshelf.server.resources import DOCS_TEMPLATE, LogLevels
from docshelf.shelf import Shelf

pytestmark = pytest.mark.anyio
TEMPLATE = ResourceTemplateReference(uri=DOCS_TEMPLATE)


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


async def test_completion_offers_libraries_versions_and_paths(shelf: Shelf):
    async with Client(build_server(shelf)) as client:
        libs = await client.complete(TEMPLATE, {"name": "library", "value": "de"})
        versions = await client.complete(
            TEMPLATE, {"name": "version", "value": ""}, {"library": "demo"}
        )
        paths = await client.complete(
            TEMPLATE, {"name": "path", "value": "docs/agents/"}, {"library": "demo"}
        )
    assert libs.completion.values == ["demo"]
    assert versions.completion.values == ["local"]
    assert paths.completion.values == ["docs/agents/overview", "docs/agents/using-tools"]
    assert paths.completion.total == 2 and not paths.completion.has_more


async def test_completion_of_unknown_things_is_empty_not_an_error(shelf: Shelf):
    async with Client(build_server(shelf)) as client:
        other = await client.complete(
            ResourceTemplateReference(uri="other://{x}"), {"name": "x", "value": "a"}
        )
        unknown = await client.complete(
            TEMPLATE, {"name": "path", "value": ""}, {"library": "nope"}
        )
    assert other.completion.values == [] and unknown.completion.values == []


async def test_set_level_turns_on_tool_call_logs_at_that_level_and_above(shelf: Shelf):
    received: list[LoggingMessageNotificationParams] = []

    async def on_log(params: LoggingMessageNotificationParams) -> None:
        received.append(params)

    server = build_server(shelf)
    async with Client(server, mode="legacy", logging_callback=on_log) as client:
        await client.call_tool("search_docs", {"query": "sandbox"})
        assert received == []  # nothing until the client asks
        with pytest.warns(MCPDeprecationWarning):
            await client.set_logging_level("info")
        await client.call_tool("search_docs", {"query": "sandbox"})
        with pytest.warns(MCPDeprecationWarning):
            await client.set_logging_level("warning")
        await client.call_tool("search_docs", {"query": "sandbox"})
        await client.call_tool("read_docs", {"paths": ["docs/nope"]})
    assert [(r.level, r.data.split(" ")[0]) for r in received] == [
        ("info", "search_docs"),
        ("warning", "read_docs"),
    ]
    assert "answered with an error:" in received[1].data
    assert "No page or directory 'docs/nope'" in received[1].data


async def test_modern_clients_opt_in_to_logs_per_request(shelf: Shelf):
    received: list[LoggingMessageNotificationParams] = []

    async def on_log(params: LoggingMessageNotificationParams) -> None:
        received.append(params)

    async with Client(build_server(shelf), log_level="info", logging_callback=on_log) as client:
        await client.call_tool("list_libraries", {})
    assert [r.level for r in received] == ["info"]
    assert received[0].data.startswith("list_libraries answered in")


def test_log_levels_forget_the_oldest_sessions_beyond_capacity():
    levels = LogLevels(capacity=2)
    for session in ("a", "b", "c"):
        levels.set(session, "debug")
    assert not levels.allows("a", "error")
    assert levels.allows("c", "debug") and levels.allows("c", "error")
