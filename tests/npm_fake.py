"""An in-memory npm registry for tests: packuments with publish times, tarballs, a request log."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from docshelf.sources.npm_registry import NpmRegistry

REGISTRY = "https://registry.test"


def tarball(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def changesets(package: str, versions: list[str]) -> str:
    """A Changesets CHANGELOG.md with one short entry per version, in the order given."""
    parts = [f"# {package}\n"]
    for version in versions:
        parts.append(f"## {version}\n\n### Patch Changes\n\n- Change shipped in {version}.\n")
    return "\n".join(parts)


class FakeNpm:
    """Publish packages, then hand `registry()` to the code under test."""

    def __init__(self, *, search: bool = True) -> None:
        self.packuments: dict[str, dict[str, Any]] = {}
        self.tarballs: dict[str, bytes] = {}
        self.requests: list[str] = []
        self.search = search  # False: a registry without the search API (404), as some are

    def publish(
        self,
        name: str,
        version: str,
        files: dict[str, str],
        *,
        published: str = "2026-01-02T03:04:05.000Z",
        tags: dict[str, str] | None = None,
        manifest: dict[str, Any] | None = None,  # more package.json keys: repository, ...
    ) -> None:
        package = {"name": name, "version": version, **(manifest or {})}
        files = {"package.json": json.dumps(package), **files}
        data = tarball(files)
        url = f"{REGISTRY}/{name}/-/{name.split('/')[-1]}-{version}.tgz"
        self.tarballs[url] = data
        integrity = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
        doc = self.packuments.setdefault(
            name, {"name": name, "dist-tags": {}, "versions": {}, "time": {}}
        )
        doc["versions"][version] = {
            **package,
            "dist": {"tarball": url, "integrity": integrity},
        }
        doc["time"][version] = published
        doc["dist-tags"].update(tags if tags is not None else {"latest": version})

    def handle(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        self.requests.append(url)
        if url in self.tarballs:
            return httpx.Response(200, content=self.tarballs[url])
        if request.url.path == "/-/v1/search" and self.search:
            return httpx.Response(200, json=self.search_results(request.url.params["text"]))
        name = request.url.raw_path.decode().lstrip("/").replace("%2f", "/")
        if name in self.packuments:
            return httpx.Response(200, json=self.packuments[name])
        return httpx.Response(404, json={"error": "Not found"})

    def search_results(self, text: str) -> dict[str, Any]:
        """The search API's answer to `scope:NAME`: the scope's packages, by name."""
        scope = text.removeprefix("scope:")
        names = sorted(n for n in self.packuments if n.startswith(f"@{scope}/"))
        objects = [{"package": {"name": n, "scope": scope}} for n in names]
        return {"objects": objects, "total": len(objects)}

    def registry(self) -> NpmRegistry:
        client = httpx.Client(transport=httpx.MockTransport(self.handle))
        return NpmRegistry(REGISTRY, client=client, retries=0)

    def downloads(self) -> list[str]:
        """Tarball URLs requested so far, in order."""
        return [url for url in self.requests if url.endswith(".tgz")]


@contextmanager
def serving(npm: FakeNpm) -> Iterator[str]:
    """`npm` over real HTTP on 127.0.0.1, for a docshelf in another process; yields its URL
    (tarball URLs in its answers point at it)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            answer = npm.handle(httpx.Request("GET", REGISTRY + self.path))
            body = answer.content.replace(REGISTRY.encode(), base.encode())
            self.send_response(answer.status_code)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Type", answer.headers.get("content-type", "text/plain"))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: tests read their own output

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
