"""Links to pages: a public URL, a site path or a page's relative link, resolved to a page.

Docs link to each other by the site's URL paths (`/docs/app/api-reference/functions/fetch`,
`/guide/features`), by paths relative to the file (`../tutorial/first-steps.md#query`), or
by full URLs. An agent that reads a page sees those links; so that it can follow one,
`read_docs` accepts any of them, and the text it returns has the relative and site links
it can resolve rewritten to page paths (`app/api-reference/functions/fetch`,
`tutorial/first-steps#query`). Full URLs in the text are left alone: their host may be
another site. A site path is matched by its longest tail that is a page path, so
`/docs/app/x` finds `app/x` whatever the site's base path is; a URL's host is not checked,
since nothing is fetched.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from docshelf.sources.doctree import without_order_prefixes

_DOC_SUFFIX = re.compile(r"\.(md|mdx|markdown|rst|html?)$", re.IGNORECASE)
_FILE_SUFFIXES = (".md", ".mdx", ".markdown", ".rst")
_INLINE_LINK = re.compile(r"(\]\()(<[^>\n]*>|[^)\s]+)((?:\s+\"[^\"\n]*\")?\))")
_REFERENCE = re.compile(r"(?m)^([ \t]{0,3}\[[^\]\n]+\]:[ \t]*)(\S+)")
_CODE = re.compile(r"(?ms)^[ \t]*(`{3,}|~{3,}).*?^[ \t]*\1[ \t]*$|`[^`\n]+`")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True)
class LinkTarget:
    """Where a link points: a page path and the anchor within it ("" for the top)."""

    path: str
    anchor: str = ""

    def __str__(self) -> str:
        return f"{self.path}#{self.anchor}" if self.anchor else self.path


class PageIndex:
    """The pages of one version, by path and by the file each was read from."""

    def __init__(self, files: Mapping[str, str]) -> None:
        self.paths = frozenset(files)
        self.by_file = {file: path for path, file in files.items() if file}

    def resolve(self, target: str, base_file: str = "") -> LinkTarget | None:
        """The page a link names: relative to `base_file` when it is relative and a base
        is given, else as a site path or URL; None when no page matches."""
        parts = urlsplit(target.strip().strip("<>"))
        if parts.scheme and parts.scheme not in ("http", "https"):
            return None
        anchor = unquote(parts.fragment)
        raw = unquote(parts.path)
        if not raw and not parts.netloc:
            return None  # `#section` on the same page
        if base_file and not parts.scheme and not raw.startswith("/"):
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(base_file), raw))
            found = self._by_file(joined) or self.match_site_path(joined)
        else:
            found = self.match_site_path(raw)
        return LinkTarget(found, anchor) if found is not None else None

    def match_site_path(self, raw: str) -> str | None:
        """The page a site path names: its longest tail that is a page path (or a folder's
        index page), tried as written and without ordering prefixes."""
        path = _DOC_SUFFIX.sub("", raw.strip().strip("/"))
        path = path.removesuffix("/index") if path != "index" else path
        segments = [s for s in path.split("/") if s not in ("", ".")]
        if ".." in segments:
            return None
        for start in range(len(segments)):
            tail = "/".join(segments[start:])
            for candidate in dict.fromkeys((tail, without_order_prefixes(tail))):
                for name in (candidate, f"{candidate}/index"):
                    if name in self.paths:
                        return name
        return None

    def _by_file(self, path: str) -> str | None:
        names = [path, *(path + s for s in _FILE_SUFFIXES)]
        names += [f"{path}/index{s}" for s in _FILE_SUFFIXES]
        names += [_DOC_SUFFIX.sub("", path) + s for s in _FILE_SUFFIXES]
        for name in names:
            if name in self.by_file:
                return self.by_file[name]
        return None


def split_link(raw: str) -> tuple[str, str]:
    """A path or URL given to read: (the part naming the page, the `#anchor` or "")."""
    text = raw.strip()
    if "://" in text:
        parts = urlsplit(text)
        return unquote(parts.path), unquote(parts.fragment)
    path, _, anchor = text.partition("#")
    return path, anchor


def rewrite_links(text: str, base_file: str, index: PageIndex) -> str:
    """`text` with relative and site-absolute links to pages written as page paths.

    Links inside code, full URLs and links that match no page are left as written."""
    if "](" not in text and "]:" not in text:
        return text
    held: list[str] = []

    def hold(match: re.Match[str]) -> str:
        held.append(match.group(0))
        return f"\ue000{len(held) - 1}\ue001"

    def rewrite(target: str) -> str:
        bare = target.strip("<>")
        if not bare or bare.startswith("#") or _SCHEME.match(bare) or bare.startswith("//"):
            return target
        if not base_file and not bare.startswith("/"):
            return target  # relative to a file the index does not know
        found = index.resolve(bare, base_file)
        return str(found) if found is not None else target

    text = _CODE.sub(hold, text)
    text = _INLINE_LINK.sub(lambda m: m.group(1) + rewrite(m.group(2)) + m.group(3), text)
    text = _REFERENCE.sub(lambda m: m.group(1) + rewrite(m.group(2)), text)
    return re.sub("\ue000(\\d+)\ue001", lambda m: held[int(m.group(1))], text)
