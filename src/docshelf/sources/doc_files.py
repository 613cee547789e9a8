"""Docs files under a folder in every markup docshelf parses, read without leaving the folder."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from docshelf.parsing.formats import DocFile, Markup, markup_for, strip_doc_suffix

MAX_FILE_BYTES = 8 * 1024 * 1024
# Sphinx's build output and theme folders hold no sources; the rest are tooling.
SKIP_DIRS = frozenset(
    {"node_modules", ".git", "__pycache__", ".venv", "venv", "_build", "_static", "_templates"}
)
README_NAMES = ("README", "CHANGELOG", "CHANGES", "HISTORY", "NEWS")
_README_SUFFIXES: tuple[tuple[str, Markup], ...] = (
    (".md", "markdown"),
    (".markdown", "markdown"),
    (".rst", "rst"),
)
_SOURCE_SUFFIX = re.compile(r"^source_suffix\s*=\s*(.*(?:\n[ \t}\])].*)*)", re.MULTILINE)


def is_sphinx_source(folder: Path) -> bool:
    """Whether `folder` is a Sphinx source folder (it holds the project's conf.py)."""
    conf = folder / "conf.py"
    return conf.is_file() and not conf.is_symlink()


def sphinx_reads_txt(folder: Path) -> bool:
    """Whether the Sphinx project in `folder` declares `.txt` sources (Django's docs do)."""
    if not is_sphinx_source(folder):
        return False
    try:
        conf = (folder / "conf.py").read_text(encoding="utf-8", errors="replace")[:200_000]
    except OSError:
        return False
    match = _SOURCE_SUFFIX.search(conf)
    return match is not None and ".txt" in match.group(1)


def iter_doc_files(root: Path) -> Iterator[DocFile]:
    """Each markdown or reStructuredText file under `root`, sorted; links are not followed.

    The page path is relative to root, '/'-separated, without its suffix; `.txt` files
    count only when root is a Sphinx project that declares them. When two files make the
    same page path (`intro.md`, `intro.rst`), the first in sorted order wins.
    """
    root = root.resolve()
    txt = sphinx_reads_txt(root)
    found: list[tuple[str, Path, Markup]] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d for d in dirnames if d not in SKIP_DIRS and not (here / d).is_symlink()
        )
        for filename in filenames:
            markup = markup_for(filename, sphinx=txt)
            file = here / filename
            if markup is None or file.is_symlink():
                continue
            rel = file.relative_to(root).as_posix()
            # A name that is not UTF-8 arrives with surrogate escapes, which SQLite
            # refuses; U+FFFD keeps the page findable and its path typeable.
            rel = rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            found.append((strip_doc_suffix(rel), file, markup))
    seen: set[str] = set()
    for page_path, file, markup in sorted(found):
        if page_path in seen or file.stat().st_size > MAX_FILE_BYTES:
            continue
        seen.add(page_path)
        yield DocFile(page_path, file.read_text(encoding="utf-8", errors="replace"), markup)


def iter_readme_files(
    package_root: Path, names: tuple[str, ...] = README_NAMES
) -> Iterator[DocFile]:
    """README, CHANGELOG, CHANGES, HISTORY and NEWS of a package, in markdown or rst.

    Each becomes one page named after the file's stem in capitals (`README`), whatever its
    spelling on disk; the first suffix found wins.
    """
    try:
        entries = {p.name.lower(): p for p in package_root.iterdir()}
    except OSError:
        return
    for name in names:
        for suffix, markup in _README_SUFFIXES:
            file = entries.get(f"{name.lower()}{suffix}")
            if file is None or not file.is_file() or file.is_symlink():
                continue
            if file.stat().st_size > MAX_FILE_BYTES:
                continue
            yield DocFile(name, file.read_text(encoding="utf-8", errors="replace"), markup)
            break
