"""Whether a folder is a project: the files that mark one (light to import: a server's
start-up asks it of its working folder)."""

from __future__ import annotations

from pathlib import Path

VENV_NAMES = (".venv", "venv", "env")
PYTHON_PROJECT_FILES = ("pyproject.toml", "setup.py", "setup.cfg")
PROJECT_FILES = ("package.json", *PYTHON_PROJECT_FILES, "requirements.txt")


def find_project_root(folder: Path) -> Path | None:
    """`folder` when it looks like a project (package.json, pyproject.toml or a virtualenv
    in it): what `serve` offers as the default project path."""
    try:
        if any((folder / name).is_file() for name in PROJECT_FILES):
            return folder.resolve()
        if any((folder / name / "pyvenv.cfg").is_file() for name in VENV_NAMES):
            return folder.resolve()
    except OSError:
        return None
    return None
