"""Mastra profile, installed-package tools: the answers as text for an agent."""

from __future__ import annotations

from docshelf.packages.api_surface import get_export_details, list_exports
from docshelf.packages.docs_index import PackageDocsIndex
from docshelf.packages.embedded_docs import read_package_doc
from docshelf.packages.installed import (
    InstalledPackage,
    get_installed_package,
    list_installed_packages,
)
from docshelf.shelf import Shelf

MAX_EXPORTS_LISTED = 400
MASTRA_SCOPE = "@mastra"  # the general readers, asked for this scope's packages


def mastra_help(project_path: str, library: str) -> str:
    packages = list_installed_packages(project_path, MASTRA_SCOPE)
    with_docs = [p for p in packages if p.docs_dir is not None]
    lines = [
        "# docshelf: Mastra documentation tools",
        "",
        "Two sources of docs:",
        f"- The Mastra docs site, indexed by docshelf (library `{library}`): `mastraDocs` "
        "(read by path, with `queryKeywords` for ranked suggestions) and `mastraMigration` "
        "(upgrade guides).",
        "- Docs embedded in the @mastra packages installed in your project, matching your "
        "installed versions exactly: `listMastraPackages`, `readMastraDocs`, "
        "`searchMastraDocs`, `getMastraExports`, `getMastraExportDetails`.",
        "",
        "Also: the Mastra course (`startMastraCourse`, `nextMastraCourseStep`, ...).",
        "",
        f"## Installed @mastra packages under {project_path}",
    ]
    if not packages:
        lines.append(
            "None found in node_modules (searched from this folder upwards). Install one, "
            "e.g. `npm install @mastra/core`, or use mastraDocs for the docs site."
        )
    for pkg in packages:
        docs = f"embedded docs ({pkg.layout} layout)" if pkg.docs_dir else "no embedded docs"
        lines.append(f"- {pkg.name}@{pkg.version}: {docs}")
    if with_docs:
        first = with_docs[0].name
        lines += [
            "",
            "Start with, for example:",
            f'- readMastraDocs(package="{first}", projectPath=...) to see its topics',
            f'- getMastraExports(package="{first}", projectPath=...) for its API surface',
        ]
    return "\n".join(lines)


def mastra_packages(project_path: str) -> str:
    packages = [
        p for p in list_installed_packages(project_path, MASTRA_SCOPE) if p.docs_dir is not None
    ]
    if not packages:
        return (
            f"No installed @mastra package with embedded docs under {project_path}. "
            "Packages ship docs in dist/docs from @mastra/core 1.0 and @mastra/memory 1.0 on; "
            "install or upgrade one (`npm install @mastra/core@latest`), or use mastraDocs."
        )
    lines = [f"@mastra packages with embedded docs under {project_path}:"]
    lines += [f"- {p.name}@{p.version} ({p.layout} layout)" for p in packages]
    lines.append("\nRead one with readMastraDocs(package=..., projectPath=...).")
    return "\n".join(lines)


def mastra_exports(project_path: str, package: str, filter: str | None) -> str:
    pkg = get_installed_package(project_path, package, fallback_scope=MASTRA_SCOPE)
    exports = list_exports(pkg, filter)
    title = f"Exports of {pkg.name}@{pkg.version}" + (f" matching {filter!r}" if filter else "")
    if not exports:
        return f"{title}: none. Try a shorter filter, or no filter."
    lines = [f"{title} ({len(exports)}):"]
    for export in exports[:MAX_EXPORTS_LISTED]:
        where = f" from '{export.import_path}'" if export.import_path else ""
        impl = (
            f" (implementation: {export.implementation_file}" if export.implementation_file else ""
        )
        if impl:
            impl += f":{export.line})" if export.line else ")"
        lines.append(f"- {export.name}{where}{impl}")
    if len(exports) > MAX_EXPORTS_LISTED:
        lines.append(
            f"... and {len(exports) - MAX_EXPORTS_LISTED} more: narrow them with `filter`."
        )
    lines.append("\nDetails of one: getMastraExportDetails(package, exportName, projectPath).")
    return "\n".join(lines)


def mastra_export_details(
    project_path: str,
    package: str,
    export_name: str,
    include_types: bool,
    include_implementation: bool,
    implementation_lines: int,
) -> str:
    pkg = get_installed_package(project_path, package, fallback_scope=MASTRA_SCOPE)
    details = get_export_details(
        pkg, export_name, include_types, include_implementation, implementation_lines
    )
    lines = [f"# {details.export.name} ({details.kind or 'export'}) in {pkg.name}@{pkg.version}"]
    if details.export.import_path:
        lines.append(
            f"\nImport: `import {{ {details.export.name} }} from '{details.export.import_path}'`"
        )
    if details.types:
        lines.append(
            f"\n## Type definition ({details.declaration_file}:{details.declaration_line})"
            f"\n\n```typescript\n{details.types}\n```"
        )
    if details.implementation:
        lines.append(
            f"\n## Implementation ({details.implementation_file}:{details.implementation_line})"
            f"\n\n```javascript\n{details.implementation}\n```"
        )
    lines += [f"\nNote: {note}" for note in details.notes]
    return "\n".join(lines)


def mastra_read_package_docs(
    project_path: str, package: str, topic: str | None, file: str | None
) -> str:
    pkg = get_installed_package(project_path, package, fallback_scope=MASTRA_SCOPE)
    result = read_package_doc(pkg, topic, file)
    return result.text


def mastra_search_package_docs(
    shelf: Shelf,
    index: PackageDocsIndex,
    library: str,
    project_path: str,
    query: str,
    package: str | None,
    max_results: int,
) -> str:
    packages: list[InstalledPackage]
    if package:
        packages = [get_installed_package(project_path, package, fallback_scope=MASTRA_SCOPE)]
    else:
        packages = [
            p for p in list_installed_packages(project_path, MASTRA_SCOPE) if p.docs_dir is not None
        ]
    found = index.search(packages, query, max_results) if packages else []
    if found:
        lines = [f"Best matches for {query!r} in your installed packages' docs:"]
        for i, item in enumerate(found, 1):
            hit = item.hit
            heading = f" — {hit.heading}" if hit.heading else ""
            lines.append(f"\n{i}. {item.package}@{item.version}: {hit.path}{heading}")
            if hit.snippet:
                lines.append(f"   {hit.snippet}")
        lines.append("\nRead a file with readMastraDocs(package, projectPath, file=<path>).")
        return "\n".join(lines)
    hits = shelf.search(query, library=library, limit=max_results)
    note = (
        f"No installed @mastra package with embedded docs under {project_path}"
        if not packages
        else f"Nothing in the installed packages' docs matches {query!r}"
    )
    lines = [f"{note}; showing the Mastra docs site ({library}) instead:"]
    for i, hit in enumerate(hits, 1):
        lines.append(f"\n{i}. {hit.path}: {hit.title}")
        if hit.snippet:
            lines.append(f"   {hit.snippet}")
    if not hits:
        lines.append("(no matches there either: try other words)")
    lines.append("\nRead a page with mastraDocs(paths=[<path>]).")
    return "\n".join(lines)
