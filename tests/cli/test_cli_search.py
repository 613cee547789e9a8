"""Commands that search and read: search (incl. --queries), read."""

import json


def test_search_queries_file_prints_one_json_line_per_query_in_order(run, corpus):
    run("add", str(corpus), "--name", "demo", "-q")
    lines = '{"q": "tenant sandbox", "rel": []}\n\n{"q": "semantic recall"}\n'
    result = run("search", "--queries", "-", "--limit", "2", input=lines)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["q"] for r in rows] == ["tenant sandbox", "semantic recall"]
    assert set(rows[0]["hits"][0]) == {"path", "title", "kind", "heading", "score", "snippet"}
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
    assert more.startswith("More: `docshelf ask 'agent tools memory' --library demo --cursor ")
    cursor = more.split("--cursor ")[1].split("`")[0]
    following = run("ask", "agent tools memory", "-l", "demo", "--cursor", cursor, "--json")
    answer = json.loads(following.output)
    assert answer["excerpts"] and answer["query"] == "agent tools memory"


def test_search_and_read_on_an_empty_index_say_nothing_is_indexed_and_how_to_add(run):
    for args in (("search", "memory"), ("read", "docs/agents/overview")):
        result = run(*args)
        assert result.exit_code == 1
        assert "Nothing is indexed yet" in result.output
        assert "`docshelf add npm:@mastra/mcp-docs-server --name mastra`" in result.output
        assert "(none)" not in result.output and "No pages match" not in result.output


def test_search_hits_end_with_the_read_command_not_a_tool_call(run, corpus):
    run("add", str(corpus), "--name", "demo", "-q")
    result = run("search", "tenant sandbox")
    assert result.exit_code == 0
    assert "Read a page with `docshelf read PATH --library demo`." in result.output
    assert "read_docs" not in result.output


def test_with_several_libraries_a_read_asks_for_the_library_flag(run, corpus):
    run("add", str(corpus), "--name", "one", "-q")
    run("add", str(corpus), "--name", "two", "-q")
    result = run("read", "docs/agents/overview")
    assert result.exit_code == 1
    assert "say which one with `--library NAME`" in result.output
    assert "library=" not in result.output


def test_a_missing_version_names_the_add_command_with_the_source_it_came_from(run, tmp_path):
    from corpus import SOURCE, V1
    from docshelf.shelf import Shelf

    with Shelf(tmp_path / "home") as shelf:
        shelf.index_files("demo", "2.0.0", SOURCE.format("2.0.0"), V1.items())
    result = run("read", "guide/setup", "--library", "demo@1.0.0")
    assert result.exit_code == 1
    unpinned = SOURCE.format("1.0.0")
    assert f"`docshelf add {unpinned} --name demo`" in result.output


def test_a_section_miss_names_the_section_flag(run, corpus):
    run("add", str(corpus), "--name", "demo", "-q")
    result = run("read", "docs/agents/overview", "--section", "nope")
    assert "as `--section`" in result.output


def test_read_takes_a_page_url_and_its_anchor(run, corpus):
    run("add", str(corpus), "--name", "demo", "-q")
    result = run("read", "https://docs.example.dev/docs/agents/overview/#memory")
    assert result.exit_code == 0, result.output
    assert "## Memory" in result.output and "## Tools" not in result.output


def test_search_and_ask_keep_to_the_kinds_given(run, corpus):
    run("add", str(corpus), "--name", "demo", "-q")
    result = run("search", "tool", "--kind", "reference", "--json")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)["hits"]
    assert hits and {h["kind"] for h in hits} == {"reference"}
    asked = run("ask", "agent tools memory", "--kind", "reference", "--json")
    assert asked.exit_code == 0, asked.output
    assert all(e["path"].startswith("reference/") for e in json.loads(asked.output)["excerpts"])
    wrong = run("search", "tool", "--kind", "manual")
    assert wrong.exit_code == 2 and "'manual' is not one of" in wrong.output
