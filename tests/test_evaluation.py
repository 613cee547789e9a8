import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from docshelf.cli import main
from docshelf.errors import UsageError
from docshelf.evaluation import JudgedQuery, load_queries, ndcg, normalize_page, score_mode


def judged(q: str, *rel: str) -> JudgedQuery:
    return JudgedQuery(q, frozenset(rel))


def test_metrics_count_the_first_relevant_page():
    queries = [judged("a", "x"), judged("b", "y"), judged("c", "z")]
    rankings = [["x", "p"], ["p", "q", "r", "s", "t", "y"], ["p"]]
    scores = score_mode("fulltext", queries, rankings)
    assert scores.ranks == (1, 6, None)
    assert (scores.recall1, scores.recall5, scores.recall10) == (1 / 3, 1 / 3, 2 / 3)
    assert scores.mrr10 == pytest.approx((1 + 1 / 6) / 3)


def test_ndcg_rewards_every_relevant_page_near_the_top():
    rel = frozenset({"a", "b"})
    assert ndcg(["a", "b", "c"], rel) == pytest.approx(1.0)
    assert ndcg(["c", "a"], rel) == pytest.approx((1 / math.log2(3)) / (1 + 1 / math.log2(3)))
    assert ndcg(["c"], rel) == 0.0


def test_page_paths_are_compared_without_md_or_anchor():
    assert normalize_page("./docs/agents/overview.md#memory") == "docs/agents/overview"
    scores = score_mode("x", [judged("q", "docs/a")], [["/docs/a.md"]])
    assert scores.ranks == (1,)


def test_a_bad_line_is_named_with_an_example_of_a_good_one():
    with pytest.raises(UsageError, match=r"Line 2 of set.jsonl .*\{\"q\""):
        load_queries('{"q": "a", "rel": ["x"]}\n{"q": "b"}\n', "set.jsonl")
    with pytest.raises(UsageError, match="holds no queries"):
        load_queries("\n\n", "empty.jsonl")


def test_eval_without_semantic_search_scores_full_text_and_says_why(tmp_path: Path, corpus: Path):
    queries = tmp_path / "q.jsonl"
    lines = [
        {"q": "give each tenant its own sandbox", "rel": ["docs/workspace/sandbox"]},
        {"q": "get agent by id", "rel": ["reference/core/getAgentById"]},
    ]
    queries.write_text("".join(json.dumps(line) + "\n" for line in lines))
    home = ["--home", str(tmp_path / "home")]
    runner = CliRunner()
    assert runner.invoke(main, [*home, "add", str(corpus), "--name", "demo", "-q"]).exit_code == 0
    result = runner.invoke(main, [*home, "eval", str(queries), "--library", "demo", "-v"])
    assert result.exit_code == 0, result.output
    assert "2 queries from" in result.output and "on demo@local" in result.output
    recall5 = next(line for line in result.output.splitlines() if line.startswith("recall@5"))
    assert recall5.split() == ["recall@5", "1.000"]
    assert "full text only: semantic search is off (DOCSHELF_SEMANTIC=off" in result.output


def test_eval_of_an_unknown_library_lists_the_indexed_ones(tmp_path: Path, corpus: Path):
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"q": "a", "rel": ["x"]}\n')
    home = ["--home", str(tmp_path / "home")]
    runner = CliRunner()
    runner.invoke(main, [*home, "add", str(corpus), "--name", "demo", "-q"])
    result = runner.invoke(main, [*home, "eval", str(queries), "--library", "nope"])
    assert result.exit_code == 1
    assert "No library named 'nope'" in result.output
