"""Fetching a website's pages a few at a time: a list of URLs, or a crawl bounded to a folder.

Workers (threads; as many as the concurrency setting) fetch and convert pages; the
calling thread alone keeps the queue, so the bounds are exact: the page cap, the depth
below the docs' folder, the per-shape cap of `web_scope`, robots.txt, and the deadline
(after it no new request starts and the pages already fetched are kept). A page that
fails is skipped with its reason; one that did not change since the last fetch (a 304
to a conditional request) is taken from the cache.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from docshelf.parsing.html import html_to_page
from docshelf.sources.web_cache import CachedPage, SiteCache
from docshelf.sources.web_client import (
    DeadlineReached,
    PageSkipped,
    Validators,
    WebClient,
)
from docshelf.sources.web_discovery import llms_links
from docshelf.sources.web_robots import RobotsRules
from docshelf.sources.web_scope import MAX_DEPTH, MAX_PER_SHAPE, normalize_url, path_shape

Progress = Callable[[int, int], None]  # (pages done, pages found)
_POLL_SECONDS = 1.0  # how often the queue wakes while every worker waits on the network


@dataclass(frozen=True)
class FetchedPage:
    """A page that arrived (or was unchanged), as markdown."""

    url: str  # as requested
    final_url: str  # after redirects
    page_id: str
    markdown: str
    links: tuple[str, ...]
    validators: Validators
    unchanged: bool = False  # a 304: the text is the cached one


@dataclass
class CrawlResult:
    """What a fetch of many pages brought back."""

    pages: list[FetchedPage] = field(default_factory=list)
    skipped: list[PageSkipped] = field(default_factory=list)
    left: int = 0  # URLs found but not fetched: the page cap or the deadline came first
    out_of_time: bool = False
    bounded: Counter[str] = field(default_factory=Counter)  # links not followed, by bound


class PageFetcher:
    """Fetches pages of one site into FetchedPages; shared by the worker threads."""

    def __init__(
        self, client: WebClient, robots: RobotsRules, cache: SiteCache | None = None
    ) -> None:
        self.client = client
        self.robots = robots
        self.cache = cache
        self.previous: dict[str, CachedPage] = cache.load() if cache is not None else {}

    def fetch(self, url: str) -> FetchedPage:
        """One page as markdown; raises PageSkipped (or DeadlineReached)."""
        scope = self.client.scope
        if not self.robots.allows(url):
            raise PageSkipped(url, "robots.txt does not allow it")
        entry = self.previous.get(url)
        old_text = self.cache.previous_text(entry) if entry and self.cache else None
        validators = entry.validators if entry is not None and old_text is not None else None
        response = self.client.get(url, validators=validators)
        if response.not_modified and entry is not None and old_text is not None:
            kept = response.validators if response.validators.etag else entry.validators
            return FetchedPage(
                url, entry.final_url, entry.page_id, old_text, entry.links, kept, True
            )
        if response.not_modified:
            raise PageSkipped(url, "HTTP 304 to a request that was not conditional")
        if response.kind == "html":
            page = html_to_page(response.text, response.url)
            if not page.index:
                raise PageSkipped(url, "the page asks not to be indexed (noindex)")
            markdown, links = page.markdown, page.links if page.follow else ()
        else:
            markdown, links = response.text, tuple(llms_links(response.text, response.url))
        if not markdown.strip():
            raise PageSkipped(url, "the page is empty")
        page_id = scope.page_id(response.url)
        return FetchedPage(url, response.url, page_id, markdown, links, response.validators)


def fetch_pages(
    fetcher: PageFetcher,
    urls: Iterable[str],
    *,
    follow: bool,
    max_pages: int,
    concurrency: int,
    progress: Progress | None = None,
) -> CrawlResult:
    """Fetch `urls` (in order) and, with `follow`, the pages they link to inside the docs'
    folder, breadth first, within the bounds in the module docstring."""
    scope = fetcher.client.scope
    result = CrawlResult()
    queue: deque[str] = deque()
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    ids: set[str] = set()

    rejected: set[str] = set()

    def offer(url: str) -> None:
        if url in seen or url in rejected:
            return
        reason = ""
        if not fetcher.robots.allows(url):
            reason = "disallowed by robots.txt"
        elif follow and scope.depth(url) > MAX_DEPTH:
            reason = "deeper than the depth limit"
        elif follow and shapes[path_shape(url)] >= MAX_PER_SHAPE:
            reason = "too many pages of one pattern (a calendar?)"
        if reason:
            rejected.add(url)
            result.bounded[reason] += 1
            return
        shapes[path_shape(url)] += 1
        seen.add(url)
        queue.append(url)

    for url in urls:
        offer(url)
    started = 0
    pending: dict[Future[FetchedPage], str] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="docshelf-web")
    try:
        while queue or pending:
            while queue and len(pending) < max(1, concurrency) and started < max_pages:
                if result.out_of_time:
                    break
                url = queue.popleft()
                pending[pool.submit(fetcher.fetch, url)] = url
                started += 1
            if not pending:
                break
            done, _ = wait(pending, timeout=_POLL_SECONDS, return_when=FIRST_COMPLETED)
            for future in done:
                pending.pop(future)
                try:
                    page = future.result()
                except DeadlineReached:
                    result.out_of_time = True
                    continue
                except PageSkipped as skipped:
                    result.skipped.append(skipped)
                    continue
                if page.page_id in ids:
                    continue  # the same page under another address (`/a/` and `/a/index.html`)
                ids.add(page.page_id)
                result.pages.append(page)
                if follow:
                    for link in page.links:
                        target = normalize_url(link)
                        if target is not None and scope.contains(target):
                            offer(target)
            if progress is not None:
                found = min(len(seen), max_pages)
                progress(len(result.pages) + len(result.skipped), max(found, 1))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    result.left = len(queue)
    return result
