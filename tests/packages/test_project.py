from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fake_python import make_venv

from docshelf.packages.errors import NotAProjectError, ProjectOutsideError
from docshelf.packages.project import open_project
from docshelf.packages.project_root import find_project_root


def test_a_project_folder_finds_its_virtualenv_site_packages(tmp_path: Path) -> None:
    site = make_venv(tmp_path / "app")
    project = open_project(tmp_path / "app")
    assert project.python is not None
    assert project.python.site_packages == (site.resolve(),)
    assert project.python.python == "3.11"
    assert project.root == (tmp_path / "app").resolve()


def test_a_subfolder_finds_the_virtualenv_of_its_project_as_uv_would(tmp_path: Path) -> None:
    site = make_venv(tmp_path / "app")
    (tmp_path / "app" / "src" / "pkg").mkdir(parents=True)
    project = open_project(tmp_path / "app" / "src" / "pkg")
    assert project.python is not None and project.python.site_packages == (site.resolve(),)
    assert project.root == (tmp_path / "app").resolve()


def test_the_search_for_a_virtualenv_stops_at_a_python_project_root(tmp_path: Path) -> None:
    make_venv(tmp_path)
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "pyproject.toml").write_text("[project]\nname = 'lib'\n")
    assert open_project(tmp_path / "lib").python is None


def test_a_virtualenv_folder_and_a_site_packages_folder_are_projects_too(tmp_path: Path) -> None:
    site = make_venv(tmp_path / "app")
    assert open_project(tmp_path / "app" / ".venv").python.site_packages == (site.resolve(),)
    assert open_project(site).python.site_packages == (site.resolve(),)


def test_a_virtualenv_interpreter_is_recognised_without_running_it(tmp_path: Path) -> None:
    site = make_venv(tmp_path / "app")  # its bin/python exits 1 if run
    project = open_project(tmp_path / "app" / ".venv" / "bin" / "python")
    assert project.python.site_packages == (site.resolve(),)
    assert project.python.found_by == "virtualenv"


def fake_interpreter(tmp_path: Path, site: Path) -> tuple[Path, Path]:
    args_file = tmp_path / "args.txt"
    answer = json.dumps({"prefix": str(tmp_path), "version": "3.12", "paths": [str(site)]})
    script = tmp_path / "bin" / "python3"
    script.parent.mkdir(parents=True)
    script.write_text(f"#!/bin/sh\necho \"$@\" > {args_file}\necho '{answer}'\n")
    os.chmod(script, 0o755)
    return script, args_file


def test_an_interpreter_outside_a_virtualenv_is_not_run_unless_allowed(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    script, args_file = fake_interpreter(tmp_path, site)
    with pytest.raises(NotAProjectError, match="does not run interpreters"):
        open_project(script)
    assert not args_file.exists()
    project = open_project(script, run_interpreter=True)
    assert project.python.site_packages == (site.resolve(),)
    assert project.python.python == "3.12"
    assert args_file.read_text().split()[:3] == ["-I", "-S", "-c"]  # isolated, no site


def test_a_folder_without_packages_is_not_a_project_and_the_error_says_what_to_do(
    tmp_path: Path,
) -> None:
    with pytest.raises(NotAProjectError) as raised:
        open_project(tmp_path)
    message = str(raised.value)
    assert "no virtualenv" in message and "npm install" in message and "python -m venv" in message


def test_a_missing_path_or_a_nul_byte_is_not_a_project(tmp_path: Path) -> None:
    for bad in [tmp_path / "nope", "a\x00b", "~no-such-user-xyz/app"]:
        with pytest.raises(NotAProjectError, match="does not exist"):
            open_project(bad)


def test_no_path_uses_the_default_and_without_one_says_so(tmp_path: Path) -> None:
    make_venv(tmp_path / "app")
    assert open_project(None, default=tmp_path / "app").root == (tmp_path / "app").resolve()
    with pytest.raises(NotAProjectError, match="no project path was given"):
        open_project("")


def test_a_confined_project_refuses_paths_outside_it(tmp_path: Path) -> None:
    make_venv(tmp_path / "app")
    make_venv(tmp_path / "other")
    confine = (tmp_path / "app").resolve()
    assert open_project(tmp_path / "app", confine=confine).confine == confine
    for outside in [tmp_path / "other", tmp_path / "app" / ".." / "other", "/"]:
        with pytest.raises(ProjectOutsideError, match="only project this server reads"):
            open_project(outside, confine=confine)


def test_a_virtualenv_link_leading_outside_the_project_is_not_followed(tmp_path: Path) -> None:
    make_venv(tmp_path / "elsewhere")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / ".venv").symlink_to(tmp_path / "elsewhere" / ".venv")
    project = open_project(tmp_path / "app")
    assert project.python is not None and project.python.site_packages == ()
    assert "links outside the project" in project.python.notes[0]


def test_declared_dependencies_come_from_package_json_and_pyproject(tmp_path: Path) -> None:
    make_venv(tmp_path)
    (tmp_path / "package.json").write_text(
        json.dumps({"dependencies": {"zod": "^3"}, "devDependencies": {"@types/node": "*"}})
    )
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n'
        'dependencies = ["Pydantic_Core>=2", "httpx[http2] ; python_version > \'3\'"]\n'
        '[project.optional-dependencies]\ndev = ["pytest"]\n'
    )
    declared = open_project(tmp_path).declared_dependencies()
    assert {"zod", "@types/node", "pydantic-core", "httpx", "pytest"} <= declared


def test_the_server_default_is_the_working_folder_only_when_it_is_a_project(
    tmp_path: Path,
) -> None:
    assert find_project_root(tmp_path) is None
    (tmp_path / "package.json").write_text("{}")
    assert find_project_root(tmp_path) == tmp_path.resolve()
