"""Commands that manage the index: add, remove, list."""


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


def test_add_names_each_page_it_skipped_and_why(run, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "intro.md").write_text("# Intro\n\nHello.\n")
    (docs / "huge.md").write_bytes(b"# Huge\n" + b"x" * (8 * 1024 * 1024 + 1))
    result = run("add", str(docs), "--name", "d", "-q")
    assert result.exit_code == 0, result.output
    assert "Added d@local: 1 pages" in result.output
    assert "Skipped 1 file" in result.output
    assert "huge.md: 8.0 MiB, over the 8 MiB limit" in result.output
