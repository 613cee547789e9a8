"""Fixtures: a project with @mastra/memory (skill layout), @mastra/core (legacy) and a bare one."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_packages import make_bare, make_core, make_memory, write_files

from docshelf.packages import installed
from docshelf.packages.installed import get_installed_package


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
