"""The API a project really has installed, for npm packages and Python distributions alike:
list the packages, list a package's exports, show one export in full.

Both adapters call these three; the answers are records (`api_records`), cached on disk
per installed version when a cache folder is given. Python is read with griffe
(`py_api`), lazily imported so that starting the server or the CLI does not pay for it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from docshelf.errors import UsageError
from docshelf.packages.api_cache import ApiCache
from docshelf.packages.api_records import (
    DocSection,
    ExportDetail,
    ExportList,
    MemberRecord,
    PackageRecord,
)
from docshelf.packages.errors import (
    AmbiguousPackageError,
    InvalidPackageNameError,
    NotInstalledError,
    PackageNotInstalledError,
    PythonPackageNotInstalledError,
)
from docshelf.packages.installed import (
    InstalledPackage,
    find_path_inside,
    get_installed_package,
    list_installed_packages,
    read_json_object,
    read_text,
    suggest_similar,
)
from docshelf.packages.project import Project, normalize_dist_name
from docshelf.packages.py_dists import (
    Distribution,
    find_distribution,
    list_distributions,
    read_description,
)

if TYPE_CHECKING:
    from docshelf.shelf import Shelf

README_CHARS = 60_000  # longer READMEs are cut (the answer is paged anyway)
LISTINGS_KEPT = 16  # listings a process keeps in memory, beside the disk cache
_PY_PREFIXES = ("pypi:", "python:", "py:")
_JS_PREFIXES = ("npm:", "node:", "js:")


class _Recent:
    """The last few listings, by cache key: a server answers a repeat without the disk."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[str, ExportList] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> ExportList | None:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
            return self.items.get(key)

    def put(self, key: str, value: ExportList) -> None:
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)


_remembered = _Recent(LISTINGS_KEPT)


@dataclass(frozen=True)
class PackageListing:
    """Every package installed for a project, direct dependencies first."""

    project: Project
    packages: tuple[PackageRecord, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Found:
    language: Literal["python", "javascript"]
    record: PackageRecord
    module: str | None  # a Python module or an npm subpath asked for, else None
    dist: Distribution | None = None
    pkg: InstalledPackage | None = None


def list_packages(project: Project) -> PackageListing:
    """The npm packages and Python distributions installed for `project`."""
    declared = project.declared_dependencies()
    records = [
        _node_record(pkg, pkg.name in declared)
        for pkg in list_installed_packages(project.path, within=project.confine)
        if project.allows(pkg.root)
    ]
    records += [
        _python_record(d, normalize_dist_name(d.name) in declared)
        for d in list_distributions(project)
    ]
    records.sort(key=lambda r: (not r.direct, r.language, r.name.lower()))
    notes = list(project.python.notes) if project.python else []
    if (project.path / ".pnp.cjs").is_file() and not project.node_modules:
        notes.append(
            "This project uses Yarn Plug'n'Play (.pnp.cjs, no node_modules), which docshelf "
            "does not read; `yarn config set nodeLinker node-modules && yarn install` makes one."
        )
    elif (project.path / "package.json").is_file() and not project.node_modules:
        notes.append("package.json but no node_modules: run `npm install` to list npm packages.")
    return PackageListing(project, tuple(records), tuple(notes))


def list_exports(
    project: Project,
    package: str,
    filter: str | None = None,
    *,
    cache_dir: Path | None = None,
) -> ExportList:
    """The public names of an installed package (or of one of its modules, 'pkg.sub', or
    entry points, 'pkg/sub'), those containing `filter` (any case) when given."""
    found = _find_package(project, package)
    cacheable = _cacheable(found)
    cache = ApiCache(cache_dir if cacheable else None)
    key = _cache_key(found, "list", found.module or "")
    listing = _remembered.get(key) if cacheable else None
    if listing is None:
        listing = cache.get_list(key)
    if listing is None:
        listing = _exports_of(project, found)
        cache.put_list(key, listing)
    if cacheable:
        _remembered.put(key, listing)
    # `direct` may differ from the project that filled the cache
    listing = replace(listing, package=replace(listing.package, direct=found.record.direct))
    if filter:
        needle = filter.lower()
        kept = tuple(e for e in listing.exports if needle in e.name.lower())
        listing = replace(listing, exports=kept)
    return listing


def get_export(
    project: Project,
    package: str,
    name: str | None = None,
    *,
    include_source: bool = False,
    cache_dir: Path | None = None,
    shelf: Shelf | None = None,
) -> ExportDetail:
    """One export in full; without `name`, the package itself (summary, modules, README).
    With `shelf`, the indexed docs of the same package version that mention it are linked."""
    found = _find_package(project, package)
    if name is None or not name.strip():
        return _package_page(found)
    if "\x00" in name or len(name) > 500:
        raise UsageError("name must be an export name such as 'Client' or 'Client.send'.")
    cache = ApiCache(cache_dir if _cacheable(found) else None)
    key = _cache_key(found, "detail", f"{found.module or ''}\0{name}\0{include_source}")
    detail = cache.get_detail(key)
    if detail is None:
        detail = _detail_of(project, found, name, include_source, cache_dir)
        cache.put_detail(key, detail)
    detail = replace(detail, package=replace(detail.package, direct=found.record.direct))
    if shelf is not None:
        from docshelf.packages.api_docs import find_doc_links

        detail = replace(detail, docs=find_doc_links(shelf, found.record, detail.name))
    return detail


# --- finding the package ------------------------------------------------------------------


def _find_package(project: Project, spec: str) -> _Found:
    if not isinstance(spec, str) or not spec.strip() or "\x00" in spec or len(spec) > 300:
        raise UsageError(
            "package must be an installed package's name, e.g. 'pydantic' or '@mastra/core'."
        )
    spec = spec.strip()
    lowered = spec.lower()
    if lowered.startswith(_PY_PREFIXES):
        return _python(project, spec.split(":", 1)[1])
    if lowered.startswith(_JS_PREFIXES):
        return _javascript(project, spec.split(":", 1)[1])
    if "/" in spec or spec.startswith("@"):
        return _javascript(project, spec)
    js = py = None
    misses: list[Exception] = []
    try:
        js = _javascript(project, spec)
    except (PackageNotInstalledError, InvalidPackageNameError) as exc:
        misses.append(exc)
    try:
        py = _python(project, spec)
    except PythonPackageNotInstalledError as exc:
        misses.append(exc)
    if js is not None and py is not None:
        raise AmbiguousPackageError(spec, js.record.version, py.record.version)
    if js is not None or py is not None:
        return js or py  # type: ignore[return-value]
    for miss in misses:  # a copy that was found but refused says more than "not installed"
        if isinstance(miss, PackageNotInstalledError) and miss.refused:
            raise miss
    raise NotInstalledError(spec, str(project.path), _searched(project), _near(project, spec))


def _javascript(project: Project, spec: str) -> _Found:
    parts = spec.split("/")
    size = 2 if spec.startswith("@") else 1
    name, subpath = "/".join(parts[:size]), spec if len(parts) > size else None
    pkg = get_installed_package(project.path, name, within=project.confine)
    if not project.allows(pkg.root):
        raise PackageNotInstalledError(name, str(project.path), [], [(name, str(pkg.root))])
    declared = name in project.declared_npm()
    return _Found("javascript", _node_record(pkg, declared), subpath, pkg=pkg)


def _python(project: Project, spec: str) -> _Found:
    dist = find_distribution(project, spec)
    direct = normalize_dist_name(dist.name) in project.declared_python()
    module = spec if spec.split(".", 1)[0] in dist.modules and "." in spec else None
    return _Found("python", _python_record(dist, direct), module, dist=dist)


def _searched(project: Project) -> list[str]:
    where = [str(folder) for folder in project.node_modules]
    if project.python is not None:
        where += [str(p) for p in project.python.site_packages]
    return where


def _near(project: Project, spec: str) -> list[str]:
    names = [p.name for p in list_installed_packages(project.path, within=project.confine)]
    for dist in list_distributions(project):
        names += [dist.name, *dist.modules]
    return suggest_similar(spec, names)


def _node_record(pkg: InstalledPackage, direct: bool) -> PackageRecord:
    """The package's record from its package.json alone; its entry points (`modules`) are
    filled in by the answers that read its modules."""
    manifest = read_json_object(pkg.root / "package.json")
    description = manifest.get("description")
    summary = " ".join(description.split()) if isinstance(description, str) else ""
    return PackageRecord(pkg.name, pkg.version, "javascript", summary, direct, str(pkg.root))


def _python_record(dist: Distribution, direct: bool) -> PackageRecord:
    return PackageRecord(
        dist.name,
        dist.version,
        "python",
        dist.summary,
        direct,
        str(dist.dist_info),
        dist.modules,
    )


# --- answers ------------------------------------------------------------------------------


def _exports_of(project: Project, found: _Found) -> ExportList:
    if found.language == "python":
        from docshelf.packages.py_api import python_exports

        assert found.dist is not None
        return python_exports(project, found.dist, found.record, found.module)
    from docshelf.packages.js_api import js_exports

    assert found.pkg is not None
    return js_exports(found.pkg, found.record, found.module)


def _detail_of(
    project: Project, found: _Found, name: str, include_source: bool, cache_dir: Path | None
) -> ExportDetail:
    if found.language == "python":
        from docshelf.packages.py_api import python_export

        assert found.dist is not None
        # The package's docstring style was found when its names were listed, if they were.
        listed = ApiCache(cache_dir).get_list(_cache_key(found, "list", ""))
        style = listed.docstring_style if listed is not None else None
        qualified = f"{found.module}.{name}" if found.module else name
        return python_export(
            project, found.dist, found.record, qualified, include_source=include_source, style=style
        )
    from docshelf.packages.js_api import js_export

    assert found.pkg is not None
    return js_export(found.pkg, found.record, name, include_source)


def _package_page(found: _Found) -> ExportDetail:
    record = found.record
    if found.dist is not None:
        readme = read_description(found.dist)
        members = tuple(MemberRecord(m, "module", f"import {m}") for m in record.modules)
        import_line = f"import {record.modules[0]}" if record.modules else ""
    else:
        from docshelf.packages.js_api import node_package_record

        assert found.pkg is not None
        record = node_package_record(found.pkg, record.direct)
        readme = _node_readme(found.pkg)
        members = tuple(MemberRecord(m, "entry point", f"'{m}'") for m in record.modules)
        import_line = f"import ... from '{record.name}'"
    if len(readme) > README_CHARS:
        readme = readme[:README_CHARS] + "\n\n[README cut here]"
    sections = [DocSection("", (record.summary,))] if record.summary else []
    if readme:
        sections.append(DocSection("README", tuple(readme.splitlines())))
    return ExportDetail(
        package=record,
        name=record.name,
        path=record.location,
        kind="package",
        import_line=import_line,
        signature="",
        signature_language="",
        docstring=tuple(sections),
        members=members,
    )


def _node_readme(pkg: InstalledPackage) -> str:
    try:
        names = {p.name.lower(): p.name for p in pkg.root.iterdir()}
    except OSError:
        return ""
    for candidate in ("readme.md", "readme.markdown", "readme.txt", "readme"):
        if candidate in names:
            path = find_path_inside(pkg.root, names[candidate])
            if path is not None and path.is_file():
                return read_text(path)[: README_CHARS + 1]
    return ""


# --- the cache ----------------------------------------------------------------------------


def _cacheable(found: _Found) -> bool:
    """Whether answers may be kept on disk: not for editable installs, whose code changes
    without their version or metadata changing."""
    if found.dist is not None:
        return not found.dist.editable
    return found.pkg is not None


def _cache_key(found: _Found, kind: str, detail: str) -> str:
    if found.dist is not None:
        stamp = found.dist.key
    else:
        assert found.pkg is not None
        stamp = _node_stamp(found.pkg)
    return (
        f"{kind}\0{found.language}\0{found.record.name}\0{found.record.version}\0{stamp}\0{detail}"
    )


def _node_stamp(pkg: InstalledPackage) -> str:
    """The install's folder and when its package.json and main .d.ts file last changed
    (a rebuilt workspace package rewrites both; a reinstall changes the version)."""
    manifest = read_json_object(pkg.root / "package.json")
    times = []
    for relative in ["package.json", _main_types(manifest) or "index.d.ts"]:
        path = find_path_inside(pkg.root, relative)
        try:
            times.append(str(path.stat().st_mtime_ns) if path is not None else "-")
        except OSError:
            times.append("-")
    return f"{pkg.root}:{':'.join(times)}"


def _main_types(manifest: dict[str, Any]) -> str | None:
    """The main .d.ts file package.json names, found cheaply (for the cache stamp only)."""
    target: Any = manifest.get("exports")
    if isinstance(target, dict) and "." in target:
        target = target["."]
    for _ in range(3):  # {"import": {"types": ...}} nests a level or two
        if isinstance(target, dict):
            if isinstance(target.get("types"), str):
                return str(target["types"])
            target = next(iter(target.values()), None)
    for field in ("types", "typings"):
        if isinstance(manifest.get(field), str):
            return str(manifest[field])
    return None
