"""Python projects: direct dependencies at the versions uv.lock, poetry.lock or pins say.

The direct dependencies: uv.lock's root package when there is a uv.lock; else
pyproject.toml (`[project]` dependencies and optional dependencies, `[dependency-groups]`,
`[tool.poetry]` dependencies and groups, `[tool.uv]` dev-dependencies); else the
requirement lines of requirements*.txt. The versions: uv.lock, else poetry.lock, else the
`==` pins of requirements*.txt (their `-r` includes followed inside the project, options
ignored). Markers are not evaluated: a dependency for another platform is listed too.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docshelf.packages.dependencies import (
    Dependency,
    ProjectDependencies,
    load_toml,
    normalize_python_name,
    read_text,
)
from docshelf.packages.errors import LockfileError

DEV_NAMES = {"dev", "develop", "test", "tests", "testing", "lint", "docs", "doc", "typing", "ci"}
Declared = dict[str, tuple[str, bool]]  # normalised name -> (specifier, dev)
_PIN = re.compile(r"^===?\s*([0-9][0-9A-Za-z.+!-]*)$")
_INCLUDE = re.compile(r"^(?:-r|--requirement)(?:\s+|=)(\S+)")


def read_python_dependencies(root: Path) -> ProjectDependencies:
    """The project's PyPI dependencies; empty when it has no Python manifest."""
    files: list[str] = []
    notes: list[str] = []
    pyproject_text = read_text(root, "pyproject.toml")
    pyproject: dict[str, Any] = {}
    if pyproject_text is not None:
        pyproject = load_toml("pyproject.toml", pyproject_text, _fix("pyproject.toml"))
        files.append("pyproject.toml")
    project = pyproject.get("project")
    own = normalize_python_name(str(project.get("name", ""))) if isinstance(project, dict) else ""
    uv_text = read_text(root, "uv.lock")
    if uv_text is not None:
        deps = _uv(uv_text, own, notes)
        if deps is not None:
            return ProjectDependencies(root, tuple(deps), (*files, "uv.lock"), tuple(notes))
    declared = declared_in_pyproject(pyproject, own)
    pins, requirement_lines, req_files = _requirements(root)
    files += req_files
    if not declared:
        declared = requirement_lines
        source = {n: f for n, (_, _, f) in pins.items()}
    else:
        source = {}
    versions: dict[str, tuple[str, str]] = {}
    poetry_text = read_text(root, "poetry.lock")
    if poetry_text is not None:
        files.append("poetry.lock")
        versions = {n: (v, "poetry.lock") for n, v in _poetry(poetry_text).items()}
    else:
        versions = {n: (v, f) for n, (v, _, f) in pins.items() if v}
    deps = []
    for name, (wanted, dev) in declared.items():
        version, file = versions.get(name, (None, source.get(name, "pyproject.toml")))
        pin = _PIN.match(wanted)
        if version is None and pin:  # `name==1.2.3` declared: that is what gets installed
            version = pin.group(1)
        deps.append(Dependency("pypi", name, version, dev, file, wanted))
    unpinned = [d.name for d in deps if d.version is None]
    if unpinned and (poetry_text is not None or pins):
        notes.append(f"not pinned by a lockfile: {', '.join(unpinned[:10])}")
    elif unpinned:
        notes.append(
            "no Python lockfile (uv.lock, poetry.lock) or == pins: versions are the declared "
            "ranges, not what is installed"
        )
    return ProjectDependencies(root, tuple(deps), tuple(files), tuple(notes))


def declared_in_pyproject(pyproject: dict[str, Any], own: str = "") -> Declared:
    """pyproject.toml's direct dependencies: name -> (specifier, dev)."""
    declared: Declared = {}

    def add(requirement: str, dev: bool) -> None:
        parsed = _requirement(requirement)
        if parsed is not None and parsed[0] != own and parsed[0] not in declared:
            declared[parsed[0]] = (parsed[1], dev)

    project = pyproject.get("project")
    project = project if isinstance(project, dict) else {}
    for requirement in _strings(project.get("dependencies")):
        add(requirement, False)
    for extra, requirements in _tables(project.get("optional-dependencies")):
        for requirement in _strings(requirements):
            add(requirement, extra in DEV_NAMES)
    groups = pyproject.get("dependency-groups", {})
    for _group, requirements in _tables(groups):
        for requirement in _strings(requirements):  # {include-group = ...} is not a string
            add(requirement, True)
    tool = pyproject.get("tool", {}) if isinstance(pyproject.get("tool"), dict) else {}
    poetry = tool.get("poetry", {}) if isinstance(tool.get("poetry"), dict) else {}
    _poetry_table(poetry.get("dependencies"), False, declared, own)
    _poetry_table(poetry.get("dev-dependencies"), True, declared, own)
    for _group, table in _tables(poetry.get("group")):
        if isinstance(table, dict):
            _poetry_table(table.get("dependencies"), True, declared, own)
    uv = tool.get("uv", {}) if isinstance(tool.get("uv"), dict) else {}
    for requirement in _strings(uv.get("dev-dependencies")):
        add(requirement, True)
    return declared


def _uv(text: str, own: str, notes: list[str]) -> list[Dependency] | None:
    data = load_toml("uv.lock", text, _fix("uv.lock"))
    packages = [p for p in data.get("package", []) if isinstance(p, dict)]
    locked: dict[str, list[str]] = {}
    for package in packages:
        locked.setdefault(normalize_python_name(str(package.get("name", ""))), []).append(
            str(package.get("version", ""))
        )
    root = next((p for p in packages if _is_root(p, own)), None)
    if root is None:
        return None  # no root package: fall back to pyproject.toml for the direct ones
    members = data.get("manifest", {}).get("members", [])
    if isinstance(members, list) and len(members) > 1:
        notes.append("uv workspace: only the root package's direct dependencies are listed")
    direct: Declared = {}
    for item in root.get("dependencies", []):
        _uv_direct(item, False, direct, own)
    for extra, items in _tables(root.get("optional-dependencies")):
        for item in items if isinstance(items, list) else []:
            _uv_direct(item, extra in DEV_NAMES, direct, own)
    for _group, items in _tables(root.get("dev-dependencies")):
        for item in items if isinstance(items, list) else []:
            _uv_direct(item, True, direct, own)
    deps: list[Dependency] = []
    for name, (_, dev) in direct.items():
        versions = [v for v in locked.get(name, []) if v]
        version = _newest(versions)
        if len(set(versions)) > 1:
            notes.append(
                f"uv.lock pins {name} at {', '.join(versions)} (by marker); using {version}"
            )
        deps.append(Dependency("pypi", name, version, dev, "uv.lock"))
    return deps


def _is_root(package: dict[str, Any], own: str) -> bool:
    source = package.get("source")
    if isinstance(source, dict) and (source.get("editable") == "." or source.get("virtual") == "."):
        return True
    return bool(own) and normalize_python_name(str(package.get("name", ""))) == own


def _uv_direct(item: object, dev: bool, direct: Declared, own: str) -> None:
    if isinstance(item, dict) and item.get("name"):
        name = normalize_python_name(str(item["name"]))
        if name != own and name not in direct:
            direct[name] = ("", dev)


def _poetry(text: str) -> dict[str, str]:
    data = load_toml("poetry.lock", text, _fix("poetry.lock"))
    return {
        normalize_python_name(str(p.get("name", ""))): str(p.get("version", ""))
        for p in data.get("package", [])
        if isinstance(p, dict) and p.get("name")
    }


def _poetry_table(table: object, dev: bool, declared: Declared, own: str) -> None:
    if not isinstance(table, dict):
        return
    for raw_name, value in table.items():
        name = normalize_python_name(str(raw_name))
        if name in ("python", own) or name in declared:
            continue
        if isinstance(value, dict):
            if "path" in value or "git" in value or "url" in value:
                continue
            value = value.get("version", "")
        declared[name] = (str(value) if isinstance(value, str) else "", dev)


Pins = dict[str, tuple[str | None, str, str]]  # name -> (pinned version, specifier, file)


def _requirements(root: Path) -> tuple[Pins, Declared, list[str]]:
    """Pins and requirement lines of requirements*.txt (and requirements/*.txt)."""
    names = sorted(p.name for p in root.glob("*requirements*.txt"))
    names += sorted(f"requirements/{p.name}" for p in root.glob("requirements/*.txt"))
    pins: Pins = {}
    lines: Declared = {}
    read: list[str] = []
    for name in names:
        _read_requirements(root, name, pins, lines, read, depth=0)
    return pins, lines, read


def _read_requirements(
    root: Path, name: str, pins: Pins, lines: Declared, read: list[str], depth: int
) -> None:
    if name in read or depth > 10:
        return
    text = read_text(root, name)
    if text is None:
        return
    read.append(name)
    dev = any(word in re.split(r"[^a-z]+", name.lower()) for word in DEV_NAMES)
    logical = text.replace("\\\r\n", " ").replace("\\\n", " ").splitlines()
    for number, raw in enumerate(logical, start=1):
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line:
            continue
        include = _INCLUDE.match(line)
        if include:
            target = (Path(name).parent / include.group(1)).as_posix()
            inside = (root / target).resolve().is_relative_to(root)
            if inside:
                _read_requirements(root, target, pins, lines, read, depth + 1)
            continue
        if line.startswith("-") or "://" in line or line.startswith((".", "/")):
            continue  # options, editables, URLs and paths: nothing to pin from the registry
        line = re.split(r"\s+--?\w", line, maxsplit=1)[0]  # trailing --hash=... options
        if " @ " in line:
            continue  # `name @ url`: not from the registry
        parsed = _requirement(line)
        if parsed is None:
            raise LockfileError(
                name, number, f"{raw.strip()!r} is not a requirement", _fix("requirements")
            )
        req_name, specifier = parsed
        pin = _PIN.match(specifier.replace(" ", ""))
        pins.setdefault(req_name, (pin.group(1) if pin else None, specifier, name))
        lines.setdefault(req_name, (specifier, dev))


def _requirement(text: str) -> tuple[str, str] | None:
    """(normalised name, specifier) of a PEP 508 requirement, markers and extras dropped;
    None for one that does not parse or names a URL (`name @ https://...`)."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        return None
    if requirement.url:
        return None
    return normalize_python_name(requirement.name), str(requirement.specifier)


def _newest(versions: list[str]) -> str | None:
    if not versions:
        return None
    from packaging.version import InvalidVersion, Version

    def key(v: str) -> tuple[int, Version | str]:
        try:
            return (1, Version(v))
        except InvalidVersion:
            return (0, v)

    return max(versions, key=key)


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _tables(value: object) -> list[tuple[str, Any]]:
    return [(str(k), v) for k, v in value.items()] if isinstance(value, dict) else []


def _fix(file: str) -> str:
    tools = {
        "uv.lock": "Fix it, or delete it and run `uv lock` to write it again.",
        "poetry.lock": "Fix it, or delete it and run `poetry lock` to write it again.",
        "requirements": "Fix the line (pip's requirement syntax: name==1.2.3).",
    }
    return tools.get(file, "Fix the TOML (a missing quote or bracket is the usual cause).")
