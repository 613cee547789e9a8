"""A project's direct dependencies with the exact versions its lockfiles pin.

`read_dependencies(project_dir)` reads the npm side (package.json with package-lock.json,
npm-shrinkwrap.json, pnpm-lock.yaml or yarn.lock: `npm_locks`) and the Python side
(pyproject.toml and requirements*.txt with uv.lock or poetry.lock: `python_locks`). The
direct dependencies come from the lockfile where it records them (package-lock's root
entry, pnpm's root importer, uv's root package), else from the manifest; their versions
from the lockfile. A dependency the lockfile does not pin keeps `version=None` and the
range it was declared with. In a workspace (monorepo) only the root's own direct
dependencies are listed, and a note says so. Nothing is fetched and nothing is run.
"""

from __future__ import annotations

from pathlib import Path

from docshelf.errors import UsageError
from docshelf.packages.dependencies import Dependency, ProjectDependencies
from docshelf.packages.npm_locks import read_npm_dependencies
from docshelf.packages.python_locks import read_python_dependencies


def read_dependencies(project_dir: str | Path) -> ProjectDependencies:
    """The direct dependencies of the project in `project_dir` (see the module docstring).

    Raises UsageError for a folder that does not exist, LockfileError (naming the file and
    line) for a manifest or lockfile that does not parse.
    """
    root = Path(project_dir).expanduser()
    if not root.is_dir():
        raise UsageError(
            f"Project folder {project_dir} does not exist. Give the folder that holds the "
            "project's package.json, pyproject.toml or requirements.txt."
        )
    root = root.resolve()
    deps: list[Dependency] = []
    files: list[str] = []
    notes: list[str] = []
    for read in (read_npm_dependencies, read_python_dependencies):
        found = read(root)
        deps += found.dependencies
        files += found.files
        notes += found.notes
    if not files:
        notes.append(
            "no package.json, pyproject.toml or requirements*.txt here; give the folder "
            "that holds the project's manifest"
        )
    return ProjectDependencies(root, tuple(deps), tuple(files), tuple(notes))
