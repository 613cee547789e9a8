"""The errors of fetching docs: registries, packages, downloads and untrusted archives."""

from __future__ import annotations

from docshelf.errors import SourceError


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


class UnreadableFileError(SourceError):
    """A file is not one docshelf reads: not a regular file (a named pipe, a device, a
    socket), or larger than the size limit."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            f"Did not read {path}: {reason}. docshelf reads only regular files (a named pipe "
            "or a device could block forever); replace it with a regular markdown file, or "
            "leave it out."
        )
