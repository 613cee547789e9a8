"""The errors of comparing versions: version bounds, changelogs and their entries, docs diffs."""

from __future__ import annotations

from docshelf.errors import PathNotFoundError, SourceError, UsageError
from docshelf.wording import Param


class VersionBoundError(UsageError):
    """A bound of a version range (from_version / to_version) is not a version."""

    def __init__(self, name: str, value: str, known: list[str]) -> None:
        self.name = name
        self.value = value
        self.known = known
        listed = f" (newest here: {', '.join(known)})" if known else ""
        super().__init__(
            Param(name, value),
            f" is not a version. Pass a version such as '1.2.3' or '1.0.0-beta.3'{listed}, "
            "or leave ",
            Param(name),
            " out to leave that end of the range open.",
        )


class VersionRangeError(UsageError):
    """The lower bound of a version range is newer than its upper bound."""

    def __init__(self, from_version: str, to_version: str) -> None:
        self.from_version = from_version
        self.to_version = to_version
        super().__init__(
            f"The range's start {from_version} is newer than its end {to_version}, so no "
            "version lies between them. Swap them: ",
            Param("from_version", to_version),
            " ",
            Param("to_version", from_version),
            "; the range excludes its start and includes its end.",
        )


class ChangelogNotFoundError(SourceError):
    """An npm package version ships no changelog file."""

    def __init__(self, package: str, version: str, repository: str | None = None) -> None:
        self.package = package
        self.version = version
        self.repository = repository
        where = f" ({repository})" if repository else ""
        super().__init__(
            f"npm package {package}@{version} ships no changelog (no CHANGELOG.md, CHANGES.md "
            f"or HISTORY.md at its top level). Read the release notes in its repository"
            f"{where}, or ask for another version of the package."
        )


class ChangelogEntryNotFoundError(PathNotFoundError):
    """A changelog has no entry for the version asked for."""

    def __init__(self, package: str, version: str, read_from: str, newest: list[str]) -> None:
        self.package = package
        self.version = version
        self.read_from = read_from
        self.newest = newest
        listed = ", ".join(newest) or "none"
        super().__init__(
            f"The changelog of {package}@{read_from} has no entry for {version}; its newest "
            f"entries are {listed}. Ask for one of those, or for a range with ",
            Param("from_version"),
            " and ",
            Param("to_version"),
            " (from the version you use to the one you upgrade to).",
        )


class DiffPageNotFoundError(PathNotFoundError):
    """A page asked for in a docs diff exists in neither version."""

    def __init__(self, path: str, old: str, new: str, suggestions: list[str]) -> None:
        self.path = path
        self.suggestions = suggestions
        msg = f"No page '{path}' in {old} or {new}."
        if suggestions:
            msg += " Changed pages with a similar path: " + ", ".join(suggestions) + "."
        super().__init__(
            msg + " Use a page path from the diff summary (without '.md'), e.g. "
            "'reference/agents/agent'."
        )
