"""Completion of the docs template's library, version and path."""

import pytest
from mcp import Client
from mcp.types import ResourceTemplateReference

from docshelf.server import build_server
from docshelf.server.resources import DOCS_TEMPLATE
from docshelf.shelf import Shelf

pytestmark = pytest.mark.anyio
TEMPLATE = ResourceTemplateReference(uri=DOCS_TEMPLATE)


@pytest.fixture
def anyio_backend():
    return "asyncio"


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
