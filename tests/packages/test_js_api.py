from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fake_packages import KIT_FILES, KIT_MANIFEST, link, make_kit, make_package, write_files

from docshelf.packages import api
from docshelf.packages.errors import (
    AmbiguousPackageError,
    ExportNotFoundError,
    NotInstalledError,
    PackageNotInstalledError,
)
from docshelf.packages.project import open_project
from docshelf.server.profiles.mastra import MASTRA_VOICE
from docshelf.server.tooling import TOOLS_VOICE
from docshelf.wording import speaking


@pytest.fixture
def npm_project(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    write_files(root, {"package.json": json.dumps({"dependencies": {"kit": "^2"}})})
    make_kit(root / "node_modules")
    make_package(
        root / "node_modules" / "@scope" / "types-only",
        {"name": "@scope/types-only", "version": "0.1.0", "types": "index.d.ts"},
        {"index.d.ts": "export declare function only(): void;\n"},
    )
    return root


def exported(listing) -> dict[str, tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {e.name: (e.kind, e.module) for e in listing.exports}


def test_npm_exports_have_kinds_entry_points_and_doc_summaries(npm_project: Path) -> None:
    listing = api.list_exports(open_project(npm_project), "kit")
    kinds = exported(listing)
    assert kinds["createKit"] == ("function", "kit")
    assert kinds["Kit"] == ("class", "kit")
    assert kinds["Part"] == ("interface", "kit")
    assert kinds["PartId"] == ("type", "kit")
    assert kinds["VERSION"] == ("const", "kit")
    assert kinds["Options"] == ("interface", "kit")  # imported, then exported
    assert kinds["join"] == ("function", "kit")  # export *
    assert kinds["serve"] == ("function", "kit/server")
    assert kinds["z"][0] == "re-export"  # from another package
    kit = next(e for e in listing.exports if e.name == "Kit")
    assert (kit.file, kit.summary) == ("dist/index.d.ts", "A kit of parts.")
    assert listing.package.summary == "Kits of parts" and listing.package.direct


def test_a_subfolder_reads_the_packages_node_would_find_above_it(npm_project: Path) -> None:
    (npm_project / "packages" / "web").mkdir(parents=True)
    project = open_project(npm_project / "packages" / "web")
    assert "createKit" in exported(api.list_exports(project, "kit"))
    assert "kit" in [p.name for p in api.list_packages(project).packages]


def test_a_subpath_lists_only_that_entry_point(npm_project: Path) -> None:
    listing = api.list_exports(open_project(npm_project), "kit/server")
    assert list(exported(listing)) == ["serve"]


def test_an_overloaded_function_shows_every_overload_and_its_parsed_doc_comment(
    npm_project: Path,
) -> None:
    detail = api.get_export(open_project(npm_project), "kit", "createKit", include_source=True)
    assert detail.signature.count("export declare function createKit") == 2
    assert detail.import_line == "import { createKit } from 'kit'"
    sections = {s.title: s.lines for s in detail.docstring}
    assert sections[""] == ("Makes a kit.",)
    assert sections["Parameters"] == ("- name: What to call it.",)
    assert sections["Returns"] == ("A kit.",)
    assert "createKit('a')" in "\n".join(sections["Examples"])
    assert detail.source is not None and "export function createKit" in detail.source


def test_a_class_declaration_is_shown_whole(npm_project: Path) -> None:
    detail = api.get_export(open_project(npm_project), "kit", "Kit")
    assert detail.kind == "class"
    assert "add(part: string): this;" in detail.signature and detail.signature.endswith("}")


def test_a_package_with_only_a_types_field_is_read(npm_project: Path) -> None:
    assert "only" in exported(api.list_exports(open_project(npm_project), "@scope/types-only"))


def test_a_js_near_miss_suggests_the_export_and_how_to_list_them(npm_project: Path) -> None:
    with pytest.raises(ExportNotFoundError, match="Did you mean: Kit") as raised:
        api.get_export(open_project(npm_project), "kit", "kit")
    assert "`docshelf api kit --filter PART`" in str(raised.value)
    with speaking(TOOLS_VOICE):
        assert '`list_exports(package="kit", filter=<part>)`' in str(raised.value)
    with speaking(MASTRA_VOICE):
        assert '`getMastraExports(package="kit", filter=<part>)`' in str(raised.value)


def test_a_missing_package_lists_close_installed_names(npm_project: Path) -> None:
    with pytest.raises(NotInstalledError, match="Did you mean: kit"):
        api.list_exports(open_project(npm_project), "kitt")
    with pytest.raises(PackageNotInstalledError):
        api.list_exports(open_project(npm_project), "@scope/nope")


def test_the_readme_of_an_npm_package_is_its_page(npm_project: Path) -> None:
    page = api.get_export(open_project(npm_project), "kit")
    assert "Build kits." in "\n".join(page.docstring[-1].lines)
    assert [m.name for m in page.members] == ["kit", "kit/server"]


def test_a_yarn_layout_with_a_nested_copy_resolves_the_hoisted_one(tmp_path: Path) -> None:
    root = tmp_path / "app"
    write_files(root, {"package.json": "{}", "node_modules/.yarn-integrity": "{}"})
    make_kit(root / "node_modules")
    nested = {**KIT_MANIFEST, "version": "1.0.0"}
    make_package(root / "node_modules" / "other" / "node_modules" / "kit", nested, KIT_FILES)
    make_package(root / "node_modules" / "other", {"name": "other", "version": "1.0.0"})
    listing = api.list_packages(open_project(root))
    assert [(p.name, p.version) for p in listing.packages] == [("kit", "2.1.0"), ("other", "1.0.0")]


def test_a_pnpm_layout_reads_the_linked_store_copy(tmp_path: Path) -> None:
    root = tmp_path / "app"
    write_files(root, {"package.json": json.dumps({"dependencies": {"kit": "2"}})})
    store = root / "node_modules" / ".pnpm" / "kit@2.1.0" / "node_modules"
    make_kit(store)
    link(store / "kit", root / "node_modules" / "kit")
    project = open_project(root)
    assert [p.name for p in api.list_packages(project).packages] == ["kit"]
    assert "createKit" in exported(api.list_exports(project, "kit"))


def test_a_symlink_loop_in_node_modules_does_not_hang(tmp_path: Path) -> None:
    root = tmp_path / "app"
    make_kit(root / "node_modules")
    os.symlink(root / "node_modules" / "loop", root / "node_modules" / "loop")
    os.symlink(root / "node_modules", root / "node_modules" / "@self")
    names = [p.name for p in api.list_packages(open_project(root)).packages]
    assert names == ["kit"]


def test_a_package_linking_outside_the_project_is_refused(tmp_path: Path) -> None:
    outside = make_kit(tmp_path / "elsewhere")
    root = tmp_path / "app"
    (root / "node_modules").mkdir(parents=True)
    link(outside, root / "node_modules" / "kit")
    project = open_project(root)
    assert api.list_packages(project).packages == ()
    with pytest.raises(PackageNotInstalledError, match="outside the project"):
        api.list_exports(project, "kit")


def test_a_name_in_both_worlds_must_be_said_with_a_prefix(tmp_path: Path) -> None:
    from fake_python import make_dist, make_venv

    root = tmp_path / "app"
    site = make_venv(root)
    make_dist(site, "kit", "9.0.0", {"kit/__init__.py": "def py_kit() -> None: ...\n"})
    make_kit(root / "node_modules")
    project = open_project(root)
    with pytest.raises(AmbiguousPackageError, match="'npm:kit' or 'pypi:kit'"):
        api.list_exports(project, "kit")
    assert "py_kit" in exported(api.list_exports(project, "pypi:kit"))
    assert "createKit" in exported(api.list_exports(project, "npm:kit"))
