"""Middleware: tool calls logged to the clients that ask for logs."""

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPDeprecationWarning
from mcp.types import LoggingMessageNotificationParams

from docshelf.server import build_server
from docshelf.server.middleware import LogLevels
from docshelf.shelf import Shelf

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


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
