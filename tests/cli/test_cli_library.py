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
