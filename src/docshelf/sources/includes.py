"""Code a docs page includes from its repository, rendered as the site renders it.

FastAPI's pages pull their examples in with `{* ../../docs_src/first_steps/tutorial001.py
hl[3] *}`: a relative path, optional `ln[1:9,29]` line ranges, highlight marks (`hl[...]`)
that change nothing in text. Such a line becomes a fenced code block of those lines. The
path is relative to the folder the site is built from, which may be any folder above the
page (FastAPI's is `docs/en/`), so it is tried from the page's folder upwards. Included
files are read only from inside the source's root (a repository snapshot, a package, a
folder): a path that leaves it, a link, a missing or oversized file leaves the line as
written. At most MAX_INCLUDES per page, MAX_INCLUDE_BYTES per file.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

MAX_INCLUDES = 200
MAX_INCLUDE_BYTES = 256 * 1024

_INCLUDE = re.compile(
    r"^[ \t]*\{\*[ \t]+(?P<path>[^\s*]+)(?P<opts>(?:[ \t]+\w+\[[^\]]*\])*)[ \t]*\*\}[ \t]*$"
)
_OPTION = re.compile(r"(\w+)\[([^\]]*)\]")
_LANGUAGES = {
    ".py": "python",
    ".js": "js",
    ".ts": "ts",
    ".tsx": "tsx",
    ".jsx": "jsx",
    ".json": "json",
    ".toml": "toml",
    ".yml": "yaml",
    ".yaml": "yaml",
    ".sh": "bash",
    ".html": "html",
    ".css": "css",
    ".sql": "sql",
    ".md": "markdown",
}


def included_paths(doc_path: str, text: str) -> list[str]:
    """Root-relative paths `text` (the page at `doc_path`) may include: for each include,
    the path tried from each folder above the page."""
    if "{*" not in text:
        return []
    found: list[str] = []
    count = 0
    for line in text.split("\n"):
        match = _INCLUDE.match(line)
        if match:
            found += [p for p in _candidates(doc_path, match["path"]) if p not in found]
            count += 1
            if count >= MAX_INCLUDES:
                break
    return found


def expand_includes(doc_path: str, text: str, read: Callable[[str], str | None]) -> str:
    """`text` with each include line replaced by the code it names, read with `read(path)`
    (root-relative; None when the file cannot be read)."""
    if "{*" not in text:
        return text
    out: list[str] = []
    done = 0
    fence: str | None = None
    for line in text.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")):
            marker = stripped[:3]
            fence = None if fence == marker else (fence or marker)
        match = _INCLUDE.match(line) if fence is None and done < MAX_INCLUDES else None
        path, code = _first_readable(doc_path, match["path"], read) if match else (None, None)
        if match is None or path is None or code is None:
            out.append(line)
            continue
        done += 1
        options = dict(_OPTION.findall(match["opts"]))
        lines = _select(code.rstrip("\n").split("\n"), options.get("ln", ""))
        language = _LANGUAGES.get(posixpath.splitext(path)[1].lower(), "")
        fence_marks = "`" * max(3, 1 + max((len(r) for r in re.findall(r"`+", code)), default=0))
        out += [f"{fence_marks}{language}", *lines, fence_marks]
    return "\n".join(out)


def _first_readable(
    doc_path: str, target: str, read: Callable[[str], str | None]
) -> tuple[str | None, str | None]:
    for path in _candidates(doc_path, target):
        code = read(path)
        if code is not None:
            return path, code
    return None, None


def _candidates(doc_path: str, target: str) -> list[str]:
    """Root-relative paths `target` names from the page's folder and each folder above it;
    none that would leave the root."""
    if target.startswith(("/", "~")) or "\\" in target or ":" in target:
        return []
    found = []
    folder = posixpath.dirname(doc_path)
    while True:
        joined = posixpath.normpath(posixpath.join(folder or ".", target))
        if not (joined.startswith("../") or joined in ("..", ".")):
            found.append(joined)
        if not folder:
            return found
        folder = posixpath.dirname(folder)


def _select(lines: list[str], ranges: str) -> list[str]:
    """Lines `1:9,29` (1-based, inclusive) of `lines`; a gap shows as `# ...`."""
    if not ranges.strip():
        return lines
    chosen: list[str] = []
    last = 0
    for part in ranges.split(","):
        start_text, _, end_text = part.strip().partition(":")
        try:
            start = int(start_text)
            end = int(end_text) if end_text else start
        except ValueError:
            return lines
        if start > last + 1 and chosen:
            chosen.append("# ...")
        chosen += lines[max(start - 1, 0) : end]
        last = end
    return chosen
