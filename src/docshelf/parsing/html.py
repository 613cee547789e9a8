"""HTML -> markdown for docs pages: the main content only, headings, tables and code kept.

lxml finds the main content (`<main>`, `role=main`, `<article>`, a theme's content box,
else the element most of the page's prose lies in) and drops what is not content: nav,
headers, footers, asides, scripts, heading anchors, copy buttons, breadcrumbs, tables of
contents, line numbers. Code blocks are rebuilt as plain `<pre>` with their language
(from `class="language-x"` and the like on the block or around it), so any highlighter's
markup comes out as one fenced block. markdownify writes the markdown. Both libraries are
imported when the first page is converted, so start-up does not pay for them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urljoin

from docshelf.models import Page
from docshelf.parsing.markdown import parse_page

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# Beyond this much main-content HTML a page is kept as plain text: markdownify is pure
# Python and would take minutes on a page this big.
MAX_CONVERT_CHARS = 3_000_000
# Bounds on the search for the main content, so a hostile page (thousands of nested or
# sibling candidates) costs a bounded number of passes over it.
MAX_CANDIDATES = 50
MAX_DESCENT = 60

_DROP_TAGS = (
    "script", "style", "noscript", "template", "svg", "math", "canvas", "iframe", "object",
    "embed", "form", "button", "input", "select", "textarea", "nav", "aside", "footer",
    "dialog", "link", "meta", "label",
)  # fmt: skip
# Class or id words of page chrome, matched whole after dropping CSS-module hashes
# (`tableOfContents_bqdL` -> `tableofcontents`).
_CHROME = re.compile(
    r"(?:toc|table-?of-?contents|on-?this-?page|theme-doc-toc[\w-]*|breadcrumbs?"
    r"|theme-doc-breadcrumbs|pagination(?:-nav)?|pager|prev-?next|headerlink|header-anchor"
    r"|hash-?link|anchor-?link|anchorjs-link|copy-?(?:button|code)?|clipboard[\w-]*"
    r"|edit-?(?:this-?)?page|theme-edit-this-page|skip-?(?:link|to-content)|linenos?"
    r"|linenodiv|line-?numbers?(?:-rows)?|cookie[\w-]*|announcement[\w-]*|sr-only"
    r"|visually-?hidden|screen-reader-text|feedback[\w-]*|md-source-file|vpdocfooter"
    r"|vpdocasideoutline|lang)"
)
_THEME_CONTAINERS = (
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' md-content ')]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' rst-content ')]",
    "//div[@class='body' or starts-with(@class, 'body ')]",
    "//*[@id='content']",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' markdown-body ')]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' content ')]",
)
_LANGUAGE = re.compile(
    r"(?:^|\s)(?:language|lang|highlight-source|highlight|brush:?)-?([A-Za-z0-9_+#.-]+)"
)
_NOT_A_LANGUAGE = {"default", "none", "text", "plain", "plaintext", "nohighlight", "ipython3"}
_ANCHOR_TEXT = re.compile(r"^[\s#¶§🔗\u200b\ufeff]*$")
_TITLE_SUFFIX = re.compile(r"\s+[|\u2013\u2014·:-]\s+[^|\u2013\u2014·]{1,60}$")
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class HtmlPage:
    """A web page made markdown, with the links a crawler may follow."""

    title: str
    markdown: str  # the main content, opening with `# title`
    links: tuple[str, ...]  # absolute URLs of the page's links, nav included, no fragments
    index: bool = True  # False: <meta name="robots" content="noindex">
    follow: bool = True  # False: <meta name="robots" content="nofollow">


def html_to_page(html: str, url: str = "") -> HtmlPage:
    """The main content of an HTML page as markdown, its title and its links.

    `url` is where the page was fetched from; relative links are resolved against it (or
    the page's `<base href>`).
    """
    import lxml.html

    doc = _parse(html)
    base = _base_url(doc, url)
    links = tuple(_links(doc, base))
    robots = " ".join(
        str(meta.get("content", "")).lower()
        for meta in doc.iter("meta")
        if str(meta.get("name", "")).lower() in ("robots", "docshelf")
    )
    page_title = _page_title(doc)
    root = find_main(doc)
    _prune(root)
    heading = next((h for h in root.iter("h1")), None)
    title = _text(heading) if heading is not None else page_title
    main_html = lxml.html.tostring(root, encoding="unicode", method="html")
    markdown = convert_to_markdown(main_html) if len(main_html) <= MAX_CONVERT_CHARS else ""
    if not markdown:
        markdown = _plain_text(root)
    markdown = _BLANK_LINES.sub("\n\n", markdown).strip()
    title = title or "Untitled"
    if not markdown.startswith("# "):
        markdown = f"# {title}\n\n{markdown}".rstrip() + "\n"
    return HtmlPage(
        title=title,
        markdown=markdown.rstrip() + "\n",
        links=links,
        index="noindex" not in robots and "none" not in robots.split(),
        follow="nofollow" not in robots and "none" not in robots.split(),
    )


def parse_html_page(path: str, text: str) -> Page:
    """An HTML file as a Page (for the docs-format registry): its main content."""
    return parse_page(path, html_to_page(text).markdown)


def convert_to_markdown(html: str) -> str:
    """markdownify with docshelf's choices: ATX headings, `-` bullets, fenced code with the
    language from `data-lang`, no escaping of `_` and `*` in prose (API names stay
    searchable and readable). Empty on a tree too deep to convert."""
    from markdownify import MarkdownConverter

    converter = MarkdownConverter(
        heading_style="ATX",
        bullets="-",
        code_language_callback=lambda el: el.get("data-lang") or "",
        escape_underscores=False,
        escape_asterisks=False,
        escape_misc=False,
    )
    try:
        return str(converter.convert(html))
    except RecursionError:  # thousands of nested elements: the caller keeps the text
        return ""


def find_main(doc: HtmlElement) -> HtmlElement:
    """The element that holds the page's content (see the module docstring)."""
    for xpath in ("//main", "//*[@role='main']", "//article"):
        found = [el for el in doc.xpath(xpath)[:MAX_CANDIDATES] if _prose_length(el) > 0]
        if found:
            main = max(found, key=_prose_length)
            articles = [a for a in main.iter("article") if a is not main]
            if len(articles) == 1 and _prose_length(articles[0]) >= 0.5 * _prose_length(main):
                return articles[0]  # Docusaurus and Material: the article inside <main>
            return main
    for xpath in _THEME_CONTAINERS:
        found = [el for el in doc.xpath(xpath)[:MAX_CANDIDATES] if _prose_length(el) > 0]
        if found:
            return max(found, key=_prose_length)
    body = doc.find("body")
    return _densest(body if body is not None else doc)


def _densest(root: HtmlElement) -> HtmlElement:
    """Go down while one child holds most of the prose (text outside links and chrome):
    the smallest element that still holds the page's content."""
    current = root
    for _ in range(MAX_DESCENT):
        total = _prose_length(current)
        children = [c for c in current if isinstance(c.tag, str)]
        if not children or total == 0:
            return current
        best = max(children, key=_prose_length)
        if _prose_length(best) < 0.8 * total:
            return current
        current = best
    return current


def _prose_length(el: HtmlElement) -> int:
    """Characters of text outside links, nav, headers, footers, asides and scripts."""
    skip = {"a", "nav", "header", "footer", "aside", "script", "style", "noscript", "button"}
    total = 0
    stack: list[Any] = [el]
    while stack:
        node = stack.pop()
        if not isinstance(node.tag, str) or node.tag in skip or _is_chrome(node):
            total += len((node.tail or "").strip()) if node is not el else 0
            continue
        total += len((node.text or "").strip())
        if node is not el:
            total += len((node.tail or "").strip())
        stack.extend(node)
    return total


def _prune(root: HtmlElement) -> None:
    """Drop what is not content, in place; rebuild code blocks and API signatures."""
    for el in list(root.iter()):
        if el is root or el.getparent() is None:
            continue
        if _not_content(el):
            el.drop_tree()
        elif el.tag == "header":
            if any(True for _ in _headings(el)):
                for child in list(el):
                    if child.tag not in ("h1", "h2", "h3", "h4", "h5", "h6"):
                        child.drop_tree()
                el.drop_tag()
            else:
                el.drop_tree()
    for heading in list(_headings(root)):
        for link in list(heading.iter("a")):
            if str(link.get("href", "")).startswith("#") and _ANCHOR_TEXT.match(_text(link)):
                link.drop_tree()
    for img in list(root.iter("img")):
        if str(img.get("src", "")).startswith("data:") or not img.get("alt"):
            img.drop_tree()
    for pre in list(root.iter("pre")):
        _rebuild_code(pre)
    _signatures_to_headings(root)


def _rebuild_code(pre: HtmlElement) -> None:
    """Any highlighter's markup -> `<pre data-lang=x><code>text</code></pre>`."""
    from lxml.html import Element

    language = _code_language(pre)
    for br in list(pre.iter("br")):
        br.tail = "\n" + (br.tail or "")
    for line in pre.iter("div"):  # line-per-div highlighters (Expressive Code)
        if line is not pre and not (line.tail or "").startswith("\n"):
            line.tail = "\n" + (line.tail or "")
    text = pre.text_content().rstrip("\n")
    fresh = Element("pre")
    if language:
        fresh.set("data-lang", language)
    code = Element("code")
    code.text = text
    fresh.append(code)
    fresh.tail = pre.tail
    parent = pre.getparent()
    if parent is not None:
        parent.replace(pre, fresh)


def _code_language(pre: HtmlElement) -> str:
    """The language a code block declares on itself, its <code>, or up to three ancestors."""
    candidates: list[HtmlElement] = [pre, *pre.iter("code")]
    parent = pre.getparent()
    for _ in range(3):
        if parent is None:
            break
        candidates.append(parent)
        parent = parent.getparent()
    for el in candidates:
        for attr in ("data-language", "data-lang", "lang"):
            value = str(el.get(attr, "")).strip().lower()
            if value and value not in _NOT_A_LANGUAGE and el.tag in ("pre", "code", "div"):
                return value
        match = _LANGUAGE.search(str(el.get("class", "")))
        if match and match.group(1).lower() not in _NOT_A_LANGUAGE:
            return match.group(1).lower()
    return ""


def _signatures_to_headings(root: HtmlElement) -> None:
    """Sphinx API entries (`<dl class="py function"><dt class="sig">`) become headings, so
    each function or class is a section of its own; nested ones go one level deeper."""
    for dt in list(root.xpath(".//dt[contains(concat(' ', @class, ' '), ' sig ')]")):
        depth = sum(1 for a in dt.iterancestors("dl") if "sig" not in str(a.get("class", "")))
        dt.tag = f"h{min(2 + depth, 6)}"
        for link in list(dt.iter("a")):
            if "headerlink" in str(link.get("class", "")):
                link.drop_tree()


def _not_content(el: HtmlElement) -> bool:
    """Comments, chrome tags (nav, script, button, ...), hidden elements, and elements whose
    class or id names page chrome."""
    if not isinstance(el.tag, str):
        return True
    return el.tag in _DROP_TAGS or _is_hidden(el) or _is_chrome(el)


def _is_chrome(el: HtmlElement) -> bool:
    words = f"{el.get('class', '')} {el.get('id', '')}".split()
    return any(_CHROME.fullmatch(word.lower().split("_", 1)[0]) for word in words if word)


def _is_hidden(el: HtmlElement) -> bool:
    if el.get("hidden") is not None or str(el.get("aria-hidden", "")).lower() == "true":
        return True
    style = str(el.get("style", "")).replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _headings(root: HtmlElement) -> Iterator[HtmlElement]:
    yield from root.iter("h1", "h2", "h3", "h4", "h5", "h6")


def _parse(html: str) -> HtmlElement:
    import lxml.html

    # Bytes with an explicit encoding: lxml refuses str input that declares its own
    # (`<?xml ... encoding=...?>`), and the caller has decoded the page already.
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
    data = html.encode("utf-8", "replace")
    try:
        return lxml.html.document_fromstring(data, parser=parser)
    except Exception:  # lxml's ParserError on a document with no elements at all
        return lxml.html.document_fromstring(b"<html><body></body></html>", parser=parser)


def _base_url(doc: HtmlElement, url: str) -> str:
    base = doc.find(".//base[@href]")
    return urljoin(url, str(base.get("href"))) if base is not None else url


def _links(doc: HtmlElement, base: str) -> Iterator[str]:
    seen: set[str] = set()
    for link in doc.iter("a"):
        href = str(link.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            continue
        try:
            absolute = urldefrag(urljoin(base, href)).url
        except ValueError:  # a malformed href (bad IPv6 literal, ...) is not followed
            continue
        if absolute not in seen:
            seen.add(absolute)
            yield absolute


def _page_title(doc: HtmlElement) -> str:
    title = doc.find(".//title")
    text = _text(title) if title is not None else ""
    return _TITLE_SUFFIX.sub("", text).strip() or text


def _text(el: HtmlElement) -> str:
    return " ".join(str(el.text_content()).split())


def _plain_text(root: HtmlElement) -> str:
    """The text of a page markdownify cannot take, one paragraph per block."""
    blocks = (" ".join(str(t).split()) for t in root.itertext())
    return "\n\n".join(b for b in blocks if b)
