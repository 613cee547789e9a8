"""The command group: a round trip, errors as one line with an exit code, help and version."""

import json


def test_add_list_search_read_round_trip(run, corpus):
    added = run("add", str(corpus), "--name", "demo", "-q")
    assert added.exit_code == 0, added.output
    assert "Added demo@local: 8 pages" in added.output

    listed = run("list", "--json")
    assert json.loads(listed.output)[0]["name"] == "demo"
    assert json.loads(listed.output)[0]["versions"][0]["kinds"] == {"guide": 5, "reference": 3}
    assert "5 guide, 3 reference" in run("list").output

    found = run("search", "tenant sandbox", "--library", "demo", "--json")
    answer = json.loads(found.output)
    assert answer["hits"][0]["path"] == "docs/workspace/sandbox"
    assert answer["mode"] == "fulltext" and "DOCSHELF_SEMANTIC=off" in answer["note"]

    page = run("read", "reference/core/getAgentById", "--library", "demo")
    assert page.exit_code == 0 and page.output.startswith("# Mastra.getAgentById()")


def test_errors_are_one_line_with_a_fix_and_nonzero_exit(run, tmp_path):
    result = run("add", str(tmp_path / "does-not-exist"))
    assert result.exit_code == 1
    assert result.output.startswith("docshelf: error: ")
    assert "Give a folder of markdown" in result.output
    assert "Traceback" not in result.output


def test_version_and_help_mention_every_command(run):
    assert "0.1.0" in run("--version").output
    help_text = run("--help").output
    for command in ("add", "remove", "list", "search", "read", "serve", "reindex"):
        assert command in help_text
    assert "DOCSHELF_HOME" in help_text
