"""robots.txt for a website source, read with the standard library's urllib.robotparser.

As RFC 9309 says: a robots.txt that is missing (4xx) allows everything; one that cannot
be read (5xx after retries, no answer) allows nothing. A redirect off the host is treated
as missing, since docshelf fetches nothing there. The rules are matched for the token
`docshelf`, else `*`; urllib.robotparser does not know the `*`/`$` path wildcards some
sites use, so such a rule matches only paths that spell it literally.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.robotparser import RobotFileParser

from docshelf.sources.web_client import PageSkipped, Redirected, WebClient

ROBOTS_AGENT = "docshelf"
MAX_CRAWL_DELAY = 10.0  # seconds; a longer Crawl-delay is honoured up to this much


@dataclass(frozen=True)
class RobotsRules:
    """What a site's robots.txt allows docshelf, and the sitemaps it names."""

    url: str
    parser: RobotFileParser | None  # None: everything allowed
    unreadable: str = ""  # why nothing is allowed, when the file could not be read
    sitemaps: tuple[str, ...] = ()
    crawl_delay: float = 0.0
    notes: tuple[str, ...] = field(default=())

    def allows(self, url: str) -> bool:
        if self.unreadable:
            return False
        return self.parser is None or self.parser.can_fetch(ROBOTS_AGENT, url)


def parse_robots(url: str, text: str) -> RobotsRules:
    """Rules from the text of a robots.txt fetched from `url`."""
    parser = RobotFileParser(url)
    parser.parse(text.splitlines())
    delay = parser.crawl_delay(ROBOTS_AGENT)
    sitemaps = tuple(parser.site_maps() or ())
    return RobotsRules(
        url, parser, sitemaps=sitemaps, crawl_delay=min(float(delay or 0), MAX_CRAWL_DELAY)
    )


def fetch_robots(client: WebClient) -> RobotsRules:
    """The site's robots.txt rules (see the module docstring for what a failure means)."""
    url = client.scope.url("/robots.txt")
    try:
        response = client.get(url, accept=("text", "markdown"), in_prefix=False)
    except Redirected:
        return RobotsRules(url, None)
    except PageSkipped as skipped:
        if skipped.status is not None and skipped.status < 500:
            return RobotsRules(url, None)  # missing, or not a text file: no rules
        return RobotsRules(url, None, unreadable=skipped.reason)
    return parse_robots(url, response.text)
