"""Run code that might block forever on a named pipe, with a deadline instead of a hang."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def finishes(call: Callable[[], T], pipes: Iterable[Path], timeout: float = 10.0) -> T:
    """`call()`'s result; fails if it is still running after `timeout` seconds.

    A reader blocked opening a FIFO is set free by opening the FIFO's write end, so a
    failing test ends instead of leaving a thread stuck in the test process.
    """
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # re-raised in the test's thread
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        for pipe in pipes:
            for _ in range(100):  # a reader may open the same pipe again after one release
                try:
                    os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
                except OSError:
                    break
        thread.join(timeout)
        raise AssertionError(f"still blocked after {timeout} s (on a named pipe?)")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]
