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


def test_search_header_says_when_full_text_alone_ranked_the_hits(run, corpus):
    run("add", str(corpus), "--name", "demo", "-q")
    result = run("search", "tenant sandbox")
    header, note = result.output.splitlines()[:2]
    assert header.startswith("Top ") and header.endswith(" for 'tenant sandbox':")
    assert note.startswith("(Full-text search only: semantic search is off (DOCSHELF_SEMANTIC=off")


def test_list_says_how_libraries_are_searched(run, corpus):
    run("add", str(corpus), "--name", "demo", "-q")
    listed = run("list")
    assert listed.output.splitlines()[-1].startswith("Search is full text only: ")


def test_ask_prints_excerpts_and_the_command_for_more(run, corpus):
    run("add", str(corpus), "--name", "demo", "-q")
    result = run("ask", "agent tools memory", "--library", "demo", "--max-tokens", "60")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 excerpt for 'agent tools memory', about ")
    assert "\n## docs/agents/overview — Agents > Memory (demo@local)\n" in result.output
    more = result.output.splitlines()[-1]
    assert more.startswith("More: docshelf ask 'agent tools memory' --cursor ")
    assert more.endswith(" --library demo")
    cursor = more.split("--cursor ")[1].split()[0]
    following = run("ask", "agent tools memory", "-l", "demo", "--cursor", cursor, "--json")
    answer = json.loads(following.output)
    assert answer["excerpts"] and answer["query"] == "agent tools memory"
