"""Where a project's packages are installed: its folder, its node_modules and its Python env.

A project path may be a project folder (its `.venv`, `venv` or `env` virtualenv and its
node_modules are found in it or a parent, as uv and Node find them), a virtualenv folder,
a site-packages folder, or a Python interpreter. Interpreters are not run unless the
caller allows it (the CLI does; the MCP tools do not, since an agent picks the path): a
virtualenv's interpreter is recognised by its folder, and site-packages is then read from
`pyvenv.cfg` and `lib/pythonX.Y/site-packages`. An interpreter outside a virtualenv is
asked for its paths with `python -I -S` (isolated, no `site` customisation run).

Nothing outside the project is read: a `.venv` that links outside it is refused, and with
`confine` (a server over HTTP) every path must lie inside that one folder.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from docshelf.packages.errors import NotAProjectError, ProjectOutsideError
from docshelf.packages.installed import read_json_object, real_path
from docshelf.packages.project_root import PROJECT_FILES, PYTHON_PROJECT_FILES, VENV_NAMES

INTERPRETER_TIMEOUT = 10.0  # seconds for `python -I -S -c ...` to print its paths

_QUERY = (
    "import json, site, sys, sysconfig; print(json.dumps({'prefix': sys.prefix, "
    "'version': '%d.%d' % sys.version_info[:2], 'paths': [sysconfig.get_path('purelib'), "
    "sysconfig.get_path('platlib'), *site.getsitepackages()]}))"
)
_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass(frozen=True)
class PythonEnvironment:
    """A Python environment's site-packages folders, and how they were found."""

    site_packages: tuple[Path, ...]  # real paths, in import order
    prefix: Path | None  # the virtualenv (or interpreter prefix)
    python: str | None  # "3.11", when known
    found_by: str  # "virtualenv", "site-packages folder", "interpreter"
    notes: tuple[str, ...] = ()  # what was not read, and why


@dataclass(frozen=True)
class Project:
    """A project folder and where its installed packages are."""

    path: Path  # the folder asked about (real path); Node resolution starts here
    root: Path  # the project: the folder asked about, or the ancestor holding its virtualenv
    python: PythonEnvironment | None
    node_modules: tuple[Path, ...]  # existing node_modules folders, nearest first
    confine: Path | None = None  # when set, nothing outside it is read

    @property
    def allowed(self) -> tuple[Path, ...]:
        """The folders reads may touch."""
        if self.confine is not None:
            return (self.confine,)
        roots = [self.root, self.path, *self.node_modules]  # Node reads ancestors' too
        if self.python is not None:
            roots += self.python.site_packages
        return tuple(dict.fromkeys(roots))

    def allows(self, path: Path) -> bool:
        """Whether `path` (a real path) lies inside the project's folders."""
        return any(path.is_relative_to(root) for root in self.allowed)

    def declared_dependencies(self) -> set[str]:
        """Names the project declares in package.json and pyproject.toml (normalised for
        Python): its direct dependencies, listed first."""
        return self.declared_npm() | self.declared_python()

    def declared_npm(self) -> set[str]:
        manifest = read_json_object(self.path / "package.json") or read_json_object(
            self.root / "package.json"
        )
        names: set[str] = set()
        for field in (
            "dependencies",
            "devDependencies",
            "peerDependencies",
            "optionalDependencies",
        ):
            block = manifest.get(field)
            if isinstance(block, dict):
                names.update(k for k in block if isinstance(k, str))
        return names

    def declared_python(self) -> set[str]:
        return {normalize_dist_name(n) for n in _pyproject_dependencies(self.root)}


def open_project(
    project_path: str | os.PathLike[str] | None,
    *,
    default: Path | None = None,
    confine: Path | None = None,
    run_interpreter: bool = False,
) -> Project:
    """The project at `project_path` (else `default`); raises NotAProjectError.

    `confine`: every folder read must be inside it (ProjectOutsideError otherwise).
    `run_interpreter`: a Python interpreter outside a virtualenv may be asked for its paths.
    """
    raw = str(project_path) if project_path is not None and str(project_path).strip() else None
    if raw is None:
        if default is None:
            raise NotAProjectError(
                "", "no project path was given and the server was not started in a project"
            )
        raw = str(default)
    given = _existing(raw)
    if given.is_file():
        env = _interpreter_environment(given, raw, run_interpreter, confine)
        root = env.prefix or given.parent.resolve()
        return Project(root, root, env, (), confine)
    resolved = given.resolve()
    if confine is not None and not resolved.is_relative_to(confine):
        raise ProjectOutsideError(raw, str(confine))
    python, root = _find_environment(resolved, confine)
    node_modules = tuple(
        folder / "node_modules"
        for folder in (resolved, *resolved.parents)
        if (confine is None or folder.is_relative_to(confine))
        and (folder / "node_modules").is_dir()
    )
    marked = any((resolved / name).is_file() for name in PROJECT_FILES)
    if python is None and not node_modules and not marked:
        raise NotAProjectError(
            raw,
            "it has no virtualenv (.venv, venv) and no node_modules, in it or a parent, "
            "and no package.json or pyproject.toml",
        )
    return Project(resolved, root if python else resolved, python, node_modules, confine)


def normalize_dist_name(name: str) -> str:
    """A Python distribution name as PyPI compares them (PEP 503): 'Foo_Bar' -> 'foo-bar'."""
    return re.sub(r"[-_.]+", "-", name).lower()


# --- finding the Python environment -------------------------------------------------


def _existing(raw: str) -> Path:
    try:
        path = Path(raw).expanduser()
        exists = path.exists()
    except (OSError, ValueError, RuntimeError):  # name too long, NUL byte, ~unknown-user, loop
        exists = False
    if not exists:
        raise NotAProjectError(raw, "it does not exist")
    return path.absolute()


def _find_environment(folder: Path, confine: Path | None) -> tuple[PythonEnvironment | None, Path]:
    if (folder / "pyvenv.cfg").is_file():
        return _venv_environment(folder, folder), folder
    if folder.name in ("site-packages", "dist-packages") or _has_dist_info(folder):
        return PythonEnvironment((folder,), None, None, "site-packages folder"), folder
    for candidate in (folder, *folder.parents):
        if confine is not None and not candidate.is_relative_to(confine):
            break
        for name in VENV_NAMES:
            venv = candidate / name
            if not (venv / "pyvenv.cfg").is_file():
                continue
            real = real_path(venv)
            if real is None or not real.is_relative_to(candidate):
                note = f"{venv} links outside the project (to {real}); pass that folder itself"
                return PythonEnvironment((), None, None, "virtualenv", (note,)), candidate
            return _venv_environment(real, candidate), candidate
        if any((candidate / name).is_file() for name in PYTHON_PROJECT_FILES):
            break  # a Python project's virtualenv is in its own folder, or none is made yet
    return None, folder


def _has_dist_info(folder: Path) -> bool:
    try:
        return any(entry.name.endswith((".dist-info", ".egg-info")) for entry in os.scandir(folder))
    except OSError:
        return False


def _venv_environment(venv: Path, root: Path) -> PythonEnvironment:
    """A virtualenv's site-packages, from pyvenv.cfg and its lib folder; nothing is run."""
    config = _read_pyvenv_cfg(venv / "pyvenv.cfg")
    full = config.get("version_info") or config.get("version") or ""
    match = re.match(r"(\d+)\.(\d+)", full)
    python = f"{match.group(1)}.{match.group(2)}" if match else None
    candidates = [venv / "Lib" / "site-packages"]
    if python:
        candidates.insert(0, venv / "lib" / f"python{python}" / "site-packages")
    candidates += sorted(venv.glob("lib/python3*/site-packages"))
    candidates += sorted(venv.glob("lib/pypy3*/site-packages"))
    notes: list[str] = []
    found: list[Path] = []
    for candidate in candidates:
        real = real_path(candidate)
        if real is None or not real.is_dir() or real in found:
            continue
        if not (real.is_relative_to(venv) or real.is_relative_to(root)):
            notes.append(f"{candidate} links outside the virtualenv (to {real}); not read")
            continue
        found.append(real)
    if python is not None:  # a venv holds one Python's packages; others are leftovers
        own = [p for p in found if f"python{python}" in p.parts or p.parent.name == "Lib"]
        found = own or found
    if config.get("include-system-site-packages", "").lower() == "true":
        notes.append(
            "this virtualenv also sees the system site-packages, which docshelf does not read"
        )
    if not found:
        notes.append(f"{venv} has no lib/python{python or 'X.Y'}/site-packages folder")
    return PythonEnvironment(tuple(found), venv, python, "virtualenv", tuple(notes))


def _read_pyvenv_cfg(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    config: dict[str, str] = {}
    for line in text.splitlines()[:200]:
        key, sep, value = line.partition("=")
        if sep:
            config[key.strip().lower()] = value.strip()
    return config


def _interpreter_environment(
    given: Path, raw: str, run_interpreter: bool, confine: Path | None
) -> PythonEnvironment:
    # Not resolved: a venv's bin/python is a symlink to the base interpreter.
    venv = given.parent.parent
    if given.parent.name in ("bin", "Scripts") and (venv / "pyvenv.cfg").is_file():
        real = venv.resolve()
        if confine is not None and not real.is_relative_to(confine):
            raise ProjectOutsideError(raw, str(confine))
        return _venv_environment(real, real)
    if confine is not None:
        raise ProjectOutsideError(raw, str(confine))
    if not run_interpreter:
        raise NotAProjectError(
            raw,
            "it is a file outside a virtualenv, and over MCP docshelf does not run "
            "interpreters (the command line does: `docshelf api PACKAGE --project "
            "/path/to/python`)",
        )
    return _ask_interpreter(given, raw)


def _ask_interpreter(interpreter: Path, raw: str) -> PythonEnvironment:
    """Ask an interpreter for its site-packages: isolated (-I) and without `site` (-S), so
    no .pth file, sitecustomize or user site is run."""
    try:
        done = subprocess.run(
            [str(interpreter), "-I", "-S", "-c", _QUERY],
            capture_output=True,
            text=True,
            timeout=INTERPRETER_TIMEOUT,
            check=False,
        )
        data = json.loads(done.stdout)
        prefix, version, paths = Path(data["prefix"]), str(data["version"]), data["paths"]
    except (OSError, ValueError, KeyError, TypeError, subprocess.SubprocessError) as exc:
        raise NotAProjectError(
            raw, f"it did not answer as a Python interpreter would ({type(exc).__name__})"
        ) from None
    found: list[Path] = []
    for path in paths:
        real = real_path(Path(str(path)))
        if real is not None and real.is_dir() and real not in found:
            found.append(real)
    return PythonEnvironment(tuple(found), prefix, version, "interpreter")


def _pyproject_dependencies(root: Path) -> list[str]:
    path = root / "pyproject.toml"
    try:
        if not path.is_file() or path.stat().st_size > 1_000_000:
            return []
        import tomllib

        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    project = data.get("project") if isinstance(data, dict) else None
    if not isinstance(project, dict):
        return []
    specs: list[str] = [d for d in project.get("dependencies") or [] if isinstance(d, str)]
    optional = project.get("optional-dependencies")
    if isinstance(optional, dict):
        for group in optional.values():
            specs += [d for d in group or [] if isinstance(d, str)]
    groups = data.get("dependency-groups")
    if isinstance(groups, dict):
        for group in groups.values():
            specs += [d for d in group or [] if isinstance(d, str)]
    return [m.group(1) for spec in specs if (m := _REQUIREMENT_NAME.match(spec))]
