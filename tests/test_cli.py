import json

import pytest
from click.testing import CliRunner

from docshelf.cli import main


@pytest.fixture
def run(tmp_path):
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(main, ["--home", str(tmp_path / "home"), *args], input=input)

    return invoke


def test_add_list_search_read_round_trip(run, corpus):
    added = run("add", str(corpus), "--name", "demo", "-q")
    assert added.exit_code == 0, added.output
    assert "Added demo@local: 8 pages" in added.output

    listed = run("list", "--json")
    assert json.loads(listed.output)[0]["name"] == "demo"

    found = run("search", "tenant sandbox", "--library", "demo", "--json")
    assert json.loads(found.output)[0]["path"] == "docs/workspace/sandbox"

    page = run("read", "reference/core/getAgentById", "--library", "demo")
    assert page.exit_code == 0 and page.output.startswith("# Mastra.getAgentById()")


def test_search_queries_file_prints_one_json_line_per_query_in_order(run, corpus):
    run("add", str(corpus), "--name", "demo", "-q")
    lines = '{"q": "tenant sandbox", "rel": []}\n\n{"q": "semantic recall"}\n'
    result = run("search", "--queries", "-", "--limit", "2", input=lines)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["q"] for r in rows] == ["tenant sandbox", "semantic recall"]
    assert set(rows[0]["hits"][0]) == {"path", "title", "heading", "score", "snippet"}
    assert len(rows[1]["hits"]) <= 2


def test_bad_queries_line_is_one_clear_error(run, corpus):
    run("add", str(corpus), "--name", "demo", "-q")
    result = run("search", "--queries", "-", input="not json\n")
    assert result.exit_code == 1
    assert "line 1" in result.output and "'q'" in result.output


def test_read_missing_path_exits_nonzero(run, corpus):
    run("add", str(corpus), "--name", "demo", "-q")
    result = run("read", "docs/nope")
    assert result.exit_code == 1
    assert "Nearest existing directory" in result.output


def test_errors_are_one_line_with_a_fix_and_nonzero_exit(run, tmp_path):
    result = run("add", str(tmp_path / "does-not-exist"))
    assert result.exit_code == 1
    assert result.output.startswith("docshelf: error: ")
    assert "Give a folder of markdown" in result.output
    assert "Traceback" not in result.output


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


def test_version_and_help_mention_every_command(run):
    assert "0.1.0" in run("--version").output
    help_text = run("--help").output
    for command in ("add", "remove", "list", "search", "read", "serve", "reindex"):
        assert command in help_text
    assert "DOCSHELF_HOME" in help_text


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
