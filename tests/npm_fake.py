"""An in-memory npm registry for tests: packuments with publish times, tarballs, a request log."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
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

    def __init__(self) -> None:
        self.packuments: dict[str, dict[str, Any]] = {}
        self.tarballs: dict[str, bytes] = {}
        self.requests: list[str] = []

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
        name = request.url.raw_path.decode().lstrip("/").replace("%2f", "/")
        if name in self.packuments:
            return httpx.Response(200, json=self.packuments[name])
        return httpx.Response(404, json={"error": "Not found"})

    def registry(self) -> NpmRegistry:
        client = httpx.Client(transport=httpx.MockTransport(self.handle))
        return NpmRegistry(REGISTRY, client=client, retries=0)

    def downloads(self) -> list[str]:
        """Tarball URLs requested so far, in order."""
        return [url for url in self.requests if url.endswith(".tgz")]
