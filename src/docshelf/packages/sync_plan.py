"""The plan of `docshelf sync`: which dependencies to add, at which version, from which spec.

`plan_sync` takes a project's direct dependencies (`read_dependencies`) and what is
indexed, applies the `--only`/`--exclude` filters (shell-style patterns on package names,
`@types/*`), and gives one row per dependency: its spec (`npm:NAME@VERSION`,
`pypi:NAME==VERSION`), whether that exact version is indexed already, and where its docs
would come from. That last column is not worked out here: the caller passes a
`DocsOrigin` (npm/PyPI -> repository resolution lives with the sources); without one the
column stays empty.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from docshelf.models import LibraryVersion
from docshelf.packages.dependencies import Dependency, ProjectDependencies
from docshelf.store.catalog import source_key

DocsOrigin = Callable[[Dependency], "str | None"]
"""Where a dependency's docs would come from ("the npm tarball's docs/", "github.com/
colinhacks/zod @ v3.23.8, docs/"), or None when that is not known without fetching."""


@dataclass(frozen=True)
class PlanRow:
    """One dependency in the plan."""

    dependency: Dependency
    spec: str  # what `docshelf add` is given
    indexed: str | None  # the indexed library version it matches (`zod@3.23.8`), if any
    docs_from: str | None = None  # from the DocsOrigin hook; None when not resolved

    @property
    def action(self) -> str:
        if self.indexed is not None:
            return "indexed"
        return "add" if self.dependency.pinned else "add (unpinned)"


@dataclass(frozen=True)
class SyncPlan:
    """What `docshelf sync` would do for one project."""

    project: Path
    rows: tuple[PlanRow, ...]
    filtered: tuple[Dependency, ...]  # left out by --only, --exclude or no dev dependencies
    notes: tuple[str, ...]

    @property
    def to_add(self) -> tuple[PlanRow, ...]:
        return tuple(row for row in self.rows if row.indexed is None)


def plan_sync(
    found: ProjectDependencies,
    indexed: Iterable[LibraryVersion],
    *,
    only: Iterable[str] = (),
    exclude: Iterable[str] = (),
    dev: bool = True,
    docs_origin: DocsOrigin | None = None,
) -> SyncPlan:
    """The plan for `found`; `indexed` is every indexed library version."""
    only, exclude = tuple(only), tuple(exclude)
    by_source = {source_key(v.source): v.ref for v in indexed}
    rows: list[PlanRow] = []
    filtered: list[Dependency] = []
    for dep in found.dependencies:
        if not _wanted(dep, only, exclude, dev):
            filtered.append(dep)
            continue
        spec = dep.spec
        hit = by_source.get(source_key(spec)) if dep.pinned else None
        origin = docs_origin(dep) if docs_origin is not None and hit is None else None
        rows.append(PlanRow(dep, spec, hit, origin))
    return SyncPlan(found.root, tuple(rows), tuple(filtered), found.notes)


def format_plan(plan: SyncPlan) -> str:
    """The plan as a plain table: package, version, spec, status, and where the docs come
    from when that was looked up."""
    header: tuple[str, ...] = ("package", "version", "spec", "status", "docs from")
    lines: list[tuple[str, ...]] = [
        (
            row.dependency.name + (" (dev)" if row.dependency.dev else ""),
            row.dependency.version or row.dependency.wanted or "?",
            row.spec,
            f"indexed as {row.indexed}" if row.indexed else row.action,
            row.docs_from or "-",
        )
        for row in plan.rows
    ]
    if not any(row.docs_from for row in plan.rows):  # not looked up: no column of dashes
        header, lines = header[:-1], [cells[:-1] for cells in lines]
    widths = [max(len(cells[i]) for cells in [header, *lines]) for i in range(len(header))]
    text = [
        "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()
        for cells in [header, *lines]
    ]
    adds = len(plan.to_add)
    text.append(
        f"{adds} to add, {len(plan.rows) - adds} already indexed, "
        f"{len(plan.filtered)} left out by the filters."
    )
    text += [f"Note: {note}" for note in plan.notes]
    return "\n".join(text)


def _wanted(dep: Dependency, only: tuple[str, ...], exclude: tuple[str, ...], dev: bool) -> bool:
    if dep.dev and not dev:
        return False
    names = {dep.name, f"{dep.ecosystem}:{dep.name}"}
    if only and not any(fnmatchcase(n, p) for n in names for p in only):
        return False
    return not any(fnmatchcase(n, p) for n in names for p in exclude)
