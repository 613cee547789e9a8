"""HTTP transport: the MCP server over Streamable HTTP, behind Host, Origin and token checks."""

from __future__ import annotations

import contextlib
import hmac
import ipaddress
import json
import logging
import re
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import anyio
import anyio.to_thread
import uvicorn
from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from sse_starlette.sse import AppStatus
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from docshelf.constants import VERSION
from docshelf.errors import DocshelfError, UsageError
from docshelf.server.connections import ConnectionLimits, limited_protocol
from docshelf.settings import get_int, get_list, get_setting
from docshelf.shelf import Shelf

log = logging.getLogger("docshelf.http")

MCP_PATH = "/mcp"
HEALTH_PATH = "/healthz"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
GRACE_SECONDS = 10  # after SIGTERM, in-flight requests get this long to finish
# Tool calls run in worker threads, each with its own SQLite connection and page cache.
# More threads than this add memory (caches, malloc arenas), not speed: SQLite and the
# GIL keep a few cores busy with a few threads; the rest of the callers queue.
WORKER_THREADS = 8
_TOKEN = re.compile(r"[\x21-\x7e]{16,}")  # visible ASCII: it travels in an HTTP header


@dataclass(frozen=True)
class HttpOptions:
    """Where to listen and what to let in."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    token: str = ""
    allowed_origins: tuple[str, ...] = ()
    max_request_bytes: int = 1024 * 1024

    @classmethod
    def from_settings(
        cls, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, token: str | None = None
    ) -> HttpOptions:
        """Options from the CLI values plus the settings table (DOCSHELF_TOKEN and friends)."""
        return cls(
            host=host,
            port=port,
            token=token if token is not None else get_setting("token"),
            allowed_origins=tuple(_origin(o) for o in get_list("allowed_origins")),
            max_request_bytes=max(get_int("max_request_kb"), 1) * 1024,
        )

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)


def is_loopback(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1: addresses only this machine can reach."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_options(options: HttpOptions) -> None:
    """Refuse settings that would expose the docs without a token."""
    if options.token and not _TOKEN.fullmatch(options.token):
        raise UsageError(
            "The HTTP token must be at least 16 visible ASCII characters without spaces. "
            "Make one with `python3 -c 'import secrets; print(secrets.token_urlsafe(32))'`."
        )
    if not options.loopback and not options.token:
        raise UsageError(
            f"Listening on {options.host} makes the docs reachable from the network, so a token "
            "is required: set DOCSHELF_TOKEN (or --token) to a long random secret, e.g. `export "
            "DOCSHELF_TOKEN=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')`, "
            "and give clients the header 'Authorization: Bearer <token>'. Or listen on "
            "127.0.0.1 (the default)."
        )


def build_http_app(server: MCPServer, shelf: Shelf, options: HttpOptions) -> Guard:
    """The ASGI app: the SDK's Streamable HTTP endpoint at /mcp, wrapped by `Guard`."""
    sdk_app = server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        max_request_body_size=options.max_request_bytes,
        # Guard does the Host/Origin checks, with the configured allow-list.
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        host=options.host,
    )
    return Guard(sdk_app, shelf, options)


class Guard:
    """Outermost ASGI layer: Host and Origin checks, the bearer token, and /healthz.

    Order matters: a browser tricked by DNS rebinding is turned away (421/403) before
    anything else; /healthz answers without a token so load balancers can probe it;
    every other path needs the token when one is set. Bodies are capped by the SDK (413).
    """

    def __init__(self, app: ASGIApp, shelf: Shelf, options: HttpOptions) -> None:
        self.app = app
        self.shelf = shelf
        self.options = options
        self._token = options.token.encode()
        self._closing: anyio.Event | None = None  # set at shutdown; made inside the loop

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            await send({"type": "websocket.close", "code": 1008})
            return
        headers = Headers(scope=scope)
        refusal = self._check_host(headers) or self._check_origin(headers)
        if refusal is None and scope["path"] == HEALTH_PATH:
            await self._health(send)
            return
        refusal = refusal or self._check_token(headers)
        if refusal is not None:
            status, message, extra = refusal
            await _send_json(send, status, {"error": message}, extra)
            return
        if scope["method"] == "GET":  # a notification stream: it ends when the server stops
            receive = self._until_closing(receive)
        await _finished(self.app, scope, receive, send)

    def close_streams(self) -> None:
        """End the idle GET streams (as if their clients left); POSTs run to completion."""
        self._closing_event().set()

    def _closing_event(self) -> anyio.Event:
        if self._closing is None:
            self._closing = anyio.Event()
        return self._closing

    def _until_closing(self, receive: Receive) -> Receive:
        closing = self._closing_event()

        async def receive_or_disconnect() -> Message:
            message: Message = {"type": "http.disconnect"}
            if closing.is_set():
                return message
            async with anyio.create_task_group() as tg:

                async def from_client() -> None:
                    nonlocal message
                    message = await receive()
                    tg.cancel_scope.cancel()

                async def on_close() -> None:
                    await closing.wait()
                    tg.cancel_scope.cancel()

                tg.start_soon(from_client)
                tg.start_soon(on_close)
            return message

        return receive_or_disconnect

    def _check_host(self, headers: Headers) -> _Refusal | None:
        # Only a loopback server can know its own names; off loopback the token protects it.
        if not self.options.loopback:
            return None
        host = headers.get("host", "")
        try:
            name = urlsplit(f"//{host}").hostname or ""
        except ValueError:
            name = ""
        if is_loopback(name):
            return None
        return (
            421,
            f"Host '{host[:100]}' is not this server: docshelf listens on loopback and only "
            "answers requests addressed to localhost, 127.0.0.1 or [::1] (DNS-rebinding "
            f"protection). Connect to http://127.0.0.1:{self.options.port}{MCP_PATH}.",
            {},
        )

    def _check_origin(self, headers: Headers) -> _Refusal | None:
        origin = headers.get("origin")
        if origin is None or self._origin_allowed(origin):
            return None
        return (
            403,
            f"Origin '{origin[:100]}' may not call this server (DNS-rebinding protection). If "
            "this web page should reach docshelf, add its origin to DOCSHELF_ALLOWED_ORIGINS "
            "(comma-separated, e.g. https://tools.example.com).",
            {},
        )

    def _origin_allowed(self, origin: str) -> bool:
        allowed = self.options.allowed_origins
        if "*" in allowed:
            return True
        try:
            parts = urlsplit(origin)
            loopback_origin = parts.scheme in ("http", "https") and is_loopback(
                parts.hostname or ""
            )
        except ValueError:
            return False
        return loopback_origin or _origin(origin) in allowed

    def _check_token(self, headers: Headers) -> _Refusal | None:
        if not self._token:
            return None
        scheme, _, given = headers.get("authorization", "").partition(" ")
        challenge = {"www-authenticate": 'Bearer realm="docshelf"'}
        if scheme.lower() != "bearer" or not given.strip():
            return (
                401,
                "Missing bearer token: send the header 'Authorization: Bearer <token>' with the "
                "token the server was started with (DOCSHELF_TOKEN).",
                challenge,
            )
        # compare_digest takes time independent of where the strings differ.
        if not hmac.compare_digest(given.strip().encode(), self._token):
            return (
                401,
                "Wrong bearer token: use the token the server was started with (DOCSHELF_TOKEN); "
                "ask whoever runs the server for it.",
                {"www-authenticate": 'Bearer realm="docshelf", error="invalid_token"'},
            )
        return None

    async def _health(self, send: Send) -> None:
        try:
            count = await anyio.to_thread.run_sync(lambda: len(self.shelf.list_libraries()))
        except DocshelfError as exc:
            await _send_json(send, 503, {"status": "error", "error": str(exc)}, {})
            return
        body = {"status": "ok", "version": VERSION, "libraries": count}
        await _send_json(send, 200, body, {})


_Refusal = tuple[int, str, dict[str, str]]


async def _finished(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Run `app`, then end its response if it did not (SSE streams cut at shutdown do not)."""
    state = {"started": False, "done": False}

    async def tracking_send(message: Message) -> None:
        if message["type"] == "http.response.start":
            state["started"] = True
        elif message["type"] == "http.response.body" and not message.get("more_body", False):
            state["done"] = True
        await send(message)

    await app(scope, receive, tracking_send)
    if state["started"] and not state["done"]:
        with contextlib.suppress(OSError):
            await send({"type": "http.response.body", "body": b"", "more_body": False})


def _origin(value: str) -> str:
    return value.strip().rstrip("/").lower()


async def _send_json(send: Send, status: int, body: dict[str, Any], extra: dict[str, str]) -> None:
    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in extra.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


def serve_http(
    server: MCPServer, shelf: Shelf, options: HttpOptions, say: Callable[[str], None]
) -> None:
    """Serve until SIGTERM or Ctrl-C, then let in-flight requests finish and return."""
    check_options(options)
    guard = build_http_app(server, shelf, options)
    # sse-starlette ends every SSE response as soon as uvicorn sees a signal, which would
    # cut off in-flight answers; Guard.close_streams ends only the idle GET streams.
    AppStatus.disable_automatic_graceful_drain()
    sock = _bind(options.host, options.port)
    port = sock.getsockname()[1]
    host = f"[{options.host}]" if ":" in options.host else options.host
    url = f"http://{host}:{port}{MCP_PATH}"
    limits = ConnectionLimits.from_settings()
    config = uvicorn.Config(
        guard,
        http=limited_protocol(limits),  # read deadlines and the connection cap
        ws="none",
        log_config=None,  # keep docshelf's logging setup
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=GRACE_SECONDS,
        timeout_keep_alive=limits.idle_timeout,  # type: ignore[arg-type]
    )
    auth = "bearer token required" if options.token else "no token: loopback only"
    uv = _Uvicorn(
        config,
        guard,
        on_started=lambda: say(f"serving MCP over HTTP at {url} ({auth}); health: {HEALTH_PATH}"),
        on_signal=lambda name: say(
            f"{name} received: finishing in-flight requests (up to {GRACE_SECONDS} s), "
            "then exiting."
        ),
    )
    uv.run(sockets=[sock])
    say("stopped.")


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise UsageError(
            f"Cannot listen on {host}:{port}: {exc.strerror or exc}. Pick another --port, or "
            "stop the process that uses it."
        ) from None
    return sock


class _Uvicorn(uvicorn.Server):
    """uvicorn's server, announcing readiness and exiting 0 after a graceful SIGTERM."""

    def __init__(
        self,
        config: uvicorn.Config,
        guard: Guard,
        on_started: Callable[[], None],
        on_signal: Callable[[str], None],
    ) -> None:
        super().__init__(config)
        self._guard = guard
        self._on_started = on_started
        self._on_signal = on_signal

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self._on_started()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self._guard.close_streams()
        await super().shutdown(sockets)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # uvicorn re-raises the signal after shutting down, which would end the process
        # as "killed by SIGTERM"; a graceful stop should exit 0.
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        handled = (signal.SIGINT, signal.SIGTERM)
        previous = {sig: signal.signal(sig, self._handle_signal) for sig in handled}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _handle_signal(self, sig: int, frame: Any) -> None:
        if not self.should_exit:
            self._on_signal(signal.Signals(sig).name)
        self.handle_exit(sig, frame)
