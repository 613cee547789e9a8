"""The API surface of an installed npm package: its exports, .d.ts declarations and code."""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Any, Literal

from docshelf.errors import UsageError
from docshelf.packages.errors import ExportNotFoundError
from docshelf.packages.installed import (
    InstalledPackage,
    find_path_inside,
    read_json_object,
    suggest_similar,
)
from docshelf.packages.ts_modules import PackageModules

ExportSource = Literal["source-map", "types"]


@dataclass(frozen=True)
class ExportInfo:
    """One exported name and where its types and implementation live."""

    name: str
    types_file: str | None  # relative to the package root, "/"-separated
    implementation_file: str | None
    line: int | None  # 1-based line of the implementation, when known
    import_path: str | None = None  # e.g. "@mastra/memory/processors", when known
    source: ExportSource = "source-map"  # the package's SOURCE_MAP.json, or its .d.ts files


@dataclass(frozen=True)
class ExportDetails:
    """An export's declaration and, on request, the first lines of its implementation."""

    package: str
    version: str
    export: ExportInfo
    kind: str | None  # "class", "function", "type", "interface", "const", "re-export", ...
    declaration_file: str | None
    declaration_line: int | None
    types: str | None  # the .d.ts declaration with its doc comment
    implementation_file: str | None
    implementation_line: int | None
    implementation: str | None
    notes: tuple[str, ...] = ()  # what could not be shown, and where to look instead


def list_exports(pkg: InstalledPackage, filter: str | None = None) -> list[ExportInfo]:
    """The package's exports: its SOURCE_MAP.json entries plus every name its .d.ts
    entry points (package.json `exports`) make importable, sorted by name.

    `filter` keeps names containing it, case-insensitively. The source map gives the
    implementation line; the entry points give the import path, and they are the only
    source for current @mastra packages (memory >= 1.24, core >= 1.55), whose source
    maps list no exports.
    """
    derived = {e.name: e for e in _derived_exports(pkg, _stamp(pkg))}
    merged: dict[str, ExportInfo] = {}
    for mapped in _source_map_exports(pkg):
        home = derived.get(mapped.name)
        merged[mapped.name] = replace(mapped, import_path=home.import_path if home else None)
    for name, export in derived.items():
        merged.setdefault(name, export)
    exports = list(merged.values())
    if filter:
        needle = filter.lower()
        exports = [e for e in exports if needle in e.name.lower()]
    return sorted(exports, key=lambda e: (e.name.lower(), e.name))


def get_export_details(
    pkg: InstalledPackage,
    export_name: str,
    include_types: bool = True,
    include_implementation: bool = False,
    implementation_lines: int = 50,
    types_max_lines: int = 200,
) -> ExportDetails:
    """The declaration of one export and optionally its implementation's first lines.

    Re-exports (`export { X } from`, `export *`, import-then-export) are followed within
    the package; a name re-exported from another package is reported in `notes`.
    Raises ExportNotFoundError with close names.
    """
    if implementation_lines < 1 or types_max_lines < 1:
        raise UsageError(
            "implementation_lines and types_max_lines must be at least 1; "
            "the defaults are 50 and 200."
        )
    exports = list_exports(pkg)
    info = next((e for e in exports if e.name == export_name), None)
    if info is None:
        names = [e.name for e in exports]
        suggestions = suggest_similar(export_name, names)
        raise ExportNotFoundError(pkg.name, pkg.version, export_name, suggestions, len(names))
    surface = package_modules(pkg)
    notes: list[str] = []
    decl = surface.declaration(info.types_file, export_name) if info.types_file else None
    types_text = None
    if decl is None:
        notes.append(f"No declaration of {export_name} found in {info.types_file or 'any .d.ts'}.")
    elif decl.external:
        notes.append(
            f"{export_name} is re-exported from '{decl.external}', another package: ask for "
            "its export details there."
        )
    if decl is not None and include_types:
        types_text, cut = surface.excerpt(decl, types_max_lines)
        if cut:
            notes.append(
                f"Declaration cut at {types_max_lines} lines; see {decl.file}:{decl.line}."
            )
    impl_file, impl_line, impl_text = info.implementation_file, info.line, None
    if include_implementation:
        found = surface.implementation(
            info.name, info.implementation_file, info.line, info.types_file
        )
        if found is not None:
            impl_file, impl_line = found
            impl_text = surface.lines(impl_file, impl_line, implementation_lines)
        elif decl is None or not decl.external:
            notes.append(f"Implementation of {export_name} not found in the package's JS.")
    return ExportDetails(
        package=pkg.name,
        version=pkg.version,
        export=info,
        kind=decl.kind if decl else None,
        declaration_file=decl.file if decl else None,
        declaration_line=decl.line if decl else None,
        types=types_text,
        implementation_file=impl_file,
        implementation_line=impl_line,
        implementation=impl_text,
        notes=tuple(notes),
    )


def _stamp(pkg: InstalledPackage) -> int:
    try:
        return (pkg.root / "package.json").stat().st_mtime_ns
    except OSError:
        return 0


def package_modules(pkg: InstalledPackage) -> PackageModules:
    """The package's parsed modules, shared by every question about this install."""
    return _package_modules(pkg, _stamp(pkg))


@functools.lru_cache(maxsize=8)
def _package_modules(pkg: InstalledPackage, stamp: int) -> PackageModules:
    return PackageModules(pkg)


@functools.lru_cache(maxsize=16)
def _derived_exports(pkg: InstalledPackage, stamp: int) -> tuple[ExportInfo, ...]:
    """Exports read from the entry points; cached per install (core's take 0.3 s)."""
    return tuple(
        ExportInfo(name, entry.types, entry.implementation, None, entry.import_path, "types")
        for name, entry in _package_modules(pkg, stamp).entry_exports()
    )


def _read_source_map(pkg: InstalledPackage) -> dict[str, Any] | None:
    """The package's SOURCE_MAP.json (either layout) as parsed JSON, or None."""
    if pkg.docs_dir is None:
        return None
    for relative in ("assets/SOURCE_MAP.json", "SOURCE_MAP.json"):
        path = find_path_inside(pkg.docs_dir, relative)
        if path is not None and path.is_file():
            return read_json_object(path)
    return None


def _source_map_exports(pkg: InstalledPackage) -> list[ExportInfo]:
    source_map = _read_source_map(pkg) or {}
    entries = source_map.get("exports")
    if not isinstance(entries, dict):
        return []
    exports: list[ExportInfo] = []
    for name, entry in entries.items():
        if not isinstance(name, str) or not isinstance(entry, dict):
            continue
        types, impl, line = entry.get("types"), entry.get("implementation"), entry.get("line")
        exports.append(
            ExportInfo(
                name=name,
                types_file=types if isinstance(types, str) else None,
                implementation_file=impl if isinstance(impl, str) else None,
                line=line if isinstance(line, int) and line > 0 else None,
            )
        )
    return exports
