import json
import socket
from pathlib import Path

import pytest

from corpus import write_tree
from docshelf.guides import course, course_progress
from docshelf.guides.course import (
    clear_history,
    get_course_status,
    next_step,
    start_course,
    start_lesson,
)
from docshelf.guides.errors import CourseNotFoundError, LessonNotFoundError
from docshelf.parsing.markdown import parse_page
from docshelf.shelf import Shelf
from docshelf.store.indexing import write_version

COURSE = {
    "index.md": "# Docs\n",
    "course/01-first-agent/01-introduction.md": "# Getting started\n\nWelcome to lesson one.\n",
    "course/01-first-agent/02-what-is-mastra.md": "# What is Mastra?\n\nA framework.\n",
    "course/01-first-agent/10-conclusion.md": "# Conclusion\n\nDone with agents.\n",
    "course/02-tools/01-understanding-tools.md": "# Tools\n\n> Quote me exactly.\n",
    "course/02-tools/02-testing-tools.md": "# Testing tools\n\nRun the tests.\n",
}


def make_shelf(home: Path, src: Path, files: dict[str, str]) -> Shelf:
    shelf = Shelf(home)
    shelf.add_library(str(write_tree(src, files)), name="mastra")
    return shelf


@pytest.fixture
def shelf(tmp_path: Path):
    with make_shelf(tmp_path / "home", tmp_path / "src", COURSE) as s:
        yield s


def progress_file(shelf: Shelf) -> Path:
    return shelf.home / "course" / "mastra.json"


def saved(shelf: Shelf) -> dict:
    return json.loads(progress_file(shelf).read_text())


def test_start_course_welcomes_lists_lessons_and_opens_the_first_step(shelf: Shelf):
    reply = start_course(shelf, "mastra")
    assert "# Welcome to the Mastra course" in reply.text
    assert "1. first-agent (3 steps)\n2. tools (2 steps)" in reply.text
    assert 'lesson 1 of 2, "first-agent"; step 1 of 3, "introduction"' in reply.text
    assert "<step-content>\n# Getting started\n\nWelcome to lesson one.\n</step-content>" in (
        reply.text
    )
    assert "call `nextMastraCourseStep`; it marks this step done and opens step 2 of 3" in (
        reply.text
    )
    assert reply.status.current_lesson == "first-agent"
    assert reply.status.current_step == "introduction"
    assert saved(shelf)["current"] == {"lesson": "first-agent", "step": "introduction"}


def test_email_is_accepted_but_nothing_is_sent_or_stored(
    shelf: Shelf, monkeypatch: pytest.MonkeyPatch
):
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the course must not touch the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    reply = start_course(shelf, "mastra", email="ada@example.com")
    assert "nothing was sent" in reply.text and "no account was created" in reply.text
    assert str(progress_file(shelf)) in reply.notices[0]
    assert "ada@example.com" not in progress_file(shelf).read_text()


def test_next_step_marks_the_step_done_and_opens_the_next(shelf: Shelf):
    start_course(shelf, "mastra")
    reply = next_step(shelf, "mastra")
    assert reply.text.startswith('Step 1, "introduction", is done.')
    assert 'step 2 of 3, "what-is-mastra"' in reply.text and "A framework." in reply.text
    assert saved(shelf)["lessons"]["first-agent"] == {
        "introduction": "done",
        "what-is-mastra": "started",
        "conclusion": "todo",
    }


def test_steps_are_ordered_by_number_not_by_text(shelf: Shelf):
    start_course(shelf, "mastra")
    next_step(shelf, "mastra")
    reply = next_step(shelf, "mastra")
    assert 'step 3 of 3, "conclusion"' in reply.text
    assert 'finishes this lesson and opens lesson 2, "tools"' in reply.text


def test_finishing_a_lesson_moves_on_to_the_next_lesson(shelf: Shelf):
    start_course(shelf, "mastra")
    for _ in range(2):
        next_step(shelf, "mastra")
    reply = next_step(shelf, "mastra")
    assert 'You have finished lesson 1, "first-agent"!' in reply.text
    assert 'lesson 2 of 2, "tools"; step 1 of 2' in reply.text
    assert "> Quote me exactly." in reply.text


def test_finishing_every_step_congratulates_and_leaves_no_step_open(shelf: Shelf):
    start_course(shelf, "mastra")
    for _ in range(4):
        next_step(shelf, "mastra")
    reply = next_step(shelf, "mastra")
    assert "every lesson of the Mastra course is done" in reply.text
    assert reply.status.steps_done == reply.status.steps_total == 5
    assert reply.status.lessons_done == 2 and reply.status.current_step == ""
    assert "every lesson" in start_course(shelf, "mastra").text


def test_progress_survives_a_restart(tmp_path: Path):
    with make_shelf(tmp_path / "home", tmp_path / "src", COURSE) as first:
        start_course(first, "mastra")
        next_step(first, "mastra")
    with Shelf(tmp_path / "home") as again:
        reply = start_course(again, "mastra")
    assert reply.text.startswith("Welcome back")
    assert 'step 2 of 3, "what-is-mastra"' in reply.text
    assert "# Welcome to" not in reply.text


def test_a_failed_write_leaves_the_previous_progress_and_no_temp_file(
    shelf: Shelf, monkeypatch: pytest.MonkeyPatch
):
    start_course(shelf, "mastra")
    before = progress_file(shelf).read_bytes()

    def crash(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(course_progress.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        next_step(shelf, "mastra")
    assert progress_file(shelf).read_bytes() == before
    assert [p.name for p in progress_file(shelf).parent.iterdir()] == ["mastra.json"]


def test_a_corrupted_progress_file_is_backed_up_reset_and_reported(shelf: Shelf):
    progress_file(shelf).parent.mkdir(parents=True)
    progress_file(shelf).write_text("{ not json", encoding="utf-8")
    reply = start_course(shelf, "mastra")
    backups = list(progress_file(shelf).parent.glob("mastra.json.corrupt-*"))
    assert len(backups) == 1 and backups[0].read_text() == "{ not json"
    assert reply.text.startswith("> Note: Your course progress file")
    assert "progress was reset" in reply.notices[0] and str(backups[0]) in reply.notices[0]
    assert 'step 1 of 3, "introduction"' in reply.text
    assert saved(shelf)["current"] == {"lesson": "first-agent", "step": "introduction"}


def test_a_progress_file_of_the_wrong_shape_counts_as_corrupted(shelf: Shelf):
    progress_file(shelf).parent.mkdir(parents=True)
    bad = {"format": 1, "lessons": {"first-agent": {"introduction": "finished"}}}
    progress_file(shelf).write_text(json.dumps(bad), encoding="utf-8")
    reply = get_course_status(shelf, "mastra")
    assert "could not be read (lessons must map" in reply.notices[0]
    assert reply.status.steps_done == 0


def test_lesson_changes_between_versions_keep_finished_steps(tmp_path: Path):
    home, src = tmp_path / "home", tmp_path / "src"
    with make_shelf(home, src, COURSE) as s:
        start_course(s, "mastra")
        for _ in range(3):
            next_step(s, "mastra")  # first-agent done; tools/understanding-tools open
    changed = {k: v for k, v in COURSE.items() if not k.startswith("course/02-tools")}
    changed["course/01-first-agent/11-next-steps.md"] = "# Next steps\n\nKeep going.\n"
    changed["course/03-memory/01-why-memory.md"] = "# Memory\n\nRemember things.\n"
    for old in (src / "course" / "02-tools").iterdir():
        old.unlink()
    with make_shelf(home, src, changed) as s:
        reply = get_course_status(s, "mastra")
        lessons = {lesson.name: dict(lesson.steps) for lesson in reply.status.lessons}
        assert lessons == {
            "first-agent": {
                "introduction": "done",
                "what-is-mastra": "done",
                "conclusion": "done",
                "next-steps": "todo",
            },
            "memory": {"why-memory": "todo"},
        }
        assert "2 new step(s), 2 step(s) dropped; new lessons: memory" in reply.notices[0]
        assert "lessons no longer in the course: tools" in reply.notices[0]
        assert 'Your open step "understanding-tools" of lesson "tools"' in reply.notices[1]
        assert set(saved(s)["lessons"]) == {"first-agent", "memory"}
        resumed = start_course(s, "mastra")
        assert '"first-agent"; step 4 of 4, "next-steps"' in resumed.text
        assert get_course_status(s, "mastra").notices == ()


def test_the_course_of_the_version_asked_for_is_used_with_one_progress(tmp_path: Path):
    with Shelf(tmp_path / "home") as s:
        for version, steps in (("1.1.45", ("01-a", "02-b")), ("1.2.27", ("01-a", "02-c"))):
            pages = [parse_page(f"course/01-basics/{n}", f"# {n}\n\nText {n}.\n") for n in steps]
            write_version(s.conn, "mastra", version, "test", pages)
        start_course(s, "mastra@1.1.45")
        next_step(s, "mastra@1.1.45")
        reply = get_course_status(s, "mastra")
    assert reply.status.library == "mastra@1.2.27"
    assert reply.status.lessons[0].steps == (("a", "done"), ("c", "todo"))
    assert "1 new step(s), 1 step(s) dropped" in reply.notices[0]


def test_start_lesson_accepts_name_folder_number_or_a_unique_part(shelf: Shelf):
    for wanted in ("tools", "02-tools", "2", "TOO"):
        reply = start_lesson(shelf, wanted, "mastra")
        assert 'lesson 2 of 2, "tools"; step 1 of 2' in reply.text
    assert reply.status.current_lesson == "tools"


def test_start_lesson_resumes_at_the_first_unfinished_step(shelf: Shelf):
    start_lesson(shelf, "tools", "mastra")
    next_step(shelf, "mastra")
    start_lesson(shelf, "first-agent", "mastra")
    reply = start_lesson(shelf, "tools", "mastra")
    assert 'step 2 of 2, "testing-tools"' in reply.text


def test_start_lesson_of_a_finished_lesson_reviews_it_from_step_one(shelf: Shelf):
    start_lesson(shelf, "tools", "mastra")
    next_step(shelf, "mastra")
    next_step(shelf, "mastra")
    reply = start_lesson(shelf, "tools", "mastra")
    assert reply.text.startswith('You finished lesson "tools" before; reviewing it from step 1.')
    assert saved(shelf)["lessons"]["tools"]["understanding-tools"] == "done"


def test_unknown_lesson_lists_the_lessons_and_suggests_one(shelf: Shelf):
    with pytest.raises(LessonNotFoundError) as info:
        start_lesson(shelf, "first-agnet", "mastra")
    assert info.value.suggestions == ["first-agent"]
    assert "1. first-agent\n2. tools" in str(info.value)
    assert "Call again with lessonName" in str(info.value)


def test_status_before_starting_lists_lessons_and_writes_nothing(shelf: Shelf):
    reply = get_course_status(shelf, "mastra")
    assert "1. [ ] first-agent: 0 of 3 steps done" in reply.text
    assert "has not been started yet: call `startMastraCourse`" in reply.text
    assert not progress_file(shelf).exists()


def test_status_lists_the_steps_of_lessons_under_way(shelf: Shelf):
    start_course(shelf, "mastra")
    next_step(shelf, "mastra")
    reply = get_course_status(shelf, "mastra")
    assert "1. [~] first-agent: 1 of 3 steps done <- current" in reply.text
    assert "   - [x] 1. introduction\n   - [~] 2. what-is-mastra\n   - [ ] 3. conclusion" in (
        reply.text
    )
    assert "2. [ ] tools: 0 of 2 steps done\n" in reply.text
    assert "Lessons: 0 of 2 done; steps: 1 of 5 done (20%)" in reply.text


def test_clear_history_asks_for_confirmation_then_deletes_progress(shelf: Shelf):
    start_course(shelf, "mastra")
    next_step(shelf, "mastra")
    reply = clear_history(shelf, library="mastra")
    assert reply.text.startswith("Nothing was cleared.") and "confirm=true" in reply.text
    assert progress_file(shelf).exists()
    reply = clear_history(shelf, confirm=True, library="mastra")
    assert "was deleted" in reply.text and not progress_file(shelf).exists()
    assert reply.status.steps_done == 0
    assert "no course progress to clear" in clear_history(shelf, True, "mastra").text
    assert "# Welcome to the Mastra course" in start_course(shelf, "mastra").text


def test_tool_names_in_the_messages_can_be_changed(shelf: Shelf):
    tools = course.CourseTools(next="course_next")
    reply = start_course(shelf, "mastra", tools=tools)
    assert "call `course_next`" in reply.text and "nextMastraCourseStep" not in reply.text


def test_a_library_without_a_course_says_how_to_fix_the_call(tmp_path: Path):
    shelf = make_shelf(tmp_path / "home", tmp_path / "src", {"a.md": "# A\n"})
    with shelf as s, pytest.raises(CourseNotFoundError) as info:
        start_course(s, "mastra")
    assert "mastra@local has no course" in str(info.value)
