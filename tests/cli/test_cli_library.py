"""Commands that manage the index: add, remove, list."""

import json


def test_unknown_source_kind_lists_known_kinds(run):
    result = run("add", "cargo:serde")
    assert result.exit_code == 1 and "npm:" in result.output


def test_bad_library_name_is_refused(run, corpus):
    result = run("add", str(corpus), "--name", "bad name!")
    assert result.exit_code == 1 and "Invalid library name" in result.output


def test_remove_library(run, corpus):
    run("add", str(corpus), "--name", "demo", "-q")
    assert "Removed demo@local" in run("remove", "demo").output
    assert run("remove", "demo").exit_code == 1
    assert "No libraries yet" in run("list").output


def test_add_says_where_the_docs_came_from_and_list_shows_it(run, tmp_path):
    from gitrepo import commit, make_repo

    repo = make_repo(tmp_path / "vitelike")
    commit(
        repo,
        {
            "docs/.vitepress/config.ts": "export default {}",
            "docs/index.md": "# Home",
            "docs/guide/index.md": "# Guide",
        },
        tags=("v3.1.0",),
    )
    added = run("add", f"git:{repo}@v3.1.0", "-q")
    assert added.exit_code == 0, added.output
    assert "vitelike@3.1.0: VitePress site in docs/ (2 pages)" in added.output
    listed = run("list")
    assert "(VitePress site in docs/)" in listed.output
    assert json.loads(run("list", "--json").output)[0]["versions"][0]["origin"] == (
        "VitePress site in docs/"
    )


def test_a_readme_only_add_warns_where_else_docs_could_come_from(run, tmp_path):
    from gitrepo import commit, make_repo

    repo = make_repo(tmp_path / "plain")
    commit(repo, {"README.md": "# Plain\n\nUse it."}, tags=("v1.0.0",))
    added = run("add", f"git:{repo}", "-q")
    assert added.exit_code == 0, added.output
    assert "plain@1.0.0: README and CHANGELOG only (1 pages)" in added.output
    assert "Warning:" in added.output and "--docs-root" in added.output


def test_a_missing_tag_is_one_error_line_with_the_nearest_tags(run, tmp_path):
    from gitrepo import commit, make_repo

    repo = make_repo(tmp_path / "tagged")
    commit(repo, {"docs/a.md": "# A"}, tags=("v1.0.0", "v1.1.0"))
    result = run("add", f"git:{repo}@v1.2.0", "-q")
    assert result.exit_code == 1
    assert "Nearest tags: v1.1.0, v1.0.0" in result.output
