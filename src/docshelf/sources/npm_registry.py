"""A client for an npm registry: packuments, version resolution, verified tarball downloads.

Transient failures (5xx, 429, dropped connections, cut-off bodies) are retried with
exponential backoff; everything else becomes a RegistryError that says what to do.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx

from docshelf.constants import VERSION
from docshelf.errors import SourceError, UsageError
from docshelf.semver import find_version, max_satisfying, sort_versions
from docshelf.settings import get_float, get_setting
from docshelf.sources.archive import max_archive_bytes
from docshelf.sources.downloads import (
    ClientOwner,
    Clock,
    Deadline,
    Retry,
    check_http_url,
    check_status,
    content_length,
    iter_body,
    with_retries,
)
from docshelf.sources.errors import PackageNotFoundError, RegistryError
from docshelf.sources.integrity import check_digest, get_strongest_hash, sri_from_shasum
from docshelf.sources.npm_spec import NpmSpec, check_package_name, parse_npm_spec
from docshelf.sources.provenance import Provenance, provenance_from_npm

ProgressFn = Callable[[int, int | None], None]
T = TypeVar("T")

SEARCH_PAGE = 250  # the most results the npm search API returns for one request


@dataclass(frozen=True)
class NpmRelease:
    """One published version of a package and where its tarball is."""

    name: str
    version: str
    tarball: str  # URL
    integrity: str  # SRI, e.g. "sha512-..."; built from the sha1 shasum when absent
    published: str | None = None  # ISO 8601
    # Where its source is, as the version's metadata says (`repository`, `homepage`).
    repository: str | None = None  # e.g. "https://github.com/colinhacks/zod"
    directory: str | None = None  # the package's folder in a monorepo
    homepage: str | None = None


class NpmRegistry(ClientOwner):
    """A client for one npm registry, with retries and a per-instance packument cache."""

    def __init__(
        self,
        url: str | None = None,
        *,
        client: httpx.Client | None = None,
        timeout: float | None = None,
        retries: int = 3,
        sleep: Callable[[float], None] = time.sleep,
        clock: Clock = time.monotonic,
    ) -> None:
        self.url = (url or get_setting("npm_registry")).rstrip("/")
        self.timeout = timeout if timeout is not None else get_float("http_timeout")
        self.retries = max(0, retries)
        self._sleep = sleep
        self._clock = clock
        self._owns_client = client is None
        self._client = client or httpx.Client(
            follow_redirects=True, headers={"User-Agent": f"docshelf/{VERSION}"}
        )
        self._packuments: dict[str, dict[str, Any]] = {}

    def _call(self, what: str, url: str, deadline: Deadline, attempt: Callable[[], T]) -> T:
        return with_retries(
            attempt,
            what=what,
            url=url,
            retries=self.retries,
            sleep=self._sleep,
            fail=lambda detail: RegistryError(self.url, detail),
            deadline=deadline,
        )

    def _check_status(self, response: httpx.Response, what: str) -> None:
        check_status(
            response,
            what,
            lambda detail: RegistryError(self.url, detail),
            "docshelf sends no npm credentials, so registries that need a login are not supported",
        )

    def packument(self, name: str) -> dict[str, Any]:
        """The registry's full metadata document for package `name`."""
        if name in self._packuments:
            return self._packuments[name]
        check_package_name(name)
        url = f"{self.url}/{name.replace('/', '%2f')}"
        what = f"GET {url}"
        deadline = Deadline(url, f"the metadata of {name}", self._clock)
        cap = max_metadata_bytes()

        def too_big() -> SourceError:
            return SourceError(
                f"The registry's metadata for {name} is larger than {cap // (1024 * 1024)} MiB, "
                "so it was not read (a document that size exhausts memory). Raise "
                "DOCSHELF_MAX_METADATA_MB if this package really has that much metadata, or "
                "check the registry (DOCSHELF_NPM_REGISTRY)."
            )

        def attempt() -> dict[str, Any] | None:
            with self._client.stream(
                "GET",
                url,
                headers={"Accept": "application/json"},
                timeout=deadline.timeout(self.timeout),
                follow_redirects=True,
            ) as response:
                if response.status_code == 404:
                    return None
                self._check_status(response, what)
                body = b"".join(iter_body(response, deadline, cap, too_big))
            try:
                data = json.loads(body)
            except (ValueError, RecursionError):
                raise Retry("the answer was not JSON") from None
            if not isinstance(data, dict):
                raise RegistryError(self.url, f"{what}: the answer is not a JSON object")
            return data

        data = self._call(what, url, deadline, attempt)
        if data is None:
            raise PackageNotFoundError(
                f"No npm package {name!r} on {self.url}. Check the spelling (scoped packages "
                "look like '@scope/name'), or set npm_config_registry if it lives on another "
                "registry."
            )
        self._packuments[name] = data
        return data

    def scope_packages(self, scope: str, *, size: int = SEARCH_PAGE) -> tuple[list[str], int]:
        """The packages of `@scope` the registry's search API lists (`/-/v1/search`), in
        its order, and how many it has in all; RegistryError when it cannot say (a
        registry without the search API, or unreachable)."""
        name = scope.strip().lstrip("@")
        check_package_name(f"@{name}/x")
        url = f"{self.url}/-/v1/search"
        params = {"text": f"scope:{name}", "size": str(size)}
        what = f"GET {url}?text=scope:{name}"
        deadline = Deadline(url, f"the search for @{name} packages", self._clock)
        cap = max_metadata_bytes()

        def too_big() -> SourceError:
            return RegistryError(
                self.url, f"{what}: the answer is larger than {cap // (1024 * 1024)} MiB"
            )

        def attempt() -> dict[str, Any]:
            with self._client.stream(
                "GET",
                url,
                params=params,
                headers={"Accept": "application/json"},
                timeout=deadline.timeout(self.timeout),
            ) as response:
                self._check_status(response, what)
                body = b"".join(iter_body(response, deadline, cap, too_big))
            try:
                data = json.loads(body)
            except (ValueError, RecursionError):
                raise Retry("the answer was not JSON") from None
            if not isinstance(data, dict) or not isinstance(data.get("objects"), list):
                raise RegistryError(self.url, f"{what}: the answer is not a search result")
            return data

        data = self._call(what, url, deadline, attempt)
        names = []
        for item in data["objects"]:
            package = item.get("package") if isinstance(item, dict) else None
            found = package.get("name") if isinstance(package, dict) else None
            if isinstance(found, str) and found.startswith(f"@{name}/") and found not in names:
                names.append(found)
        total = data.get("total")
        return names, max(total if isinstance(total, int) else 0, len(names))

    def resolve(self, spec: NpmSpec | str) -> NpmRelease:
        """The release a spec names: latest, a dist-tag, an exact version or a range."""
        spec = parse_npm_spec(spec) if isinstance(spec, str) else spec
        doc = self.packument(spec.name)
        versions = doc.get("versions") or {}
        tags = {k: v for k, v in (doc.get("dist-tags") or {}).items() if isinstance(v, str)}
        version = self._pick(spec, list(versions), tags)
        meta = versions.get(version)
        dist = meta.get("dist") if isinstance(meta, dict) else None
        # The version names a cache folder, so only a canonical semver string will do.
        canonical = str(find_version(version))
        if not isinstance(dist, dict) or not dist.get("tarball") or canonical != version:
            raise RegistryError(
                self.url, f"the metadata of {spec.name}@{version} has no usable tarball"
            )
        times = doc.get("time")
        published = times.get(version) if isinstance(times, dict) else None
        source = provenance_from_npm(meta) if isinstance(meta, dict) else Provenance()
        return NpmRelease(
            name=spec.name,
            version=version,
            tarball=str(dist["tarball"]),
            integrity=str(dist.get("integrity") or sri_from_shasum(str(dist.get("shasum", "")))),
            published=published if isinstance(published, str) else None,
            repository=source.repository,
            directory=source.directory,
            homepage=source.homepage,
        )

    def _pick(self, spec: NpmSpec, versions: list[str], tags: dict[str, str]) -> str:
        wanted = spec.wanted or "latest"
        if wanted in tags:
            return tags[wanted]
        if wanted in versions:
            return wanted
        exact = find_version(wanted)
        if exact is not None:
            same = [v for v in versions if find_version(v) == exact]
            if same:
                return same[0]
        if spec.wanted is None and versions:
            return sort_versions(versions)[0]
        listed_tags = ", ".join(f"{k}={v}" for k, v in sorted(tags.items())) or "none"
        newest = ", ".join(sort_versions(versions)[:5]) or "none"
        latest = tags.get("latest", "unknown")
        if exact is None:
            try:
                match = max_satisfying(versions, wanted)
            except UsageError:
                raise PackageNotFoundError(
                    f"npm package {spec.name!r} has no dist-tag {wanted!r}, and it is not a "
                    f"version range either. Known dist-tags: {listed_tags}. Use one of those, "
                    f"an exact version such as {latest}, or a range such as ^1.2."
                ) from None
            if match is not None:
                return match
        raise PackageNotFoundError(
            f"npm package {spec.name!r} has no version matching {wanted!r}; latest is "
            f"{latest}, known dist-tags: {listed_tags}; newest versions: {newest}. "
            f"Ask for one of those, e.g. npm:{spec.name}@{latest}."
        )

    def download(
        self,
        release: NpmRelease,
        dest: Path,
        progress: ProgressFn | None = None,
        *,
        max_bytes: int | None = None,
    ) -> Path:
        """Download and verify the release's tarball, then move it to `dest` at once."""
        package = f"{release.name}@{release.version}"
        picked = get_strongest_hash(release.integrity, package)
        cap = max_bytes if max_bytes is not None else max_archive_bytes()
        check_http_url(release.tarball, f"the tarball of {package}")
        deadline = Deadline(release.tarball, f"the tarball of {package}", self._clock)
        dest.parent.mkdir(parents=True, exist_ok=True)
        what = f"GET {release.tarball}"
        fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
        os.close(fd)
        part = Path(name)

        def attempt() -> bytes:
            hasher = hashlib.new(picked[0])
            with (
                part.open("wb") as out,
                self._client.stream(
                    "GET",
                    release.tarball,
                    timeout=deadline.timeout(self.timeout),
                    follow_redirects=True,
                ) as response,
            ):
                if response.status_code == 404:
                    raise PackageNotFoundError(
                        f"The registry lists {release.name}@{release.version} but its tarball "
                        f"is missing ({release.tarball} answered 404). Pick another version "
                        "or registry."
                    )
                self._check_status(response, what)
                total = content_length(response)
                done = 0
                for chunk in iter_body(response, deadline, cap, lambda: _too_big(release, cap)):
                    done += len(chunk)
                    hasher.update(chunk)
                    out.write(chunk)
                    if progress is not None:
                        progress(done, total)
                # Content-Length counts encoded bytes; only compare when nothing is encoded.
                plain = response.headers.get("Content-Encoding", "identity") == "identity"
                if plain and total is not None and done != total:
                    raise Retry(f"the download was cut short at {done} of {total} bytes")
            return hasher.digest()

        try:
            check_digest(picked, self._call(what, release.tarball, deadline, attempt), package)
            os.replace(part, dest)
        finally:
            part.unlink(missing_ok=True)
        return dest


def _too_big(release: NpmRelease, cap: int) -> SourceError:
    return SourceError(
        f"The tarball of {release.name}@{release.version} is larger than "
        f"{cap // (1024 * 1024)} MiB; it was not kept. Raise DOCSHELF_MAX_ARCHIVE_MB if the "
        "package is really that large."
    )


def max_metadata_bytes() -> int:
    """The largest package metadata document docshelf reads (a setting)."""
    return int(get_float("max_metadata_mb") * 1024 * 1024)
