"""HTTP connections: deadlines for reading a request, and a connection cap that peers
holding idle sockets cannot fill.

uvicorn (over h11) closes a connection only when it stays idle after a response
(keep-alive); a peer that connects and sends nothing, or sends its headers or its body a
byte at a time, is kept forever, and `limit_concurrency` counts those connections, so a
thousand of them turned every authenticated request into a 503. This protocol, uvicorn's
own H11Protocol plus a timer, gives each peer `header_timeout` seconds to send a request's
headers (from connecting, or from the first byte of a later request) and `body_timeout`
seconds for its body, whatever trickles in meanwhile. And when `max_connections` are open,
a new connection pushes out the oldest one that is not being answered (a peer still
sending a request first, then an idle keep-alive one) instead of being refused: peers
that only hold sockets cannot starve the ones that send requests.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from docshelf.settings import get_float

try:
    import resource
except ImportError:  # pragma: no cover - Windows: no descriptor limit to raise
    resource = None  # type: ignore[assignment]

log = logging.getLogger("docshelf.http")

MAX_CONNECTIONS = 1000
RESERVED_DESCRIPTORS = 64  # files the server needs besides its connections: the index, logs
_BUSY = json.dumps(
    {"error": "Every connection is busy answering a request. Try again in a moment."}
).encode()
_REFUSAL = (
    b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n"
    b"connection: close\r\ncontent-length: %d\r\n\r\n%s" % (len(_BUSY), _BUSY)
)


@dataclass(frozen=True)
class ConnectionLimits:
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    idle_timeout: float = 5.0
    max_connections: int = MAX_CONNECTIONS

    @classmethod
    def from_settings(cls) -> ConnectionLimits:
        return cls(
            header_timeout=get_float("http_header_timeout"),
            body_timeout=get_float("http_body_timeout"),
            idle_timeout=get_float("http_idle_timeout"),
            max_connections=_affordable_connections(MAX_CONNECTIONS),
        )


def _affordable_connections(wanted: int) -> int:
    """`wanted`, or fewer if the open-file limit cannot hold that many sockets (raised to
    the hard limit first: a default soft limit of 1024 would run out before the cap)."""
    if resource is None:
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = wanted + RESERVED_DESCRIPTORS
    if soft != resource.RLIM_INFINITY and soft < need:
        raised = need if hard == resource.RLIM_INFINITY else min(need, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(min(wanted, soft - RESERVED_DESCRIPTORS), 16)


class _Pool:
    """The open connections no request is being answered on, oldest first, in two tiers:
    those still sending (or never sent) a request, then idle keep-alive ones."""

    def __init__(self) -> None:
        self.sending: OrderedDict[LimitedH11Protocol, None] = OrderedDict()
        self.idle: OrderedDict[LimitedH11Protocol, None] = OrderedDict()

    def place(self, conn: LimitedH11Protocol, tier: str | None) -> None:
        for name, group in (("sending", self.sending), ("idle", self.idle)):
            if name == tier:
                group.setdefault(conn, None)  # keeps its age while it stays in the tier
            else:
                group.pop(conn, None)

    def oldest(self, besides: LimitedH11Protocol) -> LimitedH11Protocol | None:
        for group in (self.sending, self.idle):
            for conn in group:
                if conn is not besides:
                    return conn
        return None


def limited_protocol(limits: ConnectionLimits) -> type[H11Protocol]:
    """uvicorn's H11Protocol with `limits`; pass it as uvicorn.Config(http=...)."""
    pool = _Pool()

    class Limited(LimitedH11Protocol):
        _limits = limits
        _pool = pool

    return Limited


class LimitedH11Protocol(H11Protocol):
    _limits: ConnectionLimits
    _pool: _Pool

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._phase: str | None = None
        self._timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self._limits.max_connections:
            victim = self._pool.oldest(besides=self)
            if victim is None:  # every connection is being answered: refuse this one
                transport.write(_REFUSAL)
                transport.close()
                return
            victim._drop("the server is at its connection limit")
        self._track()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._track()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._track()

    def connection_lost(self, exc: Exception | None) -> None:
        self._set_phase(None)
        self._pool.place(self, None)
        super().connection_lost(exc)

    def _track(self) -> None:
        """Arm the deadline that fits where the request stands, and file the connection."""
        if self.transport.is_closing():
            return
        answering = self.cycle is not None and not self.cycle.response_complete
        their = self.conn.their_state
        if their is h11.SEND_BODY:
            self._set_phase("body")
        elif their is h11.IDLE and (self.cycle is None or bool(self.conn.trailing_data[0])):
            self._set_phase("head")  # a new connection, or a next request begun
        else:
            self._set_phase(None)  # answering, or idle after a response (keep-alive)
        if answering:
            self._pool.place(self, None)
        elif their is h11.IDLE and self.cycle is not None and not self.conn.trailing_data[0]:
            self._pool.place(self, "idle")
        else:
            self._pool.place(self, "sending")

    def _set_phase(self, phase: str | None) -> None:
        if phase == self._phase:
            return  # the deadline runs from the start of the phase, not from the last byte
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._phase = phase
        if phase is not None:
            seconds = self._limits.header_timeout if phase == "head" else self._limits.body_timeout
            self._timer = self.loop.call_later(seconds, self._expire, phase, seconds)

    def _expire(self, phase: str, seconds: float) -> None:
        self._timer = None
        what = "headers" if phase == "head" else "body"
        self._drop(f"its request {what} took longer than {seconds:g} s")

    def _drop(self, why: str) -> None:
        if not self.transport.is_closing():
            log.info("closing a connection from %s: %s", self.client, why)
            self.transport.close()
