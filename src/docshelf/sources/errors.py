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
