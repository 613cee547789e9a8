"""The server as `docshelf serve` runs it: a real stdio subprocess; profiles."""

import os
import sys

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from docshelf.errors import UsageError
from docshelf.server import build_server
from docshelf.shelf import Shelf

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def test_real_stdio_server_answers_over_a_subprocess(tmp_path, corpus):
    home = tmp_path / "home"
    with Shelf(home) as s:
        s.add_library(str(corpus), name="demo")
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "docshelf", "--home", str(home), "serve", "--no-default"],
        env={**os.environ, "DOCSHELF_LOG_LEVEL": "warning"},
    )
    async with Client(params, read_timeout_seconds=60) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert "search_docs" in names
        result = await client.call_tool("search_docs", {"query": "semantic recall vector"})
    assert result.structured_content["hits"][0]["path"] == "reference/memory/semantic-recall"


def test_an_unknown_profile_lists_the_profiles(shelf: Shelf):
    with pytest.raises(UsageError, match="choose one of: default, mastra"):
        build_server(shelf, profile="nope")
