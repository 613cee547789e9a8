"""Git sources end to end: repositories built with the git CLI, read locally, over file://
and over `git daemon` on 127.0.0.1, including hostile repositories."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from docshelf.errors import SourceError
from docshelf.shelf import Shelf
from docshelf.sources import fetch_source
from docshelf.sources import git as git_source
from docshelf.sources.gitclient import Git as GitClient
from gitrepo import bare_clone, commit, git, git_daemon, make_repo, symlink

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git client")

VITEPRESS = {
    "docs/.vitepress/config.ts": "export default defineConfig({ cleanUrls: true })",
    "docs/index.md": "# Home\n\nWelcome.",
    "docs/guide/index.md": "# Getting started\n\nInstall it.",
    "docs/guide/features.md": "# Features\n\n## Hot reload\n\nFast.",
    "README.md": "# lib\n",
    "src/index.js": "export {}\n",
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path / "lib")
    commit(repo, VITEPRESS, tags=("v1.0.0",), annotated=True)
    commit(repo, {"docs/guide/new.md": "# New in 1.1\n"}, tags=("v1.1.0", "create-lib@9.0.0"))
    commit(repo, {"docs/guide/next.md": "# Unreleased\n"}, tags=("v2.0.0-beta.1",))
    return repo


@pytest.fixture
def home(tmp_path: Path):
    with Shelf(tmp_path / "home") as shelf:
        yield shelf


def paths(shelf: Shelf, library: str) -> list[str]:
    return shelf.list_paths(library)


def test_local_repository_at_a_tag_is_indexed_with_url_page_ids(home: Shelf, repo: Path):
    record = home.add_library(f"git:{repo}@v1.0.0")
    assert (record.name, record.version, record.origin) == (
        "lib",
        "1.0.0",
        "VitePress site in docs/",
    )
    assert record.source == f"git:{repo}@v1.0.0"
    assert paths(home, "lib@1.0.0") == ["guide", "guide/features", "index"]


def test_no_ref_takes_the_newest_release_tag_not_a_prerelease_or_another_package(
    home: Shelf, repo: Path
):
    record = home.add_library(f"git:{repo}")
    assert record.version == "1.1.0"
    assert "guide/new" in paths(home, "lib")


def test_a_bare_version_finds_the_v_tag(home: Shelf, repo: Path):
    assert home.add_library(f"git:{repo}@1.0.0").version == "1.0.0"


def test_monorepo_package_tags_give_their_version(home: Shelf, tmp_path: Path):
    repo = make_repo(tmp_path / "mono")
    commit(repo, {"docs/a.md": "# A"}, tags=("@scope/pkg@1.2.3", "pkg-v1.2.4"))
    assert home.add_library(f"git:{repo}@@scope/pkg@1.2.3").version == "1.2.3"
    assert home.add_library(f"git:{repo}@pkg-v1.2.4").version == "1.2.4"


def test_a_branch_is_recorded_as_branch_and_short_sha_and_pinned_to_the_commit(
    home: Shelf, repo: Path
):
    sha = git(repo, "rev-parse", "HEAD").strip()
    record = home.add_library(f"git:{repo}@main")
    assert record.version == f"main-{sha[:7]}"
    assert record.source == f"git:{repo}@{sha}"
    assert home.add_library(f"git:{repo}@{sha[:10]}").version == sha[:7]


def test_a_missing_tag_lists_the_nearest_and_keeps_the_previous_index(home: Shelf, repo: Path):
    home.add_library(f"git:{repo}@v1.0.0")
    with pytest.raises(SourceError) as caught:
        home.add_library(f"git:{repo}@v1.0.9")
    assert "no tag, branch or commit 'v1.0.9'" in str(caught.value)
    assert "Nearest tags: v1.0.0, v1.1.0" in str(caught.value)
    assert [v.version for v in home.list_libraries()[0].versions] == ["1.0.0"]
    assert home.read(["guide"], library="lib")[0].kind == "index"


def test_a_bare_local_repository_is_read_without_a_work_tree(home: Shelf, repo: Path, tmp_path):
    bare = bare_clone(repo, tmp_path / "lib.git")
    record = home.add_library(f"git:{bare}@v1.1.0")
    assert record.pages == 4
    assert not (tmp_path / "lib.git" / "docs").exists()


def test_file_url_is_fetched_shallow_and_cached_once_per_commit(
    home: Shelf, repo: Path, tmp_path: Path
):
    bare = bare_clone(repo, tmp_path / "served" / "lib.git")
    record = home.add_library(f"git:file://{bare}@v1.0.0", name="viafile")
    assert paths(home, "viafile") == ["guide", "guide/features", "index"]
    again = home.add_library(f"git:file://{bare}@v1.0.0", name="viafile")
    assert again.pages == record.pages
    commits = list((home.cache_dir / "git").glob("*/*"))
    assert len(commits) == 1 and (commits[0] / "layout.json").is_file()


@pytest.mark.parametrize("allow_filter", [True, False])
def test_git_daemon_remote_with_and_without_filter_support(
    home: Shelf, repo: Path, tmp_path: Path, allow_filter: bool
):
    served = tmp_path / "served"
    bare_clone(repo, served / "lib.git", allow_filter=allow_filter)
    with git_daemon(served) as base:
        record = home.add_library(f"git:{base}/lib.git@v1.1.0")
    assert (record.version, record.pages) == ("1.1.0", 4)
    assert "Features" in home.read(["guide/features"], library="lib")[0].text


def test_a_host_that_never_answers_is_stopped_by_the_timeout(
    home: Shelf, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DOCSHELF_GIT_TIMEOUT", "1")
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        with pytest.raises(SourceError, match=r"took longer than 1 s.*DOCSHELF_GIT_TIMEOUT"):
            home.add_library(f"git:git://127.0.0.1:{port}/lib.git")


def test_symlinks_out_are_skipped_and_links_inside_are_kept(home: Shelf, tmp_path: Path):
    repo = make_repo(tmp_path / "links")
    symlink(repo, "docs/passwd.md", "/etc/passwd")
    symlink(repo, "docs/up.md", "../../outside.md")
    symlink(repo, "docs/changelog.md", "../CHANGELOG.md")
    commit(
        repo, {"docs/index.md": "# Home", "CHANGELOG.md": "# Changes\n\n## 1.0.0"}, tags=("v1.0.0",)
    )
    fetched = fetch_source(f"git:{repo}", home.cache_dir)
    assert {d.page_id for d in fetched.documents} == {"index", "changelog"}
    assert any("2 symlink(s) skipped" in w for w in fetched.warnings)
    home.add_library(f"git:{repo}")
    assert "## 1.0.0" in home.read(["changelog"], library="links")[0].text


def test_a_huge_file_is_skipped_with_a_warning(
    home: Shelf, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(git_source, "MAX_FILE_BYTES", 1000)
    repo = make_repo(tmp_path / "huge")
    commit(
        repo, {"docs/index.md": "# Home", "docs/big.md": "# Big\n" + "x" * 5000}, tags=("v1.0.0",)
    )
    fetched = fetch_source(f"git:{repo}", home.cache_dir)
    assert [d.page_id for d in fetched.documents] == ["index"]
    assert any("skipped docs/big.md" in w and "limit for one page" in w for w in fetched.warnings)


def test_too_many_files_are_refused_with_the_setting_to_raise(
    home: Shelf, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DOCSHELF_MAX_REPO_FILES", "5")
    repo = make_repo(tmp_path / "many")
    commit(repo, {f"docs/p{i}.md": f"# P{i}" for i in range(12)}, tags=("v1.0.0",))
    with pytest.raises(SourceError, match=r"12 doc files.*DOCSHELF_MAX_REPO_FILES"):
        home.add_library(f"git:{repo}")
    assert home.list_libraries() == []


def test_too_many_bytes_are_refused(home: Shelf, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("DOCSHELF_MAX_ARCHIVE_MB", "0.001")
    repo = make_repo(tmp_path / "heavy")
    commit(repo, {"docs/a.md": "# A\n" + "y" * 3000}, tags=("v1.0.0",))
    with pytest.raises(SourceError, match=r"more than 0 MiB.*DOCSHELF_MAX_ARCHIVE_MB"):
        home.add_library(f"git:{repo}")


def test_a_submodule_pointing_elsewhere_is_never_followed(home: Shelf, tmp_path: Path):
    repo = make_repo(tmp_path / "subs")
    commit(
        repo,
        {
            "docs/index.md": "# Home",
            ".gitmodules": '[submodule "docs/vendor"]\n\tpath = docs/vendor\n'
            "\turl = https://elsewhere.invalid/evil.git\n",
        },
    )
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{'1' * 40},docs/vendor")
    git(repo, "commit", "-q", "-m", "submodule")
    git(repo, "tag", "v1.0.0")
    fetched = fetch_source(f"git:{repo}", home.cache_dir)
    assert [d.page_id for d in fetched.documents] == ["index"]
    assert any("1 submodule(s) not followed (docs/vendor)" in w for w in fetched.warnings)


def test_a_repository_without_docs_is_indexed_as_readme_with_a_warning(home: Shelf, tmp_path: Path):
    repo = make_repo(tmp_path / "bare-lib")
    commit(repo, {"README.md": "# Lib\n\nUsage.", "lib.py": "x = 1\n"}, tags=("v0.1.0",))
    fetched = fetch_source(f"git:{repo}", home.cache_dir)
    assert fetched.origin == "README and CHANGELOG only"
    assert any("only its README" in w and "--docs-root" in w for w in fetched.warnings)
    record = home.add_library(f"git:{repo}")
    assert (record.pages, record.origin) == (1, "README and CHANGELOG only")


def test_docs_root_override_is_cached_separately_from_discovery(home: Shelf, repo: Path):
    home.add_library(f"git:{repo}@v1.0.0")
    record = home.add_library(f"git:{repo}@v1.0.0", docs_root="docs/guide", name="guide")
    assert record.origin == "docs folder docs/guide/"
    assert paths(home, "guide") == ["features", "index"]


def test_a_filtering_server_sends_only_the_blobs_the_docs_need(
    home: Shelf, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    asked: list[str] = []
    original = GitClient.fetch_blobs

    def spy(self: GitClient, git_dir: Path, oids) -> bool:
        oids = list(oids)
        asked.extend(oids)
        return original(self, git_dir, oids)

    monkeypatch.setattr(GitClient, "fetch_blobs", spy)
    served = tmp_path / "served"
    bare_clone(repo, served / "lib.git")
    with git_daemon(served) as base:
        home.add_library(f"git:{base}/lib.git@v1.0.0")
    code_blob = git(repo, "rev-parse", "v1.0.0:src/index.js").strip()
    page_blob = git(repo, "rev-parse", "v1.0.0:docs/guide/features.md").strip()
    assert page_blob in asked and code_blob not in asked


def test_when_the_server_refuses_single_blobs_the_commit_is_fetched_whole(
    home: Shelf, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(GitClient, "fetch_blobs", lambda self, git_dir, oids: False)
    bare = bare_clone(repo, tmp_path / "served" / "lib.git")
    record = home.add_library(f"git:file://{bare}@v1.1.0")
    assert record.pages == 4


def test_code_a_page_includes_is_read_from_the_same_commit_over_file_urls(
    home: Shelf, tmp_path: Path
):
    repo = make_repo(tmp_path / "fastapi-like")
    commit(
        repo,
        {
            "docs/en/mkdocs.yml": "site_name: x\n",
            "docs/en/docs/tutorial/first-steps.md": (
                "# First Steps { #first-steps }\n\n{* ../../docs_src/first_steps/t1.py hl[1] *}\n\n"
                "/// tip\n\nRun it.\n\n///\n"
            ),
            "docs_src/first_steps/t1.py": "from fastapi import FastAPI\napp = FastAPI()\n",
            "docs_src/unused.py": "never read\n",
        },
        tags=("0.1.0",),
    )
    remote = bare_clone(repo, tmp_path / "remote.git")
    record = home.add_library(f"git:file://{remote}@0.1.0", name="fa")
    assert record.origin == "MkDocs site in docs/en/docs/"
    page = home.read(["tutorial/first-steps"], library="fa")[0]
    assert page.title == "First Steps"
    assert "```python\nfrom fastapi import FastAPI\napp = FastAPI()\n```" in page.text
    assert "**Tip:**\n\nRun it." in page.text and "///" not in page.text
    cached = next((home.cache_dir / "git").rglob("docs_src"))
    assert sorted(p.name for p in cached.rglob("*.py")) == ["t1.py"]  # only what is included
