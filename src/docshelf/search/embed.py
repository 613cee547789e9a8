"""Text embedders for semantic search: what a section embeds as, and the model, loaded lazily.

Nothing here imports numpy, onnxruntime or tokenizers at module import: `serve` starts
as fast without them, and without the `semantic` extra everything else still works.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from docshelf.errors import SemanticUnavailableError

if TYPE_CHECKING:
    import numpy as np

MAX_TOKENS = 128  # per section: its title, heading path and opening; measured in benchmarks/
MAX_CHARS = 1500  # the tokenizer never needs more than this to fill MAX_TOKENS
QUERY_CACHE = 512
EXTRA_PACKAGES = ("numpy", "onnx", "onnxruntime", "tokenizers")


class Embedder(Protocol):
    """Maps texts to L2-normalised float32 vectors (one row per text)."""

    @property
    def model_id(self) -> str: ...

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def section_text(title: str, heading_path: Sequence[str], text: str) -> str:
    """What a section is embedded as: `Title > Heading > Sub` then its body, cut short.

    The page title and heading path give a short section the context it lacks alone.
    """
    trail = [title, *(h for h in heading_path if h and h != title)]
    first, _, rest = text.partition("\n")
    body = rest if first.lstrip().startswith("#") else text
    return (" > ".join(trail) + "\n" + body.strip())[:MAX_CHARS]


def text_hash(model_id: str, text: str) -> bytes:
    """Content address of one embedding: same model and text, same vector."""
    return hashlib.sha256(json.dumps([model_id, text]).encode()).digest()[:16]


def missing_packages() -> list[str]:
    """The `semantic` extra's packages that are not installed (cheap: imports nothing)."""
    missing = [name for name in EXTRA_PACKAGES if importlib.util.find_spec(name) is None]
    if not missing:
        from docshelf.search.minilm import SOURCES

        if all(source.path() is None for source in SOURCES):
            missing.append(SOURCES[-1].package)
    return missing


class MiniLMEmbedder:
    """all-MiniLM-L6-v2, int8, on onnxruntime; two threads, like the machine it is measured on."""

    def __init__(self, cache_dir: Path, *, max_tokens: int = MAX_TOKENS, threads: int = 2) -> None:
        import onnxruntime as ort

        from docshelf.search import minilm

        source = minilm.find_source()
        self._model_id = minilm.model_id(source, max_tokens)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # onnxruntime's own warnings are not the user's business
        path = minilm.prepared_model(source, cache_dir)
        self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._tokenizer = minilm.load_tokenizer(max_tokens, source)

    @property
    def model_id(self) -> str:
        return self._model_id

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        # One text per call: activations are quantised per call, so in a batch a vector
        # would depend on its neighbours; without padding it is no slower (measured).
        out = np.zeros((len(texts), 384), np.float32)
        encodings = self._tokenizer.encode_batch([t[:MAX_CHARS] for t in texts])
        for row, encoding in enumerate(encodings):
            ids = np.array([encoding.ids], np.int64)
            feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
            out[row] = self._session.run(None, feed)[0][0]
        return out


class QueryCache:
    """Recent query vectors, so an agent's repeated or paged query is embedded once."""

    def __init__(self, embedder: Embedder, size: int = QUERY_CACHE) -> None:
        self.embedder = embedder
        self._size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def vector(self, query: str) -> np.ndarray:
        with self._lock:
            if query in self._vectors:
                self._vectors.move_to_end(query)
                return self._vectors[query]
        vector = self.embedder.embed([query])[0]
        vector.setflags(write=False)
        with self._lock:
            self._vectors[query] = vector
            while len(self._vectors) > self._size:
                self._vectors.popitem(last=False)
        return vector


def load_embedder(cache_dir: Path) -> Embedder:
    """The default embedder; raises SemanticUnavailableError naming what to install."""
    missing = missing_packages()
    if missing:
        raise SemanticUnavailableError(missing)
    return MiniLMEmbedder(cache_dir)
