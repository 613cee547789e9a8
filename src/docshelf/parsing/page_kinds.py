"""What a docs page is (guide, reference, course, changelog, ...), from how its library keeps it.

Docs sites file their pages by kind: `reference/`, `tutorial/`, `blog/`, `changelog.md`,
generated API pages made of `::: package.module` directives. A page's kind is read, in
order, from its front matter (a `kind`/`type` field naming one, or a dated post with an
author), from the first of its folders that names a kind (`app/api-reference/...` is
reference, `course/01-intro/...` a course lesson), from its own file name (`CHANGELOG`),
and from what its body is made of; else it is a guide. Search uses kinds to rank (the
kinds that retell other pages go lower, search/kinds.py) and to filter (`kind=`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from docshelf.constants import PAGE_KINDS, PageKind

# Folder names (lowercase, ordering prefixes like `01-` removed) that name a kind.
_FOLDERS: dict[str, PageKind] = {
    **dict.fromkeys(("reference", "references", "ref", "api-reference", "api-ref"), "reference"),
    **dict.fromkeys(
        ("api", "apis", "api-docs", "autoapi", "autodoc", "_autosummary", "typedoc"), "api"
    ),
    **dict.fromkeys(("tutorial", "tutorials", "learn", "walkthrough", "walkthroughs"), "tutorial"),
    **dict.fromkeys(
        ("course", "courses", "lesson", "lessons", "workshop", "workshops", "training"), "course"
    ),
    **dict.fromkeys(
        ("example", "examples", "cookbook", "cookbooks", "recipes", "samples", "demos"), "example"
    ),
    **dict.fromkeys(
        ("changelog", "changelogs", "changes", "release-notes", "releases", "whats-new"),
        "changelog",
    ),
    **dict.fromkeys(("blog", "blogs", "posts", "articles", "announcements", "news"), "blog"),
}
# File names (the page's last path segment) that name a kind on their own.
_FILES: dict[str, PageKind] = {
    **dict.fromkeys(
        ("changelog", "changes", "history", "news", "release-notes", "releases", "whats-new"),
        "changelog",
    ),
    "api": "api",
    "api-reference": "reference",
}
_FRONT_MATTER_KEYS = ("kind", "type", "page_type", "pageType", "doc_type")
_ORDER_PREFIX = re.compile(r"^\d+[-_.]")
# Documentation generated from code: mkdocstrings' `::: pkg.module` and Sphinx's autodoc.
# (a dotted name: VitePress containers read `::: tip`)
_GENERATED = re.compile(
    r"^(?::::[ \t]+\w+(?:\.\w+)+[ \t]*$|\.\.[ \t]+auto(?:module|class|function)::)", re.MULTILINE
)


def page_kind(path: str, metadata: Mapping[str, Any], content: str) -> PageKind:
    """The kind of the page at `path` (docs-root relative, no extension)."""
    for key in _FRONT_MATTER_KEYS:
        value = metadata.get(key)
        if isinstance(value, str) and value.strip().lower() in PAGE_KINDS:
            return value.strip().lower()  # type: ignore[return-value]
    if metadata.get("date") and (metadata.get("author") or metadata.get("authors")):
        return "blog"
    *folders, name = path.lower().split("/")
    for folder in folders:
        kind = _FOLDERS.get(_ORDER_PREFIX.sub("", folder))
        if kind is not None:
            return kind
    name = _ORDER_PREFIX.sub("", name)  # a folder's own page (`blog`, `reference`) too
    kind = _FILES.get(name) or _FOLDERS.get(name)
    if kind is not None:
        return kind
    if _GENERATED.search(content):
        return "api"
    return "guide"
