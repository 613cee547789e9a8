"""The API surface of an installed npm package: its exports, .d.ts declarations and code."""

from __future__ import annotations

import bisect
import functools
import posixpath
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from docshelf.errors import ExportNotFoundError, UsageError
from docshelf.sources.installed import (
    InstalledPackage,
    find_path_inside,
    read_json_object,
    read_text,
    suggest_similar,
)

ExportSource = Literal["source-map", "types"]

MAX_HOPS = 8  # re-export chains seen in @mastra packages take 2-3 hops
MAX_FILES = 400  # files one lookup may open, so a cycle or a huge tree cannot stall it

_IDENT = r"[A-Za-z_$][\w$]*"
_KINDS = r"class|function\*?|const\s+enum|const|let|var|enum|namespace|module|type|interface"
_DECL_RE = re.compile(
    rf"^export\s+(?:declare\s+)?(?:default\s+)?(?:abstract\s+)?(?P<kind>{_KINDS})\s+(?P<name>{_IDENT})",
    re.M,
)
_LOCAL_DECL_RE = re.compile(
    rf"^(?:declare\s+)?(?:abstract\s+)?(?P<kind>{_KINDS})\s+(?P<name>{_IDENT})", re.M
)
_NAMED_RE = re.compile(
    r"^export\s+(?:type\s+)?\{(?P<body>[^}]*)\}\s*(?:from\s*(?P<q>['\"])(?P<spec>[^'\"]+)(?P=q))?",
    re.M,
)
_STAR_RE = re.compile(
    rf"^export\s+(?:type\s+)?\*\s*(?:as\s+(?P<ns>{_IDENT})\s+)?from\s*['\"](?P<spec>[^'\"]+)['\"]",
    re.M,
)
_IMPORT_RE = re.compile(
    r"^import\s+(?:type\s+)?(?P<clause>[^;'\"]*?)\s*from\s*['\"](?P<spec>[^'\"]+)['\"]", re.M
)
_JS_DECL = r"^(?:export\s+)?(?:(?:async\s+)?function\*?|class|var|let|const)\s+(?:{name})(?![\w$])"
_STATEMENT_START_RE = re.compile(r"^(?:export|declare|import|type|interface|function|class)\b")
# Comments go, strings stay: a module specifier is a string.
_COMMENT_OR_STRING_RE = re.compile(
    r"//[^\n]*|/\*.*?\*/|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\"|`(?:\\.|[^`\\])*`", re.S
)


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
    surface = _Surface(pkg)
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
        found = surface.implementation(info)
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


@functools.lru_cache(maxsize=16)
def _derived_exports(pkg: InstalledPackage, stamp: int) -> tuple[ExportInfo, ...]:
    """Exports read from the entry points; cached per install (core's take 0.3 s)."""
    return tuple(_Surface(pkg).exports())


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


@dataclass(frozen=True)
class _Entry:
    """One subpath of package.json `exports` (or its main/types fields)."""

    import_path: str
    types: str | None
    implementation: str | None


@dataclass(frozen=True)
class _Declaration:
    name: str  # as declared, which a rename (`export { a as b }`) may change
    file: str
    line: int  # 1-based
    kind: str
    external: str | None = None  # a module specifier outside the package


@dataclass
class _Module:
    """What a .d.ts or .js file exports and imports."""

    text: str
    code: str  # the text with comments blanked (in .d.ts files), offsets unchanged
    declarations: dict[str, tuple[str, int]] = field(default_factory=dict)  # exported
    locals: dict[str, tuple[str, int]] = field(default_factory=dict)  # not exported
    named: dict[str, tuple[str, str | None, int]] = field(default_factory=dict)
    stars: list[tuple[str, int]] = field(default_factory=list)
    namespaces: dict[str, tuple[str, int]] = field(default_factory=dict)  # export * as ns
    imports: dict[str, tuple[str, str, int]] = field(default_factory=dict)


class _Surface:
    """Reads one package's .d.ts and .js files, each parsed at most once."""

    def __init__(self, pkg: InstalledPackage) -> None:
        self.pkg = pkg
        self.manifest = read_json_object(pkg.root / "package.json")
        self._modules: dict[str, _Module | None] = {}

    # -- entry points and export lists

    @functools.cached_property
    def entries(self) -> list[_Entry]:
        """The entry points, from `exports` (wildcard subpaths skipped) or main/types."""
        raw = self.manifest.get("exports")
        subpaths: dict[str, Any]
        if isinstance(raw, dict) and any(k.startswith(".") for k in raw):
            subpaths = raw
        elif raw is not None:
            subpaths = {".": raw}
        else:
            subpaths = {".": None}
        entries: list[_Entry] = []
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
            entries.append(_Entry(name, _clean(types), _clean(impl)))
        return entries

    def exports(self) -> list[ExportInfo]:
        entries = [e for e in self.entries if e.types is not None]
        offers: dict[str, list[tuple[_Entry, str | None]]] = {}
        for entry in entries:
            for name, via in self.entry_names(entry.types or "").items():
                offers.setdefault(name, []).append((entry, via))
        entry_types = {e.types for e in entries}
        found: list[ExportInfo] = []
        for name, offered in offers.items():
            # The root entry wins; else an entry that does not just pass on another's name.
            own = [e for e, via in offered if via not in entry_types]
            root = [e for e, _via in offered if e.import_path == self.pkg.name]
            entry = (root or own or [offered[0][0]])[0]
            if name != "default":
                found.append(
                    ExportInfo(
                        name, entry.types, entry.implementation, None, entry.import_path, "types"
                    )
                )
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

    def declaration(self, file: str, name: str) -> _Declaration | None:
        return self._declaration(file, name, MAX_HOPS, set())

    def _declaration(
        self, file: str, name: str, hops: int, seen: set[tuple[str, str]]
    ) -> _Declaration | None:
        module = self.module(file)
        if module is None or hops < 0 or (file, name) in seen or len(seen) >= MAX_FILES:
            return None
        seen.add((file, name))
        if name in module.declarations:
            kind, line = module.declarations[name]
            return _Declaration(name, file, line, kind)
        if name in module.namespaces:
            return _Declaration(name, file, module.namespaces[name][1], "namespace re-export")
        if name in module.named:
            local, source, line = module.named[name]
            if source is not None:
                return self._follow(file, source, local, line, hops, seen)
            return self._local(file, module, local, line, hops, seen)
        for spec, _line in module.stars:
            target = self.resolve(file, spec, types=True)
            if isinstance(target, _Resolved):
                found = self._declaration(target.file, name, hops - 1, seen)
                if found is not None:
                    return found
        return None

    def _local(
        self,
        file: str,
        module: _Module,
        local: str,
        line: int,
        hops: int,
        seen: set[tuple[str, str]],
    ) -> _Declaration | None:
        if local in module.locals:
            kind, decl_line = module.locals[local]
            return _Declaration(local, file, decl_line, kind)
        if local in module.imports:
            imported, spec, import_line = module.imports[local]
            if imported == "*":
                return _Declaration(local, file, import_line, "namespace re-export")
            return self._follow(file, spec, imported, import_line, hops, seen)
        return _Declaration(local, file, line, "re-export")

    def _follow(
        self, file: str, spec: str, name: str, line: int, hops: int, seen: set[tuple[str, str]]
    ) -> _Declaration | None:
        target = self.resolve(file, spec, types=True)
        if isinstance(target, _Resolved):
            return self._declaration(target.file, name, hops - 1, seen)
        return _Declaration(name, file, line, "re-export", external=target)

    def excerpt(self, decl: _Declaration, max_lines: int) -> tuple[str, bool]:
        """The declaration's lines with the doc comment above it; whether it was cut."""
        module = self.module(decl.file)
        if module is None:
            return "", False
        text_lines = module.text.splitlines()
        code_lines = _COMMENT_OR_STRING_RE.sub(_blank_all, module.text).splitlines()
        start = decl.line - 1
        end = _statement_end(code_lines, start, decl.kind)
        overload = re.compile(rf"^(?:export\s+)?(?:declare\s+)?function\s+{re.escape(decl.name)}\b")
        while decl.kind == "function":  # overloads follow one another
            after = _next_statement(code_lines, end + 1)
            if after is None or not overload.match(code_lines[after]):
                break
            end = _statement_end(code_lines, after, decl.kind)
        start = _doc_comment_start(text_lines, start)
        cut = end - start + 1 > max_lines
        end = min(end, start + max_lines - 1)
        return "\n".join(text_lines[start : end + 1]), cut

    # -- implementations

    def implementation(self, info: ExportInfo) -> tuple[str, int] | None:
        """Where the export's code starts: the source map's line, else found by following
        the JS entry point's imports and exports to the declaration."""
        file = info.implementation_file
        if file is not None and self.module(file) is not None:
            if info.line is not None:
                return file, info.line
            found = self._implementation(file, info.name, MAX_HOPS, set())
            if found is not None:
                return found
        # Legacy source maps name a folder (dist/memory) or no line: try the entry points.
        entries = self.entries
        ranked = [e for e in entries if e.types == info.types_file]
        ranked += [e for e in entries if e.import_path == self.pkg.name and e not in ranked]
        for entry in ranked:
            if entry.implementation is not None and entry.implementation != file:
                found = self._implementation(entry.implementation, info.name, MAX_HOPS, set())
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
        match = re.search(_JS_DECL.format(name=re.escape(local)), module.code, re.M)
        if match:
            return file, module.code.count("\n", 0, match.start()) + 1
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

    def module(self, file: str) -> _Module | None:
        if file not in self._modules:
            path = self._path(file)
            module = None
            if path is not None and path.is_file():
                module = _parse(read_text(path), typescript=_is_types(file))
            self._modules[file] = module
        return self._modules[file]

    def _path(self, file: str) -> Path | None:
        return find_path_inside(self.pkg.root, file)


@dataclass(frozen=True)
class _Resolved:
    file: str


def _parse(text: str, typescript: bool) -> _Module:
    """Index a module's top-level exports and imports.

    Bundlers and tsc write top-level statements at column 0 and indent everything
    nested, so `^export` finds them. In .d.ts files comments are blanked first (doc
    examples often show `export` lines) and bracket depth is checked too. JS is taken
    as is: its regex literals defeat a simple tokenizer, and its declarations are only
    searched on demand (`_JS_DECL`).
    """
    code = _COMMENT_OR_STRING_RE.sub(_blank_comment, text) if typescript else text
    module = _Module(text, code)
    starts = [0, *(m.end() for m in re.finditer("\n", code))]
    depths = _line_depths(_COMMENT_OR_STRING_RE.sub(_blank_all, text)) if typescript else None

    def top(match: re.Match[str]) -> int | None:
        index = bisect.bisect_right(starts, match.start()) - 1
        return index + 1 if depths is None or depths[index] == 0 else None

    if typescript:
        for match in _DECL_RE.finditer(code):
            if (line := top(match)) is not None:
                module.declarations.setdefault(match["name"], (_kind(match["kind"]), line))
        for match in _LOCAL_DECL_RE.finditer(code):
            if (line := top(match)) is not None:
                module.locals.setdefault(match["name"], (_kind(match["kind"]), line))
    for match in _NAMED_RE.finditer(code):
        if (line := top(match)) is not None:
            for local, exported in _specifiers(match["body"]):
                module.named.setdefault(exported, (local, match["spec"], line))
    for match in _STAR_RE.finditer(code):
        if (line := top(match)) is not None:
            if match["ns"]:
                module.namespaces.setdefault(match["ns"], (match["spec"], line))
            else:
                module.stars.append((match["spec"], line))
    for match in _IMPORT_RE.finditer(code):
        if (line := top(match)) is not None:
            for local, imported in _import_bindings(match["clause"]):
                module.imports.setdefault(local, (imported, match["spec"], line))
    return module


def _is_types(file: str) -> bool:
    return file.endswith((".d.ts", ".d.mts", ".d.cts"))


def _blank_comment(match: re.Match[str]) -> str:
    text = match.group()
    if text.startswith(("//", "/*")):
        return re.sub(r"[^\n]", " ", text)
    return text


def _blank_all(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group())


def _line_depths(code: str) -> list[int]:
    depths: list[int] = []
    depth = 0
    for line in code.split("\n"):
        depths.append(depth)
        depth += sum(line.count(c) for c in "({[") - sum(line.count(c) for c in ")}]")
        depth = max(depth, 0)
    return depths


def _kind(raw: str) -> str:
    return " ".join(raw.split()).rstrip("*")


def _specifiers(body: str) -> list[tuple[str, str]]:
    """(local, exported) pairs of an `export { a, b as c, type d }` list."""
    pairs: list[tuple[str, str]] = []
    for item in body.split(","):
        words = item.split()
        if words and words[0] == "type" and len(words) > 1:
            words = words[1:]
        if len(words) == 1:
            pairs.append((words[0], words[0]))
        elif len(words) == 3 and words[1] == "as":
            pairs.append((words[0], words[2]))
    return pairs


def _import_bindings(clause: str) -> list[tuple[str, str]]:
    """(local, imported) pairs of an import clause; "*" for a namespace import."""
    bindings: list[tuple[str, str]] = []
    braces = re.search(r"\{([^}]*)\}", clause)
    if braces:
        bindings += [(local, imported) for imported, local in _specifiers(braces.group(1))]
    rest = re.sub(r"\{[^}]*\}", "", clause).strip().strip(",").strip()
    if star := re.match(rf"\*\s*as\s+({_IDENT})", rest):
        bindings.append((star.group(1), "*"))
    elif rest and re.fullmatch(_IDENT, rest.split(",")[0].strip()):
        bindings.append((rest.split(",")[0].strip(), "default"))
    return bindings


def _statement_end(code_lines: list[str], start: int, kind: str) -> int:
    """Index of the last line of the statement starting at line index `start`.

    `code_lines` have comments and strings blanked, so brackets in them do not count.
    """
    block = kind in ("class", "interface", "enum", "const enum", "namespace", "module")
    depth = 0
    for index in range(start, len(code_lines)):
        line = code_lines[index]
        if index > start and depth == 0 and _STATEMENT_START_RE.match(line):
            return index - 1  # the statement ended without a ";"
        for col, char in enumerate(line):
            if char in "({[":
                depth += 1
            elif char in ")}]":
                depth -= 1
                if block and depth == 0 and char == "}" and line[col + 1 :].strip() in ("", ";"):
                    return index
            elif char == ";" and depth <= 0 and not block:
                return index
    return len(code_lines) - 1


def _next_statement(code_lines: list[str], index: int) -> int | None:
    while index < len(code_lines):
        if code_lines[index].strip():
            return index
        index += 1
    return None


def _doc_comment_start(text_lines: list[str], start: int) -> int:
    """Index of the `/**` line of a doc comment ending right above `start`, else `start`."""
    above = start - 1
    if above < 0 or not text_lines[above].strip().endswith("*/"):
        return start
    for index in range(above, max(-1, above - 400), -1):
        if text_lines[index].lstrip().startswith("/**"):
            return index
    return start


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
