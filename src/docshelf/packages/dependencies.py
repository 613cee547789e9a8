"""The records of a project's dependencies, and how lockfiles and manifests are loaded.

`Dependency` and `ProjectDependencies` are what the readers (`npm_locks`, `python_locks`,
joined by `lockfiles.read_dependencies`) return; the loaders turn a file that does not
parse into a LockfileError naming the file and line.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from docshelf.packages.errors import LockfileError

Ecosystem = Literal["npm", "pypi"]
MAX_LOCKFILE_BYTES = 64 * 1024 * 1024  # a lockfile bigger than this is not a lockfile
_TOML_LINE = re.compile(r"at line (\d+)")
_TOML_WHERE = re.compile(r"\s*\(at (?:line \d+, column \d+|end of document)\)")


@dataclass(frozen=True)
class Dependency:
    """One direct dependency of a project, as installed (or as declared, if not pinned)."""

    ecosystem: Ecosystem
    name: str  # npm: the package name; pypi: the normalised project name
    version: str | None  # the exact version the lockfile pins; None: only a range is known
    dev: bool  # a development dependency (devDependencies, a dependency group, dev extras)
    file: str  # the file the version (or, unpinned, the range) was read from
    wanted: str = ""  # the range or specifier declared ("^1.2.0", ">=2,<3"), when known

    @property
    def pinned(self) -> bool:
        return self.version is not None

    @property
    def spec(self) -> str:
        """The docshelf source spec for this dependency: `npm:NAME@VERSION`,
        `pypi:NAME==VERSION`, or with the declared range when nothing is pinned."""
        if self.ecosystem == "npm":
            wanted = self.version or _npm_range(self.wanted)
            return f"npm:{self.name}@{wanted}" if wanted else f"npm:{self.name}"
        if self.version:
            return f"pypi:{self.name}=={self.version}"
        return f"pypi:{self.name}{self.wanted}" if _pep440(self.wanted) else f"pypi:{self.name}"


@dataclass(frozen=True)
class ProjectDependencies:
    """What a project depends on directly, and which files said so."""

    root: Path
    dependencies: tuple[Dependency, ...]
    files: tuple[str, ...]  # the manifests and lockfiles read, relative to root
    notes: tuple[str, ...] = ()  # what was not read, or read with a caveat

    def find(self, name: str, ecosystem: Ecosystem | None = None) -> Dependency | None:
        """The dependency called `name` (a PyPI name in any spelling), or None."""
        key = normalize_python_name(name)
        for dep in self.dependencies:
            if ecosystem not in (None, dep.ecosystem):
                continue
            if dep.name == name or (dep.ecosystem == "pypi" and dep.name == key):
                return dep
        return None


def normalize_python_name(name: str) -> str:
    """PEP 503: `Foo_Bar.baz` -> `foo-bar-baz`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_text(root: Path, name: str) -> str | None:
    """A file of the project as text, or None when it is missing; only regular files
    inside the project are read."""
    file = root / name
    if file.is_symlink() or not file.is_file():
        return None
    if not file.resolve().is_relative_to(root):
        return None
    if file.stat().st_size > MAX_LOCKFILE_BYTES:
        raise LockfileError(name, None, "it is larger than 64 MiB", "Is it really a lockfile?")
    return file.read_text(encoding="utf-8", errors="replace")


def load_json(name: str, text: str, fix: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LockfileError(name, exc.lineno, exc.msg, fix) from None
    if not isinstance(data, dict):
        raise LockfileError(name, 1, "it is not a JSON object", fix)
    return data


def load_toml(name: str, text: str, fix: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_LINE.search(str(exc))
        line = int(match.group(1)) if match else None
        if line is None and "end of document" in str(exc):
            line = text.count("\n") + 1
        detail = _TOML_WHERE.sub("", str(exc)).strip()
        raise LockfileError(name, line, detail, fix) from None


def load_yaml(name: str, text: str, fix: str) -> dict[str, Any]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # pnpm locks run to megabytes
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
        raise LockfileError(
            name, line, str(exc.problem or exc.context or "bad YAML"), fix
        ) from None
    except yaml.YAMLError as exc:
        raise LockfileError(name, None, str(exc), fix) from None
    if not isinstance(data, dict):
        raise LockfileError(name, 1, "it is not a YAML mapping", fix)
    return data


def _npm_range(wanted: str) -> str:
    """A declared npm range usable in a spec (not a path, git or workspace reference)."""
    if not wanted or re.match(r"^(?:file|link|workspace|git\+?|github|https?|portal):", wanted):
        return ""
    return wanted.removeprefix("npm:") if "@" not in wanted else ""


def _pep440(wanted: str) -> bool:
    return bool(wanted) and re.fullmatch(r"[<>=!~][<>=!~0-9A-Za-z.*+, -]*", wanted) is not None
