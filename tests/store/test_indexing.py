import sqlite3

import pytest

from docshelf.errors import StoreError
from docshelf.parsing.markdown import parse_page
from docshelf.shelf import Shelf
from docshelf.store import db
from docshelf.store.indexing import path_words, write_version


class Boom(Exception):
    pass


def test_reindex_failing_midway_leaves_previous_index_serving(shelf: Shelf):
    before = shelf.search("tenant sandbox", library="demo")
    assert before

    def pages():
        yield parse_page("new/page", "# New\n\nfresh text\n")
        raise Boom("crash in the middle of indexing")

    with pytest.raises(Boom):
        write_version(shelf.conn, "demo", "local", "x", pages())

    assert [h.path for h in shelf.search("tenant sandbox", library="demo")] == [
        h.path for h in before
    ]
    assert shelf.search("fresh", library="demo") == []
    assert shelf.list_libraries()[0].latest.pages == 8


def test_keyboard_interrupt_midway_rolls_back(shelf: Shelf):
    def pages():
        yield parse_page("a", "# A\n")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_version(shelf.conn, "demo", "local", "x", pages())
    assert shelf.list_libraries()[0].latest.pages == 8


def test_readers_see_old_index_until_the_swap_commits(shelf: Shelf, tmp_path):
    reader = sqlite3.connect(shelf.db_path)
    seen = []

    def pages():
        yield parse_page("only/page", "# Only\n")
        seen.append(reader.execute("SELECT count(*) FROM pages").fetchone()[0])

    write_version(shelf.conn, "demo", "local", "x", pages())
    assert seen == [8]
    assert reader.execute("SELECT count(*) FROM pages").fetchone()[0] == 1
    reader.close()


def test_reindexing_same_version_replaces_it(shelf: Shelf, corpus):
    (corpus / "docs" / "extra.md").write_text("# Extra\n\nquokka\n")
    shelf.add_library(str(corpus), name="demo")
    libs = shelf.list_libraries()
    assert len(libs) == 1 and len(libs[0].versions) == 1
    assert shelf.search("quokka")[0].path == "docs/extra"


def test_foreign_sqlite_file_is_reported_with_the_fix(tmp_path):
    path = tmp_path / "docshelf.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE other (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="docshelf reindex"):
        db.connect(path)


def test_garbage_file_is_reported_with_the_fix(tmp_path):
    path = tmp_path / "docshelf.db"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="docshelf reindex"):
        db.connect(path)


def test_newer_schema_asks_for_upgrade(tmp_path):
    path = tmp_path / "docshelf.db"
    db.connect(path).execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="newer docshelf"):
        db.connect(path)


def test_reindex_rebuilds_a_damaged_index_from_the_manifest(tmp_path, corpus):
    home = tmp_path / "home"
    with Shelf(home) as s:
        s.add_library(str(corpus), name="demo")
    (home / "docshelf.db").write_bytes(b"garbage" * 1000)
    for suffix in ("-wal", "-shm"):
        (home / f"docshelf.db{suffix}").unlink(missing_ok=True)
    with Shelf(home) as s:
        with pytest.raises(StoreError):
            s.list_libraries()
        rebuilt = s.reindex()
        assert [r.ref for r in rebuilt] == ["demo@local"]
        assert s.search("tenant")[0].path == "docs/workspace/sandbox"
    assert (home / "docshelf.db.old").read_bytes() == b"garbage" * 1000  # kept as the backup


def test_path_words_split_separators_and_camel_case():
    assert path_words("reference/ai-sdk/getAgentById") == (
        "reference ai sdk getAgentById get Agent By Id"
    )
