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


def test_building_the_server_imports_none_of_the_models_packages(tmp_path, corpus):
    """Start-up stays as fast as with full text only: the model loads in the background."""
    import subprocess

    with Shelf(tmp_path / "home") as shelf:
        shelf.add_library(str(corpus), name="demo")
    script = (
        "import sys\n"
        "from docshelf.server import build_server\n"
        "from docshelf.shelf import Shelf\n"
        f"shelf = Shelf({str(tmp_path / 'home')!r})\n"
        "assert shelf.semantic.available\n"
        "build_server(shelf)\n"
        "shelf.search('tenant sandbox')\n"
        "shelf.search_status()\n"
        "print(sorted(m for m in ('numpy', 'onnxruntime', 'tokenizers') if m in sys.modules))\n"
    )
    env = {**os.environ, "DOCSHELF_SEMANTIC": "auto"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
