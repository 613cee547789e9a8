"""Files written whole or not at all."""

from pathlib import Path

import pytest

from docshelf.files import write_atomically


def test_a_file_is_written_whole_in_a_folder_made_for_it(tmp_path: Path):
    target = tmp_path / "a" / "b" / "state.json"
    write_atomically(target, "{}\n")
    write_atomically(target, '{"new": true}\n')
    assert target.read_text() == '{"new": true}\n'
    assert [p.name for p in target.parent.iterdir()] == ["state.json"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_part(tmp_path: Path):
    target = tmp_path / "state.json"
    target.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        write_atomically(target, "\ud800")  # not encodable: fails while writing
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]
