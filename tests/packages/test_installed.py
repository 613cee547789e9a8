"""Installed packages of a project, resolved from node_modules as Node would."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_packages import (
    link,
    make_bare,
    make_core,
    make_memory,
)

from docshelf.packages.embedded_docs import (
    package_doc_pages,
)
from docshelf.packages.errors import (
    InvalidPackageNameError,
    PackageNotInstalledError,
    ProjectNotFoundError,
)
from docshelf.packages.installed import (
    find_node_modules_package,
    get_installed_package,
    list_installed_packages,
)

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
    packages = {p.name: p for p in list_installed_packages(project / "src", "@mastra")}
    assert list(packages) == ["@mastra/core", "@mastra/memory", "@mastra/schema-compat"]
    assert packages["@mastra/memory"].version == "1.31.0"
    assert packages["@mastra/memory"].layout == "skill"
    assert packages["@mastra/core"].layout == "legacy"
    assert packages["@mastra/schema-compat"].docs_dir is None
    assert packages["@mastra/schema-compat"].layout is None


def test_list_installed_packages_without_a_scope_lists_every_package(project: Path) -> None:
    make_bare(project / "node_modules", "zod")
    make_bare(project / "node_modules", "@ai-sdk/openai", "2.0.0")
    (project / "node_modules" / ".bin").mkdir()
    names = [p.name for p in list_installed_packages(project)]
    assert names == [
        "@ai-sdk/openai",
        "@mastra/core",
        "@mastra/memory",
        "@mastra/schema-compat",
        "zod",
    ]


def test_a_miss_without_a_scope_lists_the_closest_installed_names(project: Path) -> None:
    make_bare(project / "node_modules", "zod")
    with pytest.raises(PackageNotInstalledError, match="Installed with a close name: zod"):
        get_installed_package(project, "zdo")


def test_list_installed_packages_of_another_scope(project: Path) -> None:
    make_bare(project / "node_modules", "@ai-sdk/openai", "2.0.0")
    assert [p.name for p in list_installed_packages(project, "@ai-sdk")] == ["@ai-sdk/openai"]
