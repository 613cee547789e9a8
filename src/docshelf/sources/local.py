"""Markdown files under a folder: finding the docs root and walking it without leaving it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from docshelf.errors import SourceError
from docshelf.parsing.formats import MARKDOWN_SUFFIXES, RST_SUFFIXES

DOCS_ROOT_CANDIDATES = (".docs", "dist/docs", "docs")
FALLBACK_FILES = ("README.md", "readme.md", "README.markdown", "CHANGELOG.md", "changelog.md")
MAX_FILE_BYTES = 8 * 1024 * 1024
_SKIP_DIRS = {"node_modules", ".git", "__pycache__", ".venv", "venv"}


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


def iter_markdown(root: Path) -> Iterator[tuple[str, str]]:
    """(page path, text) for each markdown file under root, sorted; links are not followed.

    The page path is relative to root, '/'-separated, without the markdown suffix.
    """
    root = root.resolve()
    found: list[tuple[str, Path]] = []
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
            found.append((strip_markdown_suffix(rel), file))
    seen: set[str] = set()
    for page_path, file in sorted(found):
        if page_path in seen or file.stat().st_size > MAX_FILE_BYTES:
            continue
        seen.add(page_path)
        yield page_path, file.read_text(encoding="utf-8", errors="replace")


def iter_fallback_files(package_root: Path) -> Iterator[tuple[str, str]]:
    """README and CHANGELOG of a package that ships no docs folder."""
    seen: set[str] = set()
    for name in FALLBACK_FILES:
        file = package_root / name
        key = name.lower()
        if key in seen or not file.is_file() or file.is_symlink():
            continue
        seen.add(key)
        yield (
            strip_markdown_suffix(name).upper(),
            file.read_text(encoding="utf-8", errors="replace"),
        )


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
            if filename.lower().endswith((*MARKDOWN_SUFFIXES, *RST_SUFFIXES)):
                yield Path(dirpath) / filename
                return


def _subdirs(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_dir())[:12]
