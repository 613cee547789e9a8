"""`docshelf serve --http` as a real subprocess on a loopback port."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import anyio
import httpx
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from corpus import CORPUS, write_tree
from docshelf.errors import UsageError
from docshelf.server.http import HttpOptions, check_options, is_loopback
from docshelf.shelf import Shelf

TOKEN = "s3cret-token-for-tests-0123456789"
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "1"},
    },
}
MCP_HEADERS = {"content-type": "application/json", "accept": "application/json, text/event-stream"}
T = TypeVar("T")


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    url: str  # http://127.0.0.1:PORT/mcp
    log: Path

    @property
    def base(self) -> str:
        return self.url.removesuffix("/mcp")

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])


def wait_for(check: Callable[[], T | None], what: str, timeout: float = 30.0) -> T:
    """Poll `check` until it returns something, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value is not None and value is not False:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def server_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCSHELF_")}
    return {**env, "DOCSHELF_LOG_LEVEL": "warning", **extra}


@contextmanager
def running_server(home: Path, log: Path, *args: str, **env: str) -> Iterator[Server]:
    command = [sys.executable, "-m", "docshelf", "--home", str(home), "serve", "--http"]
    command += ["--port", "0", "--no-default", *args]
    with log.open("wb") as err:
        proc = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
            env=server_env(**env),
        )  # fmt: skip
    try:

        def started() -> str | None:
            if proc.poll() is not None:
                raise AssertionError(f"server exited {proc.returncode}: {log.read_text()}")
            found = re.search(r"(http://127\.0\.0\.1:\d+/mcp)", log.read_text())
            return found.group(1) if found else None

        yield Server(proc, wait_for(started, "the server to start"), log)
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=20)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("http")
    corpus = write_tree(root / "docs-src", CORPUS)
    with Shelf(root / "home") as shelf:
        shelf.add_library(str(corpus), name="demo")
    return root / "home"


@pytest.fixture(scope="module")
def guarded(home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A loopback server with a token, a small body limit and one extra allowed origin."""
    log = tmp_path_factory.mktemp("logs") / "guarded.log"
    env = {
        "DOCSHELF_TOKEN": TOKEN,
        "DOCSHELF_MAX_REQUEST_KB": "64",
        "DOCSHELF_ALLOWED_ORIGINS": "https://tools.example.com/",
    }
    with running_server(home, log, **env) as server:
        yield server


@pytest.fixture(scope="module")
def open_server(home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("logs") / "open.log"
    with running_server(home, log) as server:
        yield server


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


# -- configuration -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.8.9.1", True), ("localhost", True), ("::1", True),
     ("[::1]", True), ("0.0.0.0", False), ("::", False), ("192.168.1.5", False),
     ("docs.example.com", False)],
)  # fmt: skip
def test_is_loopback_knows_which_addresses_only_this_machine_reaches(host, loopback):
    assert is_loopback(host) is loopback


def test_binding_off_loopback_without_a_token_is_refused_with_the_fix():
    with pytest.raises(UsageError) as caught:
        check_options(HttpOptions(host="0.0.0.0"))
    assert "DOCSHELF_TOKEN" in str(caught.value) and "127.0.0.1" in str(caught.value)
    check_options(HttpOptions(host="0.0.0.0", token=TOKEN))


@pytest.mark.parametrize(
    "token", ["short", "has spaces in it, sixteen+", "tökén-with-ünicode-chars"]
)
def test_weak_or_unsendable_tokens_are_refused(token):
    with pytest.raises(UsageError, match="at least 16 visible ASCII"):
        check_options(HttpOptions(token=token))


def test_serve_off_loopback_without_token_exits_with_one_line(home: Path):
    command = [sys.executable, "-m", "docshelf", "--home", str(home), "serve", "--http"]
    done = subprocess.run(
        [*command, "--host", "0.0.0.0", "--port", "0"],
        capture_output=True, text=True, timeout=60, env=server_env(), stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "a token is required" in done.stderr
    assert "Traceback" not in done.stderr


def test_settings_feed_the_options(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DOCSHELF_TOKEN", TOKEN)
    monkeypatch.setenv("DOCSHELF_ALLOWED_ORIGINS", "https://A.example.com/, http://b.example")
    monkeypatch.setenv("DOCSHELF_MAX_REQUEST_KB", "8")
    options = HttpOptions.from_settings("0.0.0.0", 9000)
    assert options.token == TOKEN and not options.loopback
    assert options.allowed_origins == ("https://a.example.com", "http://b.example")
    assert options.max_request_bytes == 8192
    assert HttpOptions.from_settings(token="explicit-token-0123456789").token.startswith("explicit")


# -- the guard ------------------------------------------------------------------------------


def test_healthz_answers_without_a_token(guarded: Server):
    response = httpx.get(f"{guarded.base}/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": "0.1.0", "libraries": 1}


@pytest.mark.parametrize(
    ("headers", "reason"),
    [({}, "Missing bearer token"), (auth("wrong-token-of-some-length"), "Wrong bearer token"),
     (auth(TOKEN[:-1] + "X"), "Wrong bearer token"), ({"authorization": TOKEN}, "Missing"),
     ({"authorization": f"Basic {TOKEN}"}, "Missing")],
)  # fmt: skip
def test_missing_or_wrong_token_is_401_with_a_bearer_challenge(guarded: Server, headers, reason):
    response = httpx.post(guarded.url, json=INITIALIZE, headers={**MCP_HEADERS, **headers})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert reason in response.json()["error"]


def test_foreign_origin_is_403_even_with_the_token(guarded: Server):
    headers = {**MCP_HEADERS, **auth(), "origin": "http://evil.example.com"}
    response = httpx.post(guarded.url, json=INITIALIZE, headers=headers)
    assert response.status_code == 403
    assert "DOCSHELF_ALLOWED_ORIGINS" in response.json()["error"]


@pytest.mark.parametrize(
    "origin", ["https://tools.example.com", "http://localhost:3000", "http://127.0.0.1:9"]
)
def test_configured_and_loopback_origins_are_let_in(guarded: Server, origin):
    headers = {**MCP_HEADERS, **auth(), "origin": origin}
    response = httpx.post(guarded.url, json=INITIALIZE, headers=headers)
    assert response.status_code == 200, response.text


def test_foreign_host_header_is_refused_on_a_loopback_server(guarded: Server):
    headers = {**MCP_HEADERS, **auth(), "host": "evil.example.com"}
    response = httpx.post(guarded.url, json=INITIALIZE, headers=headers)
    assert response.status_code == 421
    assert "DNS-rebinding" in response.json()["error"]


def test_oversized_body_is_413_whether_declared_or_streamed(guarded: Server):
    big = json.dumps({**INITIALIZE, "pad": "x" * 70_000}).encode()
    declared = httpx.post(guarded.url, content=big, headers={**MCP_HEADERS, **auth()})

    def chunks() -> Iterator[bytes]:
        for i in range(0, len(big), 8192):
            yield big[i : i + 8192]

    streamed = httpx.post(guarded.url, content=chunks(), headers={**MCP_HEADERS, **auth()})
    assert (declared.status_code, streamed.status_code) == (413, 413)


def test_unauthenticated_big_body_is_refused_before_it_is_read(guarded: Server):
    big = b"x" * 200_000
    response = httpx.post(guarded.url, content=big, headers=MCP_HEADERS)
    assert response.status_code == 401


# -- MCP over HTTP ---------------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_real_mcp_session_over_http_with_the_sdk_client(open_server: Server):
    async with Client(open_server.url) as client:
        tools = {t.name for t in (await client.list_tools()).tools}
        hits = await client.call_tool("search_docs", {"query": "tenant sandbox", "limit": 3})
        page = await client.read_resource("docs://demo/local/docs/workspace/sandbox")
    assert {"search_docs", "read_docs", "list_libraries"} <= tools
    assert hits.structured_content["hits"][0]["path"] == "docs/workspace/sandbox"
    assert page.contents[0].text.startswith("# Sandbox")


@pytest.mark.anyio
async def test_a_legacy_session_with_the_token_works(guarded: Server):
    async with create_mcp_http_client(headers=auth()) as http:
        transport = streamable_http_client(guarded.url, http_client=http)
        async with Client(transport, mode="legacy") as client:
            result = await client.call_tool("read_docs", {"paths": ["reference/tools/create-tool"]})
    assert result.structured_content["results"][0]["title"] == "createTool()"


@pytest.mark.anyio
async def test_concurrent_readers_see_no_errors_while_the_library_is_reindexed(
    open_server: Server, home: Path, tmp_path: Path
):
    corpus = write_tree(tmp_path / "docs-src", CORPUS)
    extra = {
        f"extra/page-{i}.md": f"# Extra {i}\n\nFiller about sandboxes {i}.\n" for i in range(300)
    }
    revisions = 4
    writer_done = threading.Event()
    reads: list[int] = []
    errors: list[str] = []

    def reindex() -> None:
        try:
            with Shelf(home) as shelf:
                for rev in range(revisions):
                    sandbox = CORPUS["docs/workspace/sandbox.md"] + f"\nRevision {rev}.\n"
                    write_tree(corpus, {**extra, "docs/workspace/sandbox.md": sandbox})
                    shelf.add_library(str(corpus), name="demo")
        finally:
            writer_done.set()

    async def reader() -> None:
        count = 0
        async with Client(open_server.url) as client:
            while not writer_done.is_set() or count < 5:
                found = await client.call_tool("search_docs", {"query": "tenant sandbox"})
                page = await client.call_tool("read_docs", {"paths": ["docs/workspace/sandbox"]})
                for result in (found, page):
                    if result.is_error:
                        errors.append(result.content[0].text)
                if not found.structured_content["hits"]:
                    errors.append("a search saw an empty index")
                count += 1
        reads.append(count)

    with anyio.fail_after(120):
        async with anyio.create_task_group() as tg:
            for _ in range(8):
                tg.start_soon(reader)
            await anyio.to_thread.run_sync(reindex)

    assert errors == []
    assert len(reads) == 8 and min(reads) >= 5
    async with Client(open_server.url) as client:
        page = await client.call_tool("read_docs", {"paths": ["docs/workspace/sandbox"]})
    assert f"Revision {revisions - 1}." in page.content[0].text


# -- shutdown --------------------------------------------------------------------------------


def server_has_read(client: socket.socket, port: int) -> bool:
    """Whether the server took everything sent on `client` off the wire (Linux /proc).

    Then uvicorn has parsed the request line and headers: the request is in flight.
    """
    mine = client.getsockname()[1]
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, queues = fields[1], fields[2], fields[4]
        if local.endswith(f":{port:04X}") and remote.endswith(f":{mine:04X}"):
            return int(queues.split(":")[1], 16) == 0
    return False


def open_notification_stream(server: Server) -> socket.socket:
    """A session's GET stream for server notifications, open and idle."""
    init = httpx.post(server.url, json=INITIALIZE, headers=MCP_HEADERS)
    session = init.headers["mcp-session-id"]
    headers = {**MCP_HEADERS, "mcp-session-id": session, "mcp-protocol-version": "2025-11-25"}
    done = {"jsonrpc": "2.0", "method": "notifications/initialized"}
    assert httpx.post(server.url, json=done, headers=headers).status_code == 202
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    sock.sendall(
        f"GET /mcp HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nAccept: text/event-stream\r\n"
        f"mcp-session-id: {session}\r\nmcp-protocol-version: 2025-11-25\r\n\r\n".encode()
    )
    assert sock.recv(65536).startswith(b"HTTP/1.1 200")
    return sock


def test_sigterm_lets_the_in_flight_request_finish_then_exits_0(home: Path, tmp_path: Path):
    log = tmp_path / "server.log"
    with running_server(home, log) as server:
        body = json.dumps(INITIALIZE).encode()
        head = (
            f"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
            "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        stream = open_notification_stream(server)  # an idle client must not hold up the exit
        with stream, socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
            sock.sendall(head + body[:10])
            wait_for(lambda: server_has_read(sock, server.port), "the server to read the headers")
            server.proc.send_signal(signal.SIGTERM)
            wait_for(lambda: "SIGTERM received" in server.log.read_text(), "SIGTERM to land")
            sock.sendall(body[10:])
            response = b""
            while chunk := sock.recv(65536):  # the server closes the connection when done
                response += chunk
            while stream.recv(65536):  # and the idle stream
                pass
        assert response.startswith(b"HTTP/1.1 200")
        assert b'"serverInfo"' in response
        assert server.proc.wait(timeout=30) == 0
    text = log.read_text()
    assert "stopped." in text and "Traceback" not in text and "ERROR" not in text


# -- peers that hold connections without using them -------------------------------------------


@pytest.fixture(scope="module")
def strict(home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with a token and one-second header and body deadlines."""
    log = tmp_path_factory.mktemp("logs") / "strict.log"
    env = {
        "DOCSHELF_TOKEN": TOKEN,
        "DOCSHELF_HTTP_HEADER_TIMEOUT": "1",
        "DOCSHELF_HTTP_BODY_TIMEOUT": "1",
    }
    with running_server(home, log, **env) as server:
        yield server


def enough_descriptors(count: int) -> None:
    """Let this process hold `count` sockets, or skip where the system will not allow it."""
    resource = pytest.importorskip("resource")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < count:
        pytest.skip(f"the open-file limit ({hard}) is below the {count} sockets this test holds")
    if soft != resource.RLIM_INFINITY and soft < count:
        resource.setrlimit(resource.RLIMIT_NOFILE, (count, hard))


def closed_within(sock: socket.socket, seconds: float, drip: bytes = b"") -> bool:
    """Whether the server closes `sock` within `seconds`; meanwhile send `drip` a byte at a
    time, one byte each time a 0.2 s wait for the close runs out (a slowloris peer)."""
    deadline = time.monotonic() + seconds
    sent = 0
    while time.monotonic() < deadline:
        sock.settimeout(0.2)
        try:
            if sock.recv(65536) == b"":
                return True
            continue  # a response (401, 408, ...): keep waiting for the close
        except TimeoutError:
            pass
        except ConnectionError:
            return True
        if sent < len(drip):
            try:
                sock.sendall(drip[sent : sent + 1])
            except OSError:
                return True
            sent += 1
    return False


def test_a_thousand_idle_connections_do_not_lock_out_an_authenticated_client(guarded: Server):
    count = 1100
    enough_descriptors(count + 200)
    idle: list[socket.socket] = []
    try:
        for _ in range(count):
            idle.append(socket.create_connection(("127.0.0.1", guarded.port), timeout=10))
        response = httpx.post(
            guarded.url, json=INITIALIZE, headers={**MCP_HEADERS, **auth()}, timeout=30
        )
    finally:
        for sock in idle:
            sock.close()
    assert response.status_code == 200, response.text


def test_a_peer_that_sends_its_headers_slowly_is_disconnected(strict: Server):
    with socket.create_connection(("127.0.0.1", strict.port), timeout=10) as sock:
        sock.sendall(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        assert closed_within(sock, 15, drip=b"X-Slow: " + b"a" * 200)


def test_a_peer_that_sends_nothing_is_disconnected(strict: Server):
    with socket.create_connection(("127.0.0.1", strict.port), timeout=10) as sock:
        assert closed_within(sock, 15)


@pytest.mark.parametrize("authenticated", [True, False])
def test_a_peer_that_sends_its_body_slowly_is_disconnected(strict: Server, authenticated):
    head = (
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Accept: application/json, text/event-stream\r\nContent-Length: 2000\r\n"
        + (f"Authorization: Bearer {TOKEN}\r\n" if authenticated else "")
        + "\r\n"
    )
    with socket.create_connection(("127.0.0.1", strict.port), timeout=10) as sock:
        sock.sendall(head.encode())
        assert closed_within(sock, 15, drip=b"{" * 2000)
