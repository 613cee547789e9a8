"""HTTP for docs sources: a total deadline and a size cap per download, and failures worded
by their cause (a certificate, a redirect loop, a URL that is not http) instead of
"check your network"."""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable, Iterator
from typing import Self, TypeVar
from urllib.parse import urlsplit

import httpx

from docshelf.errors import SourceError
from docshelf.settings import get_float
from docshelf.sources.errors import (
    CertificateError,
    DownloadTimeoutError,
    RedirectLoopError,
    UnsupportedUrlError,
)

Clock = Callable[[], float]
MAX_REDIRECTS = 20  # httpx's default
T = TypeVar("T")
TRANSIENT = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


class Deadline:
    """The moment a download (retries included) must be complete by."""

    def __init__(self, url: str, what: str, clock: Clock = time.monotonic) -> None:
        self.seconds = get_float("download_timeout")
        self.host = host_of(url)
        self.what = what
        self._clock = clock
        self._end = clock() + self.seconds

    def remaining(self) -> float:
        """Seconds left; DownloadTimeoutError once none are."""
        left = self._end - self._clock()
        if left <= 0:
            raise DownloadTimeoutError(self.host, self.seconds, self.what)
        return left

    def timeout(self, per_read: float) -> float:
        """A per-read timeout that does not outlast the deadline."""
        return min(per_read, self.remaining())


def host_of(url: str) -> str:
    try:
        return urlsplit(url).hostname or url[:100]
    except ValueError:
        return url[:100]


def check_http_url(url: str, what: str) -> None:
    """Refuse a URL docshelf will not fetch (file://, ftp://, data:, ...) for what it is."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme not in ("http", "https"):
        raise UnsupportedUrlError(url, what)


class ClientOwner:
    """An HTTP client that closes the httpx.Client it made (not one it was given), also
    as a context manager."""

    _client: httpx.Client
    _owns_client: bool

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class Retry(Exception):
    """A failure worth another try: HTTP 5xx or 429, a body cut short, an answer that is not
    JSON."""


def with_retries(
    attempt: Callable[[], T],
    *,
    what: str,
    url: str,
    retries: int,
    sleep: Callable[[float], None],
    fail: Callable[[str], SourceError],
    deadline: Deadline | None = None,
) -> T:
    """Run `attempt`, retrying transient failures with exponential backoff (never sleeping
    past `deadline`). Failures another try cannot fix (a certificate, a redirect loop, a URL
    that is not http) are raised at once as what they are; other HTTP errors, and the last
    transient one, as `fail(detail)`."""
    for tries in range(retries + 1):
        try:
            return attempt()
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            permanent = permanent_failure(exc, url)
            if permanent is not None:
                raise permanent from exc
            if not isinstance(exc, TRANSIENT):
                raise fail(f"{what}: {exc}") from exc
            problem = f"{what}: {type(exc).__name__} {exc}".rstrip()
        except Retry as exc:
            problem = f"{what}: {exc}"
        if tries < retries:
            pause = 0.5 * 2**tries
            sleep(min(pause, deadline.remaining()) if deadline is not None else pause)
    raise fail(f"{problem} (gave up after {retries + 1} tries)")


def check_status(
    response: httpx.Response, what: str, fail: Callable[[str], SourceError], no_login: str
) -> None:
    """Retry on 5xx and 429; fail on any other 4xx, with `no_login` (why a registry that
    needs a login is not supported) for 401 and 403."""
    code = response.status_code
    if code >= 500 or code == 429:
        raise Retry(f"HTTP {code}")
    if code in (401, 403):
        raise fail(f"{what}: HTTP {code} ({no_login})")
    if code >= 400:
        raise fail(f"{what}: HTTP {code}")


def iter_body(
    response: httpx.Response, deadline: Deadline, cap: int, too_big: Callable[[], SourceError]
) -> Iterator[bytes]:
    """The response body as it arrives; past `cap` bytes `too_big()` is raised, past the
    deadline DownloadTimeoutError. Chunks are not gathered up to a size first, so a body
    that drips a byte at a time still meets the deadline."""
    total = content_length(response)
    if total is not None and total > cap:
        raise too_big()
    done = 0
    for chunk in response.iter_bytes():
        done += len(chunk)
        if done > cap:
            raise too_big()
        deadline.remaining()
        yield chunk


def permanent_failure(exc: Exception, url: str) -> SourceError | None:
    """The error to raise at once for a failure that trying again cannot fix, else None."""
    if _is_certificate_failure(exc):
        return CertificateError(host_of(url), _certificate_detail(exc))
    if isinstance(exc, httpx.TooManyRedirects):
        return RedirectLoopError(url, MAX_REDIRECTS)
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        request = getattr(exc, "_request", None)
        return UnsupportedUrlError(str(request.url) if request is not None else url, "a URL")
    return None


def _is_certificate_failure(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return True
        if "CERTIFICATE_VERIFY_FAILED" in str(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _certificate_detail(exc: BaseException) -> str:
    cause = exc.__cause__ or exc.__context__
    detail = str(getattr(cause, "verify_message", "") or cause or exc)
    return " ".join(detail.split())[:160] or "certificate verify failed"


def content_length(response: httpx.Response) -> int | None:
    """The announced body size, when the server gives a valid one."""
    try:
        return int(response.headers["Content-Length"])
    except (KeyError, ValueError):
        return None
