"""The website HTTP client's pieces: decoding, Retry-After, content kinds, spacing."""

from __future__ import annotations

import httpx
import pytest

from docshelf.sources.web_client import (
    DeadlineReached,
    PageSkipped,
    Redirected,
    WebClient,
    _kind,
    _retry_after,
    decode,
)
from docshelf.sources.web_scope import parse_site_url


def client(handler, *, delay: float = 0.0, deadline: float = 1e9, clock=None, sleep=None):
    now = [0.0]
    return WebClient(
        parse_site_url("https://acme.dev/docs/"),
        delay=delay,
        page_timeout=5,
        max_bytes=1000,
        deadline=deadline,
        client=httpx.Client(transport=httpx.MockTransport(handler)),
        clock=clock or (lambda: now[0]),
        sleep=sleep or (lambda s: now.__setitem__(0, now[0] + s)),
    )


def test_text_is_decoded_by_bom_header_or_meta_charset():
    assert decode("é".encode("latin-1"), "text/html; charset=ISO-8859-1") == "é"
    meta = b'<meta charset="windows-1252"><p>\x93quoted\x94</p>'
    assert "\u201cquoted\u201d" in decode(meta, "text/html")
    assert decode(b"\xef\xbb\xbfhello", "text/html; charset=latin-1") == "hello"
    assert decode(b"caf\xc3\xa9", "text/html; charset=no-such-codec") == "café"


def test_retry_after_reads_seconds_and_http_dates():
    assert _retry_after("120") == 120.0
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
    assert _retry_after("soon") is None and _retry_after(None) is None


def test_markdown_served_as_plain_text_counts_as_markdown_by_its_name():
    assert _kind("text/plain; charset=utf-8", "https://a.dev/docs/x.md") == "markdown"
    assert _kind("text/plain", "https://a.dev/robots.txt") == "markdown"
    assert _kind("text/plain", "https://a.dev/docs/x") == "text"
    assert _kind("", "https://a.dev/docs/x") is None
    assert _kind("application/xhtml+xml", "https://a.dev/") == "html"


def test_requests_are_spaced_by_the_delay_across_calls():
    sleeps: list[float] = []
    now = [0.0]

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    web = client(
        lambda r: httpx.Response(200, html="<p>x</p>"),
        delay=0.25,
        clock=lambda: now[0],
        sleep=sleep,
    )
    for _ in range(3):
        web.get("https://acme.dev/docs/a")
    assert sleeps == [0.25, 0.25]


def test_a_redirect_to_another_host_is_reported_without_following_it():
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"Location": "https://evil.dev/docs/a"})

    with pytest.raises(Redirected) as err:
        client(handler).get("https://acme.dev/docs/a")
    assert err.value.off_host and err.value.target == "https://evil.dev/docs/a"
    assert seen == ["https://acme.dev/docs/a"]


def test_a_redirect_loop_stops():
    web = client(lambda r: httpx.Response(301, headers={"Location": "/docs/a"}))
    with pytest.raises(PageSkipped, match="more than 5 redirects"):
        web.get("https://acme.dev/docs/a")


def test_no_request_starts_after_the_deadline():
    calls: list[str] = []
    web = client(lambda r: calls.append("x") or httpx.Response(200), deadline=-1)
    with pytest.raises(DeadlineReached):
        web.get("https://acme.dev/docs/a")
    assert calls == []
