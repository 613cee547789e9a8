"""Next.js's docs folder (`docs/` in vercel/next.js, `dist/docs/` in the `next` package).

Its files are ordered by number prefixes that nextjs.org drops from its URLs
(`01-app/03-api-reference/04-functions/fetch.mdx` is /docs/app/api-reference/functions/
fetch), a folder's `index` page is the folder's URL, and the App and Pages routers share
pages: a Pages page whose front matter says `source: app/...` and has no body of its own
shows that App page's text, with the `<PagesOnly>` blocks in and the `<AppOnly>` ones out.
This module names the pages the way nextjs.org does and says which text each one shows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from docshelf.parsing.formats import DocFile
from docshelf.parsing.front_matter import split_front_matter
from docshelf.sources.doctree import (
    DOC_SUFFIXES,
    ORDER_PREFIX,
    DocsLayout,
    RepoTree,
    dedupe,
    page_id_for,
    strip_suffix,
    suffix_of,
    without_order_prefixes,
)

GENERATOR = "Next.js docs"
_ROUTERS = {"app": "next-app", "pages": "next-pages"}
_COMMENTS = re.compile(r"\{\s*/\*.*?\*/\s*\}", re.DOTALL)


def is_numbered(rels: Sequence[str]) -> bool:
    """Whether every top-level folder of a docs folder has an ordering prefix (`01-app`)."""
    tops = {rel.split("/", 1)[0] for rel in rels if "/" in rel}
    return bool(tops) and all(ORDER_PREFIX.match(top) for top in tops)


def is_nextjs(rels: Sequence[str]) -> bool:
    """A numbered docs folder with an `app` and a `pages` section: Next.js's own."""
    if not is_numbered(rels):
        return False
    tops = {without_order_prefixes(rel.split("/", 1)[0]) for rel in rels if "/" in rel}
    return {"app", "pages"} <= tops


def nextjs_layout(tree: RepoTree, files: Sequence[str], root: str) -> DocsLayout:
    """The pages of Next.js's docs folder `root`, named by their nextjs.org URL paths."""
    prefix = f"{root}/" if root else ""
    docs = [
        (path, path[len(prefix) :])
        for path in files
        if path.startswith(prefix) and suffix_of(path) in DOC_SUFFIXES
    ]
    chosen: list[DocFile] = []
    for path, rel in docs:
        stem = strip_suffix(rel)
        order = page_id_for(stem)
        page_id = page_id_for(without_order_prefixes(stem))
        router = _ROUTERS.get(page_id.split("/", 1)[0], "mdx")
        chosen.append(DocFile(page_id, path, router, order=order if order != page_id else ""))
    by_id = {doc.page_id: doc.path for doc in chosen}
    pages = [doc for doc in chosen if doc.format == "next-pages"]
    texts = tree.read_texts(doc.path for doc in pages)
    shared = 0
    for i, doc in enumerate(chosen):
        if doc.format != "next-pages":
            continue
        source = shared_source(texts.get(doc.path, ""))
        if source is not None and by_id.get(source):
            chosen[i] = DocFile(
                doc.page_id, doc.path, doc.format, text_from=by_id[source], order=doc.order
            )
            shared += 1
    notes = ("ordering prefixes dropped", f"{shared} Pages Router pages share an App page")
    return DocsLayout(GENERATOR, root, dedupe(chosen), notes)


def shared_source(text: str) -> str | None:
    """The page id a shared page's `source:` names, when the page has no body of its own."""
    meta, body = split_front_matter(text)
    source = meta.get("source")
    if not isinstance(source, str) or _COMMENTS.sub("", body).strip():
        return None
    return source.strip().strip("/").removeprefix("docs/") or None


def numbered_ids(stem: str) -> tuple[str, str]:
    """(page id, order) for a file of a numbered docs folder that is not Next.js's."""
    page_id = without_order_prefixes(stem)
    return page_id, (stem if stem != page_id else "")
