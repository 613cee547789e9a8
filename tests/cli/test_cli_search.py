"""Commands that search and read: search (incl. --queries), read."""

import json


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


def test_read_takes_a_page_url_and_its_anchor(run, corpus):
    run("add", str(corpus), "--name", "demo", "-q")
    result = run("read", "https://docs.example.dev/docs/agents/overview/#memory")
    assert result.exit_code == 0, result.output
    assert "## Memory" in result.output and "## Tools" not in result.output
