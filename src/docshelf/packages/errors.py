"""The errors of reading a project's installed packages: resolving them, their embedded docs,
their exports."""

from __future__ import annotations

from docshelf.errors import (
    DocshelfError,
    InvalidPathError,
    PathNotFoundError,
    SourceError,
    UsageError,
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


class LockfileError(UsageError):
    """A project's lockfile or manifest does not parse."""

    def __init__(self, file: str, line: int | None, detail: str, fix: str) -> None:
        self.file = file
        self.line = line
        self.detail = detail
        where = f"{file}, line {line}" if line else file
        super().__init__(f"Could not read {where}: {detail}. {fix}")
