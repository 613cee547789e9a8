"""A client for a PyPI JSON API: projects, releases resolved with `packaging`, verified files.

Only two hosts are ever contacted: the configured index (DOCSHELF_PYPI_INDEX) and the
file host it serves downloads from (DOCSHELF_PYPI_FILES, files.pythonhosted.org for
pypi.org). Redirects are followed by hand so each hop is checked against both.
Transient failures are retried with exponential backoff.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, TypeVar
from urllib.parse import urljoin, urlsplit

import httpx
from packaging.utils import canonicalize_name

from docshelf.constants import VERSION
from docshelf.errors import SourceError
from docshelf.settings import get_float, get_setting
from docshelf.sources.archive import max_archive_bytes
from docshelf.sources.downloads import (
    ClientOwner,
    Retry,
    check_status,
    content_length,
    with_retries,
)
from docshelf.sources.errors import (
    HostNotAllowedError,
    IntegrityError,
    PackageNotFoundError,
    PypiIndexError,
)
from docshelf.sources.pypi_release import (
    PypiRelease,
    PypiSpec,
    candidates_from,
    choose_file,
    file_from,
    is_yanked,
    parse_pypi_spec,
    pick_version,
    same_version,
    usable_versions,
)

ProgressFn = Callable[[int, int | None], None]
T = TypeVar("T")

_MAX_REDIRECTS = 5
_MAX_JSON_BYTES = 64 * 1024 * 1024  # a big project's JSON (boto3's) is tens of MiB


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def _origin_text(url: str) -> str:
    scheme, host, port = _origin(url)
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" + (f":{port}" if port != default else "")


class PypiIndex(ClientOwner):
    """A client for one PyPI JSON API and its file host, with retries and host checks."""

    def __init__(
        self,
        url: str | None = None,
        *,
        files_url: str | None = None,
        client: httpx.Client | None = None,
        timeout: float | None = None,
        retries: int = 3,
        sleep: Callable[[float], None] = time.sleep,
        deadline_seconds: float | None = None,
    ) -> None:
        self.url = (url or get_setting("pypi_index")).rstrip("/")
        files = get_setting("pypi_files") if files_url is None else files_url
        self.allowed = [_origin_text(self.url)]
        if files and _origin_text(files) not in self.allowed:
            self.allowed.append(_origin_text(files))
        self._allowed = {_origin(u) for u in self.allowed}
        self.timeout = timeout if timeout is not None else get_float("http_timeout")
        self.deadline_seconds = (
            deadline_seconds if deadline_seconds is not None else get_float("download_timeout")
        )
        self.retries = max(0, retries)
        self._sleep = sleep
        self._owns_client = client is None
        self._client = client or httpx.Client(headers={"User-Agent": f"docshelf/{VERSION}"})
        self._projects: dict[str, dict[str, Any]] = {}

    # -- HTTP ----------------------------------------------------------------------------

    def _call(self, what: str, url: str, attempt: Callable[[], T]) -> T:
        return with_retries(
            attempt,
            what=what,
            url=url,
            retries=self.retries,
            sleep=self._sleep,
            fail=lambda detail: PypiIndexError(self.url, detail),
        )

    def check_url(self, url: str) -> None:
        """Raise HostNotAllowedError unless `url` is on the index or its file host."""
        if urlsplit(url).scheme not in ("http", "https") or _origin(url) not in self._allowed:
            raise HostNotAllowedError(url, self.allowed)

    @contextmanager
    def _open(self, url: str) -> Iterator[httpx.Response]:
        """GET `url` as a stream, following redirects only to allowed hosts."""
        for _ in range(_MAX_REDIRECTS + 1):
            self.check_url(url)
            request = self._client.build_request("GET", url, timeout=self.timeout)
            response = self._client.send(request, stream=True, follow_redirects=False)
            location = response.headers.get("Location")
            if response.is_redirect and location:
                response.close()
                url = urljoin(url, location)
                continue
            try:
                yield response
            finally:
                response.close()
            return
        raise PypiIndexError(self.url, f"GET {url}: more than {_MAX_REDIRECTS} redirects")

    def _check_status(self, response: httpx.Response, what: str) -> None:
        check_status(
            response,
            what,
            lambda detail: PypiIndexError(self.url, detail),
            "docshelf sends no credentials, so indexes that need a login are not supported",
        )

    def _get_json(self, url: str) -> dict[str, Any] | None:
        """The JSON object at `url`, or None on 404."""
        what = f"GET {url}"

        def attempt() -> dict[str, Any] | None:
            deadline = time.monotonic() + self.deadline_seconds
            with self._open(url) as response:
                if response.status_code == 404:
                    return None
                self._check_status(response, what)
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > _MAX_JSON_BYTES:
                        raise PypiIndexError(self.url, f"{what}: the answer is over 64 MiB")
                    if time.monotonic() > deadline:  # a drip: per-read timeouts never fire
                        raise SourceError(
                            f"{what} took over {self.deadline_seconds:g} s and was abandoned. "
                            "Try again on a faster connection, or raise "
                            "DOCSHELF_DOWNLOAD_TIMEOUT."
                        )
            try:
                data = json.loads(bytes(body))
            except ValueError:
                raise Retry("the answer was not JSON") from None
            if not isinstance(data, dict):
                raise PypiIndexError(self.url, f"{what}: the answer is not a JSON object")
            return data

        return self._call(what, url, attempt)

    # -- metadata ------------------------------------------------------------------------

    def project(self, name: str) -> dict[str, Any]:
        """The index's JSON document for project `name` (its newest release and file lists)."""
        key = canonicalize_name(name)
        if key in self._projects:
            return self._projects[key]
        data = self._get_json(f"{self.url}/{key}/json")
        if data is None or not isinstance(data.get("info"), dict):
            where = (
                f"https://pypi.org/project/{key}/"
                if _origin_text(self.url) == "https://pypi.org"
                else f"{self.url}/{key}/json"
            )
            raise PackageNotFoundError(
                f"No project {name!r} on the Python package index {self.url}. PyPI has no "
                f"search API, so docshelf cannot suggest names: check the spelling at {where} "
                "(the name you `pip install`), or set DOCSHELF_PYPI_INDEX if it lives on "
                "another index."
            )
        self._projects[key] = data
        return data

    def release_json(self, name: str, version: str) -> dict[str, Any] | None:
        """The JSON document of one release, or None if the index has none for it."""
        return self._get_json(f"{self.url}/{canonicalize_name(name)}/{version}/json")

    def resolve(self, spec: PypiSpec | str) -> tuple[PypiRelease, dict[str, Any]]:
        """The release a spec names and that release's JSON `info` ({} if unavailable).

        Yanked releases are skipped unless pinned with `==`; prereleases only count when
        the specifier names one or nothing else matches (PEP 440's rule, via packaging).
        """
        spec = parse_pypi_spec(spec) if isinstance(spec, str) else spec
        doc = self.project(spec.name)
        info = doc["info"]
        candidates = candidates_from(doc)
        pinned = spec.pinned
        if (
            pinned is not None
            and pinned not in candidates
            and self.release_json(spec.normalized, str(pinned)) is not None
        ):
            version = pinned  # a document without `releases` lists only the newest release
            candidates[pinned] = None
        else:
            version = pick_version(spec, candidates)
        raw_files = candidates.get(version)
        json_url = f"{self.url}/{spec.normalized}/json"
        release_info = info if same_version(info.get("version"), version) else None
        if raw_files is None or release_info is None:
            own = self.release_json(spec.normalized, str(version))
            if own is not None:
                if raw_files is None and isinstance(own.get("urls"), list):
                    raw_files = own["urls"]  # relative URLs in it are relative to it
                    json_url = f"{self.url}/{spec.normalized}/{version}/json"
                if isinstance(own.get("info"), dict):
                    release_info = own["info"]
        raw_files = raw_files or []
        files = [f for f in (file_from(raw, json_url) for raw in raw_files) if f is not None]
        picked = choose_file(files)
        if picked is None:
            names = ", ".join(f.filename for f in files) or "no files at all"
            others = [v for v in usable_versions(candidates, None) if v != version]
            example = f"pypi:{spec.normalized}=={max(others)}" if others else "another project"
            raise PackageNotFoundError(
                f"{spec.normalized} {version} on {self.url} has neither an sdist (.tar.gz, "
                f".zip) nor a wheel docshelf can read ({names}). Pick another version, e.g. "
                f"{example}."
            )
        release_info = release_info or {}
        urls = release_info.get("project_urls")
        release = PypiRelease(
            name=spec.normalized,
            version=str(version),
            file=picked,
            project_urls=tuple(
                (str(k), str(v)) for k, v in (urls.items() if isinstance(urls, dict) else ())
            ),
            home_page=str(release_info.get("home_page") or ""),
            yanked=bool(raw_files) and all(is_yanked(raw) for raw in raw_files),
        )
        return release, release_info

    # -- files ---------------------------------------------------------------------------

    def download(
        self,
        release: PypiRelease,
        dest: Path,
        progress: ProgressFn | None = None,
        *,
        max_bytes: int | None = None,
    ) -> Path:
        """Download the release's file, check its sha256, then move it to `dest` at once."""
        file = release.file
        package = f"{release.name} {release.version} ({file.filename})"
        cap = max_bytes if max_bytes is not None else max_archive_bytes()
        if file.size is not None and file.size > cap:
            _raise_too_big(package, cap)
        self.check_url(file.url)
        deadline = time.monotonic() + self.deadline_seconds
        dest.parent.mkdir(parents=True, exist_ok=True)
        what = f"GET {file.url}"
        fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
        os.close(fd)
        part = Path(name)

        def attempt() -> str:
            hasher = hashlib.sha256()
            with part.open("wb") as out, self._open(file.url) as response:
                if response.status_code == 404:
                    raise PackageNotFoundError(
                        f"The index lists {package} but the file is missing ({file.url} "
                        "answered 404). Pick another version."
                    )
                self._check_status(response, what)
                total = content_length(response)
                if total is not None and total > cap:
                    _raise_too_big(package, cap)
                done = 0
                for chunk in response.iter_bytes():
                    done += len(chunk)
                    if done > cap:
                        _raise_too_big(package, cap)
                    if time.monotonic() > deadline:
                        raise SourceError(
                            f"The download of {package} took over {self.deadline_seconds:g} s "
                            "and was abandoned. Try again on a faster connection, or raise "
                            "DOCSHELF_DOWNLOAD_TIMEOUT."
                        )
                    hasher.update(chunk)
                    out.write(chunk)
                    if progress is not None:
                        progress(done, total)
                plain = response.headers.get("Content-Encoding", "identity") == "identity"
                if plain and total is not None and done != total:
                    raise Retry(f"the download was cut short at {done} of {total} bytes")
            return hasher.hexdigest()

        try:
            digest = self._call(what, file.url, attempt)
            if digest != file.sha256.lower():
                raise IntegrityError(
                    f"The download of {package} does not match the sha256 the index published: "
                    f"expected {file.sha256}, got {digest}. It was deleted and nothing was "
                    "indexed; the previous index of this library is untouched. Try again; if "
                    "it keeps failing, a proxy or mirror (DOCSHELF_PYPI_INDEX) is altering "
                    "downloads."
                )
            os.replace(part, dest)
        finally:
            part.unlink(missing_ok=True)
        return dest


def _raise_too_big(package: str, cap: int) -> NoReturn:
    raise SourceError(
        f"The file of {package} is larger than {cap // (1024 * 1024)} MiB; it was not kept. "
        "Raise DOCSHELF_MAX_ARCHIVE_MB if the package is really that large."
    )
