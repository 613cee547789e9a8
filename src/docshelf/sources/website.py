"""The website source: `https://HOST/PATH/` fetched into a folder of markdown pages.

Registered as `https:` and `http:`. The site's own lists come first, then a crawl:

1. `llms.txt` at the docs' folder, then at the site root: the pages it links to inside
   the folder (often `.md` files, taken as they are);
2. `llms-full.txt` at the folder, then the root: cut into pages (`web_discovery`); a
   root file whose pages name no address is used only for a source at the site root;
3. sitemaps (robots.txt `Sitemap:` lines, `/sitemap.xml`, the folder's `sitemap.xml`,
   sitemap indexes followed on the same host): the pages listed inside the folder;
4. a crawl from the URL given, bounded to its folder.

A way that yields no page falls through to the next. robots.txt is read first and obeyed
throughout. Page ids are paths below the folder (`web_scope.SiteScope.page_id`). Pages
land in the cache (`web_cache`), and a re-add sends conditional requests so unchanged
pages are not downloaded again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from docshelf.errors import UsageError
from docshelf.parsing.formats import DocFile
from docshelf.progress import Reporter
from docshelf.settings import get_bool, get_float, get_int, get_list
from docshelf.sources import FetchedDocs
from docshelf.sources.errors import OffSiteRedirectError, RobotsDisallowedError, WebsiteError
from docshelf.sources.web_cache import SiteCache
from docshelf.sources.web_client import (
    DeadlineReached,
    PageSkipped,
    Redirected,
    Validators,
    WebClient,
)
from docshelf.sources.web_crawl import CrawlResult, FetchedPage, PageFetcher, fetch_pages
from docshelf.sources.web_discovery import llms_links, parse_sitemap, split_llms_full
from docshelf.sources.web_robots import RobotsRules, fetch_robots
from docshelf.sources.web_scope import SiteScope, normalize_url, parse_site_url

MAX_SITEMAP_FILES = 50
LLMS_FULL_FACTOR = 16  # llms-full.txt may be this many times the page size cap
_SHOWN_SKIPS = 5
_THIN_WORDS = 8  # a page with fewer words than this (title included) is an empty shell


@dataclass(frozen=True)
class SitePage:
    """One page of a fetched site: its id, address and markdown file in the cache."""

    page_id: str
    url: str
    file: Path


@dataclass(frozen=True)
class SiteSnapshot:
    """A website made local: its pages in the cache, and how they were found."""

    source: str  # the URL given, normalised
    name: str
    version: str
    root: Path  # the site's cache folder
    pages_dir: Path  # the markdown, one file per page, named by page id
    pages: tuple[SitePage, ...]
    origin: str  # e.g. "llms.txt at https://vite.dev/llms.txt: 57 pages"
    warnings: tuple[str, ...] = ()
    unchanged: int = 0  # pages a conditional request found unchanged


def fetch_docs(
    spec: str, cache_dir: Path, docs_root: str | None, reporter: Reporter
) -> FetchedDocs:
    """The registry's entry for `https:` specs (the prefix was split off)."""
    _no_docs_root(docs_root)
    return fetched_docs(fetch_site(f"https:{spec}", cache_dir, reporter))


def fetch_http_docs(
    spec: str, cache_dir: Path, docs_root: str | None, reporter: Reporter
) -> FetchedDocs:
    """The registry's entry for `http:` specs (localhost, or DOCSHELF_WEB_ALLOW_HTTP=on)."""
    _no_docs_root(docs_root)
    return fetched_docs(fetch_site(f"http:{spec}", cache_dir, reporter))


def fetched_docs(site: SiteSnapshot) -> FetchedDocs:
    """The snapshot as the registry's FetchedDocs: one markdown page per file, named by
    its id (the URL path below the folder)."""
    documents = tuple(
        DocFile(page.page_id, page.file.relative_to(site.pages_dir).as_posix(), "md")
        for page in site.pages
    )
    return FetchedDocs(
        site.source,
        site.name,
        site.version,
        site.pages_dir,
        documents,
        site.origin,
        site.warnings,
    )


def fetch_site(
    url: str,
    cache_dir: Path,
    reporter: Reporter,
    *,
    client: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> SiteSnapshot:
    """Fetch the docs at `url` into the cache (see the module docstring)."""
    scope = parse_site_url(
        url, allow_http=get_bool("web_allow_http"), extra_hosts=get_list("web_allow_hosts")
    )
    max_bytes = int(get_float("web_max_page_mb") * 1024 * 1024)
    concurrency = max(1, get_int("web_concurrency"))
    web = WebClient(
        scope,
        delay=max(0, get_int("web_delay_ms")) / 1000,
        page_timeout=get_float("web_page_timeout"),
        max_bytes=max_bytes,
        deadline=clock() + get_float("web_max_seconds"),
        concurrency=concurrency,
        client=client,
        sleep=sleep,
        clock=clock,
    )
    with web:
        reporter.message(f"Reading {scope.url('/robots.txt')}")
        robots = _robots(web, scope)
        web.slow_down(robots.crawl_delay)
        cache = SiteCache(cache_dir, scope)
        run = _Run(scope, PageFetcher(web, robots, cache), reporter, concurrency)
        try:
            origin, result = run.discover(robots, max_bytes * LLMS_FULL_FACTOR)
        except DeadlineReached:
            raise WebsiteError(
                scope.start,
                "the time allowed ran out before any page arrived",
                "Raise DOCSHELF_WEB_MAX_SECONDS, or try again when the site answers faster.",
            ) from None
    return _snapshot(scope, cache, origin, result, run.warnings)


class _Run:
    """One fetch of a site: tries each way of finding its pages in turn."""

    def __init__(
        self, scope: SiteScope, fetcher: PageFetcher, reporter: Reporter, concurrency: int
    ) -> None:
        self.scope = scope
        self.fetcher = fetcher
        self.reporter = reporter
        self.concurrency = concurrency
        self.max_pages = max(1, get_int("web_max_pages"))
        self.warnings: list[str] = []
        self.failures: list[str] = []

    def discover(self, robots: RobotsRules, full_cap: int) -> tuple[str, CrawlResult]:
        for way in (self._llms_txt, self._sitemaps):
            found = way(robots, full_cap)
            if found is not None:
                return found
        return self._crawl()

    def _llms_txt(self, robots: RobotsRules, full_cap: int) -> tuple[str, CrawlResult] | None:
        for name in ("llms.txt", "llms-full.txt"):
            for url in self._site_files(name):
                text = self._site_file(url, robots, full_cap if "full" in name else None)
                if text is None:
                    continue
                result: CrawlResult | None
                if name == "llms.txt":
                    links = [u for u in llms_links(text, url) if self.scope.contains(u)]
                    if not links:
                        continue
                    self.reporter.message(f"{url} lists {len(links)} pages in {self.scope.prefix}")
                    result = self._fetch(links, follow=False)
                else:
                    result = self._split_full(text, url)
                if result is not None and result.pages:
                    return f"{name} at {url}", result
                if result is not None:
                    self.failures.append(f"no page listed in {url} could be fetched")
        return None

    def _split_full(self, text: str, url: str) -> CrawlResult | None:
        pages = split_llms_full(text, self.scope, url)
        at_root = url == self.scope.url("/llms-full.txt") and self.scope.prefix != "/"
        if at_root and not any(page.url for page in pages):
            self.failures.append(f"{url} does not say which pages lie in {self.scope.prefix}")
            return None
        self.reporter.message(f"{url}: {len(pages)} pages")
        result = CrawlResult()
        for page in pages[: self.max_pages]:
            result.pages.append(
                FetchedPage(
                    page.url or url,
                    page.url or url,
                    page.page_id,
                    page.markdown,
                    (),
                    Validators(),
                )
            )
        result.left = max(0, len(pages) - self.max_pages)
        return result

    def _sitemaps(self, robots: RobotsRules, full_cap: int) -> tuple[str, CrawlResult] | None:
        queue = [u for u in robots.sitemaps if self.scope.on_host(u)]
        queue += self._site_files("sitemap.xml")
        seen: set[str] = set()
        pages: dict[str, None] = {}
        first = ""
        while queue and len(seen) < MAX_SITEMAP_FILES:
            sitemap = normalize_url(queue.pop(0))
            if sitemap is None or sitemap in seen or not self.scope.on_host(sitemap):
                continue
            seen.add(sitemap)
            text = self._site_file(sitemap, robots, full_cap, accept_xml=True)
            if text is None:
                continue
            urls, children = parse_sitemap(text)
            queue += [c for c in children if self.scope.on_host(c)]
            for page_url in urls:
                normal = normalize_url(page_url)
                if normal is not None and self.scope.contains(normal):
                    pages.setdefault(normal)
                    first = first or sitemap
        if not pages:
            return None
        listed = [self.scope.start, *(u for u in pages if u != self.scope.start)]
        self.reporter.message(f"{first} lists {len(pages)} pages in {self.scope.prefix}")
        result = self._fetch(listed, follow=False)
        if not result.pages:
            self.failures.append(f"no page listed in {first} could be fetched")
            return None
        return f"sitemap {first}", result

    def _crawl(self) -> tuple[str, CrawlResult]:
        self.reporter.message(f"Crawling {self.scope.start} (pages under {self.scope.prefix})")
        result = self._fetch([self.scope.start], follow=True)
        start_failed = next((s for s in result.skipped if s.url == self.scope.start), None)
        if isinstance(start_failed, Redirected):
            raise OffSiteRedirectError(
                self.scope.start,
                start_failed.target,
                _host_of(start_failed.target),
                off_host=start_failed.off_host,
            )
        if not result.pages:
            why = start_failed.reason if start_failed else "the page links to no docs page"
            tried = "; ".join(self.failures)
            raise WebsiteError(
                self.scope.start,
                f"no page could be fetched ({why}{'; ' + tried if tried else ''})",
                "Check the address in a browser; give the folder that holds the docs "
                "(e.g. https://vite.dev/guide/), or add the docs from their repository "
                "(github:OWNER/REPO) or package instead.",
            )
        return f"crawl of {self.scope.start}", result

    def _fetch(self, urls: list[str], *, follow: bool) -> CrawlResult:
        return fetch_pages(
            self.fetcher,
            urls,
            follow=follow,
            max_pages=self.max_pages,
            concurrency=self.concurrency,
            progress=self.reporter.pages,
        )

    def _site_files(self, name: str) -> list[str]:
        """`name` in the docs' folder, then at the site root."""
        here, root = self.scope.url(self.scope.prefix + name), self.scope.url(f"/{name}")
        return list(dict.fromkeys([here, root]))

    def _site_file(
        self, url: str, robots: RobotsRules, cap: int | None, *, accept_xml: bool = False
    ) -> str | None:
        if not robots.allows(url):
            return None
        try:
            response = self.fetcher.client.get(
                url,
                accept=("xml", "text", "markdown") if accept_xml else ("markdown", "text"),
                in_prefix=False,
                max_bytes=cap,
            )
        except PageSkipped as skipped:
            if skipped.status not in (None, 404, 410):
                self.failures.append(f"{url}: {skipped.reason}")
            return None
        return response.text


def _robots(web: WebClient, scope: SiteScope) -> RobotsRules:
    robots = fetch_robots(web)
    if robots.unreadable:
        raise WebsiteError(
            scope.start,
            f"{robots.url} could not be read ({robots.unreadable})",
            "Check the address and your network. If the site is up, its robots.txt is "
            "failing, which docshelf takes as 'no crawling allowed' (RFC 9309); try later.",
        )
    if not robots.allows(scope.start):
        raise RobotsDisallowedError(scope.start, robots.url)
    return robots


def _snapshot(
    scope: SiteScope,
    cache: SiteCache,
    origin: str,
    result: CrawlResult,
    warnings: list[str],
) -> SiteSnapshot:
    writer = cache.writer()
    try:
        pages = tuple(
            SitePage(
                page.page_id,
                page.final_url,
                writer.write(
                    page.url,
                    page.final_url,
                    page.page_id,
                    page.markdown,
                    page.validators,
                    page.links,
                ),
            )
            for page in result.pages
        )
        pages_dir = writer.commit()
    except BaseException:
        writer.discard()
        raise
    pages = tuple(
        SitePage(p.page_id, p.url, pages_dir / p.file.relative_to(writer.folder)) for p in pages
    )
    unchanged = sum(1 for page in result.pages if page.unchanged)
    notes = [*warnings, *_result_warnings(scope, result)]
    described = f"{origin}: {len(pages)} pages"
    if unchanged:
        described += f" ({unchanged} unchanged since the last fetch)"
    return SiteSnapshot(
        scope.start,
        scope.library_name(),
        scope.version_label(),
        cache.root,
        pages_dir,
        pages,
        described,
        tuple(notes),
        unchanged,
    )


def _result_warnings(scope: SiteScope, result: CrawlResult) -> list[str]:
    notes: list[str] = []
    if result.left and not result.out_of_time:
        notes.append(
            f"stopped at {len(result.pages) + len(result.skipped)} pages "
            f"(DOCSHELF_WEB_MAX_PAGES); {result.left} more were found under {scope.prefix}. "
            "Raise the cap, or add a narrower folder of the site."
        )
    if result.out_of_time:
        notes.append(
            f"the time allowed (DOCSHELF_WEB_MAX_SECONDS) ran out after "
            f"{len(result.pages)} pages; {result.left} more were not fetched. Raise it to "
            "fetch the rest."
        )
    thin = [page for page in result.pages if len(page.markdown.split()) < _THIN_WORDS]
    if len(thin) * 2 > len(result.pages):
        notes.append(
            f"{len(thin)} of {len(result.pages)} pages have almost no text: the site may "
            "build its pages with JavaScript, which docshelf does not run. Add the docs from "
            "the site's llms.txt, its repository (github:OWNER/REPO) or package instead."
        )
    for reason, count in sorted(result.bounded.items()):
        if reason != "disallowed by robots.txt":
            notes.append(f"{count} links not followed: {reason}.")
    if result.skipped:
        shown = "; ".join(f"{s.url} ({s.reason})" for s in result.skipped[:_SHOWN_SKIPS])
        more = len(result.skipped) - _SHOWN_SKIPS
        notes.append(
            f"{len(result.skipped)} pages skipped: {shown}"
            + (f"; and {more} more" if more > 0 else "")
            + "."
        )
    return notes


def _no_docs_root(docs_root: str | None) -> None:
    if docs_root:
        raise UsageError(
            "--docs-root does not apply to a website: put the folder in the address instead "
            "(https://example.com/docs/guide/ covers that folder and below)."
        )


def _host_of(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).netloc or url
