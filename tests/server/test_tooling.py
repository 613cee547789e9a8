"""Tool registration: a DocshelfError becomes a tool error there, once, for every tool."""

import threading
from pathlib import Path
from typing import Annotated

import anyio
import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS
from pydantic import Field

from docshelf.errors import UsageError
from docshelf.server import build_server
from docshelf.server.tooling import READ_ONLY, ServerState, prompt, tool, tool_result
from docshelf.shelf import Shelf

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


def demo_server(shelf: Shelf, state: ServerState | None = None) -> MCPServer:
    server = MCPServer(name="demo")

    @tool(server, state, annotations=READ_ONLY)
    def echo(word: Annotated[str, Field(description="What to say back.")], times: int = 1) -> str:
        """Say a word back; 'bad' is a usage error and 'boom' a crash."""
        if word == "bad":
            raise UsageError("'bad' is not a word to echo. Pass another word, e.g. 'hello'.")
        if word == "boom":
            raise RuntimeError("internal detail that must not leak")
        return " ".join([word] * times)

    @tool(server, name="shout")
    async def loud(word: str) -> str:
        """Say a word back, loudly.

        An empty word is a usage error.
        """
        if not word:
            raise UsageError("Give a word to shout.")
        return word.upper()

    @prompt(server, name="greet", description="A greeting.")
    def greet(name: str) -> str:
        if not name.strip():
            raise UsageError("Give a name to greet.")
        return f"Hello {name}"

    return server


async def test_tools_keep_their_names_descriptions_and_schemas(shelf: Shelf):
    async with Client(demo_server(shelf)) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) == {"echo", "shout"}
    assert tools["echo"].description.startswith("Say a word back;")
    assert tools["echo"].input_schema["required"] == ["word"]
    assert tools["echo"].input_schema["properties"]["word"]["description"] == "What to say back."
    assert tools["echo"].annotations == READ_ONLY


async def test_descriptions_from_docstrings_lose_their_indentation(shelf: Shelf):
    async with Client(demo_server(shelf)) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert (
        tools["shout"].description == "Say a word back, loudly.\n\nAn empty word is a usage error."
    )


async def test_a_docshelf_error_is_a_tool_error_with_its_message(shelf: Shelf):
    async with Client(demo_server(shelf)) as client:
        ok = await client.call_tool("echo", {"word": "hi", "times": 2})
        bad = await client.call_tool("echo", {"word": "bad"})
        shout = await client.call_tool("shout", {"word": ""})
    assert not ok.is_error and ok.content[0].text == "hi hi"
    assert bad.is_error and "Pass another word, e.g. 'hello'." in bad.content[0].text
    assert shout.is_error and "Give a word to shout." in shout.content[0].text


async def test_other_exceptions_do_not_leak_their_text(shelf: Shelf):
    async with Client(demo_server(shelf)) as client:
        result = await client.call_tool("echo", {"word": "boom"})
    assert result.is_error
    assert "internal detail" not in result.content[0].text


async def test_a_tool_given_the_state_says_to_retry_while_the_default_library_is_added(
    shelf: Shelf,
):
    state = ServerState(shelf)
    shelf.remove_library("demo")
    state.pending = "The default library 'mastra' is being downloaded and indexed."
    async with Client(demo_server(shelf, state)) as client:
        result = await client.call_tool("echo", {"word": "hi"})
    assert result.is_error
    assert "being downloaded and indexed. Try again in a few seconds." in result.content[0].text


async def test_a_tool_waits_briefly_for_the_default_library_and_then_answers(
    shelf: Shelf, corpus: Path
):
    state = ServerState(shelf)
    shelf.remove_library("demo")
    state.pending = "The default library 'mastra' is being downloaded and indexed."
    waiting = threading.Event()

    class Watched(threading.Event):  # the tool's wait polls the stop event: it is waiting
        def wait(self, timeout: float | None = None) -> bool:
            waiting.set()
            return super().wait(timeout)

    state._stopping = Watched()

    def add() -> None:
        waiting.wait(30)  # the tool is waiting before the library is in
        shelf.add_library(str(corpus), name="demo")
        state.pending = None
        shelf.close_thread()

    state.thread = threading.Thread(target=add, daemon=True)
    state.thread.start()
    async with Client(demo_server(shelf, state)) as client:
        with anyio.fail_after(30):
            result = await client.call_tool("echo", {"word": "hi"})
    state.thread.join(30)
    assert not result.is_error
    assert result.content[0].text == "hi"


async def test_a_tool_stops_waiting_for_the_default_library_when_the_server_stops(shelf: Shelf):
    state = ServerState(shelf)
    shelf.remove_library("demo")
    state.pending = "The default library 'mastra' is being downloaded and indexed."
    release = threading.Event()
    state.thread = threading.Thread(target=lambda: release.wait(30), daemon=True)
    state.thread.start()
    state._stopping.set()  # as stop() does first
    try:
        with pytest.raises(ToolError, match=r"Try again in a few seconds\."):
            state.check_ready(wait=30)  # returns at once: nothing waits past a stop
    finally:
        release.set()
        state.thread.join(30)


async def test_prompts_convert_errors_the_same_way(shelf: Shelf):
    async with Client(demo_server(shelf)) as client:
        ok = await client.get_prompt("greet", {"name": "Ada"})
        with pytest.raises(MCPError, match=r"Give a name to greet\.") as caught:
            await client.get_prompt("greet", {"name": " "})
    assert ok.messages[0].content.text == "Hello Ada"
    assert caught.value.error.code == INVALID_PARAMS  # the caller's to fix


def test_a_tool_result_carries_text_and_structured_content():
    plain = tool_result("hello")
    assert plain.content[0].text == "hello" and plain.structured_content is None
    assert not plain.is_error
    failed = tool_result("no", is_error=True)
    assert failed.is_error


@pytest.mark.parametrize("profile", ["default", "mastra"])
async def test_a_missing_argument_is_explained_like_any_other_error(shelf: Shelf, profile):
    tool_name, required = {
        "default": ("search_docs", "query"),
        "mastra": ("searchMastraDocs", "projectPath"),
    }[profile]
    async with Client(build_server(shelf, profile=profile, library="demo")) as client:
        result = await client.call_tool(tool_name, {})
    text = result.content[0].text
    assert result.is_error
    assert "pydantic" not in text and "validation error for" not in text
    assert f"`{required}` is missing" in text
    assert f"call {tool_name} again" in text


async def test_an_argument_of_the_wrong_type_names_the_type_wanted(shelf: Shelf):
    async with Client(build_server(shelf)) as client:
        result = await client.call_tool("search_docs", {"query": "agents", "limit": "many"})
    text = result.content[0].text
    assert result.is_error and "errors.pydantic.dev" not in text
    assert "`limit` must be an integer, not 'many'" in text
