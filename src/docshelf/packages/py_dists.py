"""The Python distributions installed in an environment: names, versions, modules, READMEs.

Read with `importlib.metadata.distributions(path=[site-packages])`: metadata files only,
no code of the project is imported. Top-level modules come from `top_level.txt`, else
from RECORD; `*-stubs` distributions type the module they are named after. Editable
installs are followed through their .pth file when it points inside the project.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from docshelf.packages.errors import PythonPackageNotInstalledError
from docshelf.packages.installed import real_path, suggest_similar
from docshelf.packages.project import Project, PythonEnvironment, normalize_dist_name

MAX_PTH_BYTES = 64_000  # a .pth file bigger than this is not a path list
_MODULE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_COMPILED = (".so", ".pyd")


@dataclass(frozen=True)
class Distribution:
    """One installed Python distribution."""

    name: str  # as its metadata spells it
    version: str
    summary: str
    modules: tuple[str, ...]  # top-level import names; a stubs package gives the module it types
    dist_info: Path  # its .dist-info (or .egg-info) folder, real path
    site_packages: Path
    stubs_only: bool = False  # a `*-stubs` or `types-*` distribution
    editable: bool = False  # installed with `pip install -e`: its code lives elsewhere

    @property
    def key(self) -> str:
        """What a cache of this installed version is keyed on: name, version, where, when."""
        try:
            stamp = max(p.stat().st_mtime_ns for p in self.dist_info.iterdir() if p.is_file())
        except (OSError, ValueError):
            stamp = 0
        raw = f"{self.dist_info}\0{self.version}\0{stamp}"
        return hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def list_distributions(project: Project) -> list[Distribution]:
    """Every distribution of the project's Python environment, sorted by name; the first
    site-packages folder wins when a name is installed twice."""
    env = project.python
    if env is None:
        return []
    found: dict[str, Distribution] = {}
    for site in env.site_packages:
        for dist in metadata.distributions(path=[str(site)]):
            record = _read_distribution(dist, site, project)
            if record is not None:
                found.setdefault(normalize_dist_name(record.name), record)
    return sorted(found.values(), key=lambda d: normalize_dist_name(d.name))


def find_distribution(project: Project, name: str) -> Distribution:
    """The distribution named `name`, or providing the top-level module `name` (or the
    module of a dotted `name`); raises PythonPackageNotInstalledError with close names."""
    wanted = normalize_dist_name(name)
    quick = _by_folder_name(project, wanted)
    if quick is not None:
        return quick
    dists = list_distributions(project)
    for dist in dists:
        if normalize_dist_name(dist.name) == wanted:
            return dist
    top = name.split(".", 1)[0]
    providers = [d for d in dists if top in d.modules]
    if providers:  # the package itself before its stubs
        return sorted(providers, key=lambda d: d.stubs_only)[0]
    choices = [d.name for d in dists] + [m for d in dists for m in d.modules]
    where = [str(p) for p in project.python.site_packages] if project.python else []
    raise PythonPackageNotInstalledError(name, where, suggest_similar(name, choices))


def _by_folder_name(project: Project, wanted: str) -> Distribution | None:
    """The distribution whose .dist-info folder is named after `wanted`, read alone: a
    name lookup needs no other package's metadata."""
    env = project.python
    for site in env.site_packages if env is not None else ():
        try:
            folders = [e for e in site.iterdir() if e.name.endswith((".dist-info", ".egg-info"))]
        except OSError:
            continue
        for folder in folders:
            stem = folder.name.rsplit(".", 1)[0]
            if normalize_dist_name(stem.split("-", 1)[0]) != wanted:
                continue
            record = _read_distribution(metadata.PathDistribution(folder), site, project)
            if record is not None and normalize_dist_name(record.name) == wanted:
                return record
    return None


def search_paths(project: Project) -> list[Path]:
    """Where the environment's modules are: its site-packages folders, then the folders
    their .pth files add (editable installs), when those lie inside the project."""
    env = project.python
    if env is None:
        return []
    paths = list(env.site_packages)
    for site in env.site_packages:
        for pth in sorted(site.glob("*.pth")):
            for folder in pth_folders(pth):
                if project.allows(folder) and folder not in paths:
                    paths.append(folder)
    return paths


def pth_folders(pth: Path) -> list[Path]:
    """Folders a .pth file puts on sys.path: its path lines, and the mapping of a
    setuptools editable finder it imports. Nothing in it is run."""
    try:
        if pth.stat().st_size > MAX_PTH_BYTES:
            return []
        text = pth.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []
    folders: list[Path] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("import ", "import\t")):
            module = re.match(r"import\s+([A-Za-z0-9_]+)", line)
            if module:
                folders += _editable_finder_folders(pth.parent / f"{module.group(1)}.py")
            continue
        folder = real_path(Path(line) if Path(line).is_absolute() else pth.parent / line)
        if folder is not None and folder.is_dir():
            folders.append(folder)
    return folders


def read_description(dist: Distribution) -> str:
    """The distribution's long description (its README on PyPI), as its metadata holds it."""
    try:
        meta = metadata.PathDistribution(dist.dist_info).metadata
    except (OSError, ValueError):
        return ""
    body = meta.get_payload() if hasattr(meta, "get_payload") else None
    text = body if isinstance(body, str) and body.strip() else _field(meta, "Description")
    return str(text).strip()


def _read_distribution(
    dist: metadata.Distribution, site: Path, project: Project
) -> Distribution | None:
    folder = getattr(dist, "_path", None)  # PathDistribution's folder; None for others
    if folder is None:
        return None
    real = real_path(Path(folder))
    if real is None or not project.allows(real):
        return None
    try:
        meta = dist.metadata
        name = _field(meta, "Name")
        version = _field(meta, "Version") or "unknown"
    except (OSError, ValueError, KeyError):
        return None
    if not name:
        return None
    summary = " ".join(_field(meta, "Summary").split())
    modules, stubs_only = _top_level_modules(dist, name, site, project)
    return Distribution(name, version, summary, modules, real, site, stubs_only, _is_editable(dist))


def _is_editable(dist: metadata.Distribution) -> bool:
    try:
        data = json.loads(dist.read_text("direct_url.json") or "{}")
    except (OSError, ValueError):
        return False
    info = data.get("dir_info") if isinstance(data, dict) else None
    return isinstance(info, dict) and info.get("editable") is True


def _top_level_modules(
    dist: metadata.Distribution, name: str, site: Path, project: Project
) -> tuple[tuple[str, ...], bool]:
    found: list[str] = []
    try:
        listed = dist.read_text("top_level.txt") or ""
    except OSError:
        listed = ""
    found += [line.strip() for line in listed.splitlines() if _MODULE_NAME.match(line.strip())]
    editable: list[Path] = []
    if not found:
        try:
            files = dist.files or []
        except (OSError, ValueError):
            files = []
        for file in files:
            parts = file.parts
            if (
                not parts
                or parts[0] in ("..", "__pycache__")
                or parts[0].endswith((".dist-info", ".egg-info", ".data"))
            ):
                continue
            first = parts[0]
            if len(parts) == 1:
                if first.endswith(".pth"):
                    editable += [f for f in pth_folders(site / first) if project.allows(f)]
                    continue
                if first.endswith((".py", ".pyi")):
                    first = first.rsplit(".", 1)[0]
                elif first.endswith(_COMPILED):
                    first = first.split(".", 1)[0]
                else:
                    continue
            if first.endswith("-stubs"):
                first = first[: -len("-stubs")]
            if _MODULE_NAME.match(first) and not first.startswith("__editable__"):
                found.append(first)
    if not found and editable:
        found += _editable_modules(name, editable)
    stubs_only = name.endswith("-stubs") or normalize_dist_name(name).startswith("types-")
    return tuple(dict.fromkeys(found)), stubs_only


def _editable_modules(name: str, folders: list[Path]) -> list[str]:
    """Modules an editable install serves: the one named after the distribution, else every
    package in the folders it adds."""
    guess = normalize_dist_name(name).replace("-", "_")
    for folder in folders:
        if (folder / guess).is_dir() or (folder / f"{guess}.py").is_file():
            return [guess]
    modules: list[str] = []
    for folder in folders:
        try:
            modules += sorted(p.name for p in folder.iterdir() if (p / "__init__.py").is_file())
        except OSError:
            continue
    return modules


def _editable_finder_folders(finder: Path) -> list[Path]:
    """The folders of a setuptools editable finder's `MAPPING = {'pkg': '/src/pkg'}`."""
    try:
        if finder.stat().st_size > MAX_PTH_BYTES * 4:
            return []
        tree = ast.parse(finder.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
        return []
    folders: list[Path] = []
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        value = getattr(node, "value", None)
        if isinstance(target, ast.Name) and target.id == "MAPPING" and isinstance(value, ast.Dict):
            for item in value.values:
                if isinstance(item, ast.Constant) and isinstance(item.value, str):
                    folder = real_path(Path(item.value).parent)
                    if folder is not None and folder.is_dir():
                        folders.append(folder)
    return folders


def environment_summary(env: PythonEnvironment) -> str:
    """One line on where the packages were read: for listings and errors."""
    where = ", ".join(str(p) for p in env.site_packages) or "no site-packages"
    python = f"Python {env.python}, " if env.python else ""
    return f"{python}{env.found_by} {env.prefix or ''}".strip() + f" ({where})"


def _field(meta: Any, name: str) -> str:
    """A metadata field, "" when missing (indexing a missing one warns on Python 3.12+)."""
    values = meta.get_all(name) or []
    return str(values[0]) if values else ""
