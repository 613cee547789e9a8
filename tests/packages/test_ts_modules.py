"""A package's TS/JS modules: entry points read from package.json."""

from __future__ import annotations

from docshelf.packages import installed, ts_modules


def test_entry_points_without_an_exports_map_use_main_and_types(
    core: installed.InstalledPackage,
) -> None:
    assert [e.import_path for e in ts_modules.PackageModules(core).entries] == ["@mastra/core"]
