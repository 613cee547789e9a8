"""The course's outline: lessons and their steps, found among a library version's pages.

Layout: `course/NN-lesson-name/NN-step-name.md` (or `courses/`, at any depth; the
shallowest wins); numeric prefixes order lessons and steps and are dropped from names.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from docshelf.guides.errors import CourseNotFoundError, LessonNotFoundError
from docshelf.store.pages import PageEntry

_PREFIX = re.compile(r"^\d+[-_. ]*")
_ROOT_NAMES = ("course", "courses")


@dataclass(frozen=True)
class CourseStep:
    name: str  # "what-is-mastra": the file name without number and suffix
    number: int  # 1-based position in the lesson
    path: str  # docs path, e.g. "course/01-first-agent/02-what-is-mastra"
    title: str


@dataclass(frozen=True)
class Lesson:
    name: str  # "first-agent"
    number: int
    path: str  # "course/01-first-agent"
    steps: tuple[CourseStep, ...]


def find_lessons(pages: list[PageEntry], library: str) -> list[Lesson]:
    """Lessons in order, each with its steps, from the pages of the course folder of
    `library` (NAME@VERSION); CourseNotFoundError when it has none."""
    by_root: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for page in pages:
        path, title = page.path, page.title
        parts = path.split("/")
        if len(parts) >= 3 and parts[-3].lower() in _ROOT_NAMES and parts[-1] != "index":
            root = "/".join(parts[:-2])
            by_root.setdefault(root, {}).setdefault(parts[-2], []).append((path, title))
    if not by_root:
        raise CourseNotFoundError(library)
    root = min(by_root, key=lambda r: (r.count("/"), r))
    lessons = []
    for number, folder in enumerate(sorted(by_root[root], key=_order), 1):
        found = sorted(by_root[root][folder], key=lambda p: _order(p[0].rsplit("/", 1)[-1]))
        steps = tuple(
            CourseStep(_name(p.rsplit("/", 1)[-1]), i, p, t) for i, (p, t) in enumerate(found, 1)
        )
        lessons.append(Lesson(_name(folder), number, f"{root}/{folder}", steps))
    return lessons


def _order(name: str) -> tuple[int, str]:
    match = re.match(r"\d+", name)
    return (int(match.group(0)) if match else 1 << 30, name)


def _name(file: str) -> str:
    return _PREFIX.sub("", file) or file


def outline(lessons: list[Lesson]) -> dict[str, list[str]]:
    return {lesson.name: [t.name for t in lesson.steps] for lesson in lessons}


def locate(lessons: list[Lesson], lesson: str, step: str) -> tuple[Lesson, CourseStep] | None:
    for candidate in lessons:
        if candidate.name == lesson:
            found = next((t for t in candidate.steps if t.name == step), None)
            return (candidate, found) if found else None
    return None


def find_lesson(lessons: list[Lesson], wanted: str) -> Lesson:
    """By name, folder name or number; else the only lesson whose name contains `wanted`."""
    key = str(wanted).strip().lower()
    for lesson in lessons:
        if key in (lesson.name.lower(), lesson.path.rsplit("/", 1)[-1].lower()):
            return lesson
        if key.isdigit() and int(key) == lesson.number:
            return lesson
    names = [lesson.name for lesson in lessons]
    partial = [lesson for lesson in lessons if key and key in lesson.name.lower()]
    if len(partial) == 1:
        return partial[0]
    close = [x.name for x in partial] or difflib.get_close_matches(_name(key), names, cutoff=0.5)
    raise LessonNotFoundError(str(wanted), names, close[:3])
