"""An installed package's exports: the source map, .d.ts entry points, declarations, code."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from fake_packages import (
    make_package,
)

from docshelf.errors import UsageError
from docshelf.packages import installed
from docshelf.packages.api_surface import get_export_details, list_exports
from docshelf.packages.embedded_docs import (
    find_skill_info,
    list_doc_topics,
    read_package_doc,
)
from docshelf.packages.errors import (
    ExportNotFoundError,
)
from docshelf.packages.installed import (
    get_installed_package,
    list_installed_packages,
)

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
