"""Markdown files under a folder: finding the docs root, walking it without leaving it, and
reading only regular files (the one helper every reader of user-side files uses)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from docshelf.errors import SourceError
from docshelf.models import SkippedFile
from docshelf.sources.errors import UnreadableFileError

MARKDOWN_SUFFIXES = (".md", ".mdx", ".markdown")
DOCS_ROOT_CANDIDATES = (".docs", "dist/docs", "docs")
FALLBACK_FILES = ("README.md", "readme.md", "README.markdown", "CHANGELOG.md", "changelog.md")
MAX_FILE_BYTES = 8 * 1024 * 1024
_SKIP_DIRS = {"node_modules", ".git", "__pycache__", ".venv", "venv"}
_MIB = 1024 * 1024
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_NOCTTY = getattr(os, "O_NOCTTY", 0)
_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)

OnSkip = Callable[[SkippedFile], None]


def read_regular_text(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The text of `path` (UTF-8, bad bytes replaced) if it is a regular file of at most
    `max_bytes`; else UnreadableFileError saying why.

    Opening a named pipe waits for a writer and a device may never end, so the file is
    opened without blocking and checked (fstat) before a byte is read: the check and the
    read are on the same open file, so it cannot be swapped in between.
    """
    try:
        fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_NOCTTY)
    except OSError as exc:
        raise UnreadableFileError(str(path), exc.strerror or str(exc)) from exc
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a file")
            raise UnreadableFileError(str(path), f"it is {kind}, not a regular file")
        if info.st_size > max_bytes:
            raise UnreadableFileError(
                str(path), f"{_size(info.st_size)}, over the {_limit(max_bytes)} limit"
            )
        data = file.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew after the check
        raise UnreadableFileError(str(path), f"it is over the {_limit(max_bytes)} limit")
    return data.decode("utf-8", errors="replace")


def _size(count: int) -> str:
    return f"{count / _MIB:.1f} MiB" if count >= _MIB else f"{count} bytes"


def _limit(count: int) -> str:
    return f"{count / _MIB:g} MiB" if count >= _MIB else f"{count}-byte"


def find_docs_root(package_root: Path, override: str | None = None) -> Path | None:
    """The folder holding a package's docs, or None when it only has a README/CHANGELOG."""
    if override:
        candidate = (package_root / override).resolve()
        if not candidate.is_relative_to(package_root.resolve()):
            raise SourceError(
                f"--docs-root {override!r} points outside the package; give a folder inside it, "
                "such as 'docs' or 'dist/docs'."
            )
        if not candidate.is_dir():
            raise SourceError(
                f"--docs-root {override!r} is not a folder in {package_root}; "
                f"folders there: {', '.join(_subdirs(package_root)) or 'none'}."
            )
        return candidate
    for name in DOCS_ROOT_CANDIDATES:
        candidate = package_root / name
        if candidate.is_dir() and not candidate.is_symlink() and _has_markdown(candidate):
            return candidate
    return None


def iter_markdown(root: Path, on_skip: OnSkip | None = None) -> Iterator[tuple[str, str]]:
    """(page path, text) for each markdown file under root, sorted; links are not followed.

    The page path is relative to root, '/'-separated, without the markdown suffix. Files
    that are not read (not a regular file, over MAX_FILE_BYTES, a second file for the same
    page path) are passed to `on_skip` with the reason.
    """
    root = root.resolve()
    found: list[tuple[str, Path, str]] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(
            d for d in dirnames if d not in _SKIP_DIRS and not (Path(dirpath) / d).is_symlink()
        )
        for filename in filenames:
            file = Path(dirpath) / filename
            if not filename.lower().endswith(MARKDOWN_SUFFIXES) or file.is_symlink():
                continue
            rel = file.relative_to(root).as_posix()
            # A name that is not UTF-8 arrives with surrogate escapes, which SQLite
            # refuses; U+FFFD keeps the page findable and its path typeable.
            rel = rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            found.append((strip_markdown_suffix(rel), file, rel))
    seen: dict[str, str] = {}
    for page_path, file, rel in sorted(found):
        if page_path in seen:
            _skip(on_skip, rel, f"{seen[page_path]} already gives the page '{page_path}'")
            continue
        try:
            text = read_regular_text(file)
        except UnreadableFileError as exc:
            _skip(on_skip, rel, exc.reason)
            continue
        seen[page_path] = rel
        yield page_path, text


def iter_fallback_files(
    package_root: Path, on_skip: OnSkip | None = None
) -> Iterator[tuple[str, str]]:
    """README and CHANGELOG of a package that ships no docs folder."""
    seen: set[str] = set()
    for name in FALLBACK_FILES:
        file = package_root / name
        key = name.lower()
        if key in seen or not file.is_file() or file.is_symlink():
            continue
        seen.add(key)
        try:
            text = read_regular_text(file)
        except UnreadableFileError as exc:
            _skip(on_skip, name, exc.reason)
            continue
        yield strip_markdown_suffix(name).upper(), text


def _skip(on_skip: OnSkip | None, path: str, reason: str) -> None:
    if on_skip is not None:
        on_skip(SkippedFile(path, reason))


def strip_markdown_suffix(rel: str) -> str:
    """`a/b.md` -> `a/b`; other names unchanged."""
    lowered = rel.lower()
    for suffix in MARKDOWN_SUFFIXES:
        if lowered.endswith(suffix):
            return rel[: -len(suffix)]
    return rel


def _has_markdown(folder: Path) -> bool:
    return any(True for _ in _first_markdown(folder))


def _first_markdown(folder: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS]
        for filename in filenames:
            if filename.lower().endswith(MARKDOWN_SUFFIXES):
                yield Path(dirpath) / filename
                return


def _subdirs(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_dir())[:12]
