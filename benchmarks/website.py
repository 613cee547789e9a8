"""Crawl a 200-page docs site served on 127.0.0.1 and check what came back.

python benchmarks/website.py                  # a crawl (no llms.txt, no sitemap)
python benchmarks/website.py --sitemap        # the same site with a sitemap.xml
python benchmarks/website.py --pages 500 --concurrency 8

The site is generated: every page has the chrome of a real docs theme (a header with a
search box, a sidebar listing every page, an "on this page" outline, breadcrumbs,
previous/next links, a footer) around main content with headings, prose, tables and
code blocks. The server runs in its own process, so the crawler's threads do not share
an interpreter with it. Printed: time to fetch and convert, pages, time to index, and
the checks: no chrome text in any page, every page's own content present, code blocks
with their language, page ids equal to the URL paths. Target: 200 pages in <= 30 s with 4
requests at a time (the default DOCSHELF_WEB_DELAY_MS=50 spacing included).
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import random
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROME_MARKERS = ("NAVMARK", "HEADMARK", "FOOTMARK", "OUTLINEMARK", "CRUMBMARK", "PAGERMARK")
WORDS = (
    "agent tool memory workflow step model stream token prompt schema vector store index "
    "query server client request response error retry config option default value type "
    "function method class return await async import export module package version build "
    "plugin route cache render component hook state effect context provider"
).split()
SECTIONS = ("guide", "api", "reference", "plugins", "recipes")
TARGET_SECONDS = 30.0


def page_paths(count: int) -> list[str]:
    """`/docs/<section>/<name>` paths, with each section's index page."""
    paths = ["/docs/", *(f"/docs/{s}/" for s in SECTIONS)]
    i = 0
    while len(paths) < count:
        paths.append(f"/docs/{SECTIONS[i % len(SECTIONS)]}/page-{i}")
        i += 1
    return paths[:count]


def main_content(path: str) -> tuple[str, str]:
    """(HTML of the page's main content, a sentence only this page has)."""
    rng = random.Random(path)
    marker = f"Unique sentence of {path.strip('/').replace('/', ' ')} here."
    title = path.strip("/").split("/")[-1].replace("-", " ").title()
    parts = [f"<h1>{title}</h1><p>{marker}</p>"]
    for n in range(rng.randint(3, 6)):
        parts.append(f'<h2 id="s{n}">{rng.choice(WORDS).title()} {n}<a class="header-anchor" '
                     f'href="#s{n}">#</a></h2>')  # fmt: skip
        for _ in range(rng.randint(1, 3)):
            parts.append("<p>" + " ".join(rng.choices(WORDS, k=rng.randint(30, 90))) + "</p>")
        if rng.random() < 0.7:
            lines = "".join(
                f'<span class="line">const {rng.choice(WORDS)} = {rng.choice(WORDS)}({n});</span>\n'
                for _ in range(rng.randint(3, 10))
            )
            parts.append(
                '<div class="language-ts"><button class="copy">Copy</button>'
                f'<span class="lang">ts</span><pre class="shiki"><code>{lines}</code></pre></div>'
            )
        if rng.random() < 0.4:
            rows = "".join(
                f"<tr><td><code>{rng.choice(WORDS)}</code></td><td>{rng.choice(WORDS)}</td></tr>"
                for _ in range(5)
            )
            parts.append(f"<table><thead><tr><th>Name</th><th>Type</th></tr></thead>{rows}</table>")
    return "".join(parts), marker


def render(path: str, paths: list[str]) -> bytes:
    main, _ = main_content(path)
    sidebar = "".join(f'<li><a href="{p}">NAVMARK {p}</a></li>' for p in paths)
    index = paths.index(path)
    prev_link = paths[index - 1] if index else paths[-1]
    next_link = paths[(index + 1) % len(paths)]
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{path} | Bench Docs</title><script>window.__DATA__ = "HEADMARK";</script>
<style>.x {{ color: red }}</style></head><body><div id="app">
<header class="VPNav"><a href="/">HEADMARK Bench Docs</a><nav><a href="/docs/guide/">Guide</a>
<a href="/blog/">Blog</a></nav><button class="DocSearch">Search HEADMARK</button></header>
<aside class="VPSidebar"><nav><ul>{sidebar}</ul></nav></aside>
<div class="VPContent"><div class="aside"><div class="VPDocAsideOutline">OUTLINEMARK
<a href="#s0">first</a></div></div>
<main class="main"><nav class="breadcrumbs">CRUMBMARK Docs / {path}</nav>
<div class="vp-doc">{main}</div></main>
<footer class="VPDocFooter"><a href="{prev_link}">PAGERMARK Previous</a>
<a href="{next_link}">PAGERMARK Next</a></footer></div>
<footer class="VPFooter">FOOTMARK Released under the MIT License.</footer></div></body></html>
""".encode()


def serve(count: int, sitemap: bool, ready: multiprocessing.Queue[int]) -> None:
    paths = page_paths(count)
    pages = {p: render(p, paths) for p in paths}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            body = pages.get(self.path)
            ctype = "text/html; charset=utf-8"
            if self.path == "/sitemap.xml" and sitemap:
                locs = "".join(f"<url><loc>http://127.0.0.1:{port}{p}</loc></url>" for p in paths)
                body, ctype = f"<urlset>{locs}</urlset>".encode(), "application/xml"
            if body is None:
                body, status, ctype = b"not found", 404, "text/plain"
            else:
                status = 200
            tag = f'"{hashlib.sha1(body).hexdigest()[:16]}"'
            if status == 200 and self.headers.get("If-None-Match") == tag:
                status, body = 304, b""
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", tag)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:
            pass  # a client closing its kept-alive connection at the end is normal

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    ready.put(port)
    server.serve_forever()


def run(count: int, sitemap: bool, concurrency: int) -> int:
    import os

    os.environ["DOCSHELF_WEB_CONCURRENCY"] = str(concurrency)
    os.environ["DOCSHELF_WEB_MAX_PAGES"] = str(max(count, 500))
    os.environ.setdefault("DOCSHELF_SEMANTIC", "off")
    from docshelf.progress import SilentReporter
    from docshelf.shelf import Shelf
    from docshelf.sources.website import fetch_site

    ready: multiprocessing.Queue[int] = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(count, sitemap, ready), daemon=True)
    server.start()
    try:
        port = ready.get(timeout=60)
        url = f"http://127.0.0.1:{port}/docs/"
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            site = fetch_site(url, Path(tmp) / "cache", SilentReporter())
            fetch_seconds = time.perf_counter() - started
            started = time.perf_counter()
            refetch = fetch_site(url, Path(tmp) / "cache", SilentReporter())
            refetch_seconds = time.perf_counter() - started
            texts = {p.page_id: p.file.read_text(encoding="utf-8") for p in site.pages}
            with Shelf(Path(tmp) / "home") as shelf:
                started = time.perf_counter()
                record = shelf.add_library(url, name="bench")
                add_seconds = time.perf_counter() - started
    finally:
        server.terminate()
        server.join(timeout=10)
    paths = page_paths(count)
    chrome = sorted({m for text in texts.values() for m in CHROME_MARKERS if m in text})
    missing = [p for p in paths if main_content(p)[1] not in texts.get(_page_id(p), "")]
    code_blocks = sum(text.count("```ts\n") for text in texts.values())
    ids_match = sum(1 for p in paths if _page_id(p) in texts)
    status = "PASS" if fetch_seconds <= TARGET_SECONDS and len(texts) == count else "MISS"
    print(f"site: {count} pages, {'sitemap' if sitemap else 'crawl'}, {concurrency} at a time")
    print(f"origin: {site.origin}")
    print(f"fetch + convert     {fetch_seconds:6.1f} s   {len(texts)} pages")
    print(f"re-fetch (cached)   {refetch_seconds:6.1f} s   {refetch.unchanged} unchanged")
    print(f"docshelf add        {add_seconds:6.1f} s   {record.pages} pages, "
          f"{record.sections} sections (fetch, all unchanged, + index)")  # fmt: skip
    print(f"chrome text in pages: {', '.join(chrome) if chrome else 'none'}")
    print(f"pages missing their own content: {len(missing)}")
    print(f"ts code blocks kept: {code_blocks}")
    print(f"page ids equal to URL paths: {ids_match}/{count}")
    print(f"target: {count} pages in <= {TARGET_SECONDS:.0f} s, no chrome: "
          f"{'PASS' if status == 'PASS' and not chrome and not missing else 'MISS'}")  # fmt: skip
    return 0


def _page_id(path: str) -> str:
    return path.removeprefix("/docs/").strip("/") or "index"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--sitemap", action="store_true", help="serve a sitemap.xml too")
    args = parser.parse_args()
    return run(args.pages, args.sitemap, args.concurrency)


if __name__ == "__main__":
    sys.exit(main())
