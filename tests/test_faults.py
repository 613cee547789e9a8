"""Faults: a full disk, a damaged index, an unreachable or silent registry, a racing re-index."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus import write_tree
from docshelf.errors import DiskFullError
from docshelf.search import hybrid
from docshelf.shelf import Shelf
from docshelf.sources import npm
from docshelf.sources.errors import RegistryError


def test_disk_full_while_indexing_leaves_the_previous_index_intact(shelf: Shelf, corpus: Path):
    before = [h.path for h in shelf.search("tenant sandbox")]
    write_tree(corpus, {f"big/page-{i}.md": f"# Page {i}\n\n{'words ' * 400}\n" for i in range(50)})
    used = shelf.conn.execute("PRAGMA page_count").fetchone()[0]
    shelf.conn.execute(f"PRAGMA max_page_count = {used + 5}")  # the disk is nearly full
    try:
        with pytest.raises(DiskFullError) as caught:
            shelf.add_library(str(corpus), name="demo")
    finally:
        shelf.conn.execute("PRAGMA max_page_count = 1073741823")
    message = str(caught.value)
    assert "demo@local" in message and "previous index is intact" in message
    assert [h.path for h in shelf.search("tenant sandbox")] == before
    assert shelf.list_libraries()[0].latest.pages == 8
    assert not shelf.conn.in_transaction


def test_search_sees_one_snapshot_while_a_reindex_commits_midway(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
):
    with Shelf(tmp_path / "home") as reader, Shelf(tmp_path / "home") as writer:
        reader.add_library(str(corpus), name="demo")
        rank_pages = hybrid.rank
        write_tree(corpus, {"aaa/first.md": "# First\n\nShifts every page id by one.\n"})

        def rank_then_reindex(*args, **kwargs):
            matches = rank_pages(*args, **kwargs)
            writer.add_library(str(corpus), name="demo")  # new page ids commit right here
            return matches

        monkeypatch.setattr(hybrid, "rank", rank_then_reindex)
        hits = reader.search("tenant sandbox")
        monkeypatch.undo()
        assert hits[0].path == "docs/workspace/sandbox"
        assert reader.search("tenant sandbox")[0].path == "docs/workspace/sandbox"


@pytest.mark.parametrize("transport", ["stdio", "http"])
def test_serve_on_a_damaged_index_prints_one_line_with_the_fix(tmp_path: Path, transport):
    home = tmp_path / "home"
    home.mkdir()
    (home / "docshelf.db").write_bytes(b"not a database " * 1000)
    args = ["serve", "--no-default"] + (["--http", "--port", "0"] if transport == "http" else [])
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCSHELF_")}
    done = subprocess.run(
        [sys.executable, "-m", "docshelf", "--home", str(home), *args],
        capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert (
        done.stderr.startswith("docshelf: error: The index at")
        and "docshelf reindex" in done.stderr
    )


class _NoWaitRegistry(npm.NpmRegistry):
    """The real client with its backoff sleeps skipped, so the test does not wait them out."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, sleep=lambda _: None, **kwargs)


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections and never answers: a registry that hangs."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield sock.getsockname()[1]


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


@pytest.mark.parametrize("registry", ["closed_port", "silent_port"])
def test_unreachable_or_silent_registry_fails_clearly_and_indexed_docs_keep_serving(
    shelf: Shelf, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest, registry: str
):
    port = request.getfixturevalue(registry)
    monkeypatch.setenv("DOCSHELF_NPM_REGISTRY", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("DOCSHELF_HTTP_TIMEOUT", "0.3")
    monkeypatch.setattr(npm, "NpmRegistry", _NoWaitRegistry)
    with pytest.raises(RegistryError) as caught:
        shelf.add_library("npm:left-pad@1.3.0", name="leftpad")
    message = str(caught.value)
    assert "gave up after 4 tries" in message and "keep working offline" in message
    assert [lib.name for lib in shelf.list_libraries()] == ["demo"]
    assert shelf.search("tenant sandbox")[0].path == "docs/workspace/sandbox"
