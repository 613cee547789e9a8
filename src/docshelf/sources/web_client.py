"""The HTTP side of a website source: polite, bounded requests to one site and nowhere else.

Every request goes to the site's own host (or a host a setting allows); redirects are
followed by hand, one hop at a time, and only within the host (and, for pages, the docs'
folder). Requests are spaced (a delay between starts, shared by the workers, stretched by
a robots.txt Crawl-delay and by any 429/503 Retry-After); transient failures are retried
with backoff; each response must arrive within the page timeout and the whole fetch
within its deadline; bodies are streamed and dropped past the size cap; only HTML,
markdown (and, where asked, XML or plain text) is read. Conditional requests (ETag,
Last-Modified) let a re-add skip the pages that did not change.
"""

from __future__ import annotations

import codecs
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Literal

import httpx

from docshelf.constants import VERSION
from docshelf.sources.web_scope import SiteScope, normalize_url

USER_AGENT = f"docshelf/{VERSION} (documentation indexer; respects robots.txt)"
MAX_REDIRECTS = 5
MAX_RETRY_WAIT = 120.0  # seconds: a site that asks for a longer pause loses that page
_CHUNK = 64 * 1024
_RETRY_STATUSES = {429, 500, 502, 503, 504}
_REDIRECTS = {301, 302, 303, 307, 308}
_MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx", ".txt")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)

Kind = Literal["html", "markdown", "xml", "text"]
_TYPES: dict[str, Kind] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/plain": "text",
}


@dataclass(frozen=True)
class Validators:
    """What a previous fetch of a URL answered, for a conditional request."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class WebResponse:
    """A page or site file that arrived (or did not change: `status` 304, no text)."""

    url: str  # after redirects, normalised
    status: int
    kind: Kind | None  # None only for a 304
    text: str
    validators: Validators

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class PageSkipped(Exception):
    """One URL was not taken; `reason` is shown to the user in a warning."""

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        self.url = url
        self.reason = reason
        self.status = status  # the HTTP status that made it so, when there was one
        super().__init__(f"{url}: {reason}")


class Redirected(PageSkipped):
    """A redirect leaves the host (`off_host`) or the docs' folder; it was not followed."""

    def __init__(self, url: str, target: str, *, off_host: bool) -> None:
        self.target = target
        self.off_host = off_host
        where = "another host" if off_host else "outside the docs' folder"
        super().__init__(url, f"redirects to {target}, on {where}; not followed")


class DeadlineReached(Exception):
    """The website source's total time is up; no new request starts."""


class _Retry(Exception):
    def __init__(self, reason: str, wait: float | None = None) -> None:
        self.reason = reason
        self.wait = wait
        super().__init__(reason)


class WebClient:
    """Requests to one site, spaced and bounded; safe to share between worker threads."""

    def __init__(
        self,
        scope: SiteScope,
        *,
        delay: float,
        page_timeout: float,
        max_bytes: int,
        deadline: float,
        concurrency: int = 4,
        retries: int = 3,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.scope = scope
        self.delay = max(0.0, delay)
        self.page_timeout = page_timeout
        self.max_bytes = max_bytes
        self.deadline = deadline  # on `clock`'s time line
        self.retries = max(0, retries)
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        self._next_start = 0.0
        self._owns_client = client is None
        self._client = client or httpx.Client(
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
            limits=httpx.Limits(max_connections=max(1, concurrency)),
            trust_env=False,  # no proxy or netrc credentials from the environment
        )

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> WebClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def slow_down(self, seconds: float) -> None:
        """Space requests at least `seconds` apart from now on (a robots.txt Crawl-delay)."""
        self.delay = max(self.delay, seconds)

    def get(
        self,
        url: str,
        *,
        accept: tuple[Kind, ...] = ("html", "markdown"),
        in_prefix: bool = True,
        validators: Validators | None = None,
        max_bytes: int | None = None,
    ) -> WebResponse:
        """GET `url`, following redirects that stay on the host (and, with `in_prefix`, in
        the docs' folder). Raises PageSkipped for anything not taken, DeadlineReached when
        the total time is up."""
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            if not self.scope.on_host(current):  # never reached through the checks below
                raise Redirected(url, current, off_host=True)
            answer = self._with_retries(current, accept, validators, max_bytes)
            if isinstance(answer, WebResponse):
                return answer
            target = normalize_url(answer, current)
            if target is None or not self.scope.on_host(target):
                raise Redirected(url, target or answer, off_host=True)
            if in_prefix and not self.scope.contains(target):
                raise Redirected(url, target, off_host=False)
            current = target
        raise PageSkipped(url, f"more than {MAX_REDIRECTS} redirects")

    def _with_retries(
        self,
        url: str,
        accept: tuple[Kind, ...],
        validators: Validators | None,
        max_bytes: int | None,
    ) -> WebResponse | str:
        """The response, or the Location of a redirect; transient failures retried."""
        reason = ""
        for attempt in range(self.retries + 1):
            self._wait_turn()
            try:
                return self._once(url, accept, validators, max_bytes)
            except _Retry as retry:
                reason = retry.reason
                wait = max(0.5 * 2**attempt, retry.wait or 0.0)
            if attempt == self.retries:
                break
            if wait > MAX_RETRY_WAIT or self._clock() + wait > self.deadline:
                raise PageSkipped(url, f"{reason}, and the site asked to wait {wait:.0f} s")
            self._pause_all(wait)
        raise PageSkipped(url, f"{reason} (gave up after {self.retries + 1} tries)")

    def _once(
        self,
        url: str,
        accept: tuple[Kind, ...],
        validators: Validators | None,
        max_bytes: int | None,
    ) -> WebResponse | str:
        cap = max_bytes or self.max_bytes
        started = self._clock()
        ends = min(started + self.page_timeout, self.deadline)
        if ends <= started:
            raise DeadlineReached()
        headers = {}
        if validators is not None and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators is not None and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        try:
            with self._client.stream(
                "GET", url, headers=headers, timeout=httpx.Timeout(ends - started)
            ) as response:
                return self._read(url, response, accept, cap, ends)
        except httpx.TimeoutException:
            raise PageSkipped(url, f"no answer within {self.page_timeout:g} s") from None
        except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            raise _Retry(f"{type(exc).__name__}: {exc}".rstrip(": ")) from None
        except httpx.HTTPError as exc:
            raise PageSkipped(url, f"{type(exc).__name__}: {exc}") from None

    def _read(
        self,
        url: str,
        response: httpx.Response,
        accept: tuple[Kind, ...],
        cap: int,
        ends: float,
    ) -> WebResponse | str:
        status = response.status_code
        if status in _REDIRECTS and response.headers.get("Location"):
            return response.headers["Location"]
        if status in _RETRY_STATUSES:
            raise _Retry(f"HTTP {status}", _retry_after(response.headers.get("Retry-After")))
        found = Validators(response.headers.get("ETag"), response.headers.get("Last-Modified"))
        if status == 304:
            return WebResponse(url, 304, None, "", found)
        if status != 200:
            raise PageSkipped(url, f"HTTP {status}", status)
        kind = _kind(response.headers.get("Content-Type", ""), url)
        if kind not in accept:
            shown = response.headers.get("Content-Type", "no content type").split(";")[0]
            raise PageSkipped(url, f"not HTML or markdown ({shown})", status)
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > cap:
            raise PageSkipped(url, f"larger than {_mib(cap)} ({_mib(int(length))})")
        body = bytearray()
        for chunk in response.iter_bytes(_CHUNK):
            body += chunk
            if len(body) > cap:
                raise PageSkipped(url, f"larger than {_mib(cap)}; stopped reading it")
            if self._clock() > ends:
                raise PageSkipped(url, f"took longer than {self.page_timeout:g} s to arrive")
        text = decode(bytes(body), response.headers.get("Content-Type", ""))
        return WebResponse(url, 200, kind, text, found)

    def _wait_turn(self) -> None:
        """Block until this request may start: `delay` after the previous start."""
        with self._lock:
            now = self._clock()
            if now > self.deadline:
                raise DeadlineReached()
            start = max(now, self._next_start)
            self._next_start = start + self.delay
        if start > now:
            self._sleep(start - now)

    def _pause_all(self, seconds: float) -> None:
        """Hold every worker back `seconds` (a 429 is about the site, not one page)."""
        with self._lock:
            self._next_start = max(self._next_start, self._clock() + seconds)


def decode(body: bytes, content_type: str) -> str:
    """Bytes as text: a BOM, else the Content-Type charset, else a <meta charset>, else
    UTF-8; bytes that do not decode are replaced."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if body.startswith(bom):
            return body.decode(codec, errors="replace")
    charset = ""
    match = re.search(r"charset=\"?([A-Za-z0-9_.:-]+)", content_type, re.I)
    if match:
        charset = match.group(1)
    else:
        meta = _META_CHARSET.search(body[:4096])
        charset = meta.group(1).decode("ascii") if meta else ""
    try:
        return body.decode(charset or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        return body.decode("utf-8", errors="replace")


def _kind(content_type: str, url: str) -> Kind | None:
    mime = content_type.split(";")[0].strip().lower()
    kind = _TYPES.get(mime)
    if kind == "text" or (not mime and kind is None):
        # Many servers send .md files as text/plain (or with no type at all).
        path = url.split("?", 1)[0].lower()
        return "markdown" if path.endswith(_MARKDOWN_SUFFIXES) else kind
    return kind


def _retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (a number or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _mib(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MiB"
