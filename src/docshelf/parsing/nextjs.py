"""Next.js's docs pages, as each router's section of nextjs.org shows them.

Next.js keeps one text for both routers and marks what belongs to one: `<AppOnly>` blocks
show only under /docs/app, `<PagesOnly>` blocks only under /docs/pages. Format
`next-app` drops the `<PagesOnly>` blocks and keeps the `<AppOnly>` ones' text;
`next-pages` does the opposite. Both are then read as MDX.
"""

from __future__ import annotations

import re

from docshelf.models import Page
from docshelf.parsing.mdx import parse_mdx_page

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


def parse_app_page(path: str, text: str) -> Page:
    """An App Router page (format `next-app`)."""
    return parse_mdx_page(path, router_view(text, "App"))


def parse_pages_page(path: str, text: str) -> Page:
    """A Pages Router page (format `next-pages`)."""
    return parse_mdx_page(path, router_view(text, "Pages"))


def router_view(text: str, router: str) -> str:
    """`text` as the `router` ("App" or "Pages") section of the site shows it."""
    other = "Pages" if router == "App" else "App"
    if f"<{other}Only" not in text and f"<{router}Only" not in text:
        return text
    out: list[str] = []
    fence: str | None = None
    hidden = 0
    for line in text.split("\n"):
        match = _FENCE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            if not hidden:
                out.append(line)
            continue
        if match:
            fence = match.group(1)
            if not hidden:
                out.append(line)
            continue
        opened = len(re.findall(rf"<{other}Only\s*>", line))
        closed = len(re.findall(rf"</{other}Only\s*>", line))
        if opened or closed or hidden:
            if opened and closed and not hidden:  # `<PagesOnly>x</PagesOnly>` on one line
                kept = re.sub(rf"<{other}Only\s*>.*?</{other}Only\s*>", "", line)
                if kept.strip():
                    out.append(kept)
            hidden = max(hidden + opened - closed, 0)
            continue
        out.append(re.sub(rf"</?{router}Only\s*>", "", line))
    return "\n".join(out)
