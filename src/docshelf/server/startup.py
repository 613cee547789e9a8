"""When a stdio server's background work begins: after its first answers, not during them.

Loading the model and building vectors is seconds of CPU. Begun with the client's first
message, it competed with the start-up itself (imports hold the GIL; 2 cores are shared
with the client): the first tools/list took longer, and a client that only listed the
tools paid for a model load it never used. So the work begins SETTLE_SECONDS after the
first tools/list is answered, or IDLE_SECONDS after the first message of a client that
never lists tools. A search meanwhile still loads the model at once, in the background
(auto never waits: it answers with full text and says so).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from mcp.server.mcpserver import MCPServer

from docshelf.server.background import start_default_library, start_semantic
from docshelf.server.tooling import DocshelfServer, ServerState

SETTLE_SECONDS = 0.25  # after the first tools/list: the client's next requests go first
IDLE_SECONDS = 2.0  # after the first message, for a client that never lists the tools


class DeferredStart:
    """Runs `start` once, at the earliest deadline it is given (`soon`), in a timer
    thread; `cancel` (the server stopping) means it never runs."""

    def __init__(self, start: Callable[[], None], first: Callable[[], None] | None = None) -> None:
        self._start = start
        self._first = first  # run once, at once, on the client's first message
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._deadline = float("inf")
        self._done = False  # started or cancelled: nothing runs any more
        self._ran = threading.Event()

    def first_message(self) -> None:
        if self._first is not None:
            first, self._first = self._first, None
            first()
        self.soon(IDLE_SECONDS)

    def tools_listed(self) -> None:
        self.soon(SETTLE_SECONDS)

    def soon(self, seconds: float) -> None:
        """Start within `seconds`, unless an earlier start is already set."""
        deadline = time.monotonic() + seconds
        with self._lock:
            if self._done or deadline >= self._deadline:
                return
            if self._timer is not None:
                self._timer.cancel()
            self._deadline = deadline
            self._timer = threading.Timer(seconds, self._run)
            self._timer.name = "docshelf-start"
            self._timer.daemon = True
            self._timer.start()

    def cancel(self) -> None:
        with self._lock:
            self._done = True
            if self._timer is not None:
                self._timer.cancel()

    def _run(self) -> None:
        with self._lock:
            if self._done:
                return
            self._done = True
            # Started under the lock: a cancel() that follows waits for the threads to
            # exist, so the shutdown that follows it stops and joins them.
            self._start()
            self._ran.set()

    @property
    def ran(self) -> bool:
        return self._ran.is_set()

    def wait(self, timeout: float) -> bool:
        """Block until `start` has run or `timeout` seconds pass; True if it ran."""
        return self._ran.wait(timeout)


def defer_background(server: MCPServer, state: ServerState, *, add_default: bool) -> DeferredStart:
    """Wire `server` so that the model and the vectors wait for its first answers; the
    answer's `first_message` is for the client's first message (it starts the first-run
    library at once: the tools say it is being added)."""

    def first() -> None:
        state.shelf.semantic.load_in_background = True  # a search never waits for the model
        if add_default:
            start_default_library(state)

    starter = DeferredStart(lambda: start_semantic(state), first)
    state.on_stop.append(starter.cancel)
    if isinstance(server, DocshelfServer):
        server.tools_listed = starter.tools_listed
    return starter
