"""MCP servers under test: how to start them, how to ask them, how to read their answers."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from mcp.client.stdio import StdioServerParameters

from _common import OUT_DIR, BenchmarkError, find_docshelf

REFERENCE_PACKAGE = "@mastra/mcp-docs-server"
REFERENCE_VERSION = "1.1.45"

Style = Literal["search_docs", "mastraDocs"]
KeywordPolicy = Literal["words", "content"]


@dataclass(frozen=True)
class ServerSpec:
    label: str
    command: str
    args: tuple[str, ...]
    style: Style  # which tool answers a query, and how its answer is read
    env: dict[str, str] = field(default_factory=dict)
    library: str | None = None

    def parameters(self) -> StdioServerParameters:
        return StdioServerParameters(command=self.command, args=list(self.args), env=self.env)


def docshelf_spec(home: Path, library: str, profile: str | None = None) -> ServerSpec:
    args = ["--home", str(home), "serve"]
    if profile:
        args += ["--profile", profile]
    if profile == "mastra":
        args += ["--library", library]
    return ServerSpec(
        label=f"docshelf --profile {profile}" if profile else "docshelf",
        command=find_docshelf(),
        args=tuple(args),
        style="mastraDocs" if profile == "mastra" else "search_docs",
        env={"DOCSHELF_HOME": str(home), **code_path()},
        library=library,
    )


def code_path() -> dict[str, str]:
    """PYTHONPATH, when set, for a server process: the SDK's stdio client passes a server
    only a few variables, so without it a run with PYTHONPATH=<worktree>/src would time
    the installed docshelf, not the code it names."""
    path = os.environ.get("PYTHONPATH")
    return {"PYTHONPATH": path} if path else {}


def reference_spec(reference_dir: Path, node: str) -> ServerSpec:
    entry = ensure_reference(reference_dir)
    return ServerSpec(
        label=f"reference {REFERENCE_VERSION}",
        command=node,
        args=(str(entry),),
        style="mastraDocs",
    )


def ensure_reference(reference_dir: Path) -> Path:
    """The reference server's entry point, `npm install`ed into `reference_dir` if missing."""
    package_dir = reference_dir / "node_modules" / REFERENCE_PACKAGE
    entry = package_dir / "dist" / "stdio.js"
    if entry.is_file() and _installed_version(package_dir) == REFERENCE_VERSION:
        return entry
    npm = shutil.which("npm")
    if npm is None:
        raise BenchmarkError(
            "npm is not on PATH; install Node.js 20+ (with npm) to benchmark the reference server, "
            "or pass --reference-dir to a directory where it is already installed."
        )
    reference_dir.mkdir(parents=True, exist_ok=True)
    # Without its own package.json, npm would install into the nearest parent project.
    manifest = reference_dir / "package.json"
    if not manifest.exists():
        manifest.write_text('{"private": true}\n')
    spec = f"{REFERENCE_PACKAGE}@{REFERENCE_VERSION}"
    print(f"installing {spec} into {reference_dir} ...", file=sys.stderr, flush=True)
    done = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--loglevel=error", "--save-exact", spec],
        cwd=reference_dir,
        text=True,
        capture_output=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0 or not entry.is_file():
        raise BenchmarkError(
            f"`npm install {spec}` in {reference_dir} failed (exit {done.returncode}); "
            f"check network access to the npm registry.\n{done.stderr.strip()[-2000:]}"
        )
    return entry


def _installed_version(package_dir: Path) -> str | None:
    try:
        return json.loads((package_dir / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def node_version(node: str) -> str:
    try:
        return subprocess.run(
            [node, "--version"], text=True, capture_output=True, check=True, timeout=30
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        raise BenchmarkError(
            f"Cannot run `{node} --version` ({exc}); pass --node PATH to a Node.js 20+ binary."
        ) from exc


# ---------------------------------------------------------------- asking


# Small function words only. The "content" policy imitates an agent that passes the
# meaningful words of the question; the list is generic English, not drawn from any query.
_STOP_WORDS_TEXT = """
a an and are as at be by can could do does for from how i in into is it its me my of on or
our should so that the their them then there these this those to use using was we what when
where which who why will with without would you your
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


def query_keywords(query: str, policy: KeywordPolicy) -> list[str]:
    """Keywords for `mastraDocs(queryKeywords=...)`: the query's words, lowercased."""
    words = query.lower().split()
    if policy == "content":
        kept = [w for w in words if w not in STOP_WORDS]
        return kept or words
    return words


def tool_call(spec: ServerSpec, query: str, limit: int, policy: KeywordPolicy) -> tuple[str, dict]:
    """The tool name and arguments that put `query` to this server."""
    if spec.style == "search_docs":
        return "search_docs", {"query": query, "library": spec.library, "limit": limit}
    # An empty path lists the docs root and appends the keyword-ranked suggestions.
    return "mastraDocs", {"paths": [""], "queryKeywords": query_keywords(query, policy)}


def ranked_paths(spec: ServerSpec, result: Any) -> list[str]:
    """The ranked page paths in a CallToolResult."""
    if spec.style == "search_docs":
        structured = result.structured_content or {}
        hits = structured.get("hits")
        if hits is None:
            # Tools that return a bare list are wrapped as {"result": [...]} by the SDK.
            hits = structured.get("result", [])
        return [hit["path"] for hit in hits if isinstance(hit, dict) and "path" in hit]
    return parse_suggestions(result_text(result))


def result_text(result: Any) -> str:
    return "\n".join(getattr(block, "text", "") for block in result.content)


_MARKER = re.compile(r"might be relevant", re.IGNORECASE)
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(?P<body>.+?)\s*$")
_LINK = re.compile(r"\[[^\]]*\]\((?P<target>[^)\s]+)[^)]*\)")
_CODE = re.compile(r"`(?P<code>[^`]+)`")


def parse_suggestions(text: str) -> list[str]:
    """Paths of the "might be relevant" list in a mastraDocs answer, in order.

    The reference writes `- reference/tools/create-tool.md` lines after "Here are some
    paths that might be relevant based on your query:". Also read: `- [title](path)`,
    ``- `path` ``, numbered items and trailing descriptions. Without the marker, every
    list item that names a page (not a directory, which ends in `/`) counts.
    """
    lines = text.splitlines()
    start = 0
    for number, line in enumerate(lines):
        if _MARKER.search(line):
            start = number + 1
    paths: list[str] = []
    for line in lines[start:]:
        stripped = line.strip()
        if paths and (stripped == "---" or stripped.startswith("#")):
            break
        match = _ITEM.match(line)
        if match is None:
            continue
        path = _item_path(match["body"])
        if path and not path.endswith("/"):
            paths.append(path)
    return paths


def _item_path(body: str) -> str:
    if link := _LINK.search(body):
        return link["target"]
    if code := _CODE.search(body):
        return code["code"].strip()
    return body.split()[0].rstrip(":,;")


# ---------------------------------------------------------------- sessions


@dataclass
class Timer:
    """Monotonic stopwatch in milliseconds."""

    started: float = field(default_factory=time.perf_counter)

    def ms(self) -> float:
        return (time.perf_counter() - self.started) * 1000


def stderr_sink(label: str) -> Any:
    """Where a server's stderr goes: a log file under benchmarks/out, not the terminal."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9.]+", "-", label).strip("-")
    return open(OUT_DIR / f"{name}.stderr.log", "a", encoding="utf-8")
