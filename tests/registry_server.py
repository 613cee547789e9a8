"""A real npm registry on 127.0.0.1 for tests that run docshelf in a subprocess; it can hold
a tarball download open until the test lets it go."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from npm_fake import tarball

HOLD_TIMEOUT = 60.0  # a held download is let go after this long, whatever the test does


class LoopbackRegistry:
    """Packages published here are served at `url`; set `hold` to stall tarball downloads:
    `arrived` is set when one starts, and it answers once `release` is set."""

    def __init__(self) -> None:
        self.packuments: dict[str, dict[str, object]] = {}
        self.tarballs: dict[str, bytes] = {}
        self.hold = False
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.url = ""

    def publish(self, name: str, version: str, files: dict[str, str]) -> None:
        data = tarball({"package.json": json.dumps({"name": name, "version": version}), **files})
        path = f"/{name}/-/{name.split('/')[-1]}-{version}.tgz"
        self.tarballs[path] = data
        digest = base64.b64encode(hashlib.sha512(data).digest()).decode()
        doc = self.packuments.setdefault(name, {"name": name, "dist-tags": {}, "versions": {}})
        doc["versions"][version] = {  # type: ignore[index]
            "version": version,
            "dist": {"tarball": self.url + path, "integrity": f"sha512-{digest}"},
        }
        doc["dist-tags"]["latest"] = version  # type: ignore[index]


@contextmanager
def serving(registry: LoopbackRegistry) -> Iterator[LoopbackRegistry]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path in registry.tarballs:
                if registry.hold:
                    registry.arrived.set()
                    registry.release.wait(HOLD_TIMEOUT)
                self._send(registry.tarballs[self.path], "application/octet-stream")
                return
            name = self.path.lstrip("/").replace("%2f", "/").replace("%2F", "/")
            if name in registry.packuments:
                self._send(json.dumps(registry.packuments[name]).encode(), "application/json")
                return
            self._send(b'{"error": "Not found"}', "application/json", 404)

        def _send(self, body: bytes, kind: str, status: int = 200) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass  # the client was killed

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    registry.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield registry
    finally:
        registry.release.set()
        server.shutdown()
        server.server_close()
        thread.join(10)
