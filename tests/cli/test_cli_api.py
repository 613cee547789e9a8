"""The `api` command: packages, exports and one export of a project, in text and JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from packages.fake_packages import make_kit
from packages.fake_python import make_python_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    make_python_project(root)
    make_kit(root / "node_modules")
    return root


def test_api_without_a_package_lists_what_is_installed(run, project):
    result = run("api", "--project", str(project))
    assert result.exit_code == 0, result.output
    assert "- * shapes 1.2.0 (Python): Shapes and areas" in result.output
    assert "- kit 2.1.0 (npm): Kits of parts" in result.output


def test_api_package_lists_exports_filtered_and_in_json(run, project):
    text = run("api", "shapes", "--project", str(project), "--filter", "circ")
    assert text.exit_code == 0, text.output
    assert text.output.startswith("Exports of shapes 1.2.0 (Python) matching 'circ', 1:")
    data = json.loads(run("api", "kit", "-p", str(project), "--json").output)
    assert {e["name"] for e in data["exports"]} >= {"createKit", "Kit", "serve"}


def test_api_package_name_shows_one_export_with_its_source(run, project):
    result = run("api", "shapes", "Circle.scale", "-p", str(project), "--source")
    assert result.exit_code == 0, result.output
    assert "def scale(self, factor: float) -> Circle" in result.output
    assert "## Source (shapes/_impl.py:" in result.output


def test_api_max_tokens_prints_one_part_and_offset_the_next(run, project):
    first = run("api", "shapes", "-p", str(project), "--max-tokens", "20")
    assert "`--offset " in first.output
    offset = first.output.split("`--offset ")[1].split("`")[0]
    second = run("api", "shapes", "-p", str(project), "--max-tokens", "20", "--offset", offset)
    assert second.exit_code == 0 and second.output != first.output


def test_api_readme_prints_the_package_page(run, project):
    result = run("api", "shapes", "-p", str(project), "--readme")
    assert "Compute areas of shapes." in result.output


def test_api_errors_are_one_line_with_the_fix(run, project, tmp_path):
    missing = run("api", "shapez", "-p", str(project))
    assert missing.exit_code == 1
    assert missing.output.startswith("docshelf: error: Package 'shapez' is not installed")
    assert "Did you mean: shapes" in missing.output
    empty = run("api", "-p", str(tmp_path))
    assert empty.exit_code == 1 and "is not a project" in empty.output


def test_api_may_ask_an_interpreter_outside_a_virtualenv_for_its_paths(run, tmp_path):
    """The CLI (unlike the MCP tools) runs the interpreter it is given, with -I -S."""
    base = getattr(sys, "_base_executable", sys.executable)  # not a virtualenv's
    result = run("api", "-p", base)
    assert result.exit_code == 0, result.output
    assert f"Python {sys.version_info[0]}.{sys.version_info[1]} interpreter" in result.output
