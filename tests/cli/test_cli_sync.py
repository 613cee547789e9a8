"""`docshelf sync`: each direct dependency at its locked version, through the npm and PyPI
sources (both faked on 127.0.0.1); a failure is listed and the rest go on."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from npm_fake import FakeNpm, serving
from pypi_fake import FakePypi

DOCS = {"docs/index.md": "# Home\n\nWelcome.\n", "docs/guide.md": "# Guide\n\nHow to.\n"}


@pytest.fixture
def registries(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FakeNpm, FakePypi]]:
    npm = FakeNpm()
    npm.publish("alpha", "1.0.0", DOCS, tags={})
    npm.publish("alpha", "1.2.0", DOCS)
    npm.publish("@acme/core", "2.0.0", DOCS)
    with serving(npm) as url, FakePypi() as pypi:
        pypi.publish("gamma", "0.9.0", {"docs/index.md": "# Gamma\n\nOld.\n"})
        pypi.publish("gamma", "1.0.0", {"docs/index.md": "# Gamma\n\nWelcome.\n"})
        monkeypatch.setenv("DOCSHELF_NPM_REGISTRY", url)
        monkeypatch.setenv("DOCSHELF_PYPI_INDEX", pypi.index_url)
        monkeypatch.setenv("DOCSHELF_PYPI_FILES", pypi.files.url)
        monkeypatch.setenv("DOCSHELF_HTTP_TIMEOUT", "10")
        yield npm, pypi


def project(root: Path, *, missing: str | None = None) -> Path:
    """A project locking alpha 1.0.0 (not the newest), @acme/core 2.0.0 and gamma 1.0.0."""
    deps = {"alpha": "^1.0.0", "@acme/core": "2.0.0"}
    packages = {
        "": {"name": "app", "dependencies": deps},
        "node_modules/alpha": {"version": "1.0.0"},
        "node_modules/@acme/core": {"version": "2.0.0"},
    }
    if missing:
        deps[missing] = "1.0.0"
        packages[f"node_modules/{missing}"] = {"version": "1.0.0"}
    root.mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text(json.dumps({"name": "app", "dependencies": deps}))
    lock = {"name": "app", "lockfileVersion": 3, "packages": packages}
    (root / "package-lock.json").write_text(json.dumps(lock))
    (root / "requirements.txt").write_text("gamma==1.0.0\n")
    return root


def test_sync_adds_each_dependency_at_its_locked_version(run, registries, tmp_path):
    app = project(tmp_path / "app")
    result = run("sync", str(app), "-q")
    assert result.exit_code == 0, result.output
    assert "3 to add, 0 already indexed" in result.output
    assert "3 added, 0 already indexed, 0 failed." in result.output
    listed = json.loads(run("list", "--json").output)
    versions = {lib["name"]: [v["source"] for v in lib["versions"]] for lib in listed}
    assert versions == {
        "acme-core": ["npm:@acme/core@2.0.0"],
        "alpha": ["npm:alpha@1.0.0"],  # the locked version, not the newest
        "gamma": ["pypi:gamma==1.0.0"],
    }


def test_a_second_sync_skips_what_is_indexed(run, registries, tmp_path):
    app = project(tmp_path / "app")
    assert run("sync", str(app), "-q").exit_code == 0
    npm, _ = registries
    asked = len(npm.requests)
    again = run("sync", str(app), "-q")
    assert again.exit_code == 0, again.output
    assert "0 to add, 3 already indexed" in again.output
    assert len(npm.requests) == asked  # nothing looked up, nothing downloaded


def test_one_dependency_that_fails_is_listed_and_the_others_are_added(run, registries, tmp_path):
    app = project(tmp_path / "app", missing="not-published")
    result = run("sync", str(app), "-q")
    assert result.exit_code == 1
    assert "3 added, 0 already indexed, 1 failed." in result.output
    assert "not-published (npm:not-published@1.0.0): No npm package 'not-published'" in (
        result.output
    )
    assert "1 of 4 dependencies could not be added" in result.output
    names = {lib["name"] for lib in json.loads(run("list", "--json").output)}
    assert names == {"acme-core", "alpha", "gamma"}


def test_dry_run_prints_the_plan_with_where_docs_come_from_and_adds_nothing(
    run, registries, tmp_path
):
    npm, pypi = registries
    app = project(tmp_path / "app")
    result = run("sync", str(app), "--dry-run")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    header = next(line for line in lines if line.startswith("package"))
    assert header.split() == ["package", "version", "spec", "status", "docs", "from"]
    alpha = next(line for line in lines if line.startswith("alpha"))
    assert "npm:alpha@1.0.0" in alpha and "the npm package's docs folder" in alpha
    assert "pypi:gamma==1.0.0" in result.output
    assert npm.downloads() == [] and pypi.downloads() == []
    assert json.loads(run("list", "--json").output) == []


def test_only_and_exclude_filter_the_plan(run, registries, tmp_path):
    app = project(tmp_path / "app")
    only = run("sync", str(app), "--dry-run", "--only", "@acme/*", "--only", "gamma")
    assert "2 to add, 0 already indexed, 1 left out by the filters." in only.output
    excluded = run("sync", str(app), "-q", "--exclude", "alpha", "--exclude", "pypi:*")
    assert excluded.exit_code == 0, excluded.output
    assert "1 added, 0 already indexed, 0 failed." in excluded.output


def test_a_lockfile_that_does_not_parse_is_an_error_naming_it(run, tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (app / "package.json").write_text('{"dependencies": {"a": "1"}}')
    (app / "package-lock.json").write_text("{ not json")
    result = run("sync", str(app))
    assert result.exit_code == 1
    assert "package-lock.json" in result.output and "docshelf: error:" in result.output


def test_a_second_dry_run_asks_no_registry_for_exact_versions(run, registries, tmp_path):
    npm, pypi = registries
    app = project(tmp_path / "app")
    first = run("sync", str(app), "--dry-run")
    assert first.exit_code == 0, first.output
    asked = (len(npm.requests), len(pypi.index.requests))
    again = run("sync", str(app), "--dry-run")
    assert again.output == first.output
    assert (len(npm.requests), len(pypi.index.requests)) == asked
