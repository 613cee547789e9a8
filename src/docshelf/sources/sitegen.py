"""Docs site generators read from their own config: MkDocs, Docusaurus, VitePress, Sphinx,
Starlight/Astro and Next.js-style `src/content`. Nothing is executed (`siteconfig` reads
the configs); where a config says nothing, each generator's conventions apply. Each
builder names the pages by that generator's URL rules.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from docshelf.parsing.front_matter import split_front_matter
from docshelf.sources.doctree import (
    FORMATS,
    DocFile,
    DocsLayout,
    RepoTree,
    dedupe,
    page_id_for,
    strip_suffix,
    without_order_prefixes,
)
from docshelf.sources.siteconfig import (
    gitignore_match,
    glob_match,
    js_block,
    js_string,
    js_string_map,
    js_strings,
    load_yaml,
    python_literals,
    strip_js_comments,
)

_JS = r"(?:js|ts|mjs|mts|cjs|cts)"
# Where a docs site usually lives, best first; any other place ranks after these.
_PREFERRED_SITES = (
    "",
    "docs",
    "website",
    "site",
    "documentation",
    "doc",
    "apps/docs",
    "apps/website",
    "apps/site",
    "packages/docs",
    "docs/en",
    "docs/site",
    "docs/source",
    "doc/source",
    "www",
)
_NOT_SITES = re.compile(
    r"(^|/)(tests?|__tests__|fixtures?|examples?|playground|e2e|templates?|node_modules|"
    r"vendor|third_party|benchmarks?)(/|$)"
)


@dataclass(frozen=True)
class Site:
    """A generator config found in the tree."""

    generator: str
    site_dir: str  # the folder the config belongs to ("" for the root)
    config: str | None  # path of the config file


_FINDERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("VitePress", re.compile(rf"^(?:(?P<dir>.+)/)?\.vitepress/config\.{_JS}$")),
    ("MkDocs", re.compile(r"^(?:(?P<dir>.+)/)?mkdocs\.ya?ml$")),
    ("Docusaurus", re.compile(rf"^(?:(?P<dir>.+)/)?docusaurus\.config\.{_JS}$")),
    ("Sphinx", re.compile(r"^(?:(?P<dir>.+)/)?conf\.py$")),
    ("Starlight", re.compile(rf"^(?:(?P<dir>.+)/)?astro\.config\.{_JS}$")),
)


def find_sites(files: Sequence[str], within: str = "") -> list[Site]:
    """Generator configs in the tree, the likeliest docs site first."""
    sites: dict[tuple[str, str], Site] = {}
    present = set(files)
    for path in files:
        for generator, pattern in _FINDERS:
            match = pattern.match(path)
            if match:
                site_dir = match["dir"] or ""
                if generator == "Sphinx" and not _looks_like_sphinx(present, site_dir):
                    continue
                sites.setdefault((generator, site_dir), Site(generator, site_dir, path))
    # Content folders that need no config of their own to be recognised.
    for path in files:
        for marker, generator in (("src/content/docs/", "Starlight"), ("src/content/", "Next")):
            at = path.find(marker)
            if at >= 0 and (at == 0 or path[at - 1] == "/") and path.endswith((".md", ".mdx")):
                site_dir = path[: max(at - 1, 0)]
                sites.setdefault((generator, site_dir), Site(generator, site_dir, None))
                break
    chosen = [
        s
        for s in sites.values()
        if (not within or _under(s.site_dir, within) or _under(within, s.site_dir))
        and not _NOT_SITES.search(s.site_dir)
    ]
    return sorted(chosen, key=_site_rank)


def _site_rank(site: Site) -> tuple[int, int, int, str]:
    try:
        place = _PREFERRED_SITES.index(site.site_dir)
    except ValueError:
        place = len(_PREFERRED_SITES) + site.site_dir.count("/")
    # A configured generator beats a bare content folder found at the same place.
    order = ["VitePress", "Docusaurus", "MkDocs", "Starlight", "Sphinx", "Next"]
    return (place, order.index(site.generator), len(site.site_dir), site.site_dir)


def _looks_like_sphinx(present: set[str], site_dir: str) -> bool:
    prefix = f"{site_dir}/" if site_dir else ""
    return any(f"{prefix}{name}" in present for name in ("index.rst", "contents.rst", "index.md"))


def _under(path: str, root: str) -> bool:
    return not root or path == root or path.startswith(root + "/")


def build_layout(tree: RepoTree, files: Sequence[str], site: Site) -> DocsLayout | None:
    """The pages of one site, named by its URL rules; None when its config is unusable."""
    config = tree.read_texts([site.config]).get(site.config, "") if site.config else ""
    builder = _BUILDERS[site.generator]
    return builder(tree, files, site, config)


# -- VitePress ------------------------------------------------------------------------


def _vitepress(tree: RepoTree, files: Sequence[str], site: Site, config: str) -> DocsLayout:
    code = strip_js_comments(config)
    src = _join(site.site_dir, js_string(code, "srcDir") or ".")
    excludes = js_strings(code, "srcExclude")
    rewrites = js_string_map(code, "rewrites")
    chosen = []
    for path in _under_folder(files, src):
        rel = _rel(path, src)
        if not rel.endswith(".md") or rel.startswith((".vitepress/", "public/")):
            continue
        if any(glob_match(rel, pattern) for pattern in excludes):
            continue
        rel = apply_rewrites(rel, rewrites)
        chosen.append(DocFile(page_id_for(strip_suffix(rel)), path, "md"))
    notes = [f"rewrites applied: {len(rewrites)}"] if rewrites else []
    return DocsLayout("VitePress", src, dedupe(chosen), tuple(notes))


def apply_rewrites(rel: str, rewrites: dict[str, str]) -> str:
    """VitePress `rewrites`: exact paths, or patterns with `:param` segments and `(.*)`."""
    if rel in rewrites:
        return rewrites[rel]
    for source, target in rewrites.items():
        pattern, names = _rewrite_pattern(source)
        match = re.fullmatch(pattern, rel)
        if match is None:
            continue
        result = target
        for name in names:
            result = result.replace(f":{name}", match.group(name))
        for group in match.groups()[len(names) :]:
            result = result.replace("(.*)", group, 1)
        return result
    return rel


def _rewrite_pattern(source: str) -> tuple[str, list[str]]:
    names: list[str] = []
    parts = []
    for token in re.split(r"(:[A-Za-z_]\w*|\(\.\*\))", source):
        if token.startswith(":") and len(token) > 1:
            names.append(token[1:])
            parts.append(f"(?P<{token[1:]}>[^/]+)")
        elif token == "(.*)":
            parts.append("(.*)")
        else:
            parts.append(re.escape(token))
    return "".join(parts), names


# -- MkDocs ---------------------------------------------------------------------------


def _mkdocs(tree: RepoTree, files: Sequence[str], site: Site, config: str) -> DocsLayout | None:
    data = load_yaml(config)
    if not isinstance(data, dict):
        return None
    docs_dir = _join(site.site_dir, str(data.get("docs_dir") or "docs"))
    excludes = [
        line.strip() for line in str(data.get("exclude_docs") or "").splitlines() if line.strip()
    ]
    by_dir: dict[str, set[str]] = {}
    candidates = []
    for path in _under_folder(files, docs_dir):
        rel = _rel(path, docs_dir)
        if any(part.startswith(".") for part in rel.split("/")) or rel.startswith("templates/"):
            continue
        if not rel.endswith((".md", ".markdown")) or gitignore_match(rel, excludes):
            continue
        candidates.append((path, rel))
        by_dir.setdefault(posixpath.dirname(rel), set()).add(posixpath.basename(rel))
    chosen = []
    for path, rel in candidates:
        stem = strip_suffix(rel)
        siblings = by_dir[posixpath.dirname(rel)]
        # MkDocs serves a README.md as the folder's index when there is no index.md.
        index_names = ("index",) if "index.md" in siblings else ("index", "README", "readme")
        chosen.append(DocFile(page_id_for(stem, index_names), path, "md"))
    nav = data.get("nav")
    notes = [f"nav lists {len(nav_files(nav))} pages"] if isinstance(nav, list) else []
    return DocsLayout("MkDocs", docs_dir, dedupe(chosen), tuple(notes))


def nav_files(nav: Any) -> list[str]:
    """The markdown files an MkDocs `nav` names, in order."""
    found: list[str] = []
    if isinstance(nav, str) and not re.match(r"^[a-z]+://", nav):
        found.append(nav)
    elif isinstance(nav, list):
        for item in nav:
            found += nav_files(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            found += nav_files(value)
    return found


# -- Docusaurus -----------------------------------------------------------------------


def _docusaurus(tree: RepoTree, files: Sequence[str], site: Site, config: str) -> DocsLayout:
    code = strip_js_comments(config)
    block = js_block(code, "docs") or ""
    docs_path = js_string(block, "path") or "docs"
    route = js_string(block, "routeBasePath") if block else None
    route = "docs" if route is None else route.strip("/")
    folder = _join(site.site_dir, docs_path)
    pages = [
        p
        for p in _under_folder(files, folder)
        if p.endswith((".md", ".mdx"))
        and not any(part.startswith("_") for part in _rel(p, folder).split("/"))
        and "__tests__" not in p
    ]
    texts = tree.read_texts(pages)
    chosen = []
    for path in pages:
        meta, _ = split_front_matter(texts.get(path, ""))
        page_id = docusaurus_id(_rel(path, folder), meta, route)
        order = "/".join(p for p in (route, page_id_for(strip_suffix(_rel(path, folder)))) if p)
        same_shape = order.count("/") == page_id.count("/") and order != page_id
        chosen.append(DocFile(page_id, path, "mdx", order=order if same_shape else ""))
    return DocsLayout("Docusaurus", folder, dedupe(chosen))


def docusaurus_id(rel: str, meta: dict[str, Any], route: str) -> str:
    """The URL path of a doc: number prefixes dropped, `id`/`slug` front matter honoured."""
    parts = without_order_prefixes(strip_suffix(rel)).split("/")
    folders, name = parts[:-1], parts[-1]
    if isinstance(meta.get("id"), str) and meta["id"].strip():
        name = meta["id"].strip().strip("/")
    slug = meta.get("slug")
    if isinstance(slug, str) and slug.strip():
        slug = slug.strip()
        path = slug.strip("/") if slug.startswith("/") else "/".join([*folders, slug.strip("/")])
    elif name.lower() in ("index", "readme") or (folders and name == folders[-1]):
        path = "/".join(folders)
    else:
        path = "/".join([*folders, name])
    full = "/".join(p for p in (route, path) if p)
    return full or "index"


# -- Sphinx ---------------------------------------------------------------------------


def _sphinx(tree: RepoTree, files: Sequence[str], site: Site, config: str) -> DocsLayout | None:
    values = python_literals(config)
    suffixes = _source_suffixes(values.get("source_suffix"), values.get("extensions"))
    excludes = [p for p in values.get("exclude_patterns") or [] if isinstance(p, str)]
    chosen = []
    for path in _under_folder(files, site.site_dir):
        rel = _rel(path, site.site_dir)
        suffix = posixpath.splitext(rel)[1].lower()
        if suffix not in suffixes or rel.startswith(("_build/", "_templates/", "build/")):
            continue
        docname = rel[: -len(suffix)]
        if any(glob_match(rel, p) or glob_match(docname, p) for p in excludes):
            continue
        fmt = "md" if suffix in (".md", ".markdown") else "rst"
        chosen.append(DocFile(docname, path, fmt))  # Sphinx URLs are the doc names
    root_doc = values.get("root_doc") or values.get("master_doc") or "index"
    notes = [f"root document {root_doc}"]
    return DocsLayout("Sphinx", site.site_dir, dedupe(chosen), tuple(notes))


def _source_suffixes(raw: Any, extensions: Any) -> set[str]:
    if isinstance(raw, str):
        found = {raw}
    elif isinstance(raw, list | tuple | dict):
        found = {str(s) for s in raw}
    else:
        found = {".rst"}
    if isinstance(extensions, list) and any(
        e in ("myst_parser", "myst_nb", "recommonmark") for e in extensions
    ):
        found.add(".md")
    return {s.lower() for s in found if s.lower() in FORMATS or s.lower() == ".txt"}


# -- Starlight and Next.js-style content folders ---------------------------------------


def _starlight(tree: RepoTree, files: Sequence[str], site: Site, config: str) -> DocsLayout:
    folder = _join(site.site_dir, "src/content/docs")
    pages = [p for p in _under_folder(files, folder) if p.endswith((".md", ".mdx", ".mdoc"))]
    texts = tree.read_texts(pages)
    chosen = []
    for path in pages:
        meta, _ = split_front_matter(texts.get(path, ""))
        slug = meta.get("slug")
        if isinstance(slug, str) and slug.strip():
            page_id = slug.strip().strip("/") or "index"
        else:
            rel = strip_suffix(_rel(path, folder))
            page_id = page_id_for("/".join(_slugify(p) for p in rel.split("/")))
        fmt = "mdx" if path.endswith(".mdx") else "md"
        chosen.append(DocFile(page_id, path, fmt))
    return DocsLayout("Starlight", folder, dedupe(chosen))


def _next_content(tree: RepoTree, files: Sequence[str], site: Site, config: str) -> DocsLayout:
    folder = _join(site.site_dir, "src/content")
    chosen = [
        DocFile(page_id_for(strip_suffix(_rel(p, folder))), p, "mdx")
        for p in _under_folder(files, folder)
        if p.endswith((".md", ".mdx"))
    ]
    return DocsLayout("Next.js content", folder, dedupe(chosen))


def _slugify(part: str) -> str:
    return re.sub(r"[^\w.-]+", "-", part.strip().lower()).strip("-") or part


_BUILDERS: dict[str, Callable[[RepoTree, Sequence[str], Site, str], DocsLayout | None]] = {
    "VitePress": _vitepress,
    "MkDocs": _mkdocs,
    "Docusaurus": _docusaurus,
    "Sphinx": _sphinx,
    "Starlight": _starlight,
    "Next": _next_content,
}


def _join(base: str, rel: str) -> str:
    joined = posixpath.normpath(posixpath.join(base or ".", rel))
    return "" if joined == "." else joined.lstrip("/")


def _under_folder(files: Sequence[str], folder: str) -> list[str]:
    if not folder:
        return list(files)
    prefix = folder + "/"
    return [f for f in files if f.startswith(prefix)]


def _rel(path: str, folder: str) -> str:
    return path[len(folder) + 1 :] if folder else path
