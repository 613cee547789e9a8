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


def test_add_with_stderr_piped_prints_progress_lines_there_and_the_result_on_stdout(run, corpus):
    result = run("add", str(corpus), "--name", "demo")
    assert result.exit_code == 0
    assert result.stdout.startswith("Added demo@local:")
    progress = result.stderr.splitlines()
    assert progress[0].startswith("Indexing ") and progress[0].endswith(" pages of demo@local")
    assert any(line.startswith("Indexing: ") and "(100%)" in line for line in progress)


def test_quiet_add_prints_no_progress(run, corpus):
    result = run("add", str(corpus), "--name", "demo", "-q")
    assert result.exit_code == 0 and "Indexing" not in result.stderr


def test_the_semantic_search_is_off_notice_is_said_once_per_home_until_that_changes(
    run, corpus, monkeypatch
):
    from docshelf.search import semantic

    monkeypatch.setenv("DOCSHELF_SEMANTIC", "auto")
    monkeypatch.setattr(semantic, "missing_packages", lambda: ["onnxruntime"])

    def notices() -> int:
        return run("add", str(corpus), "--name", "demo", "-q").stderr.count("Semantic search")

    assert notices() == 1
    assert notices() == 0
    monkeypatch.setenv("DOCSHELF_SEMANTIC", "off")  # the state changes ...
    assert notices() == 0
    monkeypatch.setenv("DOCSHELF_SEMANTIC", "auto")  # ... and back: said again, once
    assert notices() == 1
    assert notices() == 0


def test_add_of_a_bare_name_npm_has_suggests_the_npm_source(run, monkeypatch):
    from docshelf.sources import npm_registry
    from npm_fake import FakeNpm

    npm = FakeNpm()
    npm.publish("zod", "3.23.8", {"README.md": "# zod\n"})
    monkeypatch.setattr(npm_registry, "NpmRegistry", lambda **_: npm.registry())
    result = run("add", "zod")
    assert result.exit_code == 1
    assert "npm has a package 'zod'" in result.output
    assert "`docshelf add npm:zod`" in result.output
    assert len(npm.requests) == 1  # one metadata request, nothing downloaded

    unknown = run("add", "no-such-thing")
    assert unknown.exit_code == 1
    assert "is not a folder" in unknown.output and "npm:NAME" in unknown.output
    assert run("add", "./not-here").output.count("npm has") == 0
    assert len(npm.requests) == 2  # a path is never looked up


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
    assert "plain@1.0.0: README and CHANGELOG only (1 page)" in added.output
    assert "Warning:" in added.output and "--docs-root" in added.output


def test_a_missing_tag_is_one_error_line_with_the_nearest_tags(run, tmp_path):
    from gitrepo import commit, make_repo

    repo = make_repo(tmp_path / "tagged")
    commit(repo, {"docs/a.md": "# A"}, tags=("v1.0.0", "v1.1.0"))
    result = run("add", f"git:{repo}@v1.2.0", "-q")
    assert result.exit_code == 1
    assert "Nearest tags: v1.1.0, v1.0.0" in result.output
