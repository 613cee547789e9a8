"""Next.js's shared docs text, as the App Router and the Pages Router sections show it."""

from __future__ import annotations

from docshelf.parsing.formats import parse_document
from docshelf.parsing.nextjs import router_view

SHARED = (
    "---\ntitle: Link\n---\n\nShared text.\n\n<PagesOnly>\n\nUse `legacyBehavior`.\n\n"
    "```jsx\n<AppOnly>not a tag here</AppOnly>\n```\n\n</PagesOnly>\n\n<AppOnly>\n\n"
    "Use `prefetch`.\n\n</AppOnly>\n\nBoth <PagesOnly>pages inline</PagesOnly> end.\n"
)


def test_the_app_view_drops_pages_only_blocks_and_keeps_app_only_text():
    text = router_view(SHARED, "App")
    assert "legacyBehavior" not in text and "not a tag here" not in text
    assert "Use `prefetch`." in text and "<AppOnly>" not in text
    assert "Both  end." in text


def test_the_pages_view_keeps_pages_only_text_and_code_as_written():
    text = router_view(SHARED, "Pages")
    assert "Use `legacyBehavior`." in text and "prefetch" not in text
    assert "```jsx\n<AppOnly>not a tag here</AppOnly>\n```" in text
    assert "Both pages inline end." in text


def test_each_router_has_a_format():
    app = parse_document("app/api-reference/components/link", SHARED, "next-app")
    pages = parse_document("pages/api-reference/components/link", SHARED, "next-pages")
    assert app.title == pages.title == "Link"
    assert "prefetch" in app.content and "prefetch" not in pages.content
