"""robots.txt rules: the docshelf token first, crawl delay capped, sitemaps listed."""

from __future__ import annotations

from docshelf.sources.web_robots import MAX_CRAWL_DELAY, parse_robots

ROBOTS = """User-agent: docshelf
Disallow: /docs/private/
Crawl-delay: 60

User-agent: *
Disallow: /

Sitemap: https://acme.dev/sitemap.xml
"""


def test_rules_for_docshelf_apply_and_other_agents_rules_do_not():
    rules = parse_robots("https://acme.dev/robots.txt", ROBOTS)
    assert rules.allows("https://acme.dev/docs/guide")
    assert not rules.allows("https://acme.dev/docs/private/keys")
    assert rules.crawl_delay == MAX_CRAWL_DELAY
    assert rules.sitemaps == ("https://acme.dev/sitemap.xml",)


def test_an_empty_robots_txt_allows_everything():
    rules = parse_robots("https://acme.dev/robots.txt", "")
    assert rules.allows("https://acme.dev/anything") and rules.crawl_delay == 0
