"""Small websites for tests, served on 127.0.0.1: pages, redirects, slow and huge answers."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HTML = "text/html; charset=utf-8"
Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str = HTML
    headers: dict[str, str] = field(default_factory=dict)
    handler: Handler | None = None


def docs_page(title: str, body: str, links: Sequence[str] = ()) -> str:
    """A docs page with the chrome real sites have: header, sidebar nav, footer."""
    nav = "".join(f'<li><a href="{href}">Link to {href}</a></li>' for href in links)
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{title} | Acme</title>
<script>var tracking = "SCRIPT TEXT";</script><style>body {{ color: red }}</style></head>
<body><header class="site-header"><a href="/">Acme home</a> HEADER CHROME</header>
<aside class="sidebar"><nav><ul>{nav}</ul></nav></aside>
<main><article><h1>{title}</h1>{body}</article></main>
<footer>FOOTER CHROME Copyright Acme</footer></body></html>"""


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up mid-answer (as docshelf does past a size cap) is normal."""


class FakeSite:
    """A website on 127.0.0.1: add routes, then point the code under test at `url`."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.prefixes: list[tuple[str, Handler]] = []  # handlers for every path under one
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.release = threading.Event()  # set at stop: slow handlers give up waiting
        site = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                site.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = site.routes.get(self.path)
                if route is None:
                    for prefix, handler in site.prefixes:
                        if self.path.startswith(prefix):
                            route = Route(handler=handler)
                            break
                if route is None:
                    self._send(404, b"not found", "text/plain", {})
                elif route.handler is not None:
                    route.handler(self)
                else:
                    self._send(route.status, route.body, route.content_type, route.headers)

            def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str]) -> None:
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = _QuietServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeSite:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def page(
        self,
        path: str,
        body: str | bytes,
        *,
        status: int = 200,
        content_type: str = HTML,
        headers: dict[str, str] | None = None,
    ) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = Route(status, data, content_type, dict(headers or {}))

    def docs(self, path: str, title: str, body: str, links: Sequence[str] = ()) -> None:
        self.page(path, docs_page(title, body, list(links)))

    def redirect(self, path: str, location: str, status: int = 301) -> None:
        self.routes[path] = Route(status, b"", "text/plain", {"Location": location})

    def handle(self, path: str, handler: Handler) -> None:
        self.routes[path] = Route(handler=handler)

    def handle_under(self, prefix: str, handler: Handler) -> None:
        self.prefixes.append((prefix, handler))
