"""Reindexing into a new database and swapping it in whole."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corpus import write_tree
from docshelf.errors import SourceError
from docshelf.shelf import Shelf


def db_files(home: Path) -> list[str]:
    return sorted(p.name for p in home.iterdir() if p.name.startswith("docshelf.db"))


def test_a_reindex_that_fails_leaves_the_index_and_no_partial_file(tmp_path: Path, corpus: Path):
    home = tmp_path / "home"
    with Shelf(home) as shelf:
        shelf.add_library(str(corpus), name="demo")
        shutil.rmtree(corpus)  # the recorded source is gone: the rebuild fails
        with pytest.raises(SourceError):
            shelf.reindex()
        assert shelf.search("tenant sandbox")[0].path == "docs/workspace/sandbox"
    assert [name for name in db_files(home) if "partial" in name] == []


def test_a_reindex_while_a_server_has_the_index_open_switches_it_in_place(
    tmp_path: Path, corpus: Path
):
    home = tmp_path / "home"
    with Shelf(home) as server, Shelf(home) as cli:
        cli.add_library(str(corpus), name="demo")
        assert server.list_libraries()[0].latest.pages == 8  # the server's connection is open
        write_tree(corpus, {"docs/new.md": "# New page\n\nAdded before the reindex.\n"})
        cli.reindex()
        assert server.list_libraries()[0].latest.pages == 9  # seen at once, no restart
        assert server.search("added before the reindex")[0].path == "docs/new"
    assert db_files(home) == ["docshelf.db"]  # copied in place: nothing replaced, no backup
