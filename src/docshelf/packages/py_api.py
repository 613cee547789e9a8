"""The API of an installed Python distribution, read statically with griffe: its public
names, and one name in full (signature, parsed docstring, bases, members, source).

Public names: a module's `__all__` when it has one (expanded through `__all__ +=` and
wildcard imports), else its names without a leading underscore, minus what it imports
from other packages; plus a package's public submodules. Re-exports are followed to the
object they name, within the environment, so kinds and locations are the real ones.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import griffe

from docshelf.packages.api_records import (
    ExportDetail,
    ExportList,
    ExportRecord,
    MemberRecord,
    PackageRecord,
)
from docshelf.packages.errors import ModuleUnreadableError, NameNotFoundError
from docshelf.packages.installed import suggest_similar
from docshelf.packages.project import Project
from docshelf.packages.py_dists import Distribution, search_paths
from docshelf.packages.py_loader import External, StaticLoader
from docshelf.packages.py_render import (
    detect_style,
    docstring_sections,
    kind_of,
    short_signature,
    signature,
    source_of,
    summary_of,
)

SOURCE_LINES = 400  # most source lines include_source returns
INHERIT_DEPTH = 3  # base classes whose members a class listing includes
LOADERS_KEPT = 4

_loaders: OrderedDict[tuple[Any, ...], tuple[StaticLoader, threading.Lock]] = OrderedDict()
_loaders_lock = threading.Lock()


def python_exports(
    project: Project, dist: Distribution, record: PackageRecord, module: str | None = None
) -> ExportList:
    """The public names of the distribution's top-level modules, or of `module`."""
    loader, lock = _loader(project, dist)
    with lock:
        names = [module] if module else _main_modules(dist)
        exports: list[ExportRecord] = []
        objects: list[Any] = []
        for name in names:
            mod = loader.module(name)
            if mod is None:
                if module is not None:
                    raise ModuleUnreadableError(name, _why(loader, name))
                continue
            for export, obj in _module_exports(loader, mod):
                exports.append(export)
                if obj is not None:
                    objects.append(obj)
        problems = tuple(f"{name}: {why}" for name, why in sorted(loader.problems.items()))
        style = detect_style(objects)
    exports.sort(key=lambda e: (e.module, e.name.lower(), e.name))
    return ExportList(record, module, tuple(exports), _own(problems, names), style)


def python_export(
    project: Project,
    dist: Distribution,
    record: PackageRecord,
    name: str,
    *,
    include_source: bool = False,
    style: str | None = None,
) -> ExportDetail:
    """One public name (or a member of one: 'Client.send', 'networks.AnyUrl') in full."""
    loader, lock = _loader(project, dist)
    with lock:
        path, obj = _lookup(loader, dist, name)
        if obj is None:
            _raise_not_found(loader, dist, record, name)
        style = style or detect_style(_objects_near(obj))
        return _detail(loader, dist, record, name, path, obj, include_source, style)


# --- listing ------------------------------------------------------------------------------


def _main_modules(dist: Distribution) -> list[str]:
    public = [m for m in dist.modules if not m.startswith("_")]
    return public or list(dist.modules)


def _module_exports(
    loader: StaticLoader, mod: griffe.Module
) -> list[tuple[ExportRecord, Any | None]]:
    found: list[tuple[ExportRecord, Any | None]] = []
    names = _public_names(mod)
    for name in names:
        member: griffe.Object | griffe.Alias | External | None = mod.members.get(name)
        if member is None:  # a submodule, or a name a wildcard import left out
            member = loader.find(f"{mod.path}.{name}")
        target = (
            member if member is None or isinstance(member, External) else loader.resolve(member)
        )
        found.append((_export_record(loader, mod.path, name, target), target))
    if mod.is_package or getattr(mod, "is_namespace_package", False):
        for sub in loader.submodules(mod.path):
            if sub.startswith("_") or sub in names:
                continue
            files = loader.files(f"{mod.path}.{sub}")
            where = (files.stub or files.source) if files is not None else None
            found.append(
                (
                    ExportRecord(sub, "module", mod.path, _relative(loader, where), None),
                    None,
                )
            )
    return found


def _public_names(mod: griffe.Module) -> list[str]:
    exports = mod.exports
    if exports is not None:
        return list(dict.fromkeys(e for e in exports if isinstance(e, str)))
    top = mod.path.split(".", 1)[0]
    names: list[str] = []
    for name, member in mod.members.items():
        if name.startswith("_") or not name.isidentifier():  # an unexpanded `import *`
            continue
        if isinstance(member, griffe.Alias) and member.target_path.split(".", 1)[0] != top:
            continue  # imported from another package, not offered by this one
        names.append(name)
    return names


def _export_record(loader: StaticLoader, module: str, name: str, target: Any) -> ExportRecord:
    if target is None:
        return ExportRecord(name, "unknown", module)
    if isinstance(target, External):
        return ExportRecord(name, "re-export", module, summary=f"from {target.path}")
    path = getattr(target, "filepath", None)
    return ExportRecord(
        name,
        kind_of(target),
        module,
        _relative(loader, path if isinstance(path, Path) else None),
        getattr(target, "lineno", None),
        summary_of(target),
    )


def _relative(loader: StaticLoader, path: Path | None) -> str | None:
    if path is None:
        return None
    for base in loader.search_paths:
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return str(path)


def _own(problems: tuple[str, ...], modules: list[str]) -> tuple[str, ...]:
    """Problems of the modules listed (and their submodules), not of other packages."""
    return tuple(p for p in problems if any(p.startswith(m) for m in modules))


def _why(loader: StaticLoader, name: str) -> str:
    for module, why in loader.problems.items():
        if name == module or name.startswith(module + "."):
            return why
    return "it is not part of the package"


# --- one name -----------------------------------------------------------------------------


def _lookup(loader: StaticLoader, dist: Distribution, name: str) -> tuple[str, Any | None]:
    """The dotted path and object `name` means, tried against each top-level module."""
    clean = name.strip().strip(".")
    tops = _main_modules(dist)
    first = clean.split(".", 1)[0]
    candidates = [clean] if first in dist.modules else [f"{t}.{clean}" for t in tops]
    for path in candidates:
        found = loader.find(path)
        if found is not None and not isinstance(found, External):
            resolved = loader.resolve(found)
            if resolved is not None and not isinstance(resolved, External):
                return path, resolved
    return candidates[0], None


def _raise_not_found(
    loader: StaticLoader, dist: Distribution, record: PackageRecord, name: str
) -> None:
    clean = name.strip().strip(".")
    for module, why in loader.problems.items():
        short = module.split(".", 1)[1] if "." in module else module
        if clean == short or clean.startswith(short + ".") or clean.startswith(module):
            raise ModuleUnreadableError(module, why)
    head, _, _tail = clean.rpartition(".")
    choices: list[str] = []
    if head:
        _path, parent = _lookup(loader, dist, head)
        if parent is not None and hasattr(parent, "members"):
            choices = [f"{head}.{m}" for m in parent.members if not m.startswith("_")]
    if not choices:
        for top in _main_modules(dist):
            mod = loader.module(top)
            if mod is not None:
                subs = [m for m in loader.submodules(top) if not m.startswith("_")]
                choices += _public_names(mod) + subs
    choices = list(dict.fromkeys(choices))
    raise NameNotFoundError(
        record.name, record.version, name, suggest_similar(clean, choices), len(choices)
    )


def _detail(
    loader: StaticLoader,
    dist: Distribution,
    record: PackageRecord,
    name: str,
    path: str,
    obj: Any,
    include_source: bool,
    style: str,
) -> ExportDetail:
    kind = kind_of(obj)
    notes: list[str] = []
    members = _members(loader, obj, notes) if kind in ("class", "module") else ()
    source = source_file = source_line = None
    if include_source:
        text, file, line, cut = source_of(obj, loader.lines_collection, SOURCE_LINES)
        source, source_file, source_line = text, _relative(loader, file), line
        if text is None:
            notes.append(f"No source for {name}: it is defined in a stub or not in a file.")
        elif file is not None and file.suffix == ".pyi":
            notes.append(f"{name} is shown from its type stub ({file.name}).")
        if cut:
            notes.append(f"Source cut at {SOURCE_LINES} lines; see {source_file}:{line}.")
    filepath = getattr(obj, "filepath", None)
    return ExportDetail(
        package=record,
        name=name,
        path=str(obj.path),
        kind=kind,
        import_line=_import_line(loader, path),
        signature=signature(obj, path.rsplit(".", 1)[-1]),
        signature_language="python",
        file=_relative(loader, filepath if isinstance(filepath, Path) else None),
        line=getattr(obj, "lineno", None),
        docstring=docstring_sections(obj, style),
        bases=tuple(str(b) for b in getattr(obj, "bases", []) or []),
        members=members,
        source=source,
        source_file=source_file,
        source_line=source_line,
        notes=tuple(notes),
    )


def _import_line(loader: StaticLoader, path: str) -> str:
    """How to import what `path` names: `from httpx import Client`; a member of a class is
    reached through the class (`from pydantic import BaseModel`, then BaseModel.x)."""
    parts = path.split(".")
    cut = 1
    while cut < len(parts) and loader.files(".".join(parts[: cut + 1])) is not None:
        cut += 1
    module, rest = ".".join(parts[:cut]), parts[cut:]
    if not rest:
        return f"import {module}"
    line = f"from {module} import {rest[0]}"
    return line + (f"  # then {'.'.join(rest)}" if len(rest) > 1 else "")


def _members(loader: StaticLoader, obj: Any, notes: list[str]) -> tuple[MemberRecord, ...]:
    records: list[MemberRecord] = []
    seen: set[str] = set()
    if kind_of(obj) == "module":
        for name in _public_names(obj):
            member = obj.members.get(name)
            target = loader.resolve(member) if member is not None else None
            if target is not None and not isinstance(target, External):
                records.append(_member(name, target))
        return tuple(records)
    classes = [(obj, "")]
    for depth in range(INHERIT_DEPTH + 1):
        next_classes = []
        for cls, inherited in classes:
            for name, member in list(cls.members.items()):
                if name in seen or (name.startswith("_") and name not in ("__init__", "__call__")):
                    continue
                seen.add(name)
                if depth > 0 and name == "__init__":
                    continue
                target = loader.resolve(member)
                if target is not None and not isinstance(target, External):
                    records.append(_member(name, target, inherited))
            if depth < INHERIT_DEPTH:
                next_classes += _bases(loader, cls, notes)
        classes = next_classes
    return tuple(records)


def _member(name: str, target: Any, inherited: str = "") -> MemberRecord:
    summary = summary_of(target)
    if inherited:
        summary = f"(from {inherited}) {summary}".strip()
    return MemberRecord(name, kind_of(target), short_signature(target, name), summary)


def _bases(loader: StaticLoader, cls: Any, notes: list[str]) -> list[tuple[Any, str]]:
    found: list[tuple[Any, str]] = []
    for base in getattr(cls, "bases", []) or []:
        path = getattr(base, "canonical_path", None) or str(base)
        target = loader.find(str(path))
        resolved = (
            loader.resolve(target)
            if target is not None and not isinstance(target, External)
            else target
        )
        if resolved is None or isinstance(resolved, External) or kind_of(resolved) != "class":
            if str(path).split(".", 1)[0] not in ("builtins", "object", "typing", "abc"):
                notes.append(f"Members inherited from {path} are not listed (not readable here).")
            continue
        found.append((resolved, str(base)))
    return found


def _objects_near(obj: Any) -> list[Any]:
    """Objects whose docstrings tell the style `obj`'s package writes in."""
    parent = getattr(obj, "parent", None)
    module = getattr(obj, "module", None) or parent
    near = [obj]
    for holder in (parent, module):
        if holder is not None:
            near += [m for m in holder.members.values() if not isinstance(m, griffe.Alias)]
    return near


# --- loaders ------------------------------------------------------------------------------


def _loader(project: Project, dist: Distribution) -> tuple[StaticLoader, threading.Lock]:
    """One loader per environment and distribution version, kept for the next question."""
    paths = search_paths(project)
    key = (tuple(paths), project.allowed, dist.key)
    with _loaders_lock:
        if key in _loaders:
            _loaders.move_to_end(key)
            return _loaders[key]
        entry = (StaticLoader(paths, project.allows), threading.Lock())
        _loaders[key] = entry
        while len(_loaders) > LOADERS_KEPT:
            _loaders.popitem(last=False)
        return entry
