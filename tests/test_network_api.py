"""Real packages, pinned: httpx and pydantic from PyPI, zod and hono from npm."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from docshelf.packages import api
from docshelf.packages.project import open_project

pytestmark = pytest.mark.network


@pytest.fixture(scope="module")
def python_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("pypi") / "site-packages"
    subprocess.run(
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            "--no-input", "--target", str(site), "httpx==0.28.1", "pydantic==2.11.7",
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )  # fmt: skip
    return site


@pytest.fixture(scope="module")
def node_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not on PATH; this test installs zod@3.23.8 and hono@4.6.0")
    root = tmp_path_factory.mktemp("npm")
    (root / "package.json").write_text('{"name": "probe", "private": true}\n')
    subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", "zod@3.23.8", "hono@4.6.0"],
        cwd=root,
        check=True,
        capture_output=True,
        timeout=600,
    )
    return root


def test_httpx_client_takes_a_timeout(python_site: Path) -> None:
    project = open_project(python_site)
    client = api.get_export(project, "httpx", "Client")
    assert client.kind == "class" and client.path == "httpx._client.Client"
    assert "timeout: TimeoutTypes = DEFAULT_TIMEOUT_CONFIG" in client.signature
    send = {m.name: m for m in client.members}["send"]
    assert send.signature.startswith("send(request: Request, *, stream: bool = False")
    assert client.package.version == "0.28.1"


def test_pydantic_base_model_validate_and_exports(python_site: Path) -> None:
    project = open_project(python_site)
    listing = api.list_exports(project, "pydantic")
    kinds = {e.name: e.kind for e in listing.exports}
    assert kinds["BaseModel"] == "class" and kinds["Field"] == "function"
    assert kinds["ValidationError"] == "class"  # from pydantic_core, read from its .pyi
    method = api.get_export(project, "pydantic", "BaseModel.model_validate")
    assert method.kind == "method" and "obj: Any" in method.signature
    assert "@classmethod" in method.signature
    assert any(s.title == "Returns" for s in method.docstring)


def test_zod_exports_and_a_class_declaration(node_project: Path) -> None:
    project = open_project(node_project)
    kinds = {e.name: e.kind for e in api.list_exports(project, "zod").exports}
    assert kinds["ZodObject"] == "class"
    assert "z" in kinds and "object" in kinds
    detail = api.get_export(project, "zod", "ZodObject")
    assert "extends ZodType" in detail.signature
    assert detail.package.version == "3.23.8"


def test_hono_class_and_its_import_line(node_project: Path) -> None:
    project = open_project(node_project)
    detail = api.get_export(project, "hono", "Hono")
    assert detail.kind == "class" and "class Hono" in detail.signature
    assert detail.import_line == "import { Hono } from 'hono'"
    assert detail.package.version == "4.6.0"
