"""An in-memory npm registry served through httpx.MockTransport, for the npm source's tests."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
from collections.abc import Callable
from typing import Any

import httpx

REGISTRY = "https://registry.test"
Handler = Callable[[httpx.Request], httpx.Response]


def make_tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def sri(data: bytes, algo: str = "sha512") -> str:
    return f"{algo}-" + base64.b64encode(hashlib.new(algo, data).digest()).decode()


DOCS_TGZ = make_tarball(
    {"package/package.json": b'{"name": "@acme/docs"}', "package/docs/intro.md": b"# Intro\n"}
)


class FakeRegistry:
    """An in-memory npm registry: packuments, tarballs, scripted failures, a request log."""

    def __init__(self) -> None:
        self.packuments: dict[str, dict[str, Any]] = {}
        self.tarballs: dict[str, bytes] = {}
        self.requests: list[httpx.Request] = []
        self.failures: list[Handler] = []  # consumed one per request, before normal answers

    def publish(
        self,
        name: str,
        version: str,
        tgz: bytes = DOCS_TGZ,
        *,
        tags: dict[str, str] | None = None,
        integrity: str | None = "auto",
        shasum: str | None = None,
    ) -> None:
        short = name.split("/")[-1]
        url = f"{REGISTRY}/{name}/-/{short}-{version}.tgz"
        self.tarballs[url] = tgz
        doc = self.packuments.setdefault(
            name, {"name": name, "dist-tags": {}, "versions": {}, "time": {}}
        )
        dist: dict[str, str] = {"tarball": url}
        if integrity == "auto":
            dist["integrity"] = sri(tgz)
        elif integrity is not None:
            dist["integrity"] = integrity
        if shasum is not None:
            dist["shasum"] = shasum
        doc["versions"][version] = {"name": name, "version": version, "dist": dist}
        doc["time"][version] = "2026-01-02T03:04:05.000Z"
        doc["dist-tags"].update(tags or {"latest": version})

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.failures:
            return self.failures.pop(0)(request)
        url = str(request.url)
        if url in self.tarballs:
            return httpx.Response(200, content=self.tarballs[url])
        name = request.url.raw_path.decode().lstrip("/").replace("%2f", "/")
        if name in self.packuments:
            return httpx.Response(200, json=self.packuments[name])
        return httpx.Response(404, json={"error": "Not found"})

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handle))
