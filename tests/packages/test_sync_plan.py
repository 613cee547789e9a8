"""The sync plan: specs at exact versions, already-indexed ones marked, filters applied."""

from __future__ import annotations

from pathlib import Path

from docshelf.models import LibraryVersion
from docshelf.packages.dependencies import Dependency, ProjectDependencies
from docshelf.packages.sync_plan import format_plan, plan_sync

DEPS = ProjectDependencies(
    Path("/project"),
    (
        Dependency("npm", "zod", "3.23.8", False, "package-lock.json", "^3.22.0"),
        Dependency("npm", "@tanstack/react-query", "5.40.0", False, "package-lock.json"),
        Dependency("npm", "@types/node", "20.12.7", True, "package-lock.json"),
        Dependency("npm", "hono", None, False, "package.json", "^4.4.0"),
        Dependency("pypi", "flask", "3.0.3", False, "requirements.txt"),
        Dependency("pypi", "httpx", None, False, "pyproject.toml", ">=0.27"),
    ),
    ("package.json", "package-lock.json", "requirements.txt", "pyproject.toml"),
    ("a note from the readers",),
)


def indexed(name: str, version: str, source: str) -> LibraryVersion:
    return LibraryVersion(name, version, source, 10, 20, "2026-01-01T00:00:00Z")


def test_rows_carry_exact_specs_and_mark_versions_already_indexed():
    plan = plan_sync(
        DEPS,
        [
            indexed("zod", "3.23.8", "npm:zod@3.23.8"),
            indexed("flask", "3.0.3", "pypi:Flask==3.0.3"),
            indexed("react-query", "5.0.0", "npm:@tanstack/react-query@5.0.0"),
        ],
    )
    rows = {row.dependency.name: row for row in plan.rows}
    assert rows["zod"].indexed == "zod@3.23.8" and rows["zod"].action == "indexed"
    assert rows["flask"].indexed == "flask@3.0.3"  # PyPI names compare normalised
    assert rows["@tanstack/react-query"].spec == "npm:@tanstack/react-query@5.40.0"
    assert rows["@tanstack/react-query"].action == "add"  # another version is indexed
    assert rows["hono"].spec == "npm:hono@^4.4.0" and rows["hono"].action == "add (unpinned)"
    assert rows["httpx"].spec == "pypi:httpx>=0.27"
    assert [r.dependency.name for r in plan.to_add] == [
        "@tanstack/react-query",
        "@types/node",
        "hono",
        "httpx",
    ]


def test_only_exclude_and_dev_filters_leave_dependencies_out():
    plan = plan_sync(DEPS, [], exclude=["@types/*"], only=["npm:*", "flask"])
    assert [r.dependency.name for r in plan.rows] == [
        "zod",
        "@tanstack/react-query",
        "hono",
        "flask",
    ]
    assert {d.name for d in plan.filtered} == {"@types/node", "httpx"}
    assert "@types/node" not in {r.dependency.name for r in plan_sync(DEPS, [], dev=False).rows}


def test_the_docs_origin_hook_fills_the_column_for_rows_to_add_only():
    asked: list[str] = []

    def origin(dep: Dependency) -> str | None:
        asked.append(dep.name)
        return f"repository of {dep.name}" if dep.ecosystem == "npm" else None

    plan = plan_sync(DEPS, [indexed("zod", "3.23.8", "npm:zod@3.23.8")], docs_origin=origin)
    rows = {row.dependency.name: row for row in plan.rows}
    assert "zod" not in asked
    assert rows["hono"].docs_from == "repository of hono"
    assert rows["flask"].docs_from is None


def test_the_plan_prints_as_a_table_with_a_summary_and_the_notes():
    text = format_plan(plan_sync(DEPS, [indexed("zod", "3.23.8", "npm:zod@3.23.8")]))
    lines = text.splitlines()
    assert lines[0].split() == ["package", "version", "spec", "status"]
    assert "zod" in lines[1] and "indexed as zod@3.23.8" in lines[1]
    assert "@types/node (dev)" in text and "add (unpinned)" in text
    assert "5 to add, 1 already indexed, 0 left out by the filters." in text
    assert lines[-1] == "Note: a note from the readers"
