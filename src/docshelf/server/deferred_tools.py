"""A stdio server's tools, registered after its first tools/list, which the list the
previous start kept answers.

Registering the default profile's tools is most of a start's own cost: the SDK builds each
tool's argument and output models and their JSON schemas with pydantic (~130 ms for its 13
tools on a 2-core machine), and the tool modules import what they use. A client lists the
tools first and calls one later. So `serve` answers the first tools/list from the list kept
in the home's cache folder, registers the tools in a thread just after, and a call waits
for them.

The list is kept with a fingerprint of what shapes it: docshelf's version and source files
(path, size, modification time), the MCP SDK's and pydantic's versions, and the
registration options. A fingerprint that differs is a miss: the tools are registered at
once, as before, and their list is written. Registered in the background, the tools are
listed again and compared with the list that was answered; a difference (a description
read from something the fingerprint does not see) rewrites it for the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Coroutine, Iterable
from pathlib import Path
from typing import Any

import pydantic
from mcp.types import Tool as MCPTool
from pydantic import ValidationError

from docshelf.constants import VERSION
from docshelf.files import write_atomically

log = logging.getLogger("docshelf.server")

REGISTER_AFTER_S = 0.05  # after the first tools/list: its answer is sent first


class DeferredTools:
    """Registers a server's tools once, when `ensure` is first called, and keeps their list.

    `register` adds the tools to the server; `listed` lists the server's registered tools
    (the SDK's own tools/list); `options` are what else decides which tools there are and
    how they read.
    """

    def __init__(
        self,
        register: Callable[[], None],
        listed: Callable[[], Coroutine[Any, Any, list[MCPTool]]],
        file: Path,
        options: dict[str, object],
    ) -> None:
        self._register = register
        self._listed = listed
        self.file = file
        self.key = fingerprint(options)
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._answered: list[dict[str, Any]] | None = None  # the kept list, once answered
        self.checked = threading.Event()  # registered after a kept list answered, and compared

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    def ensure(self) -> None:
        """Register the tools unless done; a caller meanwhile waits for the one registering."""
        if self._ready.is_set():
            return
        with self._lock:
            if not self._ready.is_set():
                self._register()
                self._ready.set()

    async def first_list(self) -> list[MCPTool]:
        """The tools, for the first tools/list: the kept list, with the registration
        started in a thread, or on a miss the tools registered now (and their list kept)."""
        kept = self._read()
        if kept is not None:
            self._answered = [_dumped(t) for t in kept]
            starter = threading.Timer(REGISTER_AFTER_S, self._register_and_check)
            starter.name, starter.daemon = "docshelf-tools", True
            starter.start()
            return kept
        self.ensure()
        tools = await self._listed()
        self._keep(tools)
        return tools

    def _register_and_check(self) -> None:
        try:
            self.ensure()
            self._keep(asyncio.run(self._listed()))
        except Exception:  # a call registers again, and says what failed
            log.exception("registering the tools failed")
        finally:
            self.checked.set()

    def _read(self) -> list[MCPTool] | None:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            if data["key"] != self.key:
                return None
            return [MCPTool.model_validate(t) for t in data["tools"]]
        except (OSError, ValueError, KeyError, TypeError, ValidationError):
            return None  # missing, damaged or another start's: registered and rewritten

    def _keep(self, tools: list[MCPTool]) -> None:
        listed = [_dumped(t) for t in tools]
        if listed == self._answered:
            return
        if self._answered is not None:
            log.info("the kept tool list differed from the tools; rewritten")
        with contextlib.suppress(OSError):  # a read-only home: every start registers first
            write_atomically(self.file, json.dumps({"key": self.key, "tools": listed}))


def _dumped(tool: MCPTool) -> dict[str, Any]:
    return tool.model_dump(mode="json", by_alias=True, exclude_none=True)


def fingerprint(options: dict[str, object], sources: Iterable[str] | None = None) -> str:
    """A digest of the options and of every file and version that shapes the tools (the
    .py files under `sources`, default docshelf's own)."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    versions = {"docshelf": VERSION, "mcp": version("mcp"), "pydantic": pydantic.VERSION}
    digest.update(json.dumps({**versions, **options}, sort_keys=True, default=str).encode())
    package = str(Path(__file__).resolve().parents[1])  # docshelf's own folder
    for root in [package] if sources is None else sources:
        digest.update(_files_digest(root))
    return digest.hexdigest()


def _files_digest(root: str) -> bytes:
    """Each .py file under `root` as 'path size mtime' (no file is read)."""
    lines = []
    folders = [root]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.name.endswith(".py"):
                    stat = entry.stat()
                    lines.append(f"{entry.path[len(root) :]} {stat.st_size} {stat.st_mtime_ns}")
                elif entry.name != "__pycache__" and entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
    return "\n".join(sorted(lines)).encode()
