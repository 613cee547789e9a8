"""A package's TS/JS modules: entry points, and re-exports followed to declarations and code."""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docshelf.packages.installed import (
    InstalledPackage,
    find_path_inside,
    read_json_object,
    read_text,
    real_path,
)
from docshelf.packages.ts_parse import (
    ParsedModule,
    declaration_excerpt,
    find_js_declaration,
    is_types_file,
    parse_module,
)
from docshelf.sources.errors import UnreadableFileError

MAX_HOPS = 8  # re-export chains seen in @mastra packages take 2-3 hops
MAX_FILES = 400  # files one lookup may open, so a cycle or a huge tree cannot stall it
# Follows an import to its declaration: (importing file, module spec, name, line).
_Follow = Callable[[str, str, str, int], "Declaration | None"]


@dataclass(frozen=True)
class EntryPoint:
    """One subpath of package.json `exports` (or its main/types fields)."""

    import_path: str
    types: str | None
    implementation: str | None


@dataclass(frozen=True)
class Declaration:
    """Where an exported name is declared, or the other package it is re-exported from."""

    name: str  # as declared, which a rename (`export { a as b }`) may change
    file: str
    line: int  # 1-based
    kind: str
    external: str | None = None  # a module specifier outside the package


class PackageModules:
    """Reads one package's .d.ts and .js files, each parsed at most once."""

    def __init__(self, pkg: InstalledPackage) -> None:
        self.pkg = pkg
        self.manifest = read_json_object(pkg.root / "package.json")
        self._modules: dict[str, ParsedModule | None] = {}
        # Resolving a specifier costs a realpath per candidate; a package asks the same
        # ones thousands of times when every export's declaration is looked up.
        self._resolved: dict[tuple[str, str, bool], _Resolved | str] = {}
        self._paths: dict[str, Path | None] = {}
        self._all_declarations: dict[str, dict[str, Declaration]] = {}
        self._real_root = real_path(pkg.root)

    # -- entry points and export lists

    @functools.cached_property
    def entries(self) -> list[EntryPoint]:
        """The entry points, from `exports` (wildcard subpaths skipped) or main/types."""
        raw = self.manifest.get("exports")
        subpaths: dict[str, Any]
        if isinstance(raw, dict) and any(k.startswith(".") for k in raw):
            subpaths = raw
        elif raw is not None:
            subpaths = {".": raw}
        else:
            subpaths = {".": None}
        entries: list[EntryPoint] = []
        for subpath, target in subpaths.items():
            if "*" in subpath or subpath.endswith(".json") or not subpath.startswith("."):
                continue
            impl = _pick_condition(target, types=False)
            types = _pick_condition(target, types=True)
            if subpath == "." and raw is None:
                impl = _str_field(self.manifest, "module", "main") or "index.js"
                types = _str_field(self.manifest, "types", "typings")
            if types is None and impl is not None:
                types = _types_candidates(impl)[0]
            name = self.pkg.name + subpath[1:]
            entries.append(EntryPoint(name, _clean(types), _clean(impl)))
        return entries

    def entry_exports(self) -> list[tuple[str, EntryPoint]]:
        """Names the entry points export ("default" aside), each with the entry that offers it."""
        entries = [e for e in self.entries if e.types is not None]
        offers: dict[str, list[tuple[EntryPoint, str | None]]] = {}
        for entry in entries:
            for name, via in self.entry_names(entry.types or "").items():
                offers.setdefault(name, []).append((entry, via))
        entry_types = {e.types for e in entries}
        found: list[tuple[str, EntryPoint]] = []
        for name, offered in offers.items():
            # The root entry wins; else an entry that does not just pass on another's name.
            own = [e for e, via in offered if via not in entry_types]
            root = [e for e, _via in offered if e.import_path == self.pkg.name]
            entry = (root or own or [offered[0][0]])[0]
            if name != "default":
                found.append((name, entry))
        return found

    def entry_names(self, file: str) -> dict[str, str | None]:
        """Names an entry point exports, each with the file it comes from (None: here)."""
        module = self.module(file)
        if module is None:
            return {}
        names: dict[str, str | None] = dict.fromkeys([*module.declarations, *module.namespaces])
        for name, (_local, spec, _line) in module.named.items():
            target = self.resolve(file, spec, types=True) if spec else None
            names[name] = target.file if isinstance(target, _Resolved) else None
        visited = {file}
        for spec, _line in module.stars:
            target = self.resolve(file, spec, types=True)
            if isinstance(target, _Resolved):
                for name in self.exported_names(target.file, visited):
                    names.setdefault(name, target.file)
        return names

    def exported_names(self, file: str, visited: set[str]) -> list[str]:
        module = self.module(file)
        if module is None or file in visited or len(visited) >= MAX_FILES:
            return []
        visited.add(file)
        names = [*module.declarations, *module.named, *module.namespaces]
        for spec, _line in module.stars:
            target = self.resolve(file, spec, types=True)
            if isinstance(target, _Resolved):
                names += self.exported_names(target.file, visited)
        return list(dict.fromkeys(names))

    # -- declarations

    def declaration(self, file: str, name: str) -> Declaration | None:
        return self._declaration(file, name, MAX_HOPS, set())

    def declarations_of(self, file: str) -> dict[str, Declaration]:
        """Every name `file` exports with where it is declared: `declaration` for all of
        them at once, each file read once (a package of thousands of exports re-exports
        most of them through a few `export *` barrels)."""
        if file in self._all_declarations:
            return self._all_declarations[file]
        self._all_declarations[file] = {}  # a cycle back to this file finds nothing more
        module = self.module(file)
        found: dict[str, Declaration] = {}
        if module is not None:
            for name, (kind, line) in module.declarations.items():
                found[name] = Declaration(name, file, line, kind)
            for name, (_spec, line) in module.namespaces.items():
                found.setdefault(name, Declaration(name, file, line, "namespace re-export"))
            for name, (local, source, line) in module.named.items():
                if name not in found:
                    decl = (
                        self._follow_all(file, source, local, line)
                        if source is not None
                        else self._local(file, module, local, line, self._follow_all)
                    )
                    if decl is not None:
                        found[name] = decl
            for spec, _line in module.stars:
                target = self.resolve(file, spec, types=True)
                if isinstance(target, _Resolved):
                    for name, decl in self.declarations_of(target.file).items():
                        found.setdefault(name, decl)
        self._all_declarations[file] = found
        return found

    def _follow_all(self, file: str, spec: str, name: str, line: int) -> Declaration | None:
        target = self.resolve(file, spec, types=True)
        if isinstance(target, _Resolved):
            return self.declarations_of(target.file).get(name)
        return Declaration(name, file, line, "re-export", external=target)

    def _declaration(
        self, file: str, name: str, hops: int, seen: set[tuple[str, str]]
    ) -> Declaration | None:
        module = self.module(file)
        if module is None or hops < 0 or (file, name) in seen or len(seen) >= MAX_FILES:
            return None
        seen.add((file, name))
        if name in module.declarations:
            kind, line = module.declarations[name]
            return Declaration(name, file, line, kind)
        if name in module.namespaces:
            return Declaration(name, file, module.namespaces[name][1], "namespace re-export")
        if name in module.named:
            local, source, line = module.named[name]
            if source is not None:
                return self._follow(file, source, local, line, hops, seen)
            return self._local(
                file, module, local, line, functools.partial(self._follow, hops=hops, seen=seen)
            )
        for spec, _line in module.stars:
            target = self.resolve(file, spec, types=True)
            if isinstance(target, _Resolved):
                found = self._declaration(target.file, name, hops - 1, seen)
                if found is not None:
                    return found
        return None

    def _local(
        self, file: str, module: ParsedModule, local: str, line: int, follow: _Follow
    ) -> Declaration | None:
        """Where `file`'s exported local binding `local` is declared: here, or where the
        module it imports it from says (`follow(file, spec, name, line)`)."""
        if local in module.locals:
            kind, decl_line = module.locals[local]
            return Declaration(local, file, decl_line, kind)
        if local in module.imports:
            imported, spec, import_line = module.imports[local]
            if imported == "*":
                return Declaration(local, file, import_line, "namespace re-export")
            return follow(file, spec, imported, import_line)
        return Declaration(local, file, line, "re-export")

    def _follow(
        self, file: str, spec: str, name: str, line: int, hops: int, seen: set[tuple[str, str]]
    ) -> Declaration | None:
        target = self.resolve(file, spec, types=True)
        if isinstance(target, _Resolved):
            return self._declaration(target.file, name, hops - 1, seen)
        return Declaration(name, file, line, "re-export", external=target)

    def excerpt(self, decl: Declaration, max_lines: int) -> tuple[str, bool]:
        """The declaration's lines with the doc comment above it; whether it was cut."""
        module = self.module(decl.file)
        if module is None:
            return "", False
        return declaration_excerpt(module, decl.line, decl.kind, decl.name, max_lines)

    # -- implementations

    def implementation(
        self, name: str, file: str | None, line: int | None, types_file: str | None
    ) -> tuple[str, int] | None:
        """Where the code of export `name` starts: `file` and `line` (from the source map)
        when given, else found by following the JS entry point's imports and exports to
        the declaration."""
        if file is not None and self.module(file) is not None:
            if line is not None:
                return file, line
            found = self._implementation(file, name, MAX_HOPS, set())
            if found is not None:
                return found
        # Legacy source maps name a folder (dist/memory) or no line: try the entry points.
        entries = self.entries
        ranked = [e for e in entries if e.types == types_file]
        ranked += [e for e in entries if e.import_path == self.pkg.name and e not in ranked]
        for entry in ranked:
            if entry.implementation is not None and entry.implementation != file:
                found = self._implementation(entry.implementation, name, MAX_HOPS, set())
                if found is not None:
                    return found
        return None

    def _implementation(
        self, file: str, name: str, hops: int, seen: set[tuple[str, str]]
    ) -> tuple[str, int] | None:
        module = self.module(file)
        if module is None or hops < 0 or (file, name) in seen or len(seen) >= MAX_FILES:
            return None
        seen.add((file, name))
        local = name
        if name in module.named:
            local, spec, _line = module.named[name]
            if spec is not None:
                return self._implementation_in(file, spec, local, hops, seen)
        line = find_js_declaration(module, local)
        if line is not None:
            return file, line
        if local in module.imports:
            imported, spec, _line = module.imports[local]
            return self._implementation_in(file, spec, imported, hops, seen)
        for spec, _line in module.stars:
            found = self._implementation_in(file, spec, name, hops, seen)
            if found is not None:
                return found
        return None

    def _implementation_in(
        self, file: str, spec: str, name: str, hops: int, seen: set[tuple[str, str]]
    ) -> tuple[str, int] | None:
        target = self.resolve(file, spec, types=False)
        if isinstance(target, _Resolved):
            return self._implementation(target.file, name, hops - 1, seen)
        return None

    def lines(self, file: str, start: int, count: int) -> str | None:
        module = self.module(file)
        if module is None:
            return None
        return "\n".join(module.text.splitlines()[start - 1 : start - 1 + count])

    # -- files

    def resolve(self, file: str, spec: str, types: bool) -> _Resolved | str:
        """A module specifier used in `file` as a file of this package, or the specifier
        itself when it names another package (or leaves this one)."""
        key = (posixpath.dirname(file) if spec.startswith(".") else "", spec, types)
        if key not in self._resolved:
            self._resolved[key] = self._resolve(file, spec, types)
        return self._resolved[key]

    def _resolve(self, file: str, spec: str, types: bool) -> _Resolved | str:
        if spec.startswith("."):
            base = posixpath.normpath(posixpath.join(posixpath.dirname(file), spec))
            candidates = _types_candidates(base) if types else _js_candidates(base)
        elif spec == self.pkg.name or spec.startswith(self.pkg.name + "/"):
            entry = next((e for e in self.entries if e.import_path == spec), None)
            target = (entry.types if types else entry.implementation) if entry else None
            candidates = [target] if target else []
        else:
            return spec
        for candidate in candidates:
            path = self._path(candidate)
            if path is not None and path.is_file():
                return _Resolved(candidate)
        return spec

    def module(self, file: str) -> ParsedModule | None:
        if file not in self._modules:
            path = self._path(file)
            module = None
            if path is not None and path.is_file():
                try:
                    module = parse_module(read_text(path), typescript=is_types_file(file))
                except UnreadableFileError:
                    module = None  # over the size limit, or swapped for a pipe: not parsed
            self._modules[file] = module
        return self._modules[file]

    def _path(self, file: str) -> Path | None:
        if file not in self._paths:
            self._paths[file] = (
                find_path_inside(self.pkg.root, file, real_base=self._real_root)
                if self._real_root is not None
                else None
            )
        return self._paths[file]


@dataclass(frozen=True)
class _Resolved:
    file: str


def _pick_condition(target: Any, types: bool) -> str | None:
    """The path an `exports` target resolves to, preferring ESM ("import") conditions."""
    if isinstance(target, str):
        is_types = target.endswith((".d.ts", ".d.mts", ".d.cts"))
        return target if is_types == types else None
    if isinstance(target, list):
        for item in target:
            if (picked := _pick_condition(item, types)) is not None:
                return picked
        return None
    if not isinstance(target, dict):
        return None
    if types and isinstance(target.get("types"), str):
        return str(target["types"])
    preferred = ["import", "module", "default", "node", "require"]
    keys = [k for k in preferred if k in target] + [k for k in target if k not in preferred]
    for key in keys:
        if key == "types" and not types:
            continue
        if (picked := _pick_condition(target[key], types)) is not None:
            return picked
    return None


def _str_field(manifest: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = manifest.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _clean(path: str | None) -> str | None:
    if path is None:
        return None
    normal = posixpath.normpath(path)
    return None if normal.startswith("..") or normal.startswith("/") else normal


def _types_candidates(base: str) -> list[str]:
    for suffix, dts in ((".mjs", ".d.mts"), (".cjs", ".d.cts"), (".js", ".d.ts")):
        if base.endswith(suffix):
            return [base[: -len(suffix)] + dts]
    if base.endswith((".d.ts", ".d.mts", ".d.cts")):
        return [base]
    return [base + ".d.ts", base + "/index.d.ts"]


def _js_candidates(base: str) -> list[str]:
    if base.endswith((".js", ".mjs", ".cjs")):
        return [base]
    return [base + ".js", base + ".mjs", base + "/index.js"]
