"""The API of any installed npm package: its exports with kinds, and one export in full.

Built on what the Mastra profile reads (`installed` resolves node_modules as Node does,
`api_surface`/`ts_modules` read package.json `exports`/`types` and the .d.ts files);
here for every package, with each export's kind, declaration site and doc comment.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from docshelf.packages.api_records import (
    DocSection,
    ExportDetail,
    ExportList,
    ExportRecord,
    PackageRecord,
)
from docshelf.packages.api_surface import (
    ExportInfo,
    get_export_details,
    list_exports,
    package_modules,
)
from docshelf.packages.installed import InstalledPackage, read_json_object
from docshelf.packages.ts_parse import doc_comment

SOURCE_LINES = 120  # implementation lines include_source shows
SUMMARY_CHARS = 100
_TAG = re.compile(r"^@(\w+)\s*(.*)$")
_TAG_TITLES = {
    "param": "Parameters",
    "returns": "Returns",
    "return": "Returns",
    "throws": "Raises",
    "example": "Examples",
    "deprecated": "Deprecated",
    "see": "See also",
    "default": "Default",
    "defaultValue": "Default",
    "remarks": "Remarks",
}


def node_package_record(pkg: InstalledPackage, direct: bool) -> PackageRecord:
    manifest = read_json_object(pkg.root / "package.json")
    description = manifest.get("description")
    summary = " ".join(description.split()) if isinstance(description, str) else ""
    entries = tuple(e.import_path for e in package_modules(pkg).entries)
    return PackageRecord(
        pkg.name, pkg.version, "javascript", summary, direct, str(pkg.root), entries
    )


def js_exports(pkg: InstalledPackage, record: PackageRecord, subpath: str | None) -> ExportList:
    """The package's exports (or those of the entry point `subpath`, e.g. '@mastra/core/agent')
    with their kinds and declaration sites."""
    exports = _exports_with_kinds(pkg)
    record = replace(record, modules=tuple(e.import_path for e in package_modules(pkg).entries))
    if subpath is not None:
        exports = tuple(e for e in exports if e.module == subpath)
    problems: tuple[str, ...] = ()
    if not exports:
        entries = ", ".join(record.modules) or "none"
        problems = (
            f"no exports found in the .d.ts entry points (entry points: {entries}); a package "
            "without type declarations (no `types` in package.json) cannot be read statically",
        )
    return ExportList(record, subpath, exports, problems)


def js_export(
    pkg: InstalledPackage, record: PackageRecord, name: str, include_source: bool
) -> ExportDetail:
    """One export: its .d.ts declaration with doc comment, parsed; on request its code."""
    details = get_export_details(
        pkg, name, include_implementation=include_source, implementation_lines=SOURCE_LINES
    )
    info = details.export
    module = info.import_path or pkg.name
    declaration, comment = _split_comment(details.types or "")
    return ExportDetail(
        package=record,
        name=name,
        path=f"{details.declaration_file}:{details.declaration_line}"
        if details.declaration_file
        else module,
        kind=details.kind or "export",
        import_line=f"import {{ {info.name} }} from '{module}'",
        signature=declaration,
        signature_language="typescript",
        file=details.declaration_file,
        line=details.declaration_line,
        docstring=jsdoc_sections(comment),
        source=details.implementation,
        source_file=details.implementation_file,
        source_line=details.implementation_line,
        notes=details.notes,
    )


def jsdoc_sections(lines: list[str]) -> tuple[DocSection, ...]:
    """A JSDoc/TSDoc comment's description and its tags (@param, @returns, @example, ...)."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    for line in lines:
        tag = _TAG.match(line.strip())
        if tag is None:
            sections[-1][1].append(line)
            continue
        title = _TAG_TITLES.get(tag.group(1), tag.group(1).capitalize())
        text = tag.group(2)
        if title != sections[-1][0]:
            sections.append((title, []))
        if tag.group(1) == "param":
            text = "- " + re.sub(r"^(\{[^}]*\}\s*)?\[?([\w$.]+)[^\s]*\s*(-\s*)?", r"\2: ", text)
        elif tag.group(1) == "throws":
            text = "- " + text
        if text:
            sections[-1][1].append(text)
    return tuple(
        DocSection(title, tuple(_trim(body)))
        for title, body in sections
        if any(b.strip() for b in body)
    )


def _trim(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    while lines and not lines[0].strip():
        lines = lines[1:]
    return lines


@functools.lru_cache(maxsize=16)
def _exports_cached(pkg: InstalledPackage, stamp: float) -> tuple[ExportRecord, ...]:
    surface = package_modules(pkg)
    records = []
    for export in list_exports(pkg):
        records.append(_record(pkg, surface, export))
    return tuple(records)


def _exports_with_kinds(pkg: InstalledPackage) -> tuple[ExportRecord, ...]:
    try:
        stamp = (pkg.root / "package.json").stat().st_mtime_ns
    except OSError:
        stamp = 0
    return _exports_cached(pkg, stamp)


def _record(pkg: InstalledPackage, surface, export: ExportInfo) -> ExportRecord:  # type: ignore[no-untyped-def]
    module = export.import_path or pkg.name
    decl = (
        surface.declarations_of(export.types_file).get(export.name) if export.types_file else None
    )
    if decl is None:
        return ExportRecord(export.name, "export", module, export.types_file, None)
    if decl.external:
        return ExportRecord(
            export.name, "re-export", module, decl.file, decl.line, f"from '{decl.external}'"
        )
    parsed = surface.module(decl.file)
    summary = ""
    if parsed is not None:
        comment = [line for line in doc_comment(parsed, decl.line) if line.strip()]
        if comment and not comment[0].lstrip().startswith("@"):
            summary = comment[0].strip()
            if len(summary) > SUMMARY_CHARS:
                summary = summary[: SUMMARY_CHARS - 1].rstrip() + "…"
    return ExportRecord(export.name, decl.kind, module, decl.file, decl.line, summary)


def _split_comment(text: str) -> tuple[str, list[str]]:
    """A declaration excerpt split into its code and its doc comment's lines."""
    if not text.lstrip().startswith("/**"):
        return text, []
    end = text.find("*/")
    if end < 0:
        return text, []
    comment_text, code = text[: end + 2], text[end + 2 :].lstrip("\n")
    lines = []
    for raw in comment_text.splitlines():
        line = raw.strip().removeprefix("/**").removesuffix("*/")
        line = line[1:] if line.startswith("*") else line
        lines.append((line[1:] if line.startswith(" ") else line).rstrip())
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return code, lines
