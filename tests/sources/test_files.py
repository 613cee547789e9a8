"""Walking a folder of markdown: only regular files are read, and skips are named."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from docshelf.shelf import Shelf
from docshelf.sources.errors import UnreadableFileError
from docshelf.sources.files import read_regular_text
from hangs import finishes

fifo_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX-only")


@fifo_only
def test_adding_a_folder_with_a_named_pipe_skips_the_pipe_and_says_why(tmp_path: Path) -> None:
    docs = tmp_path / "d"
    docs.mkdir()
    (docs / "intro.md").write_text("# Intro\n\nHello.\n")
    os.mkfifo(docs / "pipe.md")
    with Shelf(tmp_path / "home") as shelf:
        record = finishes(lambda: shelf.add_library(str(docs), name="d"), [docs / "pipe.md"])
        assert record.pages == 1
        assert [s.path for s in record.skipped] == ["pipe.md"]
        assert "named pipe" in record.skipped[0].reason
        assert [p.path for p in shelf.list_pages(shelf.resolve_version("d"))] == ["intro"]


@fifo_only
def test_reading_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    with pytest.raises(UnreadableFileError, match="named pipe"):
        finishes(lambda: read_regular_text(tmp_path / "pipe.md"), [tmp_path / "pipe.md"])


def test_reading_a_file_over_the_size_limit_is_refused_with_its_size(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_bytes(b"x" * 2048)
    with pytest.raises(UnreadableFileError, match=r"2048 bytes, over the 1024-byte limit"):
        read_regular_text(big, max_bytes=1024)
