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


class DownloadTimeoutError(SourceError):
    """A download took longer in all than the download deadline allows."""

    def __init__(self, host: str, seconds: float, what: str) -> None:
        self.host = host
        self.seconds = seconds
        super().__init__(
            f"Gave up on {what} from {host} after {seconds:g} s (DOCSHELF_DOWNLOAD_TIMEOUT): "
            "it was still not complete. The host is sending very slowly or not at all; try "
            "again later, use another registry, or raise DOCSHELF_DOWNLOAD_TIMEOUT for a slow "
            "connection."
        )


class CertificateError(SourceError):
    """The TLS certificate of a host could not be verified; retrying will not help."""

    def __init__(self, host: str, detail: str) -> None:
        self.host = host
        self.detail = detail
        super().__init__(
            f"The TLS certificate of {host} could not be verified ({detail}), so nothing was "
            "downloaded. If a proxy or company network re-signs HTTPS traffic, point "
            "SSL_CERT_FILE (a CA bundle file) or SSL_CERT_DIR at its certificates; otherwise "
            f"{host} is not who it claims to be: check the registry URL (DOCSHELF_NPM_REGISTRY)."
        )


class UnsupportedUrlError(SourceError):
    """A registry pointed docshelf at a URL it will not fetch (file://, ftp://, ...)."""

    def __init__(self, url: str, what: str) -> None:
        self.url = url
        super().__init__(
            f"The registry gives {what} as {url[:200]!r}; docshelf downloads only http:// and "
            "https:// URLs, so it was not fetched. The registry's metadata is broken or "
            "hostile: pin another version, or set DOCSHELF_NPM_REGISTRY to another registry."
        )


class RedirectLoopError(SourceError):
    """A host redirected too many times: a redirect loop."""

    def __init__(self, url: str, redirects: int) -> None:
        self.url = url
        super().__init__(
            f"{url[:200]} redirected more than {redirects} times (a redirect loop), so it was "
            "given up. The registry or a proxy between is misconfigured: try again later, or "
            "set DOCSHELF_NPM_REGISTRY to another registry."
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
