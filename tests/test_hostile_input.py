"""Random and hostile arguments to every tool: a result or a clean tool error, never worse.

Each profile's tools are listed from the server itself, so a new tool is covered as soon as
it is registered. Arguments are drawn from each tool's input schema, mixed with wrong types,
huge and control-character strings, path tricks and unicode look-alikes. Every call must
answer within a timeout, must not crash inside the tool, and must not return a byte of the
canary files planted outside the docs root.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS, CallToolResult, Tool

from corpus import CORPUS, write_tree
from docshelf.server import build_server
from docshelf.shelf import Shelf

CANARY = "CANARY-7f3a9e-must-never-be-served"
EXAMPLES = int(os.environ.get("DOCSHELF_HOSTILE_EXAMPLES", "60"))  # per tool
CALL_TIMEOUT = 30.0

_TRICKS = [
    "", " ", ".", "..", "../", "/", "//", "\\", "../../../../etc/passwd", "/etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd", "..%252f..%252fetc%252fpasswd", "%2e%2e/%2e%2e/etc/passwd",
    "....//....//etc/passwd", "..\\..\\..\\windows\\win.ini", "C:\\Windows\\win.ini",
    "file:///etc/passwd", "~/.ssh/id_rsa", "~root", "docs/\x00/../../etc/passwd", "docs\x00",
    "\x00", "\u2025/\u2025/etc/passwd", "\uff0e\uff0e/\uff0e\uff0e/etc/passwd",
    "\uff0e\uff0e\uff0f\uff0e\uff0e\uff0fetc\uff0fpasswd", "docs/agents/overview\u202e",
    "e\u0301", "\ufeffindex", "\u0000\u0001\u001f\u007f", "\x1b[31mred", "\r\n\r\nX: y",
    "*", '"', '"unterminated', "' OR 1=1 --", "NEAR(a b", "title:x", "a AND OR NOT", "^$",
    "docs/agents/overview.md", "docs/agents/OVERVIEW", "reference/../docs/index",
    "@mastra/core", "@mastra/../../etc", "references/escape.md", "references", "SKILL.md",
    "a" * 100_000, "/" * 5000, "../" * 3000, "\n" * 1000, "🙂" * 5000, "\ud800",
]  # fmt: skip
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 1, 2**31, 2**63, -(2**63)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=50),
)
JUNK = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


def hostile_text(extra: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(_TRICKS + extra),
        st.text(max_size=200),
        st.text(st.characters(codec="utf-8"), min_size=1, max_size=2000),
        st.builds(lambda a, b: a + b, st.sampled_from(_TRICKS + extra), st.text(max_size=30)),
    )


def value_for(schema: dict[str, Any], text: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """A right-typed hostile value most of the time, any JSON value otherwise."""
    options = schema.get("anyOf") or [schema]
    kinds = {o.get("type") for o in options}
    right: list[st.SearchStrategy[Any]] = []
    if "string" in kinds:
        right.append(text)
    if "integer" in kinds:
        right.append(st.integers(min_value=-(2**70), max_value=2**70))
    if "number" in kinds:
        right.append(st.floats() | st.integers(min_value=-(2**70), max_value=2**70))
    if "boolean" in kinds:
        right.append(st.booleans())
    if "array" in kinds:
        right.append(st.lists(text | JUNK, max_size=30))
        right.append(st.lists(st.just("index"), min_size=500, max_size=2000))
    if "null" in kinds:
        right.append(st.none())
    return st.one_of(*right, JUNK) if right else JUNK


def arguments_for(tool: Tool, text: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, Any]]:
    properties = tool.input_schema.get("properties", {})
    required = set(tool.input_schema.get("required", []))
    values = {name: value_for(prop, text) for name, prop in properties.items()}
    complete = st.fixed_dictionaries(
        {n: v for n, v in values.items() if n in required},
        optional={n: v for n, v in values.items() if n not in required},
    )
    anything = st.fixed_dictionaries({}, optional=values)  # required ones may be missing
    extra = st.dictionaries(st.text(max_size=20), JUNK, max_size=3)
    return st.one_of(complete, anything, st.builds(lambda a, b: {**b, **a}, complete, extra))


@dataclass
class Session:
    portal: BlockingPortal
    client: Client
    tools: list[Tool]
    crashes: list[str] = field(default_factory=list)

    def call(self, name: str, args: dict[str, Any]) -> str:
        """Call a tool and return every text it answered with; fail on anything but an answer."""

        async def call() -> CallToolResult:
            with anyio.fail_after(CALL_TIMEOUT):
                return await self.client.call_tool(name, args)

        try:
            result = self.portal.call(call)
        except TimeoutError:
            pytest.fail(f"{name} hung for {CALL_TIMEOUT} s on {args!r:.300}")
        except MCPError as exc:  # refused at the protocol level: fine if it is the caller's fault
            assert exc.error.code == INVALID_PARAMS, f"{name}: {exc.error!r} on {args!r:.300}"
            return exc.error.message
        texts = [getattr(c, "text", "") for c in result.content]
        if result.is_error:
            assert texts != [f"Error executing tool {name}"], f"{name} crashed on {args!r:.300}"
        assert not self.crashes, f"{name} crashed on {args!r:.300}: {self.crashes}"
        return "\n".join(texts) + json.dumps(result.structured_content or {}, default=str)


class _Crashes(logging.Handler):
    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.ERROR)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record.getMessage())


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A docs library, a fake project with an installed @mastra package, and canaries."""
    root = tmp_path_factory.mktemp("hostile")
    (root / "canary.md").write_text(f"# Secret\n\n{CANARY}\n")
    corpus = write_tree(root / "docs-src", CORPUS)
    package = root / "project" / "node_modules" / "@mastra" / "core"
    write_tree(package, {
        "package.json": json.dumps({"name": "@mastra/core", "version": "1.2.3"}),
        "dist/docs/SKILL.md": "# Core\n\nHow to use core.\n",
        "dist/docs/references/agents.md": "# Agents\n\nCreate an agent.\n",
        "dist/index.d.ts": "export declare class Agent {}\n",
    })  # fmt: skip
    (package / "secret.md").write_text(CANARY)
    (package / "dist/docs/references/escape.md").symlink_to(root / "canary.md")
    with Shelf(root / "home") as shelf:
        shelf.add_library(str(corpus), name="demo")
    return root


@contextmanager
def session(planted: Path, **server_options: Any) -> Iterator[Session]:
    shelf = Shelf(planted / "home")
    crashes: list[str] = []
    handler = _Crashes(crashes)
    logging.getLogger("mcp.server.mcpserver").addHandler(handler)
    try:
        with start_blocking_portal() as portal:
            client = Client(build_server(shelf, **server_options), mode="legacy")
            with portal.wrap_async_context_manager(client):
                tools = portal.call(client.list_tools).tools
                yield Session(portal, client, tools, crashes)
    finally:
        logging.getLogger("mcp.server.mcpserver").removeHandler(handler)
        shelf.close()


@pytest.mark.parametrize(
    "options", [{}, {"profile": "mastra", "library": "demo"}], ids=["default", "mastra"]
)
def test_every_tool_answers_hostile_arguments_with_a_result_or_a_clean_error(planted, options):
    project = str(planted / "project")
    secrets = [str(planted / "canary.md"), str(planted), project, f"{project}/../canary.md"]
    text = hostile_text(secrets)
    with session(planted, **options) as s:
        assert s.tools
        for tool in s.tools:
            check_tool(s, tool, text)


def check_tool(s: Session, tool: Tool, text: st.SearchStrategy[str]) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(args=arguments_for(tool, text))
    def check(args: dict[str, Any]) -> None:
        answer = s.call(tool.name, args)
        assert CANARY not in answer, f"{tool.name} served a file outside the docs root"
        assert "root:x:0:0" not in answer, f"{tool.name} served /etc/passwd"

    check()


def test_path_tricks_never_reach_a_file_outside_the_docs_root(planted):
    with session(planted) as s:
        for trick in [*_TRICKS, str(planted / "canary.md"), "../../canary", "../canary.md"]:
            answer = s.call("read_docs", {"paths": [trick]})
            assert CANARY not in answer and "root:x:0:0" not in answer
            s.call("search_docs", {"query": trick, "path_prefix": trick, "library": trick})


def test_a_file_name_that_is_not_utf8_is_indexed_under_a_replacement_name(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ok.md").write_text("# Ok\n")
    with open(os.path.join(bytes(docs), b"bad-\xff.md"), "w") as file:
        file.write("# Bad name\n\nStill findable.\n")
    with Shelf(tmp_path / "home") as shelf:
        shelf.add_library(str(docs), name="bytes")
        [hit] = shelf.search("findable")
        assert hit.path == "bad-\ufffd"
        assert shelf.read([hit.path])[0].title == "Bad name"
