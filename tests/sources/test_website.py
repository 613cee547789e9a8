"""The website source end to end, against small sites served on 127.0.0.1."""

from __future__ import annotations

import gzip
import re
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from web_fake import FakeSite

from docshelf.errors import UsageError
from docshelf.progress import SilentReporter
from docshelf.shelf import Shelf
from docshelf.sources.errors import OffSiteRedirectError, RobotsDisallowedError, WebsiteError
from docshelf.sources.website import SiteSnapshot, fetch_site

MARKDOWN = "text/markdown; charset=utf-8"


class Recorder(SilentReporter):
    def __init__(self) -> None:
        self.messages: list[str] = []
        self.progress: list[tuple[int, int]] = []

    def message(self, text: str) -> None:
        self.messages.append(text)

    def pages(self, done: int, found: int) -> None:
        self.progress.append((done, found))


pytestmark = pytest.mark.usefixtures("no_web_delay")


class SkippedTime:
    """A clock whose sleeps are recorded and skipped: the clock jumps ahead instead."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []
        self._offset = 0.0

    def clock(self) -> float:
        return time.monotonic() + self._offset

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self._offset += seconds


def fetch(
    site: FakeSite,
    path: str,
    cache: Path,
    reporter: SilentReporter | None = None,
    skipped: SkippedTime | None = None,
) -> SiteSnapshot:
    """Fetch the site's `path`; retry pauses are skipped (and recorded in `skipped`)."""
    skipped = skipped or SkippedTime()
    return fetch_site(
        site.url + path,
        cache,
        reporter or SilentReporter(),
        sleep=skipped.sleep,
        clock=skipped.clock,
    )


def texts(snapshot: SiteSnapshot) -> dict[str, str]:
    return {p.page_id: p.file.read_text(encoding="utf-8") for p in snapshot.pages}


def small_docs(site: FakeSite) -> None:
    site.docs(
        "/docs/", "Welcome", "<p>Start here.</p>", ["/docs/guide/", "/blog/", "/docs/api.html"]
    )
    site.docs("/docs/guide/", "Guide", "<p>Guide text.</p>", ["/docs/guide/config", "/docs/"])
    site.docs(
        "/docs/guide/config",
        "Config",
        '<h2>Options</h2><pre><code class="language-ts">export default {}</code></pre>',
    )
    site.docs("/docs/api.html", "API", "<table><tr><th>fn</th></tr><tr><td>run</td></tr></table>")
    site.docs("/blog/", "Blog", "<p>Not docs.</p>")


def test_a_crawl_stays_in_the_folder_and_keeps_only_the_main_content(site, tmp_path):
    small_docs(site)
    recorder = Recorder()
    snapshot = fetch(site, "/docs/", tmp_path, reporter=recorder)
    pages = texts(snapshot)
    assert sorted(pages) == ["api", "guide", "guide/config", "index"]
    assert "```ts\nexport default {}\n```" in pages["guide/config"]
    assert "| fn |" in pages["api"]
    for text in pages.values():
        assert "CHROME" not in text and "SCRIPT TEXT" not in text and "Link to" not in text
    assert "/blog/" not in site.paths()
    assert snapshot.origin.startswith(f"crawl of {site.url}/docs/: 4 pages")
    assert (snapshot.name, snapshot.version) == ("docs", "latest")
    assert recorder.progress[-1] == (4, 4)


def test_adding_a_website_indexes_it_and_search_finds_its_pages(site, tmp_path):
    small_docs(site)
    with Shelf(tmp_path / "home") as shelf:
        record = shelf.add_library(site.url + "/docs/", name="acme")
        assert (record.ref, record.pages, record.source) == ("acme@latest", 4, site.url + "/docs/")
        hits = shelf.search("export default", library="acme")
        assert hits[0].path == "guide/config"


def test_llms_txt_comes_first_and_its_markdown_pages_are_taken_as_they_are(site, tmp_path):
    small_docs(site)
    site.page(
        "/llms.txt",
        "# Acme\n\n- [Start](/docs/start.md)\n- [Blog](/blog/post.md)\n"
        "- [Hooks](/docs/api/hooks.md)\n",
        content_type="text/plain",
    )
    site.page("/docs/start.md", "# Start\n\nInstall *Acme*.\n", content_type=MARKDOWN)
    site.page("/docs/api/hooks.md", "# Hooks\n\nUse hooks.\n", content_type="text/plain")
    snapshot = fetch(site, "/docs/", tmp_path)
    assert texts(snapshot) == {
        "start": "# Start\n\nInstall *Acme*.\n",
        "api/hooks": "# Hooks\n\nUse hooks.\n",
    }
    assert snapshot.origin.startswith(f"llms.txt at {site.url}/llms.txt")
    assert "/blog/post.md" not in site.paths() and "/docs/guide/" not in site.paths()


def test_llms_full_txt_is_cut_into_pages_when_there_is_no_llms_txt(site, tmp_path):
    site.page(
        "/docs/llms-full.txt",
        "# Start\n\nInstall.\n\n# Config\n\nOptions.\n",
        content_type="text/plain",
    )
    snapshot = fetch(site, "/docs/", tmp_path)
    assert sorted(texts(snapshot)) == ["config", "start"]
    assert snapshot.origin.startswith(f"llms-full.txt at {site.url}/docs/llms-full.txt: 2 pages")


def test_a_root_llms_full_txt_that_names_no_addresses_is_not_used_for_a_folder(site, tmp_path):
    small_docs(site)
    site.page("/llms-full.txt", "# Blog\n\nNot docs.\n", content_type="text/plain")
    snapshot = fetch(site, "/docs/", tmp_path)
    assert snapshot.origin.startswith("crawl of")


def test_sitemaps_from_robots_txt_and_indexes_list_the_pages(site, other, tmp_path):
    small_docs(site)
    site.page("/docs/unlinked", "<main><h1>Unlinked</h1><p>Only in the sitemap.</p></main>")
    site.page(
        "/robots.txt",
        f"User-agent: *\nAllow: /\nSitemap: {site.url}/sitemap-index.xml\n"
        f"Sitemap: {other.url}/sitemap.xml\n",
        content_type="text/plain",
    )
    site.page(
        "/sitemap-index.xml",
        f"<sitemapindex><sitemap><loc>{site.url}/sitemap-docs.xml</loc></sitemap>"
        f"<sitemap><loc>{other.url}/sitemap-more.xml</loc></sitemap></sitemapindex>",
        content_type="application/xml",
    )
    site.page(
        "/sitemap-docs.xml",
        f"<urlset><url><loc>{site.url}/docs/unlinked</loc></url>"
        f"<url><loc>{site.url}/blog/</loc></url><url><loc>{site.url}/docs/api.html</loc></url></urlset>",
        content_type="text/xml",
    )
    snapshot = fetch(site, "/docs/", tmp_path)
    assert sorted(texts(snapshot)) == ["api", "index", "unlinked"]
    assert snapshot.origin.startswith(f"sitemap {site.url}/sitemap-docs.xml")
    assert other.requests == []


def test_robots_txt_that_disallows_the_folder_stops_before_any_page(site, tmp_path):
    small_docs(site)
    site.page("/robots.txt", "User-agent: *\nDisallow: /docs/\n", content_type="text/plain")
    with pytest.raises(RobotsDisallowedError, match=r"robots\.txt does not allow crawlers"):
        fetch(site, "/docs/", tmp_path)
    assert site.paths() == ["/robots.txt"]


def test_robots_txt_rules_for_docshelf_keep_it_out_of_a_subfolder(site, tmp_path):
    small_docs(site)
    site.page(
        "/robots.txt",
        "User-agent: docshelf\nDisallow: /docs/guide/\n\nUser-agent: *\nDisallow: /\n",
        content_type="text/plain",
    )
    snapshot = fetch(site, "/docs/", tmp_path)
    assert sorted(texts(snapshot)) == ["api", "index"]
    assert not any(path.startswith("/docs/guide") for path in site.paths())


def test_a_robots_txt_that_fails_means_no_crawling(site, tmp_path):
    small_docs(site)
    site.page("/robots.txt", "down", status=500, content_type="text/plain")
    with pytest.raises(WebsiteError, match="RFC 9309"):
        fetch(site, "/docs/", tmp_path)
    assert set(site.paths()) == {"/robots.txt"}


def test_a_crawl_past_its_cap_stops_there_and_says_so(site, tmp_path, monkeypatch):
    links = [f"/docs/p{i}" for i in range(30)]
    site.docs("/docs/", "Index", "<p>All pages.</p>", links)
    for link in links:
        site.docs(link, link, "<p>Text.</p>")
    monkeypatch.setenv("DOCSHELF_WEB_MAX_PAGES", "10")
    recorder = Recorder()
    snapshot = fetch(site, "/docs/", tmp_path, reporter=recorder)
    assert len(snapshot.pages) == 10
    assert any("stopped at 10 pages (DOCSHELF_WEB_MAX_PAGES)" in w for w in snapshot.warnings)
    assert len([p for p in site.paths() if p.startswith("/docs/p")]) == 9  # + the index
    assert all(found <= 10 for _, found in recorder.progress)


def test_a_start_address_that_redirects_to_another_host_is_refused(site, other, tmp_path):
    other.docs("/docs/", "Elsewhere", "<p>Other host.</p>")
    site.redirect("/docs/", f"{other.url}/docs/")
    with pytest.raises(OffSiteRedirectError, match=f"DOCSHELF_WEB_ALLOW_HOSTS={other.host}"):
        fetch(site, "/docs/", tmp_path)
    assert other.requests == []


def test_a_page_that_redirects_off_the_host_is_skipped_and_the_host_never_asked(
    site, other, tmp_path
):
    site.docs("/docs/", "Index", "<p>Links.</p>", ["/docs/away", "/docs/moved"])
    site.redirect("/docs/away", f"{other.url}/docs/away")
    site.redirect("/docs/moved", "/docs/new-home", status=308)
    site.docs("/docs/new-home", "New home", "<p>Moved here.</p>")
    snapshot = fetch(site, "/docs/", tmp_path)
    assert sorted(texts(snapshot)) == ["index", "new-home"]
    assert any("on another host; not followed" in w for w in snapshot.warnings)
    assert other.requests == []


def test_a_redirect_out_of_the_folder_is_not_followed(site, tmp_path):
    site.redirect("/docs/", "/v2/docs/")
    site.docs("/v2/docs/", "V2", "<p>Elsewhere on the site.</p>")
    with pytest.raises(OffSiteRedirectError, match=r"add .*/v2/docs/ instead"):
        fetch(site, "/docs/", tmp_path)


def test_responses_that_are_not_html_or_markdown_are_skipped(site, tmp_path):
    site.docs("/docs/", "Index", "<p>Links.</p>", ["/docs/manual.pdf", "/docs/logo", "/docs/ok"])
    site.page("/docs/manual.pdf", b"%PDF-1.7", content_type="application/pdf")
    site.page("/docs/logo", b"\x89PNG", content_type="image/png")
    site.docs("/docs/ok", "OK", "<p>Fine.</p>")
    snapshot = fetch(site, "/docs/", tmp_path)
    assert sorted(texts(snapshot)) == ["index", "ok"]
    warning = next(w for w in snapshot.warnings if "2 pages skipped" in w)
    assert "not HTML or markdown (application/pdf)" in warning and "(image/png)" in warning


def stream_forever_ish(handler: BaseHTTPRequestHandler) -> None:
    """A page of 8 MiB in chunks, with no Content-Length: only reading counts its size."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    chunk = b"<p>" + b"x" * 65_000 + b"</p>"
    try:
        for _ in range(128):
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        handler.wfile.write(b"0\r\n\r\n")
    except OSError:
        pass  # the client hung up, as it should


def test_pages_over_the_size_cap_are_skipped_while_streaming(site, tmp_path, monkeypatch):
    monkeypatch.setenv("DOCSHELF_WEB_MAX_PAGE_MB", "1")
    site.docs("/docs/", "Index", "<p>Links.</p>", ["/docs/huge", "/docs/declared"])
    site.handle("/docs/huge", stream_forever_ish)
    site.page("/docs/declared", "<p>" + "y" * (3 * 1024 * 1024) + "</p>")
    snapshot = fetch(site, "/docs/", tmp_path)
    assert sorted(texts(snapshot)) == ["index"]
    warning = next(w for w in snapshot.warnings if "pages skipped" in w)
    assert "larger than 1.0 MiB; stopped reading it" in warning
    assert "larger than 1.0 MiB (3.0 MiB)" in warning


def test_an_endless_calendar_is_bounded_by_pattern_and_queries_collapse(site, tmp_path):
    def month(handler: BaseHTTPRequestHandler) -> None:
        y, m = (int(n) for n in re.findall(r"\d+", handler.path)[:2])
        nxt = f"/docs/cal/{y + (m == 12)}/{m % 12 + 1}/"
        body = (
            f'<main><h1>{y}-{m}</h1><a href="{nxt}">next</a>'
            f'<a href="?view=week&amp;d={m}">week</a><a href="?view=day">day</a></main>'
        ).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    site.docs("/docs/", "Index", "<p>Calendar.</p>", ["/docs/cal/2024/1/"])
    site.handle_under("/docs/cal/", month)
    snapshot = fetch(site, "/docs/", tmp_path)
    calendar = [p for p in snapshot.pages if p.page_id.startswith("cal/")]
    assert len(calendar) == 50
    assert not any("?" in path for path in site.paths())
    assert any("too many pages of one pattern" in w for w in snapshot.warnings)


def test_a_slow_page_is_skipped_at_the_page_timeout(site, tmp_path, monkeypatch):
    monkeypatch.setenv("DOCSHELF_WEB_PAGE_TIMEOUT", "0.5")

    def stall(handler: BaseHTTPRequestHandler) -> None:
        site.release.wait(timeout=30)

    site.docs("/docs/", "Index", "<p>Links.</p>", ["/docs/slow", "/docs/fast"])
    site.handle("/docs/slow", stall)
    site.docs("/docs/fast", "Fast", "<p>Quick.</p>")
    snapshot = fetch(site, "/docs/", tmp_path)
    assert sorted(texts(snapshot)) == ["fast", "index"]
    assert any("no answer within 0.5 s" in w for w in snapshot.warnings)


def test_the_total_deadline_keeps_what_arrived_and_says_so(site, tmp_path, monkeypatch):
    monkeypatch.setenv("DOCSHELF_WEB_MAX_SECONDS", "1")
    monkeypatch.setenv("DOCSHELF_WEB_CONCURRENCY", "2")

    def stall(handler: BaseHTTPRequestHandler) -> None:
        site.release.wait(timeout=30)

    links = [f"/docs/slow{i}" for i in range(6)]
    site.docs("/docs/", "Index", "<p>Links.</p>", links)
    for link in links:
        site.handle(link, stall)
    snapshot = fetch(site, "/docs/", tmp_path)
    assert sorted(texts(snapshot)) == ["index"]
    assert any("DOCSHELF_WEB_MAX_SECONDS" in w for w in snapshot.warnings)
    assert len([p for p in site.paths() if p.startswith("/docs/slow")]) <= 2


def test_429_and_503_are_retried_after_the_wait_the_site_asks_for(site, tmp_path):
    answers = iter([(429, "7"), (503, "3"), (200, "")])

    def busy(handler: BaseHTTPRequestHandler) -> None:
        status, wait = next(answers)
        body = b"<main><h1>Busy</h1><p>Served at last.</p></main>" if status == 200 else b""
        handler.send_response(status)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(body)))
        if wait:
            handler.send_header("Retry-After", wait)
        handler.end_headers()
        handler.wfile.write(body)

    site.docs("/docs/", "Index", "<p>Links.</p>", ["/docs/busy"])
    site.handle("/docs/busy", busy)
    skipped = SkippedTime()
    snapshot = fetch(site, "/docs/", tmp_path, skipped=skipped)
    assert "Served at last." in texts(snapshot)["busy"]
    assert [round(s) for s in skipped.sleeps] == [7, 3]  # less the time already gone


def test_a_site_asking_for_a_long_pause_loses_that_page_not_the_fetch(site, tmp_path):
    site.docs("/docs/", "Index", "<p>Links.</p>", ["/docs/later"])
    site.page("/docs/later", "", status=503, headers={"Retry-After": "3600"})
    skipped = SkippedTime()
    snapshot = fetch(site, "/docs/", tmp_path, skipped=skipped)
    assert sorted(texts(snapshot)) == ["index"]
    assert any("asked to wait 3600 s" in w for w in snapshot.warnings)
    assert skipped.sleeps == []


def etag_page(site: FakeSite, path: str, body: str, tag: str) -> None:
    def serve(handler: BaseHTTPRequestHandler) -> None:
        current = site.routes[path].headers["ETag"]
        if handler.headers.get("If-None-Match") == current:
            handler.send_response(304)
            handler.send_header("ETag", current)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        data = site.routes[path].body
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("ETag", current)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    site.page(path, body, headers={"ETag": tag})
    site.routes[path].handler = serve


def test_a_re_add_downloads_only_the_pages_that_changed(site, tmp_path):
    from web_fake import docs_page

    etag_page(site, "/docs/", docs_page("Index", "<p>One.</p>", ["/docs/a"]), '"i1"')
    etag_page(site, "/docs/a", docs_page("A", "<p>First text.</p>"), '"a1"')
    first = fetch(site, "/docs/", tmp_path)
    assert first.unchanged == 0
    site.routes["/docs/a"].body = docs_page("A", "<p>Second text.</p>").encode()
    site.routes["/docs/a"].headers["ETag"] = '"a2"'
    site.requests.clear()
    second = fetch(site, "/docs/", tmp_path)
    assert second.unchanged == 1
    assert "(1 unchanged since the last fetch)" in second.origin
    assert texts(second) == {"index": texts(first)["index"], "a": "# A\n\nSecond text.\n"}
    sent = dict(site.requests)
    assert sent["/docs/"]["if-none-match"] == '"i1"'
    assert sent["/docs/a"]["if-none-match"] == '"a1"'


def test_gzip_content_encoding_is_read_and_capped_after_decoding(site, tmp_path, monkeypatch):
    monkeypatch.setenv("DOCSHELF_WEB_MAX_PAGE_MB", "1")
    bomb = gzip.compress(b"<p>" + b"z" * (4 * 1024 * 1024) + b"</p>")
    site.docs("/docs/", "Index", "<p>Links.</p>", ["/docs/small", "/docs/bomb"])
    small = gzip.compress(b"<main><h1>Small</h1><p>Compressed.</p></main>")
    site.page("/docs/small", small, headers={"Content-Encoding": "gzip"})
    site.page("/docs/bomb", bomb, headers={"Content-Encoding": "gzip"})
    snapshot = fetch(site, "/docs/", tmp_path)
    assert sorted(texts(snapshot)) == ["index", "small"]
    assert any("stopped reading it" in w for w in snapshot.warnings)


def test_nothing_to_fetch_is_an_error_that_says_what_to_try(site, tmp_path):
    with pytest.raises(WebsiteError, match=r"no page could be fetched \(HTTP 404"):
        fetch(site, "/docs/", tmp_path)


def test_an_unreachable_site_is_an_error_naming_it(tmp_path):
    server = FakeSite()
    url = server.url  # bound but never started: connections are refused
    server.server.server_close()
    with pytest.raises(WebsiteError, match=r"robots\.txt could not be read"):
        fetch_site(url + "/docs/", tmp_path, SilentReporter(), sleep=lambda _: None)


def test_docs_root_does_not_apply_to_a_website(site, tmp_path):
    with Shelf(tmp_path / "home") as shelf, pytest.raises(UsageError, match="--docs-root"):
        shelf.add_library(site.url + "/docs/", docs_root="docs")


def test_a_failed_re_fetch_keeps_the_cached_pages_and_the_index(site, tmp_path):
    small_docs(site)
    with Shelf(tmp_path / "home") as shelf:
        shelf.add_library(site.url + "/docs/", name="acme")
        site.routes.clear()
        site.page("/robots.txt", "User-agent: *\nDisallow: /\n", content_type="text/plain")
        with pytest.raises(RobotsDisallowedError):
            shelf.add_library(site.url + "/docs/", name="acme")
        assert shelf.list_libraries()[0].latest.pages == 4
        cached = [p for p in (tmp_path / "home" / "cache" / "web").rglob("*.md")]
        assert len(cached) == 4


def test_noindex_pages_are_skipped_and_nofollow_links_not_followed(site, tmp_path):
    robots_meta = '<meta name="robots" content="{}">'
    site.docs("/docs/", "Index", "<p>Links.</p>", ["/docs/hidden", "/docs/leaf"])
    site.page("/docs/hidden", robots_meta.format("noindex") + "<main><h1>Hidden</h1></main>")
    site.page(
        "/docs/leaf",
        robots_meta.format("nofollow") + '<main><h1>Leaf</h1><a href="/docs/deeper">d</a></main>',
    )
    site.docs("/docs/deeper", "Deeper", "<p>Only linked from a nofollow page.</p>")
    snapshot = fetch(site, "/docs/", tmp_path)
    assert sorted(texts(snapshot)) == ["index", "leaf"]
    assert "/docs/deeper" not in site.paths()
    assert any("asks not to be indexed (noindex)" in w for w in snapshot.warnings)


def test_a_site_built_by_javascript_is_named_as_such(site, tmp_path):
    shell = '<html><head><title>App</title></head><body><div id="app"></div>{}</body></html>'
    site.page("/docs/", shell.format('<a href="/docs/a">a</a>'))
    site.page("/docs/a", shell.format(""))
    snapshot = fetch(site, "/docs/", tmp_path)
    assert any("build its pages with JavaScript" in w for w in snapshot.warnings)
