"""Against the real npm registry (marked `network`; runs in CI, pinned versions)."""

import pytest

from docshelf.shelf import Shelf

pytestmark = pytest.mark.network


def test_add_mastra_docs_from_npm_and_read_a_known_page(tmp_path):
    with Shelf(tmp_path / "home") as shelf:
        record = shelf.add_library("npm:@mastra/mcp-docs-server@1.1.45", name="mastra")
        assert record.version == "1.1.45"
        assert record.source == "npm:@mastra/mcp-docs-server@1.1.45"
        assert record.pages > 700

        page = shelf.read(["reference/workspace/docker-sandbox"], library="mastra")[0]
        assert page.kind == "page" and page.title == "DockerSandbox"
        assert "npm install @mastra/docker" in page.text

        hits = shelf.search("give each tenant its own sandbox", library="mastra@1.1.45")
        assert "docs/workspace/sandbox" in [h.path for h in hits[:5]]

    # Offline after the first fetch: a second add of the same version uses the cache.
    with Shelf(tmp_path / "home") as shelf:
        assert shelf.add_library("npm:@mastra/mcp-docs-server@1.1.45", name="mastra").pages
