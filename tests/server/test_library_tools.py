"""resolve_library and add_library end to end through the SDK's in-memory client, over a
fake npm registry and a fake PyPI on 127.0.0.1; add jobs followed in list_libraries."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
from mcp import Client

from docshelf.server import build_server
from docshelf.server.tooling import ServerState
from docshelf.shelf import Shelf
from npm_fake import FakeNpm, serving
from pypi_fake import FakePypi

pytestmark = pytest.mark.anyio
DOCS = {"docs/index.md": "# Home\n\nWelcome.\n", "docs/guide.md": "# Guide\n\nHow to.\n"}


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def npm(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNpm]:
    fake = FakeNpm()
    fake.publish("zod", "3.23.8", DOCS, tags={})
    fake.publish("zod", "3.25.0", DOCS, manifest={"repository": "github:colinhacks/zod"})
    with serving(fake) as url, FakePypi() as pypi:
        monkeypatch.setenv("DOCSHELF_NPM_REGISTRY", url)
        monkeypatch.setenv("DOCSHELF_PYPI_INDEX", pypi.index_url)
        monkeypatch.setenv("DOCSHELF_PYPI_FILES", pypi.files.url)
        monkeypatch.setenv("DOCSHELF_HTTP_TIMEOUT", "10")
        yield fake


def app_locking_zod(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text(json.dumps({"dependencies": {"zod": "^3.23.0"}}))
    lock = {
        "lockfileVersion": 3,
        "packages": {
            "": {"dependencies": {"zod": "^3.23.0"}},
            "node_modules/zod": {"version": "3.23.8"},
        },
    }
    (root / "package-lock.json").write_text(json.dumps(lock))
    return root


async def wait_for_jobs(state: ServerState) -> None:
    assert state.jobs is not None
    for job in state.jobs.all():
        await anyio.to_thread.run_sync(lambda job=job: job.finished.wait(30))
        assert job.finished.is_set(), job


async def test_resolve_library_names_an_indexed_library(shelf: Shelf, npm):
    async with Client(build_server(shelf)) as client:
        result = await client.call_tool("resolve_library", {"name": "demo"})
    assert not result.is_error
    assert result.structured_content["libraries"][0]["name"] == "demo"
    assert "search it with library='demo'" in result.content[0].text


async def test_resolve_library_says_where_a_package_not_indexed_would_come_from(shelf, npm):
    async with Client(build_server(shelf)) as client:
        result = await client.call_tool("resolve_library", {"name": "zod"})
    (candidate,) = result.structured_content["candidates"]
    assert candidate["source"] == "npm:zod@3.25.0"
    assert "github.com/colinhacks/zod" in candidate["docs_from"]
    assert 'add_library(source="npm:zod@3.25.0")' in result.content[0].text
    assert npm.downloads() == []  # metadata only


async def test_resolve_library_offers_the_version_the_project_locks(shelf, npm, tmp_path):
    app = app_locking_zod(tmp_path / "app")
    async with Client(build_server(shelf, project=app)) as client:
        result = await client.call_tool("resolve_library", {"name": "zod"})
    (candidate,) = result.structured_content["candidates"]
    assert (candidate["source"], candidate["project_version"]) == ("npm:zod@3.23.8", "3.23.8")
    assert "the project locks 3.23.8" in result.content[0].text


async def test_add_library_returns_a_job_whose_progress_list_libraries_shows(shelf, npm):
    state = ServerState(shelf)
    async with Client(build_server(shelf, state=state)) as client:
        started = await client.call_tool("add_library", {"source": "npm:zod@3.23.8"})
        assert not started.is_error, started.content[0].text
        assert started.structured_content["job"] == "1"
        assert "list_libraries()" in started.content[0].text
        await wait_for_jobs(state)
        listed = await client.call_tool("list_libraries", {})
        (job,) = listed.structured_content["jobs"]
        assert (job["state"], job["library"]) == ("done", "zod@3.23.8")
        assert "job 1 npm:zod@3.23.8: done, added as zod@3.23.8" in listed.content[0].text
        hits = await client.call_tool("search_docs", {"query": "how to", "library": "zod"})
    assert hits.structured_content["hits"][0]["library"] == "zod"


async def test_a_job_that_fails_shows_its_error_in_list_libraries(shelf, npm):
    state = ServerState(shelf)
    async with Client(build_server(shelf, state=state)) as client:
        await client.call_tool("add_library", {"source": "npm:no-such-package"})
        await wait_for_jobs(state)
        listed = await client.call_tool("list_libraries", {})
    (job,) = listed.structured_content["jobs"]
    assert job["state"] == "failed" and "No npm package 'no-such-package'" in job["error"]


async def test_an_agent_may_not_add_a_folder_outside_the_project(shelf, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    app = tmp_path / "app"
    (app / "docs").mkdir(parents=True)
    (app / "docs" / "a.md").write_text("# A\n")
    async with Client(build_server(shelf, project=app)) as client:
        refused = await client.call_tool("add_library", {"source": str(outside)})
        inside = await client.call_tool("add_library", {"source": str(app / "docs")})
    assert refused.is_error
    assert "only inside the project" in refused.content[0].text
    assert f"`docshelf add {outside}`" in refused.content[0].text
    assert not inside.is_error


async def test_an_agent_may_not_crawl_a_website_or_repository_host_not_allowed(shelf):
    async with Client(build_server(shelf)) as client:
        site = await client.call_tool("add_library", {"source": "https://docs.example.com/"})
        repo = await client.call_tool("add_library", {"source": "git:https://evil.test/x.git"})
    assert site.is_error and "DOCSHELF_AGENT_WEB_HOSTS" in site.content[0].text
    assert repo.is_error and "DOCSHELF_ALLOWED_REPO_HOSTS" in repo.content[0].text


async def test_an_agent_may_add_a_packages_website_only_on_hosts_the_user_allows(
    shelf: Shelf, npm: FakeNpm, monkeypatch: pytest.MonkeyPatch
):
    from sources.web_fake import FakeSite

    monkeypatch.setenv("DOCSHELF_WEB_DELAY_MS", "0")
    site = FakeSite().start()
    try:
        site.docs("/docs/", "Widget docs", "<p>Start with the widget here.</p>")
        npm.publish(
            "widget", "1.0.0", {"README.md": "# w\n"}, manifest={"homepage": f"{site.url}/docs/"}
        )
        args = {"source": "npm:widget@1.0.0", "docs_from": "site"}
        state = ServerState(shelf)
        async with Client(build_server(shelf, state=state)) as client:
            refused = await client.call_tool("add_library", args)
            assert refused.is_error and "DOCSHELF_AGENT_WEB_HOSTS (none)" in refused.content[0].text
            assert "`docshelf add npm:widget@1.0.0 --from site`" in refused.content[0].text
            monkeypatch.setenv("DOCSHELF_AGENT_WEB_HOSTS", "docs.example.com")
            elsewhere = await client.call_tool("add_library", args)
            assert not elsewhere.is_error, elsewhere.content[0].text
            await wait_for_jobs(state)
            assert site.requests == []
            monkeypatch.setenv("DOCSHELF_AGENT_WEB_HOSTS", "docs.example.com,127.0.0.1")
            await client.call_tool("add_library", args)
            await wait_for_jobs(state)
            listed = await client.call_tool("list_libraries", {})
    finally:
        site.stop()
    failed, done = listed.structured_content["jobs"]
    assert failed["state"] == "failed"
    assert f"may not crawl npm:widget@1.0.0's docs website {site.url}/docs/:" in failed["error"]
    assert (done["state"], done["library"]) == ("done", "widget@1.0.0")


async def test_without_allow_add_there_is_no_add_tool_and_messages_say_the_command(shelf):
    async with Client(build_server(shelf, allow_add=False)) as client:
        tools = {t.name for t in (await client.list_tools()).tools}
        missing = await client.call_tool("search_docs", {"query": "x", "library": "demo@9.9"})
    assert "resolve_library" in tools and "add_library" not in tools
    assert "`docshelf add" in missing.content[0].text


@pytest.mark.parametrize("deferred", [False, True], ids=["registered", "deferred"])
async def test_in_a_project_search_and_read_default_to_the_version_it_locks(
    tmp_path, npm, deferred
):
    npm.publish("zod", "3.23.8", {"docs/index.md": "# Home\n\nThe old zod.\n"}, tags={})
    with Shelf(tmp_path / "home") as shelf:
        shelf.add_library("npm:zod@3.23.8")
        shelf.add_library("npm:zod@3.25.0")
        app = app_locking_zod(tmp_path / "app")
        kept = tmp_path / "tools.json" if deferred else None  # as a stdio server starts
        async with Client(build_server(shelf, project=app, tool_list=kept)) as client:
            hits = await client.call_tool("search_docs", {"query": "home", "library": "zod"})
            read = await client.call_tool("read_docs", {"paths": ["index"], "library": "zod"})
        assert hits.structured_content["hits"][0]["version"] == "3.23.8"
        assert read.structured_content["results"][0]["version"] == "3.23.8"
        async with Client(build_server(Shelf(tmp_path / "home"))) as client:  # no project
            newest = await client.call_tool("read_docs", {"paths": ["index"], "library": "zod"})
        assert newest.structured_content["results"][0]["version"] == "3.25.0"


async def test_a_library_added_by_add_library_gets_its_page_vectors_in_the_background(
    shelf: Shelf, npm
):
    from search.fake_embedder import FakeEmbedder, with_fake_semantic

    with_fake_semantic(shelf, FakeEmbedder())
    state = ServerState(shelf)
    async with Client(build_server(shelf, state=state, background=False)) as client:
        await client.call_tool("add_library", {"source": "npm:zod@3.23.8"})
        await wait_for_jobs(state)
        builder = shelf.semantic.busy()
        if builder is not None:
            await anyio.to_thread.run_sync(lambda: builder.join(30))
    assert [ref.record.ref for ref in shelf.missing_vectors(units=("pages",))] == []
