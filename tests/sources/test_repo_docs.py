"""A package that ships no docs, served from its repository at the release's tag.

Hermetic: the npm registry is faked in memory and PyPI on 127.0.0.1; the repositories
they name are built with the git CLI and served by `git daemon` on 127.0.0.1, the one
host the tests allow (tests/conftest.py)."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from docshelf.errors import UsageError
from docshelf.shelf import Shelf
from docshelf.sources import npm as npm_source
from docshelf.sources.provenance import Provenance
from docshelf.sources.repo_docs import RepoDocsError, plan_from_provenance, tag_candidates
from gitrepo import bare_clone, commit, git_daemon, make_repo
from npm_fake import FakeNpm
from pypi_fake import FakePypi

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git client")

TARBALL = {"README.md": "# widget\n\nA widget.\n", "index.js": "module.exports = {}\n"}


class Recorder:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def message(self, text: str) -> None:
        self.messages.append(text)

    def download(self, done: int, total: int | None) -> None:
        pass

    def index(self, done: int, total: int) -> None:
        pass

    def warnings(self) -> list[str]:
        return [m for m in self.messages if m.startswith("Warning:")]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A git daemon on 127.0.0.1 serving the folder it yields, and its base URL."""
    folder = tmp_path / "served"
    folder.mkdir()
    with git_daemon(folder) as base:
        yield folder, base


@pytest.fixture
def npm(monkeypatch: pytest.MonkeyPatch) -> FakeNpm:
    fake = FakeNpm()
    monkeypatch.setattr(npm_source, "NpmRegistry", fake.registry)
    return fake


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Shelf]:
    with Shelf(tmp_path / "home") as shelf:
        yield shelf


def widget_repo(tmp_path: Path, served: Path) -> None:
    repo = make_repo(tmp_path / "widget")
    commit(
        repo,
        {"README.md": "# widget repo\n", "docs/guide.md": "# Guide\n\nOld guide.\n"},
        tags=("v1.1.0",),
    )
    commit(
        repo,
        {
            "docs/guide.md": "# Guide\n\nTurn the widget on.\n",
            "docs/api.md": "# API\n\nwidget.on()\n",
        },
        tags=("v1.2.0",),
    )
    bare_clone(repo, served / "widget.git")


def test_tags_are_tried_as_packages_publish_them():
    assert tag_candidates("@scope/pkg", "1.2.3")[:6] == (
        "v1.2.3",
        "1.2.3",
        "@scope/pkg@1.2.3",
        "pkg@1.2.3",
        "@scope/pkg@v1.2.3",
        "pkg@v1.2.3",
    )
    assert plan_from_provenance("x", "1.0.0", Provenance()) is None


def test_an_npm_package_without_docs_is_read_from_its_repository_at_the_releases_tag(
    home: Shelf, npm: FakeNpm, served: tuple[Path, str], tmp_path: Path
):
    folder, base = served
    widget_repo(tmp_path, folder)
    npm.publish("widget", "1.2.0", TARBALL, manifest={"repository": f"git+{base}/widget.git"})
    record = home.add_library("npm:widget@1.2.0")
    host = base.removeprefix("git://")
    assert (record.name, record.version, record.source) == ("widget", "1.2.0", "npm:widget@1.2.0")
    assert record.origin == (
        f"the npm package ships no docs; using {host}/widget @ v1.2.0, docs folder docs/"
    )
    assert home.list_paths("widget") == ["api", "guide"]
    assert "Turn the widget on." in home.read(["guide"])[0].text


def test_a_monorepo_package_prefers_its_own_folder_and_its_package_tag(
    home: Shelf, npm: FakeNpm, served: tuple[Path, str], tmp_path: Path
):
    folder, base = served
    repo = make_repo(tmp_path / "mono")
    commit(
        repo,
        {
            "docs/site.md": "# The monorepo's site\n",
            "packages/widget/docs/usage.md": "# Usage\n\nThe widget's own docs.\n",
            "packages/other/docs/x.md": "# Other\n",
        },
        tags=("widget@1.2.0", "other@3.0.0"),
    )
    bare_clone(repo, folder / "mono.git")
    repository = {"type": "git", "url": f"{base}/mono.git", "directory": "packages/widget"}
    npm.publish("widget", "1.2.0", TARBALL, manifest={"repository": repository})
    record = home.add_library("npm:widget@1.2.0")
    assert record.origin.endswith("@ widget@1.2.0, docs folder packages/widget/docs/")
    assert home.list_paths("widget") == ["usage"]


def test_an_unreachable_repository_falls_back_to_the_readme_with_a_warning(
    home: Shelf, npm: FakeNpm
):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    npm.publish(
        "widget", "1.2.0", TARBALL, manifest={"repository": f"git://127.0.0.1:{port}/w.git"}
    )
    recorder = Recorder()
    record = home.add_library("npm:widget@1.2.0", reporter=recorder)
    assert home.list_paths("widget") == ["README"]
    assert record.origin == (
        f"README and CHANGELOG only; its repository 127.0.0.1:{port}/w was not used"
    )
    [warning] = recorder.warnings()
    assert f"Could not read 127.0.0.1:{port}/w:" in warning
    assert "retry with `docshelf add npm:widget@1.2.0 --from repo`" in warning
    with pytest.raises(RepoDocsError, match="Could not read"):
        home.add_library("npm:widget@1.2.0", docs_from="repo")
    assert [v.origin for lib in home.list_libraries() for v in lib.versions] == [record.origin]


def test_a_repository_on_a_host_not_allowed_is_never_contacted(home: Shelf, npm: FakeNpm):
    npm.publish(
        "widget",
        "1.2.0",
        TARBALL,
        manifest={"repository": "git+https://forge.invalid/acme/widget.git"},
    )
    recorder = Recorder()
    home.add_library("npm:widget@1.2.0", reporter=recorder)
    [warning] = recorder.warnings()
    assert "is on forge.invalid, which docshelf does not fetch from" in warning
    assert "DOCSHELF_ALLOWED_REPO_HOSTS" in warning
    assert not any("Looking for" in m for m in recorder.messages)


def test_a_registry_naming_a_path_on_this_machine_is_refused(
    home: Shelf, npm: FakeNpm, tmp_path: Path
):
    npm.publish("widget", "1.2.0", TARBALL, manifest={"repository": "git+file:///etc/repo.git"})
    with pytest.raises(RepoDocsError, match=r"file:///etc/repo\.git; docshelf fetches"):
        home.add_library("npm:widget@1.2.0", docs_from="repo")


def test_a_missing_tag_names_the_nearest_and_from_tarball_skips_the_repository(
    home: Shelf, npm: FakeNpm, served: tuple[Path, str], tmp_path: Path
):
    folder, base = served
    widget_repo(tmp_path, folder)
    npm.publish("widget", "1.3.0", TARBALL, manifest={"repository": f"{base}/widget.git"})
    with pytest.raises(RepoDocsError, match=r"no tag for widget@1.3.0 .*nearest: v1.2.0, v1.1.0"):
        home.add_library("npm:widget@1.3.0", docs_from="repo")
    recorder = Recorder()
    record = home.add_library("npm:widget@1.3.0", docs_from="tarball", reporter=recorder)
    assert record.origin == "README and CHANGELOG only"
    [warning] = recorder.warnings()
    assert "`docshelf add npm:widget@1.3.0 --from repo`" in warning


def test_from_applies_to_package_sources_only(home: Shelf, tmp_path: Path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# A\n")
    with pytest.raises(UsageError, match="--from repo applies to package sources"):
        home.add_library(str(tmp_path / "docs"), docs_from="repo")


def test_a_pypi_release_without_docs_is_read_from_its_source_repository(
    home: Shelf, served: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder, base = served
    repo = make_repo(tmp_path / "tiny")
    commit(
        repo,
        {"mkdocs.yml": "site_name: tiny\n", "docs/index.md": "# Tiny\n", "docs/api.md": "# API\n"},
        tags=("0.3.0",),
    )
    bare_clone(repo, folder / "tiny.git")
    with FakePypi() as pypi:
        monkeypatch.setenv("DOCSHELF_PYPI_INDEX", pypi.index_url)
        monkeypatch.setenv("DOCSHELF_PYPI_FILES", pypi.files.url)
        pypi.publish(
            "tiny",
            "0.3.0",
            {"README.md": "# Old\n"},
            description="# Tiny\n",
            project_urls={"Source": f"git+{base}/tiny.git", "Documentation": "https://tiny.dev"},
        )
        record = home.add_library("pypi:tiny==0.3.0")
    assert record.origin == (
        f"the sdist ships no docs; using {base.removeprefix('git://')}/tiny @ 0.3.0, "
        "MkDocs site in docs/"
    )
    assert home.list_paths("tiny") == ["api", "index"]


def test_add_says_where_the_docs_came_from_and_from_site_needs_a_docs_website(
    npm: FakeNpm, served: tuple[Path, str], tmp_path: Path
):
    from click.testing import CliRunner

    from docshelf.cli import main

    folder, base = served
    widget_repo(tmp_path, folder)
    npm.publish("widget", "1.2.0", TARBALL, manifest={"repository": f"{base}/widget.git"})
    runner = CliRunner()
    home = ["--home", str(tmp_path / "cli-home")]
    result = runner.invoke(main, [*home, "add", "npm:widget@1.2.0", "-q"])
    assert result.exit_code == 0, result.output
    host = base.removeprefix("git://")
    assert (
        f"widget@1.2.0: the npm package ships no docs; using {host}/widget @ v1.2.0, "
        "docs folder docs/ (2 pages)"
    ) in result.output
    listed = runner.invoke(main, [*home, "list"]).output
    assert f"using {host}/widget @ v1.2.0" in listed
    site = runner.invoke(main, [*home, "add", "npm:widget@1.2.0", "--from", "site"])
    assert site.exit_code == 1, site.output
    assert "npm:widget@1.2.0 names no docs website in its metadata" in site.output
    assert "`docshelf add https://HOST/PATH --name widget`" in site.output
    assert f"using {host}/widget @ v1.2.0" in runner.invoke(main, [*home, "list"]).output
