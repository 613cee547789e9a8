"""The errors of the guides: migration guides, their sections, the course and its lessons."""

from __future__ import annotations

from docshelf.errors import PathNotFoundError


class MigrationGuidesNotFoundError(PathNotFoundError):
    """A library version has no folder of migration or upgrade guides."""

    def __init__(self, library: str) -> None:
        self.library = library
        super().__init__(
            f"{library} has no migration guides: no docs folder has 'migration' or 'upgrade' "
            "in its name. Search the whole library for the upgrade topic instead, or name a "
            "version of the library that ships migration guides (e.g. mastra@1.1.45)."
        )


class MigrationGuideNotFoundError(PathNotFoundError):
    """A path names no migration guide or guide folder."""

    def __init__(self, library: str, path: str, suggestions: list[str], listing: str) -> None:
        self.library = library
        self.path = path
        self.suggestions = suggestions
        msg = f"No migration guide or folder '{path}' in {library}."
        if suggestions:
            msg += " Did you mean: " + ", ".join(suggestions) + "?"
        msg += (
            f"\n\n{listing}\n\nCall again with one of these paths (a path ending in '/' lists "
            "a folder), with no path to list every guide, or with queryKeywords to search them."
        )
        super().__init__(msg)


class GuideSectionNotFoundError(PathNotFoundError):
    """None of the requested section titles occurs in a migration guide."""

    def __init__(self, path: str, wanted: list[str], headings: list[str]) -> None:
        self.path = path
        self.wanted = wanted
        self.headings = headings
        listed = "\n".join(headings) or "(this guide has no ## or ### headings)"
        super().__init__(
            f"No section of '{path}' has a title containing "
            + " or ".join(repr(w) for w in wanted)
            + f". Its sections:\n{listed}\n\nCall again with sections set to words from one of "
            "these titles (case-insensitive), or without sections for the whole guide."
        )


class CourseNotFoundError(PathNotFoundError):
    """A library version has no course folder."""

    def __init__(self, library: str) -> None:
        self.library = library
        super().__init__(
            f"{library} has no course: no 'course/' folder of lesson folders with numbered "
            "step pages (course/01-lesson/01-step.md). Name a version that ships the course, "
            "e.g. mastra@1.1.45."
        )


class LessonNotFoundError(PathNotFoundError):
    """A course has no lesson with the requested name."""

    def __init__(self, name: str, lessons: list[str], suggestions: list[str]) -> None:
        self.name = name
        self.lessons = lessons
        self.suggestions = suggestions
        msg = f"No lesson named {name!r} in the course."
        if suggestions:
            msg += " Did you mean: " + ", ".join(suggestions) + "?"
        listed = "\n".join(f"{i}. {lesson}" for i, lesson in enumerate(lessons, 1))
        msg += (
            f" Lessons:\n{listed}\n\nCall again with lessonName set to one of these names "
            "(or its number)."
        )
        super().__init__(msg)
