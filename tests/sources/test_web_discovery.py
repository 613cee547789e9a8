"""llms.txt links, llms-full.txt cut into pages, sitemaps parsed safely."""

from __future__ import annotations

from docshelf.sources.web_discovery import llms_links, parse_sitemap, split_llms_full
from docshelf.sources.web_scope import parse_site_url

LLMS_TXT = """# Acme

> Acme builds widgets.

## Guide

- [Getting started](https://acme.dev/docs/start.md): the first steps
- [Config](/docs/config.md)
- [Blog post](https://acme.dev/blog/launch.md)
- [Elsewhere](https://other.example/page.md)

## Optional

- [Changelog](changelog.md "the changes")
"""


def test_llms_txt_links_are_resolved_and_listed_once_in_order():
    links = llms_links(LLMS_TXT + "\n- [Again](/docs/config.md)\n", "https://acme.dev/llms.txt")
    assert links == [
        "https://acme.dev/docs/start.md",
        "https://acme.dev/docs/config.md",
        "https://acme.dev/blog/launch.md",
        "https://other.example/page.md",
        "https://acme.dev/changelog.md",
    ]


def test_llms_full_with_url_markers_is_cut_per_page_and_filtered_to_the_folder():
    text = """---
url: /docs/start.md
---
# Start

Install it.

```md
# not a page: inside a fence
```

---
url: /blog/launch.md
---
# Launch

News.

---
url: /docs/api/hooks.md
---
# Hooks

Use hooks.
"""
    scope = parse_site_url("https://acme.dev/docs/")
    pages = split_llms_full(text, scope, "https://acme.dev/llms-full.txt")
    assert [p.page_id for p in pages] == ["start", "api/hooks"]
    assert pages[0].markdown.startswith("# Start\n\nInstall it.")
    assert "# not a page" in pages[0].markdown
    assert pages[1].url == "https://acme.dev/docs/api/hooks.md"


def test_llms_full_with_source_lines_takes_each_pages_address():
    text = """# Quickstart
Source: https://acme.dev/docs/quickstart

Go fast.

# Routing
Source: https://acme.dev/docs/guides/routing

Routes.
"""
    pages = split_llms_full(
        text, parse_site_url("https://acme.dev/"), "https://acme.dev/llms-full.txt"
    )
    assert [p.page_id for p in pages] == ["docs/quickstart", "docs/guides/routing"]
    assert "Source:" not in pages[0].markdown


def test_llms_full_without_addresses_names_pages_by_their_titles():
    text = "# Intro\n\nHello.\n\n# Intro\n\nAgain.\n\n# Deep Dive\n\nMore.\n"
    pages = split_llms_full(
        text, parse_site_url("https://acme.dev/"), "https://acme.dev/llms-full.txt"
    )
    assert [p.page_id for p in pages] == ["intro", "intro-2", "deep-dive"]
    assert all(p.url is None for p in pages)


def test_sitemap_and_sitemap_index_are_read():
    urlset = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://acme.dev/docs/</loc></url>
  <url><loc> https://acme.dev/docs/a </loc><lastmod>2025-01-01</lastmod></url>
</urlset>"""
    assert parse_sitemap(urlset) == (["https://acme.dev/docs/", "https://acme.dev/docs/a"], [])
    index = """<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://acme.dev/sitemap-docs.xml</loc></sitemap></sitemapindex>"""
    assert parse_sitemap(index) == ([], ["https://acme.dev/sitemap-docs.xml"])
    assert parse_sitemap("https://acme.dev/a\nhttps://acme.dev/b\n") == (
        ["https://acme.dev/a", "https://acme.dev/b"],
        [],
    )


def test_sitemap_entities_are_not_expanded_and_garbage_gives_nothing():
    bomb = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY file SYSTEM "file:///etc/passwd">]>
<urlset><url><loc>https://acme.dev/&lol2;&file;</loc></url></urlset>"""
    pages, _ = parse_sitemap(bomb)
    assert all("lollol" not in p and "root:" not in p for p in pages)
    assert parse_sitemap("<not xml") == ([], [])
