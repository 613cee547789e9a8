"""Both sides of a project read together; a folder with nothing to read."""

from __future__ import annotations

from pathlib import Path

import pytest

from docshelf.errors import UsageError
from docshelf.packages.lockfiles import read_dependencies


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_npm_and_python_sides_are_read_together(tmp_path):
    root = write(
        tmp_path,
        {
            "package.json": '{"dependencies": {"zod": "^3.23.0"}}',
            "requirements.txt": "flask==3.0.3\n",
        },
    )
    found = read_dependencies(root)
    assert [(d.ecosystem, d.name, d.version) for d in found.dependencies] == [
        ("npm", "zod", None),
        ("pypi", "flask", "3.0.3"),
    ]


def test_a_folder_with_no_manifest_says_so(tmp_path):
    found = read_dependencies(tmp_path)
    assert found.dependencies == ()
    assert any("no package.json, pyproject.toml or requirements" in n for n in found.notes)


def test_a_missing_folder_says_which_folder_to_give(tmp_path):
    with pytest.raises(UsageError, match=r"package\.json, pyproject\.toml or requirements\.txt"):
        read_dependencies(tmp_path / "nope")
