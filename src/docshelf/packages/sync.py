"""`docshelf sync`: index the docs of each direct dependency at the version the project locks.

`plan_project` reads the lockfiles (`lockfiles.read_dependencies`), marks what is indexed
and, when asked, looks up where each missing package's docs would come from (`DocsLookup`,
a few registry requests at a time). `sync_project` adds each missing one through the
ordinary sources (`Shelf.add_library`): a dependency that fails is recorded with its
message and the others go on. `format_summary` is the table printed at the end.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from docshelf.errors import DocshelfError
from docshelf.models import LibraryVersion
from docshelf.packages.dependencies import Dependency
from docshelf.packages.lockfiles import read_dependencies
from docshelf.packages.sync_plan import PlanRow, SyncPlan, plan_sync
from docshelf.progress import Reporter

if TYPE_CHECKING:
    from docshelf.shelf import Shelf

_NAME_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class SyncResult:
    """What became of one dependency of the plan."""

    row: PlanRow
    library: str  # the library name its docs are (or would be) indexed under
    record: LibraryVersion | None = None  # what was added
    error: str = ""  # why it was not, when it failed

    @property
    def status(self) -> str:
        if self.error:
            return "failed"
        if self.record is None:
            return f"already indexed as {self.row.indexed}"
        pages = "1 page" if self.record.pages == 1 else f"{self.record.pages} pages"
        return f"added as {self.record.ref}: {pages}"


def library_name_for(dep: Dependency) -> str:
    """The library name a dependency's docs are indexed under: the package name, a scope
    joined to it (`@tanstack/react-query` -> `tanstack-react-query`, so two `core`
    packages of different scopes stay apart)."""
    name = _NAME_CHARS.sub("-", dep.name.lstrip("@")).strip("-.")
    return name[:64] or "docs"


def locked_specs(project_dir: str | Path) -> tuple[list[str], tuple[str, ...]]:
    """The dependencies the project in `project_dir` pins, as specs for
    `Shelf.lock_versions` (search and read then default to those versions), and notes on
    what could not be read: a lockfile that does not parse pins nothing (the newest
    versions stay the defaults)."""
    try:
        found = read_dependencies(project_dir)
    except DocshelfError as exc:
        return [], (str(exc),)
    return [dep.spec for dep in found.dependencies if dep.pinned], found.notes


def plan_project(
    shelf: Shelf,
    project_dir: str | Path,
    *,
    only: Iterable[str] = (),
    exclude: Iterable[str] = (),
    dev: bool = True,
    look_up: bool = False,
) -> SyncPlan:
    """The plan for the project in `project_dir`; with `look_up`, each dependency to add
    says where its docs would come from (registry metadata, or the download cache)."""
    found = read_dependencies(project_dir)
    indexed = [version for lib in shelf.list_libraries() for version in lib.versions]
    plan = plan_sync(found, indexed, only=only, exclude=exclude, dev=dev)
    if not look_up or not plan.to_add:
        return plan
    from docshelf.sources.lookup import DocsLookup

    with DocsLookup(shelf.cache_dir) as lookup:
        wanted = [(row.dependency.ecosystem, _bare(row.spec)) for row in plan.to_add]
        lines = lookup.where_all(wanted)
    rows = tuple(
        replace(row, docs_from=lines[(row.dependency.ecosystem, _bare(row.spec))])
        if row.indexed is None
        else row
        for row in plan.rows
    )
    return replace(plan, rows=rows)


def sync_project(
    shelf: Shelf,
    plan: SyncPlan,
    reporter: Reporter,
    *,
    on_start: Callable[[int, int, PlanRow], None] | None = None,
) -> list[SyncResult]:
    """Add each dependency of the plan that is not indexed yet; one that fails is kept
    with its message and the rest go on. Rows already indexed are kept as they are."""
    results: list[SyncResult] = []
    to_add = plan.to_add
    for row in plan.rows:
        name = library_name_for(row.dependency)
        if row.indexed is not None:
            results.append(SyncResult(row, name))
            continue
        if on_start is not None:
            on_start(len([r for r in results if r.row.indexed is None]) + 1, len(to_add), row)
        try:
            record = shelf.add_library(row.spec, name=name, reporter=reporter)
        except DocshelfError as exc:
            results.append(SyncResult(row, name, error=str(exc)))
        except Exception as exc:  # one dependency must not stop the others
            results.append(SyncResult(row, name, error=f"{type(exc).__name__}: {exc}"))
        else:
            results.append(SyncResult(row, name, record))
    return results


def format_summary(results: list[SyncResult]) -> str:
    """The table printed when a sync ends, then each failure's message."""
    header = ("package", "version", "result", "docs from")
    lines = [
        (
            result.row.dependency.name,
            result.record.version if result.record else _version(result.row),
            result.status,
            result.record.origin if result.record and result.record.origin else "-",
        )
        for result in results
    ]
    widths = [max(len(cells[i]) for cells in [header, *lines]) for i in range(len(header))]
    text = [
        "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()
        for cells in [header, *lines]
    ]
    added = sum(1 for r in results if r.record is not None)
    failed = [r for r in results if r.error]
    text.append(
        f"{added} added, {len(results) - added - len(failed)} already indexed, "
        f"{len(failed)} failed."
    )
    for result in failed:
        text.append(f"{result.row.dependency.name} ({result.row.spec}): {result.error}")
    return "\n".join(text)


def _bare(spec: str) -> str:
    return spec.partition(":")[2]


def _version(row: PlanRow) -> str:
    return row.dependency.version or row.dependency.wanted or "?"
