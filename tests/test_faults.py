"""Faults: a full disk, a damaged index, an unreachable or silent registry, a racing re-index."""

from __future__ import annotations

import os
import shutil
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
from registry_server import LoopbackRegistry, serving


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


def _docshelf(home: Path, *args: str, registry: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCSHELF_")}
    env |= {"DOCSHELF_NPM_REGISTRY": registry, "DOCSHELF_SEMANTIC": "off"}
    return subprocess.Popen(
        [sys.executable, "-m", "docshelf", "--home", str(home), *args],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=env,
    )  # fmt: skip


def _libraries(home: Path) -> list[tuple[str, str, int]]:
    with Shelf(home) as shelf:
        return [
            (v.name, v.version, v.pages) for lib in shelf.list_libraries() for v in lib.versions
        ]


def test_a_reindex_killed_midway_leaves_the_old_index_serving_and_is_cleaned_up(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
):
    home = tmp_path / "home"
    with serving(LoopbackRegistry()) as registry:
        registry.publish("@acme/docs", "1.0.0", {"docs/intro.md": "# Intro\n\nHello.\n"})
        monkeypatch.setenv("DOCSHELF_NPM_REGISTRY", registry.url)
        with Shelf(home) as shelf:
            shelf.add_library(str(corpus), name="demo")
            shelf.add_library("npm:@acme/docs@1.0.0", name="acme")
        before = _libraries(home)
        shutil.rmtree(home / "cache")  # the reindex must download acme again

        registry.hold = True  # demo is rebuilt, then acme's download stalls: kill it there
        proc = _docshelf(home, "reindex", "-q", registry=registry.url)
        try:
            assert registry.arrived.wait(60), "the reindex never reached the download"
        finally:
            proc.kill()
            proc.communicate(timeout=60)
        registry.release.set()
        registry.hold = False

        assert _libraries(home) == before  # the old index is whole and still serving
        again = _docshelf(home, "reindex", "-q", registry=registry.url)
        out, err = again.communicate(timeout=120)

    assert again.returncode == 0, err
    assert "Re-indexed acme@1.0.0: 1 pages" in out
    assert _libraries(home) == before
    leftovers = [p.name for p in home.iterdir() if "partial" in p.name or ".old-" in p.name]
    assert leftovers == []
    cache = [
        p.name for p in home.joinpath("cache").rglob("*") if p.name.endswith(("part", "partial"))
    ]
    assert cache == []


def test_reindex_keeps_one_backup_of_the_index_it_replaced(tmp_path: Path, corpus: Path):
    home = tmp_path / "home"
    with Shelf(home) as shelf:
        shelf.add_library(str(corpus), name="demo")
    (home / "docshelf.db.old-20250101T000000").write_bytes(b"an older reindex's leftover")
    for _ in range(3):
        with Shelf(home) as shelf:
            assert [r.ref for r in shelf.reindex()] == ["demo@local"]
    backups = sorted(p.name for p in home.iterdir() if p.name.startswith("docshelf.db."))
    assert backups == ["docshelf.db.old"]
    assert _libraries(home) == [("demo", "local", 8)]
