"""Notices said once per data directory, and again when their state changes."""

from docshelf.store.notices import NOTICES, first_in_state


def test_a_notice_is_new_once_per_state_and_again_when_the_state_changes(tmp_path):
    home = tmp_path / "home"
    assert first_in_state(home, "semantic", "missing: onnx")
    assert not first_in_state(home, "semantic", "missing: onnx")
    assert first_in_state(home, "semantic", "on")
    assert first_in_state(home, "semantic", "missing: onnx")
    assert first_in_state(home, "other", "missing: onnx")  # each notice keeps its own state


def test_a_damaged_notices_file_only_repeats_a_notice(tmp_path):
    (tmp_path / NOTICES).write_text("[not, json")
    assert first_in_state(tmp_path, "semantic", "on")
    assert not first_in_state(tmp_path, "semantic", "on")
