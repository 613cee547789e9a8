"""npm projects: package.json's direct dependencies at the versions their lockfile pins.

Lockfiles read, first found wins: package-lock.json / npm-shrinkwrap.json (lockfile
versions 1-3), pnpm-lock.yaml (5.x, 6.x and 9.x), yarn.lock (classic v1 and berry).
Aliases (`"foo": "npm:bar@^1"`) are listed under the real package name. Dependencies on
the project's own workspace packages, local paths and git URLs have no registry version
and are left out with a note.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docshelf.packages.dependencies import (
    Dependency,
    ProjectDependencies,
    load_json,
    load_yaml,
    read_text,
)
from docshelf.packages.errors import LockfileError

FIELDS = (("dependencies", False), ("optionalDependencies", False), ("devDependencies", True))
_EXACT = re.compile(r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?")
_LOCAL = re.compile(r"^(?:file|link|workspace|portal|git\+?\w*|github|https?):")
_YARN_ENTRY = re.compile(r"^(\S.*):\s*$")
_YARN_FIELD = re.compile(r'^\s+(\S+)\s+"?([^"]*)"?\s*$')

Declared = dict[str, tuple[str, bool]]  # name -> (range, dev)


def read_npm_dependencies(root: Path) -> ProjectDependencies:
    """The project's npm dependencies; empty when it has no package.json or lockfile."""
    text = read_text(root, "package.json")
    manifest = load_json("package.json", text, _fix("package.json")) if text else {}
    declared = declared_in(manifest)
    notes: list[str] = []
    if manifest.get("workspaces") or (root / "pnpm-workspace.yaml").is_file():
        notes.append(
            "npm workspaces: only the root package.json's direct dependencies are listed; "
            "a member's own dependencies are not"
        )
    for name in ("package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock"):
        lock_text = read_text(root, name)
        if lock_text is None:
            continue
        if name == "pnpm-lock.yaml":
            deps = _pnpm(lock_text, declared, notes)
        elif name == "yarn.lock":
            deps = _yarn(lock_text, declared, notes)
        else:
            deps = _package_lock(name, lock_text, declared, notes)
        files = ("package.json", name) if text else (name,)
        return ProjectDependencies(root, tuple(deps), files, tuple(notes))
    if text is None:
        return ProjectDependencies(root, (), ())
    deps = [
        Dependency("npm", name, _exact(wanted), dev, "package.json", wanted)
        for name, (wanted, dev) in declared.items()
        if not _skip_local(name, wanted, notes)
    ]
    if deps:
        notes.append(
            "no npm lockfile (package-lock.json, pnpm-lock.yaml, yarn.lock): versions are "
            "package.json's ranges, not what is installed"
        )
    return ProjectDependencies(root, tuple(deps), ("package.json",), tuple(notes))


def declared_in(manifest: dict[str, Any]) -> Declared:
    """package.json's direct dependencies: name -> (range, dev); runtime wins over dev."""
    declared: Declared = {}
    for field, dev in FIELDS:
        block = manifest.get(field)
        if isinstance(block, dict):
            for name, wanted in block.items():
                if isinstance(name, str) and name not in declared:
                    declared[name] = (str(wanted), dev)
    return declared


def _package_lock(name: str, text: str, declared: Declared, notes: list[str]) -> list[Dependency]:
    data = load_json(name, text, _fix(name))
    packages = data.get("packages")
    deps: list[Dependency] = []
    if isinstance(packages, dict):  # lockfileVersion 2 and 3
        root_entry = packages.get("")
        direct = declared_in(root_entry) if isinstance(root_entry, dict) else declared
        for dep_name, (wanted, dev) in direct.items():
            entry = packages.get(f"node_modules/{dep_name}")
            if not isinstance(entry, dict):
                if not _skip_local(dep_name, wanted, notes):
                    deps.append(_missing(dep_name, wanted, dev, name, notes))
                continue
            if _skip_local(dep_name, wanted, notes) or entry.get("link"):
                continue  # one of the project's own workspace packages
            real = str(entry.get("name") or _alias_name(wanted) or dep_name)
            version = _exact(str(entry.get("version", "")))
            deps.append(Dependency("npm", real, version, dev, name, wanted))
        return deps
    if not declared:  # lockfile v1 does not say which packages are direct
        raise LockfileError(
            name,
            None,
            "a version 1 lockfile does not say which dependencies are direct, and there is "
            "no package.json beside it",
            "Give the folder that holds the project's package.json as the project folder.",
        )
    entries = data.get("dependencies")
    entries = entries if isinstance(entries, dict) else {}
    for dep_name, (wanted, dev) in declared.items():
        if _skip_local(dep_name, wanted, notes):
            continue
        entry = entries.get(dep_name)
        if not isinstance(entry, dict):
            deps.append(_missing(dep_name, wanted, dev, name, notes))
            continue
        raw = str(entry.get("version", ""))
        real = dep_name
        if raw.startswith("npm:"):  # an alias: "npm:real-name@1.2.3"
            real, _, raw = raw[4:].rpartition("@")
        deps.append(Dependency("npm", real, _exact(raw), dev, name, wanted))
    return deps


def _pnpm(text: str, declared: Declared, notes: list[str]) -> list[Dependency]:
    name = "pnpm-lock.yaml"
    data = load_yaml(name, text, _fix(name))
    importers = data.get("importers")
    root: dict[str, Any] = data
    if isinstance(importers, dict):
        found = importers.get(".")
        root = found if isinstance(found, dict) else {}
        if len(importers) > 1 and not any("workspaces" in n for n in notes):
            notes.append("pnpm workspace: only the root importer's direct dependencies are listed")
    specifiers = root.get("specifiers")
    specifiers = specifiers if isinstance(specifiers, dict) else {}
    deps: list[Dependency] = []
    seen: set[str] = set()
    for field, dev in FIELDS:
        block = root.get(field)
        if not isinstance(block, dict):
            continue
        for dep_name, value in block.items():
            if dep_name in seen:
                continue
            seen.add(dep_name)
            if isinstance(value, dict):  # 6.x and 9.x: {specifier, version}
                wanted, raw = str(value.get("specifier", "")), str(value.get("version", ""))
            else:  # 5.x: the version, with the range in `specifiers`
                wanted, raw = str(specifiers.get(dep_name, "")), str(value)
            if _skip_local(dep_name, wanted, notes) or _skip_local(dep_name, raw, notes):
                continue
            real, version = _pnpm_version(dep_name, raw)
            dev = declared.get(dep_name, ("", dev))[1] if field != "devDependencies" else True
            deps.append(Dependency("npm", real, version, dev, name, wanted))
    return deps


def _pnpm_version(dep_name: str, raw: str) -> tuple[str, str | None]:
    """(package name, exact version) from a pnpm version: `1.2.3(react@18.2.0)` (6+),
    `1.2.3_react@18.2.0` (5), an alias `/real@1.2.3`, `real@1.2.3` or `/real/1.2.3`."""
    raw = raw.split("(", 1)[0].strip()
    if not _EXACT.fullmatch(raw.split("_", 1)[0]):
        body = raw.lstrip("/")
        if "@" in body[1:]:
            name, _, version = body.rpartition("@")
            return name, _exact(version.split("_", 1)[0])
        if "/" in body:
            name, _, version = body.rpartition("/")
            return name, _exact(version.split("_", 1)[0])
    return dep_name, _exact(raw.split("_", 1)[0])


def _yarn(text: str, declared: Declared, notes: list[str]) -> list[Dependency]:
    name = "yarn.lock"
    berry = "__metadata:" in text[:4096]
    entries = _yarn_berry(text) if berry else parse_yarn_v1(text)
    deps: list[Dependency] = []
    for dep_name, (wanted, dev) in declared.items():
        if _skip_local(dep_name, wanted, notes):
            continue
        keys = [f"{dep_name}@{wanted}"]
        if berry and ":" not in wanted:
            keys.insert(0, f"{dep_name}@npm:{wanted}")
        found = next((entries[k] for k in keys if k in entries), None)
        if found is None:
            deps.append(_missing(dep_name, wanted, dev, name, notes))
            continue
        version, resolution = found
        real = _alias_name(wanted) or dep_name
        if resolution and "@npm:" in resolution:
            real = resolution.rsplit("@npm:", 1)[0]
        deps.append(Dependency("npm", real, _exact(version), dev, name, wanted))
    return deps


def parse_yarn_v1(text: str) -> dict[str, tuple[str, str]]:
    """A classic yarn.lock: each descriptor (`name@range`) -> (version, "")."""
    entries: dict[str, tuple[str, str]] = {}
    current: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            match = _YARN_ENTRY.match(line)
            if match is None:
                raise LockfileError(
                    "yarn.lock", number, f"expected an entry such as 'name@^1.0.0:', not {line!r}",
                    _fix("yarn.lock"),
                )  # fmt: skip
            current = [d.strip().strip('"') for d in match.group(1).split(",")]
            continue
        if not current:
            raise LockfileError(
                "yarn.lock", number, "an indented line comes before any entry", _fix("yarn.lock")
            )
        field = _YARN_FIELD.match(line)
        if field and field.group(1) == "version" and line.startswith("  ") and line[2] != " ":
            for descriptor in current:
                entries[descriptor] = (field.group(2), "")
    return entries


def _yarn_berry(text: str) -> dict[str, tuple[str, str]]:
    data = load_yaml("yarn.lock", text, _fix("yarn.lock"))
    entries: dict[str, tuple[str, str]] = {}
    for key, value in data.items():
        if key == "__metadata" or not isinstance(value, dict):
            continue
        version = str(value.get("version", ""))
        resolution = str(value.get("resolution", ""))
        for descriptor in str(key).split(","):
            entries[descriptor.strip().strip('"')] = (version, resolution)
    return entries


def _missing(name: str, wanted: str, dev: bool, file: str, notes: list[str]) -> Dependency:
    notes.append(f"{name} is in package.json but not in {file}: run the install to lock it")
    return Dependency("npm", _alias_name(wanted) or name, None, dev, "package.json", wanted)


def _skip_local(name: str, wanted: str, notes: list[str]) -> bool:
    """Whether a dependency has no registry version (a path, git, a workspace package)."""
    if not _LOCAL.match(wanted.strip()):
        return False
    note = f"{name} ({wanted}) is not a registry package: left out"
    if note not in notes:
        notes.append(note)
    return True


def _alias_name(wanted: str) -> str:
    """`npm:real@^1` -> `real`; anything else -> ''."""
    if not wanted.startswith("npm:"):
        return ""
    body = wanted[4:]
    name, sep, _ = body.rpartition("@")
    return name if sep and name else body


def _exact(version: str) -> str | None:
    version = version.strip().removeprefix("v").removeprefix("=")
    return version if _EXACT.fullmatch(version) else None


def _fix(file: str) -> str:
    tool = {"pnpm-lock.yaml": "pnpm install", "yarn.lock": "yarn install"}.get(file, "npm install")
    if file == "package.json":
        return "Fix the JSON (a missing comma or quote is the usual cause)."
    return f"Fix it, or delete it and run `{tool}` to write it again."
