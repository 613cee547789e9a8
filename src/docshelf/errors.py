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
