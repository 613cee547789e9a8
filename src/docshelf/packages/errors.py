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
from docshelf.wording import Blank, Call, Param, Part


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
        near: bool = False,
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
            listed = ", ".join(self.installed)
            msg += (
                f" Installed with a close name: {listed}."
                if near
                else (f" Installed in that scope: {listed}.")
            )
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
            f"Invalid docs path {_short(path)!r} for {name}: {why}. Use a path relative to the "
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
        parts: list[Part]
        if total == 0:
            parts = [
                f"{name} {version} declares no exports that docshelf can read (no source map "
                "entries and no .d.ts entry points). Read its embedded docs instead."
            ]
        else:
            parts = [f"{name} {version} has no export named {export!r}."]
            if suggestions:
                parts.append(" Did you mean: " + ", ".join(suggestions) + "?")
            parts += [
                f" Names are case-sensitive; find the right one among its {total} exports with ",
                Call("exports", package=name, filter=Blank("part")),
                ".",
            ]
        super().__init__(*parts)


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


# --- the API of any installed package (list_packages, list_exports, get_export) ----------


class NotAProjectError(UsageError):
    """A project path that is missing, or holds no installed packages docshelf can find."""

    def __init__(self, path: str, why: str) -> None:
        self.path = path
        self.why = why
        shown = f"Project path {path!r}" if path else "Project path"
        super().__init__(
            f"{shown} is not a project: {why}. Pass the folder that holds your package.json, "
            "pyproject.toml or .venv (or a virtualenv folder) as ",
            Param("project_path"),
            "; run `npm install` or create the virtualenv (`python -m venv .venv`) first if "
            "the packages are not installed.",
        )


class ProjectOutsideError(UsageError):
    """A project path outside the one project a server over HTTP may read."""

    def __init__(self, path: str, confine: str) -> None:
        self.path = path
        self.confine = confine
        super().__init__(
            f"Project path {path!r} is outside {confine}, the only project this server reads "
            "(it was started there, over HTTP). Leave ",
            Param("project_path"),
            " out, or pass a folder inside it.",
        )


class PythonPackageNotInstalledError(SourceError):
    """No distribution or top-level module of that name in the project's site-packages."""

    def __init__(self, name: str, where: list[str], suggestions: list[str]) -> None:
        self.name = name
        self.where = where
        self.suggestions = suggestions
        searched = ", ".join(where) or "no site-packages folder"
        parts: list[Part] = [f"Python package {name!r} is not installed (searched {searched})."]
        if suggestions:
            parts.append(" Did you mean: " + ", ".join(suggestions) + "?")
        parts += [
            f" Install it into the project's virtualenv (`pip install {name}`), or see what "
            "is installed with ",
            Call("packages"),
            ".",
        ]
        super().__init__(*parts)


class NotInstalledError(SourceError):
    """A package found neither in node_modules nor in the Python environment."""

    def __init__(self, name: str, project: str, searched: list[str], near: list[str]) -> None:
        self.name = name
        self.project = project
        self.searched = searched
        self.near = near
        where = "; ".join(searched) or "nothing: the project has no node_modules or virtualenv"
        parts: list[Part] = [f"Package {name!r} is not installed for {project} (searched {where})."]
        if near:
            parts.append(" Did you mean: " + ", ".join(near) + "?")
        parts += [
            " Names are the ones you import or install ('pydantic', '@mastra/core'); see them "
            "with ",
            Call("packages"),
            ", or install it (`npm install NAME`, `pip install NAME`).",
        ]
        super().__init__(*parts)


class AmbiguousPackageError(UsageError):
    """A name installed both as an npm package and as a Python distribution."""

    def __init__(self, name: str, npm_version: str, python_version: str) -> None:
        self.name = name
        super().__init__(
            f"{name!r} is installed both as an npm package ({npm_version}) and as a Python "
            f"distribution ({python_version}). Say which: 'npm:{name}' or 'pypi:{name}'."
        )


class ModuleUnreadableError(SourceError):
    """A Python module that static analysis cannot read (syntax error, compiled only, ...)."""

    def __init__(self, module: str, why: str) -> None:
        self.module = module
        self.why = why
        super().__init__(
            f"Cannot read module {module}: {why}. docshelf reads Python statically and never "
            "imports it; pick another module of the package (",
            Call("exports", package=module.split(".", 1)[0]),
            " lists them), or install its type stubs (`pip install types-<name>` or "
            "`<name>-stubs`).",
        )


class NameNotFoundError(SourceError):
    """An installed Python package has no public name (or member) like that."""

    def __init__(
        self, package: str, version: str, name: str, suggestions: list[str], total: int
    ) -> None:
        self.package = package
        self.version = version
        self.name = name
        self.suggestions = suggestions
        parts: list[Part] = [f"{package} {version} has no name {name!r}."]
        if suggestions:
            parts.append(" Did you mean: " + ", ".join(suggestions) + "?")
        parts += [
            " Names are case-sensitive and relative to the package ('Client', 'Client.send', "
            f"'submodule.Name'); find the right one among its {total} public names with ",
            Call("exports", package=package, filter=Blank("part")),
            ".",
        ]
        super().__init__(*parts)
