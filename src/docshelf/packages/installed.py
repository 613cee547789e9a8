"""Installed npm packages of a project: resolved from node_modules as Node would."""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from docshelf.constants import MAX_PATH_CHARS
from docshelf.packages.errors import (
    InvalidPackageNameError,
    PackageNotInstalledError,
    ProjectNotFoundError,
)
from docshelf.sources.errors import UnreadableFileError
from docshelf.sources.files import read_regular_text

Layout = Literal["skill", "legacy"]

DOC_SUFFIXES = (".md", ".mdx")
MAX_NAME_BYTES = 255  # one path component, on every common file system

_NAME_RE = re.compile(r"^(@[A-Za-z0-9_~-][A-Za-z0-9._~-]*/)?[A-Za-z0-9_~-][A-Za-z0-9._~-]*$")
_SCOPE_RE = re.compile(r"^@[A-Za-z0-9_~-][A-Za-z0-9._~-]*$")


@dataclass(frozen=True)
class InstalledPackage:
    """One package as installed in a project's node_modules."""

    name: str
    version: str  # from its package.json; "unknown" when that has none
    root: Path  # real path of the package folder (symlinks resolved)
    docs_dir: Path | None  # dist/docs when it holds embedded docs
    layout: Layout | None  # "skill": SKILL.md + references/ + assets/; "legacy": topic folders


# --- resolving packages -------------------------------------------------------------


@dataclass(frozen=True)
class _Lookup:
    found: Path | None
    searched: tuple[Path, ...]  # node_modules folders that exist, nearest first
    refused: tuple[tuple[Path, Path], ...]  # (link, where it leads)


def find_node_modules_package(project_path: str | Path, package_name: str) -> Path | None:
    """The real folder of `package_name` as Node would resolve it from `project_path`.

    None when it is not installed, or when the nearest copy is a symlink that leads
    outside the project (see `_is_trusted_location`).
    """
    return _lookup_package(_project_dir(project_path), package_name).found


def get_installed_package(
    project_path: str | Path,
    package_name: str,
    *,
    within: Path | None = None,
    fallback_scope: str | None = None,
) -> InstalledPackage:
    """The package as installed for the project; raises PackageNotInstalledError.

    `within` confines the search: node_modules folders above it are not looked at. On a
    miss the error lists the packages of the name's scope (or of `fallback_scope` for an
    unscoped name), else the installed names closest to it.
    """
    project = _project_dir(project_path)
    lookup = _lookup_package(project, package_name, within)
    if lookup.found is None:
        scope = package_name.split("/")[0] if package_name.startswith("@") else fallback_scope
        if scope is not None:
            installed = [p.name for p in list_installed_packages(project, scope, within=within)]
        else:
            names = [p.name for p in list_installed_packages(project, within=within)]
            installed = suggest_similar(package_name, names)
        raise PackageNotInstalledError(
            package_name,
            str(project),
            [str(p) for p in lookup.searched],
            [(str(link), str(target)) for link, target in lookup.refused],
            installed,
            near=scope is None,
        )
    return _read_package(lookup.found, package_name)


def list_installed_packages(
    project_path: str | Path, scope: str | None = None, *, within: Path | None = None
) -> list[InstalledPackage]:
    """Every package the project can import (of `scope` only, when given), nearest
    node_modules first wins, sorted by name.

    Packages are discovered by scanning `node_modules/` (and `node_modules/<scope>/`) in
    the project and each parent folder up to `within`, so new packages need no code change.
    """
    if scope is not None and not _SCOPE_RE.match(scope):
        raise InvalidPackageNameError(scope)
    project = _project_dir(project_path)
    walk = _node_modules_walk(project, within)
    seen: set[str] = set()
    packages: list[InstalledPackage] = []
    for node_modules in walk:
        for name, entry in _package_entries(node_modules, scope):
            if name in seen:
                continue
            # A nearer copy shadows farther ones, as in Node, even when we refuse it.
            seen.add(name)
            real = real_path(entry)
            if real is None or not _is_package_dir(real):
                continue
            if not _is_trusted_location(entry, real, project, walk):
                continue
            packages.append(_read_package(real, name))
    return sorted(packages, key=lambda p: p.name)


def _package_entries(node_modules: Path, scope: str | None) -> Iterator[tuple[str, Path]]:
    """(name, folder) of the packages in one node_modules folder, of `scope` when given."""
    scopes = [node_modules / scope] if scope is not None else [node_modules]
    while scopes:
        folder = scopes.pop(0)
        try:
            entries = sorted(folder.iterdir()) if folder.is_dir() else []
        except OSError:  # unreadable, or a symlink loop where a folder should be
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue  # .bin, .pnpm, .package-lock.json, .cache
            if folder == node_modules and entry.name.startswith("@"):
                if scope is None and not entry.is_symlink():  # a linked scope may loop
                    scopes.append(entry)
                continue
            prefix = "" if folder == node_modules else folder.name + "/"
            yield prefix + entry.name, entry


def _project_dir(project_path: str | Path) -> Path:
    try:
        path = Path(project_path).expanduser()
        exists = path.exists()
    except (OSError, ValueError, RuntimeError):  # name too long, NUL byte, ~unknown-user
        exists = False
    if not exists:
        raise ProjectNotFoundError(str(project_path))
    path = path.resolve()
    return path if path.is_dir() else path.parent


def _node_modules_walk(project: Path, within: Path | None = None) -> list[Path]:
    folders = [project, *project.parents]
    if within is not None:
        folders = [f for f in folders if f.is_relative_to(within)]
    return [folder / "node_modules" for folder in folders]


def _lookup_package(project: Path, package_name: str, within: Path | None = None) -> _Lookup:
    if not _NAME_RE.match(package_name):
        raise InvalidPackageNameError(package_name)
    walk = _node_modules_walk(project, within)
    searched: list[Path] = []
    for node_modules in walk:
        if not node_modules.is_dir():
            continue
        searched.append(node_modules)
        candidate = node_modules / package_name
        if not os.path.lexists(candidate):
            continue
        real = real_path(candidate)
        if real is None or not _is_package_dir(real):
            continue
        if not _is_trusted_location(candidate, real, project, walk):
            # Stop rather than fall back to a farther copy: Node would load this one, so
            # a farther copy would describe the wrong version.
            return _Lookup(None, tuple(searched), ((candidate, real),))
        return _Lookup(real, tuple(searched), ())
    return _Lookup(None, tuple(searched), ())


def _is_package_dir(path: Path) -> bool:
    return path.is_dir() and (path / "package.json").is_file()


def _is_trusted_location(lexical: Path, real: Path, project: Path, walk: list[Path]) -> bool:
    """Whether a package found at `lexical` may be read from `real`.

    Everything docshelf reads from a package (docs, and the .d.ts and .js paths its
    SOURCE_MAP.json names) ends up in an agent's context, so the package folder itself
    must not be redirectable. A repository can commit symlinks, so a cloned project could
    carry `node_modules/@mastra/core -> ~/.ssh` with a source map pointing at a private
    key. We therefore accept only:

    - a real folder (no symlink on the way): exactly what npm/yarn install, in the
      project or in an ancestor's node_modules, as Node's own resolution does;
    - a symlink that resolves inside the project (pnpm's node_modules/.pnpm, workspace
      packages linked from inside the repository);
    - a symlink into a pnpm virtual store `node_modules/.pnpm` of the project or an
      ancestor, itself a real folder: a pnpm workspace links each member's packages into
      the store at the workspace root. That store is written by the package manager,
      and its path is fixed, so a link cannot point anywhere else and still pass.

    Refused: links to anywhere else, including workspace packages that live outside the
    given projectPath (pass the workspace root instead) and pnpm's global virtual store.
    """
    if real == lexical or real.is_relative_to(project):
        return True
    for node_modules in walk:
        store = node_modules / ".pnpm"
        if real.is_relative_to(store) and store.is_dir() and store.resolve() == store:
            return True
    return False


def _read_package(root: Path, name: str) -> InstalledPackage:
    # The name is the folder's, as `import` resolves it; package.json's could differ.
    version = read_json_object(root / "package.json").get("version")
    docs_dir, layout = _detect_docs(root)
    return InstalledPackage(
        name=name,
        version=version if isinstance(version, str) and version else "unknown",
        root=root,
        docs_dir=docs_dir,
        layout=layout,
    )


def _detect_docs(root: Path) -> tuple[Path | None, Layout | None]:
    docs = find_path_inside(root, "dist/docs")
    if docs is None or not docs.is_dir():
        return None, None
    # Both layouts have a SKILL.md; only the skill layout has references/ and assets/.
    if (docs / "references").is_dir() or (docs / "assets" / "SOURCE_MAP.json").is_file():
        return docs, "skill"
    if (docs / "SOURCE_MAP.json").is_file() or any(topic_dirs(docs)):
        return docs, "legacy"
    if (docs / "SKILL.md").is_file():
        return docs, "skill"
    return None, None


def topic_dirs(docs: Path) -> Iterator[str]:
    """Top-level folders of a docs folder that hold markdown: the legacy layout's topics."""
    for entry in sorted(docs.iterdir()):
        if entry.name in ("assets", "references") or not entry.is_dir():
            continue
        if find_path_inside(docs, entry.name) is not None and _has_docs(entry):
            yield entry.name


def _has_docs(folder: Path) -> bool:
    return any(p.suffix in DOC_SUFFIXES for p in folder.rglob("*"))


# --- safe paths and small readers ---------------------------------------------------


def check_relative_path(path: str) -> str | None:
    """Why `path` is not a safe relative path, or None when it is."""
    if not path or not path.strip():
        return "it is empty"
    if "\x00" in path:
        return "it contains a NUL byte"
    posix = path.replace("\\", "/")
    if posix.startswith("/") or re.match(r"^[A-Za-z]:", posix):
        return "absolute paths are not allowed"
    if ".." in PurePosixPath(posix).parts:
        return "'..' is not allowed"
    if len(path) > MAX_PATH_CHARS:
        return f"it is longer than {MAX_PATH_CHARS} characters"
    if any(len(part.encode("utf-8", "replace")) > MAX_NAME_BYTES for part in posix.split("/")):
        return f"a name in it is longer than {MAX_NAME_BYTES} bytes, more than file systems allow"
    return None


def find_path_inside(base: Path, relative: str, *, real_base: Path | None = None) -> Path | None:
    """`base/relative` if it exists and stays inside `base` once symlinks are resolved.
    `real_base`: `base` resolved already, by a caller that asks about many files."""
    if check_relative_path(relative) is not None:
        return None
    real_base = real_base or base.resolve()
    target = real_path(real_base / relative.replace("\\", "/"))
    if target is None or not target.is_relative_to(real_base):
        return None
    try:
        return target if target.exists() else None
    except OSError:  # e.g. a name the file system cannot hold: it cannot exist either
        return None


def real_path(path: Path) -> Path | None:
    """`path` with symlinks resolved; None for a symlink loop (a repository can commit one)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return None


def read_json_object(path: Path) -> dict[str, Any]:
    """A JSON file's top-level object; {} when it is missing, unreadable or not an object."""
    try:
        data = json.loads(read_regular_text(path))
    except (UnreadableFileError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def read_text(path: Path) -> str:
    """A file of an installed package; UnreadableFileError for a pipe, a device or a huge file."""
    return read_regular_text(path)


def suggest_similar(word: str, choices: Iterable[str], limit: int = 5) -> list[str]:
    """Closest choices to `word`: same name in another case, containing it, then difflib."""
    unique = list(dict.fromkeys(choices))
    lowered = word.lower()
    by_lower: dict[str, list[str]] = {}
    for choice in unique:
        by_lower.setdefault(choice.lower(), []).append(choice)
    picked: list[str] = list(by_lower.get(lowered, []))
    if lowered:
        picked += sorted((c for c in unique if lowered in c.lower()), key=len)
    for close in difflib.get_close_matches(lowered, list(by_lower), n=limit, cutoff=0.6):
        picked += by_lower[close]
    return [c for c in dict.fromkeys(picked) if c != word][:limit]
