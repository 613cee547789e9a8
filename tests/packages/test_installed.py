"""Installed packages: resolving them like Node, their embedded docs, and their exports."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest

from docshelf.errors import (
    DocFileNotFoundError,
    DocTopicNotFoundError,
    ExportNotFoundError,
    InvalidPackageNameError,
    NoEmbeddedDocsError,
    PackageNotInstalledError,
    ProjectNotFoundError,
    UnsafeDocPathError,
    UsageError,
)
from docshelf.packages import embedded_docs, installed, ts_modules
from docshelf.packages.api_surface import get_export_details, list_exports
from docshelf.packages.embedded_docs import (
    find_skill_info,
    list_doc_topics,
    package_doc_pages,
    read_package_doc,
)
from docshelf.packages.installed import (
    find_node_modules_package,
    get_installed_package,
    list_installed_packages,
)

# --- fixtures: small packages in the two layouts, written by the tests ----------------

SKILL_MD = """\
---
name: mastra-memory
description: Documentation for @mastra/memory. Use when working with @mastra/memory APIs.
metadata:
  package: "@mastra/memory"
  version: "1.31.0"
---

## When to use

Use this skill whenever you are working with @mastra/memory.

### Docs

- [Memory](references/docs-memory-overview.md) - Add memory to Mastra agents.

### Reference

- [Reference: Memory class](references/reference-memory-memory-class.md) - The Memory class.
"""

MEMORY_INDEX_DTS = """\
import { MastraMemory } from '@mastra/core/memory';
import { deepMerge } from './tools/merge.js';
export { deepMerge };
export * from './processors/index.js';
export { SemanticRecall } from '@mastra/core/processors';
/**
 * Gives agents conversation memory.
 *
 * @example
 * ```ts
 * export class NotReal {}
 * ```
 */
export declare class Memory extends MastraMemory {
    constructor(config?: {
        lastMessages?: number;
    });
    recall(threadId: string): Promise<string[]>;
}
/** Remembers a text. */
export declare function remember(text: string): void;
export declare function remember(text: string, scope: 'thread' | 'resource'): void;
export type MemoryScope = 'thread' | 'resource';
declare namespace internal {
    export class Hidden {
    }
}
"""

MEMORY_CHUNK_JS = """\
import { MastraMemory } from "@mastra/core/memory";
//#region src/index.ts
var Memory = class Memory extends MastraMemory {
\tconstructor(config = {}) {
\t\tsuper(config);
\t}
};
function remember(text, scope) {
\treturn [text, scope];
}
var Extractor = class Extractor {
\tconstructor(config) {
\t\tthis.name = config.name;
\t}
};
function deepMerge(a, b) {
\treturn { ...a, ...b };
}
//#endregion
export { Extractor as a, deepMerge as n, remember as r, Memory as t };
"""

MEMORY_FILES = {
    "dist/index.d.ts": MEMORY_INDEX_DTS,
    "dist/tools/merge.d.ts": (
        "/** Deep merges two objects. */\n"
        "export declare function deepMerge(a: object, b: object): object;\n"
    ),
    "dist/processors/index.d.ts": "export * from './om/index.js';\n",
    "dist/processors/om/index.d.ts": (
        "export { Extractor, type ExtractorConfig } from './extractor.js';\n"
    ),
    "dist/processors/om/extractor.d.ts": (
        "export interface ExtractorConfig {\n    name: string;\n}\n"
        "/** Pulls facts out of messages. */\n"
        "export declare class Extractor<T = unknown> {\n"
        "    constructor(config: ExtractorConfig);\n}\n"
    ),
    "dist/index.js": (
        "import { a as Extractor, n as deepMerge, r as remember, t as Memory }"
        ' from "./src-abc.js";\n'
        'import { SemanticRecall } from "@mastra/core/processors";\n'
        "export { Extractor, Memory, SemanticRecall, deepMerge, remember };\n"
    ),
    "dist/processors/index.js": (
        'import { a as Extractor } from "../src-abc.js";\nexport { Extractor };\n'
    ),
    "dist/src-abc.js": MEMORY_CHUNK_JS,
    "dist/docs/SKILL.md": SKILL_MD,
    "dist/docs/references/docs-memory-overview.md": "# Memory\n\nMemory gives agents context.\n",
    "dist/docs/references/reference-memory-memory-class.md": (
        "# Reference: Memory class\n\n`new Memory()` creates memory.\n"
    ),
    "dist/docs/assets/SOURCE_MAP.json": json.dumps(
        {
            "version": "1.31.0",
            "package": "@mastra/memory",
            "exports": {},
            "modules": {"processors": {"index": "dist/processors/index.js", "chunks": []}},
        }
    ),
}


def _conditional(stem: str) -> dict[str, object]:
    return {
        "import": {"types": f"./dist/{stem}.d.ts", "default": f"./dist/{stem}.js"},
        "require": {"types": f"./dist/{stem}.d.ts", "default": f"./dist/{stem}.cjs"},
    }


MEMORY_MANIFEST = {
    "name": "@mastra/memory",
    "version": "1.31.0",
    "exports": {
        ".": _conditional("index"),
        "./processors": _conditional("processors/index"),
        "./package.json": "./package.json",
    },
}

CORE_FILES = {
    "dist/index.d.ts": (
        "export { Agent } from './agent/agent.js';\n"
        "export { TripWire } from './agent/trip-wire.js';\n"
    ),
    "dist/agent/agent.d.ts": (
        "/**\n * The Agent class.\n */\nexport declare class Agent {\n"
        "    generate(prompt: string): Promise<string>;\n}\n"
    ),
    "dist/agent/trip-wire.d.ts": "export declare class TripWire extends Error {\n}\n",
    "dist/index.js": "export { Agent, TripWire } from './chunk-ABC.js';\n",
    "dist/chunk-ABC.js": (
        "// line 1\n// line 2\n// line 3\n// line 4\n"
        "var Agent = class extends MastraBase {\n"
        "  generate(prompt) {\n    return prompt;\n  }\n};\n"
        "var TripWire = class extends Error {\n};\n"
        "export { Agent, TripWire };\n"
    ),
    "dist/docs/SOURCE_MAP.json": json.dumps(
        {
            "version": "1.2.0",
            "package": "@mastra/core",
            "exports": {
                "Agent": {
                    "types": "dist/agent/agent.d.ts",
                    "implementation": "dist/chunk-ABC.js",
                    "line": 5,
                },
                "TripWire": {"types": "dist/index.d.ts", "implementation": "dist/chunk-ABC.js"},
            },
            "modules": {},
        }
    ),
    "dist/docs/SKILL.md": (
        "---\nname: mastra-core-docs\ndescription: Documentation for @mastra/core.\n---\n\n"
        "# @mastra/core Documentation\n\n> **Version**: 1.2.0\n"
    ),
    "dist/docs/README.md": "# @mastra/core Documentation\n",
    "dist/docs/agents/01-overview.md": "> Overview.\n\n# Using Agents\n\nAgents use LLMs.\n",
    "dist/docs/agents/02-using-tools.md": "# Using Tools\n\nTools extend agents.\n",
    "dist/docs/memory/01-overview.md": "# Memory\n\nMemory overview.\n",
}

CORE_MANIFEST = {
    "name": "@mastra/core",
    "version": "1.2.0",
    "main": "dist/index.js",
    "types": "dist/index.d.ts",
}


def write_files(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def make_package(
    folder: Path, manifest: Mapping[str, object], files: dict[str, str] | None = None
) -> Path:
    write_files(folder, {"package.json": json.dumps(manifest), **(files or {})})
    return folder


def make_memory(node_modules: Path, version: str = "1.31.0") -> Path:
    manifest = {**MEMORY_MANIFEST, "version": version}
    return make_package(node_modules / "@mastra" / "memory", manifest, MEMORY_FILES)


def make_core(node_modules: Path) -> Path:
    return make_package(node_modules / "@mastra" / "core", CORE_MANIFEST, CORE_FILES)


def make_bare(node_modules: Path, name: str, version: str = "1.3.11") -> Path:
    return make_package(node_modules / name, {"name": name, "version": version})


def link(target: Path, at: Path) -> None:
    at.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, at, target_is_directory=target.is_dir())


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    make_memory(root / "node_modules")
    make_core(root / "node_modules")
    make_bare(root / "node_modules", "@mastra/schema-compat")
    write_files(root, {"package.json": '{"name": "app"}', "src/agents/index.ts": ""})
    return root


@pytest.fixture
def memory(project: Path) -> installed.InstalledPackage:
    return get_installed_package(project, "@mastra/memory")


@pytest.fixture
def core(project: Path) -> installed.InstalledPackage:
    return get_installed_package(project, "@mastra/core")


# --- resolving packages ---------------------------------------------------------------


def test_find_package_in_flat_node_modules_returns_its_folder(project: Path) -> None:
    found = find_node_modules_package(project, "@mastra/memory")
    assert found == (project / "node_modules/@mastra/memory").resolve()


def test_find_package_walks_up_from_a_subdirectory(project: Path) -> None:
    found = find_node_modules_package(project / "src" / "agents", "@mastra/core")
    assert found == (project / "node_modules/@mastra/core").resolve()


def test_project_path_may_name_a_file_in_the_project(project: Path) -> None:
    assert find_node_modules_package(project / "package.json", "@mastra/core") is not None


def test_nearest_node_modules_shadows_a_farther_copy(tmp_path: Path) -> None:
    make_memory(tmp_path / "node_modules", version="1.0.0")
    make_memory(tmp_path / "app" / "node_modules", version="1.31.0")
    assert get_installed_package(tmp_path / "app", "@mastra/memory").version == "1.31.0"
    assert get_installed_package(tmp_path, "@mastra/memory").version == "1.0.0"


def test_find_package_follows_pnpm_symlink_into_the_virtual_store(tmp_path: Path) -> None:
    node_modules = tmp_path / "app" / "node_modules"
    store = node_modules / ".pnpm" / "@mastra+memory@1.31.0" / "node_modules"
    real = make_memory(store)
    link(
        Path("../.pnpm/@mastra+memory@1.31.0/node_modules/@mastra/memory"),
        node_modules / "@mastra" / "memory",
    )
    pkg = get_installed_package(tmp_path / "app", "@mastra/memory")
    assert pkg.root == real.resolve()
    assert pkg.layout == "skill"
    assert [p.name for p in list_installed_packages(tmp_path / "app")] == ["@mastra/memory"]


def test_find_package_follows_symlink_into_an_ancestor_pnpm_store(tmp_path: Path) -> None:
    # A pnpm workspace: the app's node_modules links into the store at the workspace root.
    store = tmp_path / "node_modules" / ".pnpm" / "@mastra+core@1.2.0" / "node_modules"
    real = make_core(store)
    app = tmp_path / "apps" / "web"
    link(real, app / "node_modules" / "@mastra" / "core")
    assert find_node_modules_package(app, "@mastra/core") == real.resolve()


def test_find_package_accepts_workspace_link_inside_the_project(tmp_path: Path) -> None:
    real = make_core(tmp_path / "packages")
    link(Path("../../packages/@mastra/core"), tmp_path / "node_modules" / "@mastra" / "core")
    assert find_node_modules_package(tmp_path, "@mastra/core") == real.resolve()


def test_find_package_refuses_symlink_that_leaves_the_project(tmp_path: Path) -> None:
    outside = make_core(tmp_path / "elsewhere")
    app = tmp_path / "app"
    make_core(tmp_path / "node_modules")  # a farther copy must not be used instead
    link(outside, app / "node_modules" / "@mastra" / "core")

    assert find_node_modules_package(app, "@mastra/core") is None
    with pytest.raises(PackageNotInstalledError) as raised:
        get_installed_package(app, "@mastra/core")
    message = str(raised.value)
    assert "Not followed" in message
    assert str(outside.resolve()) in message
    assert list_installed_packages(app) == []


def test_symlinked_node_modules_folder_outside_the_project_is_refused(tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "node_modules"
    make_memory(cache)
    app = tmp_path / "app"
    app.mkdir()
    link(cache, app / "node_modules")
    assert find_node_modules_package(app, "@mastra/memory") is None


def test_symlink_loops_are_skipped_not_fatal(tmp_path: Path) -> None:
    make_memory(tmp_path / "node_modules")
    link(Path("loop"), tmp_path / "node_modules" / "@mastra" / "loop")
    assert [p.name for p in list_installed_packages(tmp_path)] == ["@mastra/memory"]
    assert find_node_modules_package(tmp_path, "@mastra/loop") is None
    docs = tmp_path / "node_modules/@mastra/memory/dist/docs"
    link(Path("spin.md"), docs / "spin.md")
    pkg = get_installed_package(tmp_path, "@mastra/memory")
    assert "spin.md" not in [page.path for page in package_doc_pages(pkg)]


def test_missing_package_error_lists_searched_folders_and_install_command(
    project: Path,
) -> None:
    assert find_node_modules_package(project, "@mastra/rag") is None
    with pytest.raises(PackageNotInstalledError) as raised:
        get_installed_package(project, "@mastra/rag")
    message = str(raised.value)
    assert str(project / "node_modules") in message
    assert "npm install @mastra/rag" in message
    assert "@mastra/memory" in message  # what is installed instead


def test_missing_package_without_any_node_modules_says_so(tmp_path: Path) -> None:
    with pytest.raises(PackageNotInstalledError, match="no node_modules folder"):
        get_installed_package(tmp_path, "@mastra/memory")


@pytest.mark.parametrize("name", ["../etc", "@mastra/../../x", "@mastra/a/b", "/abs", ""])
def test_invalid_package_names_are_refused(project: Path, name: str) -> None:
    with pytest.raises(InvalidPackageNameError):
        find_node_modules_package(project, name)


def test_missing_project_path_says_to_pass_the_project_root(tmp_path: Path) -> None:
    with pytest.raises(ProjectNotFoundError, match=r"package\.json"):
        list_installed_packages(tmp_path / "nope")


def test_list_installed_packages_scans_the_scope_folder(project: Path) -> None:
    make_bare(project / "node_modules", "zod")
    packages = {p.name: p for p in list_installed_packages(project / "src")}
    assert list(packages) == ["@mastra/core", "@mastra/memory", "@mastra/schema-compat"]
    assert packages["@mastra/memory"].version == "1.31.0"
    assert packages["@mastra/memory"].layout == "skill"
    assert packages["@mastra/core"].layout == "legacy"
    assert packages["@mastra/schema-compat"].docs_dir is None
    assert packages["@mastra/schema-compat"].layout is None


def test_list_installed_packages_of_another_scope(project: Path) -> None:
    make_bare(project / "node_modules", "@ai-sdk/openai", "2.0.0")
    assert [p.name for p in list_installed_packages(project, "@ai-sdk")] == ["@ai-sdk/openai"]


# --- embedded docs ---------------------------------------------------------------------


def test_package_without_docs_raises_with_its_version_and_the_upgrade(project: Path) -> None:
    bare = get_installed_package(project, "@mastra/schema-compat")
    with pytest.raises(NoEmbeddedDocsError) as raised:
        list_doc_topics(bare)
    message = str(raised.value)
    assert "1.3.11" in message
    assert "dist/docs" in message
    assert "npm install @mastra/schema-compat@latest" in message


def test_skill_layout_topics_are_skill_and_references(memory: installed.InstalledPackage) -> None:
    topics = list_doc_topics(memory)
    assert [t.name for t in topics] == ["SKILL", "references"]
    assert topics[1].files == (
        "references/docs-memory-overview.md",
        "references/reference-memory-memory-class.md",
    )


def test_legacy_layout_topics_are_the_top_level_folders(core: installed.InstalledPackage) -> None:
    assert [t.name for t in list_doc_topics(core)] == ["SKILL", "agents", "memory"]


def test_read_without_arguments_lists_topics_and_loose_files(
    core: installed.InstalledPackage,
) -> None:
    result = read_package_doc(core)
    assert result.kind == "listing"
    assert "- agents: 2 files" in result.text
    assert "README.md" in result.text


def test_read_file_with_or_without_md_suffix(memory: installed.InstalledPackage) -> None:
    for file in ("references/docs-memory-overview.md", "references/docs-memory-overview"):
        result = read_package_doc(memory, file=file)
        assert result.kind == "page"
        assert result.path == "references/docs-memory-overview.md"
        assert result.title == "Memory"
        assert result.version == "1.31.0"


def test_read_file_relative_to_its_topic(core: installed.InstalledPackage) -> None:
    result = read_package_doc(core, topic="agents", file="02-using-tools")
    assert result.path == "agents/02-using-tools.md"
    assert result.title == "Using Tools"


def test_read_small_legacy_topic_returns_every_file(core: installed.InstalledPackage) -> None:
    result = read_package_doc(core, topic="agents")
    assert result.kind == "page"
    assert "## agents/01-overview.md" in result.text
    assert "Tools extend agents." in result.text


def test_read_skill_topic_returns_skill_md(memory: installed.InstalledPackage) -> None:
    result = read_package_doc(memory, topic="skill")
    assert result.path == "SKILL.md"
    assert "## When to use" in result.text


def test_read_large_topic_returns_a_listing_with_skill_descriptions(
    memory: installed.InstalledPackage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embedded_docs, "MAX_TOPIC_CHARS", 10)
    result = read_package_doc(memory, topic="references")
    assert result.kind == "listing"
    assert (
        "- references/docs-memory-overview.md: Memory - Add memory to Mastra agents." in result.text
    )


@pytest.mark.parametrize(
    "file",
    [
        "../package.json",
        "references/../../package.json",
        "..\\package.json",
        "/etc/passwd",
        "C:/Windows/win.ini",
    ],
)
def test_file_paths_that_leave_the_docs_folder_are_refused(
    memory: installed.InstalledPackage, file: str
) -> None:
    with pytest.raises(UnsafeDocPathError, match="Invalid docs path"):
        read_package_doc(memory, file=file)


@pytest.mark.parametrize("topic", ["..", "../dist", "/references"])
def test_topics_that_leave_the_docs_folder_are_refused(
    memory: installed.InstalledPackage, topic: str
) -> None:
    with pytest.raises(UnsafeDocPathError):
        read_package_doc(memory, topic=topic)


def test_symlink_in_docs_pointing_outside_is_neither_read_nor_listed(
    tmp_path: Path, project: Path
) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("# Secret\n", encoding="utf-8")
    docs = project / "node_modules/@mastra/memory/dist/docs"
    link(secret, docs / "references" / "leak.md")
    pkg = get_installed_package(project, "@mastra/memory")

    with pytest.raises(UnsafeDocPathError, match="outside the docs folder"):
        read_package_doc(pkg, file="references/leak.md")
    assert "references/leak.md" not in list_doc_topics(pkg)[1].files
    assert all("Secret" not in page.text for page in package_doc_pages(pkg))


def test_missing_doc_file_suggests_the_closest_paths(memory: installed.InstalledPackage) -> None:
    with pytest.raises(DocFileNotFoundError) as raised:
        read_package_doc(memory, file="references/docs-memroy-overview.md")
    assert raised.value.suggestions[0] == "references/docs-memory-overview.md"
    assert "Did you mean" in str(raised.value)


def test_unknown_topic_lists_the_topics(core: installed.InstalledPackage) -> None:
    with pytest.raises(DocTopicNotFoundError, match="SKILL, agents, memory"):
        read_package_doc(core, topic="workflows")


def test_package_doc_pages_yields_every_markdown_file(core: installed.InstalledPackage) -> None:
    pages = list(package_doc_pages(core))
    assert [p.path for p in pages] == [
        "README.md",
        "SKILL.md",
        "agents/01-overview.md",
        "agents/02-using-tools.md",
        "memory/01-overview.md",
    ]
    assert pages[-1].text == "# Memory\n\nMemory overview.\n"


def test_skill_info_reads_nested_front_matter_and_the_reference_index(
    memory: installed.InstalledPackage,
) -> None:
    info = find_skill_info(memory)
    assert info is not None
    assert (info.name, info.package, info.version) == (
        "mastra-memory",
        "@mastra/memory",
        "1.31.0",
    )
    assert [(r.section, r.path) for r in info.references] == [
        ("Docs", "references/docs-memory-overview.md"),
        ("Reference", "references/reference-memory-memory-class.md"),
    ]


# --- exports ---------------------------------------------------------------------------


def test_source_map_exports_carry_lines_and_import_paths(
    core: installed.InstalledPackage,
) -> None:
    exports = {e.name: e for e in list_exports(core)}
    assert list(exports) == ["Agent", "TripWire"]
    agent = exports["Agent"]
    assert (agent.types_file, agent.implementation_file, agent.line) == (
        "dist/agent/agent.d.ts",
        "dist/chunk-ABC.js",
        5,
    )
    assert agent.source == "source-map"
    assert agent.import_path == "@mastra/core"


def test_exports_come_from_type_entry_points_when_the_source_map_is_empty(
    memory: installed.InstalledPackage,
) -> None:
    exports = {e.name: e for e in list_exports(memory)}
    assert set(exports) == {
        "deepMerge",
        "Extractor",
        "ExtractorConfig",
        "Memory",
        "MemoryScope",
        "remember",
        "SemanticRecall",
    }
    assert exports["Memory"].import_path == "@mastra/memory"
    assert exports["Memory"].source == "types"
    assert exports["Extractor"].import_path == "@mastra/memory"  # the root entry wins


def test_exports_in_doc_comments_and_namespaces_are_not_listed(
    memory: installed.InstalledPackage,
) -> None:
    names = {e.name for e in list_exports(memory)}
    assert "NotReal" not in names
    assert "Hidden" not in names


def test_filter_keeps_names_containing_it_case_insensitively(
    memory: installed.InstalledPackage,
) -> None:
    assert [e.name for e in list_exports(memory, filter="MEMORY")] == ["Memory", "MemoryScope"]


def test_export_details_follow_reexports_to_the_declaration(
    memory: installed.InstalledPackage,
) -> None:
    details = get_export_details(memory, "Extractor")
    assert details.kind == "class"
    assert details.declaration_file == "dist/processors/om/extractor.d.ts"
    assert details.declaration_line == 5
    assert details.types is not None
    assert details.types.startswith("/** Pulls facts out of messages. */\nexport declare class")
    assert details.types.endswith("}")
    assert details.implementation is None


def test_export_details_of_an_imported_then_exported_name(
    memory: installed.InstalledPackage,
) -> None:
    details = get_export_details(memory, "deepMerge")
    assert details.declaration_file == "dist/tools/merge.d.ts"
    assert details.kind == "function"


def test_export_details_keep_the_doc_comment_and_the_whole_class(
    memory: installed.InstalledPackage,
) -> None:
    details = get_export_details(memory, "Memory")
    assert details.types is not None
    lines = details.types.splitlines()
    assert lines[0] == "/**"
    assert "export declare class Memory extends MastraMemory {" in lines
    assert lines[-1] == "}"
    assert "remember" not in details.types


def test_export_details_of_function_overloads_include_every_signature(
    memory: installed.InstalledPackage,
) -> None:
    details = get_export_details(memory, "remember")
    assert details.types == (
        "/** Remembers a text. */\n"
        "export declare function remember(text: string): void;\n"
        "export declare function remember(text: string, scope: 'thread' | 'resource'): void;"
    )


def test_export_details_find_the_implementation_through_bundle_aliases(
    memory: installed.InstalledPackage,
) -> None:
    details = get_export_details(
        memory, "Memory", include_implementation=True, implementation_lines=2
    )
    assert details.implementation_file == "dist/src-abc.js"
    assert details.implementation_line == 3
    assert details.implementation == (
        "var Memory = class Memory extends MastraMemory {\n\tconstructor(config = {}) {"
    )


def test_export_details_use_the_source_map_line(core: installed.InstalledPackage) -> None:
    details = get_export_details(
        core, "Agent", include_types=False, include_implementation=True, implementation_lines=1
    )
    assert details.types is None
    assert details.kind == "class"
    assert (details.implementation_file, details.implementation_line) == ("dist/chunk-ABC.js", 5)
    assert details.implementation == "var Agent = class extends MastraBase {"


def test_export_details_search_the_chunk_when_the_source_map_has_no_line(
    core: installed.InstalledPackage,
) -> None:
    details = get_export_details(core, "TripWire", include_implementation=True)
    assert details.declaration_file == "dist/agent/trip-wire.d.ts"
    assert details.implementation_line == 10


def test_export_details_report_a_reexport_from_another_package(
    memory: installed.InstalledPackage,
) -> None:
    details = get_export_details(memory, "SemanticRecall", include_implementation=True)
    assert details.kind == "re-export"
    assert details.types == "export { SemanticRecall } from '@mastra/core/processors';"
    assert len(details.notes) == 1
    assert "'@mastra/core/processors'" in details.notes[0]


def test_unknown_export_suggests_names_in_another_case_and_close_ones(
    memory: installed.InstalledPackage,
) -> None:
    with pytest.raises(ExportNotFoundError) as raised:
        get_export_details(memory, "memory")
    assert raised.value.suggestions[:2] == ["Memory", "MemoryScope"]
    with pytest.raises(ExportNotFoundError, match="Did you mean: Memory"):
        get_export_details(memory, "Memroy")


def test_source_map_paths_outside_the_package_are_not_read(tmp_path: Path) -> None:
    (tmp_path / "secret.d.ts").write_text("export declare class Secret {}\n", encoding="utf-8")
    source_map = {
        "exports": {
            "Secret": {"types": "../../../secret.d.ts", "implementation": "/etc/passwd", "line": 1}
        }
    }
    files = {"dist/docs/SOURCE_MAP.json": json.dumps(source_map)}
    make_package(tmp_path / "node_modules/@mastra/evil", {"name": "@mastra/evil"}, files)
    pkg = get_installed_package(tmp_path, "@mastra/evil")

    details = get_export_details(pkg, "Secret", include_implementation=True)
    assert details.types is None
    assert details.implementation is None
    assert len(details.notes) == 2


def test_implementation_lines_must_be_positive(memory: installed.InstalledPackage) -> None:
    with pytest.raises(UsageError, match="at least 1"):
        get_export_details(memory, "Memory", implementation_lines=0)


def test_entry_points_without_an_exports_map_use_main_and_types(
    core: installed.InstalledPackage,
) -> None:
    assert [e.import_path for e in ts_modules.PackageModules(core).entries] == ["@mastra/core"]


# --- against a real install ------------------------------------------------------------


@pytest.mark.network
def test_real_mastra_memory_1_31_0_lists_reads_and_explains_its_exports(
    tmp_path: Path,
) -> None:
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not on PATH; this test installs @mastra/memory@1.31.0 with npm")
    (tmp_path / "package.json").write_text('{"name": "probe", "private": true}\n')
    done = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", "@mastra/memory@1.31.0"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr

    names = [p.name for p in list_installed_packages(tmp_path)]
    assert {"@mastra/core", "@mastra/memory"} <= set(names)
    pkg = get_installed_package(tmp_path, "@mastra/memory")
    assert (pkg.version, pkg.layout) == ("1.31.0", "skill")

    topics = list_doc_topics(pkg)
    assert [t.name for t in topics] == ["SKILL", "references"]
    assert len(topics[1].files) == 49
    info = find_skill_info(pkg)
    assert info is not None
    assert (info.name, info.version) == ("mastra-memory", "1.31.0")
    page = read_package_doc(pkg, file="references/docs-memory-overview.md")
    assert page.title == "Memory"

    # 1.31.0's SOURCE_MAP.json lists no exports: they come from the .d.ts entry points.
    exports = {e.name: e for e in list_exports(pkg)}
    assert exports["Memory"].import_path == "@mastra/memory"
    assert exports["ObservationalMemory"].import_path == "@mastra/memory/processors"

    memory = get_export_details(pkg, "Memory", include_implementation=True)
    assert memory.kind == "class"
    assert memory.declaration_file == "dist/index.d.ts"
    assert memory.types is not None
    assert "export declare class Memory extends MastraMemory {" in memory.types
    assert (memory.implementation_file, memory.implementation_line) == (
        "dist/src-zTE4189S.js",
        31019,
    )
    assert memory.implementation is not None
    assert memory.implementation.startswith("var Memory = class Memory extends MastraMemory {")

    extractor = get_export_details(pkg, "Extractor")
    assert extractor.declaration_file == "dist/processors/observational-memory/extractor.d.ts"
    recall = get_export_details(pkg, "SemanticRecall")
    assert recall.kind == "re-export"
    assert "@mastra/core/processors" in recall.notes[0]

    with pytest.raises(ExportNotFoundError, match="Did you mean: Memory"):
        get_export_details(pkg, "Memroy")
