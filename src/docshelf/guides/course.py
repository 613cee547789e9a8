"""The interactive course: start, resume and step through the lessons, progress kept locally.

The lessons come from the library version's `course/` pages (see course_outline). Progress
lives in `<data dir>/course/<library>.json`, written atomically (see course_progress);
every call merges it with the course of the version asked for, so lessons and steps that
disappeared are dropped and new ones start as not started. Nothing is ever sent over the
network: the reference's registration with a remote course service is replaced by a
plain note saying so.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from docshelf.guides.course_outline import (
    CourseStep,
    Lesson,
    find_lesson,
    find_lessons,
    locate,
    outline,
)
from docshelf.guides.course_progress import (
    Progress,
    StepStatus,
    blank_progress,
    merge_progress,
    read_progress,
    write_progress,
)
from docshelf.shelf import Shelf
from docshelf.store.catalog import VersionRef

_MARK = {"todo": "[ ]", "started": "[~]", "done": "[x]"}
_LOCK = threading.Lock()  # one read-modify-write of a progress file at a time


@dataclass(frozen=True)
class CourseTools:
    """The tool names the course's messages tell the agent to call next."""

    start: str = "startMastraCourse"
    status: str = "getMastraCourseStatus"
    lesson: str = "startMastraCourseLesson"
    next: str = "nextMastraCourseStep"
    clear: str = "clearMastraCourseHistory"


TOOLS = CourseTools()


@dataclass(frozen=True)
class LessonProgress:
    name: str
    number: int
    status: StepStatus  # done when every step is done, started when any step was opened
    steps: tuple[tuple[str, StepStatus], ...]  # (step name, status) in course order


@dataclass(frozen=True)
class CourseStatus:
    library: str  # "mastra@1.1.45": the version whose course was used
    progress_file: str
    current_lesson: str  # "" when no step is open
    current_step: str
    lessons: tuple[LessonProgress, ...]

    @property
    def steps_total(self) -> int:
        return sum(len(lesson.steps) for lesson in self.lessons)

    @property
    def steps_done(self) -> int:
        return sum(1 for lesson in self.lessons for _, s in lesson.steps if s == "done")

    @property
    def lessons_done(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.status == "done")


@dataclass(frozen=True)
class CourseReply:
    """Markdown for the agent, the progress after the call, and any notices shown in it."""

    text: str
    status: CourseStatus
    notices: tuple[str, ...] = ()


def start_course(
    shelf: Shelf,
    library: str | None = None,
    email: str | None = None,
    *,
    tools: CourseTools = TOOLS,
) -> CourseReply:
    """Start the course, or resume at the open step. `email` is accepted and never sent."""
    with _LOCK:
        s = _Session.open(shelf, library)
        if email:
            s.notices.append(
                f"No registration took place: docshelf works offline, so nothing was sent to "
                f"any course service and no account was created, and {email} was not stored. "
                f"Progress is kept only on this machine, in {s.file}."
            )
        intro = "" if s.existed else _welcome(s)
        text = _resume(s, tools, intro or "Welcome back: continuing where you left off.")
        return s.finish(text)


def get_course_status(
    shelf: Shelf, library: str | None = None, *, tools: CourseTools = TOOLS
) -> CourseReply:
    """Progress through every lesson; the steps are listed for lessons under way."""
    with _LOCK:
        s = _Session.open(shelf, library)
        return s.finish(_status_text(s, tools), save=s.existed)


def start_lesson(
    shelf: Shelf, name: str, library: str | None = None, *, tools: CourseTools = TOOLS
) -> CourseReply:
    """Open a lesson (by name, folder name or number) at its first unfinished step."""
    with _LOCK:
        s = _Session.open(shelf, library)
        lesson = find_lesson(s.lessons, name)
        step = next((t for t in lesson.steps if s.state(lesson, t) != "done"), None)
        lead = f'Starting lesson {lesson.number}, "{lesson.name}".'
        if step is None:
            step = lesson.steps[0]
            lead = f'You finished lesson "{lesson.name}" before; reviewing it from step 1.'
        return s.finish(_open_step(s, lesson, step, tools, lead))


def next_step(
    shelf: Shelf, library: str | None = None, *, tools: CourseTools = TOOLS
) -> CourseReply:
    """Mark the open step done and open the next unfinished one (wrapping to earlier ones)."""
    with _LOCK:
        s = _Session.open(shelf, library)
        if s.current is None:
            return s.finish(_resume(s, tools, "No step was open."))
        lesson, step = s.current
        s.progress[lesson.name][step.name] = "done"
        lead = f'Step {step.number}, "{step.name}", is done.'
        if all(s.state(lesson, t) == "done" for t in lesson.steps):
            lead += f' You have finished lesson {lesson.number}, "{lesson.name}"!'
        return s.finish(_resume(s, tools, lead, after=(lesson, step)))


def clear_history(
    shelf: Shelf, confirm: bool = False, library: str | None = None, *, tools: CourseTools = TOOLS
) -> CourseReply:
    """Delete the course progress; without `confirm` only says what would be deleted."""
    with _LOCK:
        s = _Session.open(shelf, library)
        if not confirm:
            status = s.status()
            text = (
                f"Nothing was cleared. Clearing deletes your progress ({status.steps_done} of "
                f"{status.steps_total} steps done) in {s.file} and cannot be undone. If the user "
                f"confirms, call `{tools.clear}` again with confirm=true."
            )
            return s.finish(text, save=False)
        existed = s.file.exists()
        s.file.unlink(missing_ok=True)
        s.progress = blank_progress(outline(s.lessons))
        s.current = None
        text = (
            f"Course progress cleared: {s.file} was deleted. Call `{tools.start}` to begin again "
            "from lesson 1."
            if existed
            else "There was no course progress to clear."
        )
        return s.finish(text, save=False)


# -- session: content + progress, merged --------------------------------------------------


@dataclass
class _Session:
    shelf: Shelf
    ref: VersionRef
    lessons: list[Lesson]
    file: Path
    progress: Progress
    current: tuple[Lesson, CourseStep] | None
    existed: bool
    notices: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, shelf: Shelf, library: str | None) -> _Session:
        ref = shelf.resolve_version(library)
        lessons = find_lessons(shelf.list_pages(ref), ref.record.ref)
        file = shelf.home / "course" / f"{ref.record.name}.json"
        s = cls(shelf, ref, lessons, file, blank_progress(outline(lessons)), None, False)
        saved, notice = read_progress(file)
        if notice:
            s.notices.append(notice)
        if saved is not None:
            s.existed = True
            s.progress, changed = merge_progress(outline(lessons), saved.lessons, ref.record.ref)
            s.notices += changed
            if saved.current:
                s.current = locate(lessons, *saved.current)
                if s.current is None:
                    lesson, step = saved.current
                    s.notices.append(
                        f'Your open step "{step}" of lesson "{lesson}" is not in this version '
                        "of the course; continuing with the next unfinished step."
                    )
        return s

    def state(self, lesson: Lesson, step: CourseStep) -> StepStatus:
        return self.progress[lesson.name][step.name]

    def status(self) -> CourseStatus:
        lessons = []
        for lesson in self.lessons:
            steps = tuple((t.name, self.state(lesson, t)) for t in lesson.steps)
            states = {st for _, st in steps}
            overall: StepStatus = (
                "done" if states == {"done"} else "todo" if states <= {"todo"} else "started"
            )
            lessons.append(LessonProgress(lesson.name, lesson.number, overall, steps))
        lesson_name, step_name = (
            (self.current[0].name, self.current[1].name) if self.current else ("", "")
        )
        return CourseStatus(
            self.ref.record.ref, str(self.file), lesson_name, step_name, tuple(lessons)
        )

    def finish(self, text: str, *, save: bool = True) -> CourseReply:
        if save:
            here = (self.current[0].name, self.current[1].name) if self.current else None
            write_progress(self.file, self.ref.record.ref, here, self.progress)
        notes = "".join(f"> Note: {n}\n\n" for n in self.notices)
        return CourseReply(notes + text, self.status(), tuple(self.notices))


# -- text ------------------------------------------------------------------------------------


def _resume(
    s: _Session,
    tools: CourseTools,
    lead: str,
    after: tuple[Lesson, CourseStep] | None = None,
) -> str:
    """Open the current step, else the next unfinished one; congratulate when none is left."""
    if after is None and s.current and s.state(*s.current) != "done":
        return _open_step(s, *s.current, tools, lead)
    order = [(lesson, t) for lesson in s.lessons for t in lesson.steps]
    here = after or s.current
    start = order.index(here) + 1 if here else 0
    for lesson, step in order[start:] + order[:start]:
        if s.state(lesson, step) != "done":
            return _open_step(s, lesson, step, tools, lead)
    s.current = None
    return (
        f"{lead}\n\nCongratulations: every lesson of the {_title(s)} course is done! To review "
        f"one, call `{tools.lesson}` with its name ({', '.join(x.name for x in s.lessons)}); "
        f"`{tools.clear}` with confirm=true starts the course over."
    )


def _open_step(s: _Session, lesson: Lesson, step: CourseStep, tools: CourseTools, lead: str) -> str:
    if s.state(lesson, step) == "todo":
        s.progress[lesson.name][step.name] = "started"
    s.current = (lesson, step)
    content = s.shelf.read([step.path], library=s.ref.record.ref)[0].text.strip()
    status = s.status()
    later = next((t for t in lesson.steps if t.number > step.number), None)
    if later is not None:
        then = f'opens step {later.number} of {len(lesson.steps)}, "{later.name}"'
    elif lesson.number < len(s.lessons):
        following = s.lessons[lesson.number]
        then = f'finishes this lesson and opens lesson {following.number}, "{following.name}"'
    else:
        then = "finishes the course"
    return (
        f"{lead}\n\n"
        f'# {_title(s)} course: lesson {lesson.number} of {len(s.lessons)}, "{lesson.name}"; '
        f'step {step.number} of {len(lesson.steps)}, "{step.name}"\n\n'
        f"Progress: {status.steps_done} of {status.steps_total} steps done ({s.ref.record.ref}, "
        f"{step.path}).\n\n"
        "For the assistant: guide the user through this step. Explain it briefly, write the "
        "code it asks for in their project when you can, keep text in blockquotes as written, "
        "and answer their questions; then ask whether they are ready to go on.\n\n"
        f"<step-content>\n{content}\n</step-content>\n\n"
        f"Next: when the user is ready, call `{tools.next}`; it marks this step done and {then}. "
        f"`{tools.status}` shows progress, `{tools.lesson}` jumps to a lesson, and "
        f"`{tools.clear}` starts over."
    )


def _welcome(s: _Session) -> str:
    lessons = "\n".join(f"{x.number}. {x.name} ({len(x.steps)} steps)" for x in s.lessons)
    return (
        f"# Welcome to the {_title(s)} course\n\n{len(s.lessons)} lessons from "
        f"{s.ref.record.ref}:\n{lessons}\n\nEach call shows one step. Progress is saved on this "
        f"machine only, in {s.file}, and survives restarts."
    )


def _status_text(s: _Session, tools: CourseTools) -> str:
    st = s.status()
    pct = round(100 * st.steps_done / st.steps_total) if st.steps_total else 0
    where = (
        f'lesson "{st.current_lesson}", step "{st.current_step}"' if s.current else "no step open"
    )
    lines = [
        f"# {_title(s)} course progress",
        "",
        f"- Now: {where}",
        f"- Lessons: {st.lessons_done} of {len(st.lessons)} done; steps: {st.steps_done} of "
        f"{st.steps_total} done ({pct}%)",
        f"- Course from {st.library}; progress kept locally in {st.progress_file} (nothing is "
        "sent anywhere, so there is no online status page)",
        "",
        "## Lessons ([x] done, [~] started, [ ] not started)",
    ]
    for lesson in st.lessons:
        done = sum(1 for _, x in lesson.steps if x == "done")
        here = " <- current" if lesson.name == st.current_lesson else ""
        lines.append(
            f"{lesson.number}. {_MARK[lesson.status]} {lesson.name}: {done} of "
            f"{len(lesson.steps)} steps done{here}"
        )
        if lesson.status == "started" or here:
            lines += [f"   - {_MARK[x]} {i}. {n}" for i, (n, x) in enumerate(lesson.steps, 1)]
    action = "marks the open step done and opens the next" if s.current else "opens a step"
    lines += [
        "",
        f"Next: `{tools.next}` {action}; `{tools.lesson}` with lessonName jumps to a lesson; "
        f"`{tools.clear}` with confirm=true starts over.",
    ]
    if not s.existed and not s.current:
        lines.append(f"The course has not been started yet: call `{tools.start}`.")
    return "\n".join(lines)


def _title(s: _Session) -> str:
    name = s.ref.record.name
    return name[:1].upper() + name[1:]
