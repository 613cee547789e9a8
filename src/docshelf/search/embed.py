"""Text embedders for semantic search: what a page and a section embed as, and the model.

Nothing here imports numpy, onnxruntime or tokenizers at module import: `serve` starts as
fast as with full text only, and the model loads in the background.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Protocol

from docshelf.errors import MissingPackagesError
from docshelf.install import pinned_requirements

if TYPE_CHECKING:
    import numpy as np

# Tokens embedded per text (measured in benchmarks/embed_speed.py: the cost grows with the
# length, and a page vector is the fast first build, a section vector the upgrade).
PAGE_TOKENS = 96  # a page: its title and lead
SECTION_TOKENS = 128  # a section: its title, heading path and opening
MAX_CHARS = 1500  # the tokenizer never needs more text than this to fill those
QUERY_CACHE = 512
QUERY_WORKERS = 2  # queries embedded at once beside full text (this machine class: 2 cores)
MODULES = ("numpy", "onnxruntime", "tokenizers")  # imported by the model

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")  # [text](url) -> text; images keep their alt
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")  # HTML and MDX tags
_MODULE_LINE = re.compile(r"^(import|export)\s.*$", re.M)  # MDX imports and exports


class Embedder(Protocol):
    """Maps texts to L2-normalised float32 vectors (one row per text)."""

    @property
    def model_id(self) -> str: ...

    def embed(self, texts: Sequence[str], *, max_tokens: int | None = None) -> np.ndarray: ...


def vector_key(model_id: str, tokens: int) -> str:
    """What a vector is stored under besides its text: the model and the text's length."""
    return f"{model_id}/{tokens}"


def section_text(title: str, heading_path: Sequence[str], text: str) -> str:
    """What a section is embedded as: `Title > Heading > Sub` then its body, cut short.

    The page title and heading path give a short section the context it lacks alone.
    """
    trail = [title, *(h for h in heading_path if h and h != title)]
    return (" > ".join(trail) + "\n" + _body(text))[:MAX_CHARS]


def page_text(title: str, content: str) -> str:
    """What a page is embedded as: its title, then the start of its text (the lead)."""
    return (title + "\n" + _body(content))[:MAX_CHARS]


def _body(text: str) -> str:
    """Markdown without its opening heading line, link targets, tags and MDX imports:
    what is left carries the meaning, and fills the tokens the model reads."""
    first, _, rest = text.partition("\n")
    body = rest if first.lstrip().startswith("#") else text
    body = _MODULE_LINE.sub("", _TAG.sub("", _LINK.sub(r"\1", body[: MAX_CHARS * 2])))
    return re.sub(r"\n{3,}", "\n\n", body).strip()


def text_hash(key: str, text: str) -> bytes:
    """Content address of one embedding: same model, length and text, same vector."""
    return hashlib.sha256(json.dumps([key, text]).encode()).digest()[:16]


def missing_packages() -> list[str]:
    """What semantic search needs and cannot find: modules, or the model's packaged files
    (cheap: imports nothing, reads no file)."""
    from docshelf.search.minilm import FILES

    missing = [name for name in MODULES if importlib.util.find_spec(name) is None]
    return missing + [f.distribution for f in FILES if f.path() is None]


class QueryCache:
    """Recent query vectors, so an agent's repeated or paged query is embedded once; a new
    one can be embedded in a worker thread while the caller ranks full text."""

    def __init__(self, embedder: Embedder, size: int = QUERY_CACHE) -> None:
        self.embedder = embedder
        self._size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._workers: ThreadPoolExecutor | None = None

    def vector(self, query: str) -> np.ndarray:
        found = self._cached(query)
        if found is not None:
            return found
        vector = self.embedder.embed([query], max_tokens=SECTION_TOKENS)[0]
        vector.setflags(write=False)
        with self._lock:
            self._vectors[query] = vector
            while len(self._vectors) > self._size:
                self._vectors.popitem(last=False)
        return vector

    def vector_soon(self, query: str) -> Future[np.ndarray]:
        """The query's vector, done at once when it is cached, else being embedded in a
        worker thread: onnxruntime and SQLite both release the GIL, so a hybrid search
        costs about the longer of embedding and full-text ranking, not their sum."""
        found = self._cached(query)
        if found is not None:
            done: Future[np.ndarray] = Future()
            done.set_result(found)
            return done
        with self._lock:
            if self._workers is None:
                self._workers = ThreadPoolExecutor(QUERY_WORKERS, "docshelf-query")
            workers = self._workers
        return workers.submit(self.vector, query)

    def close(self) -> None:
        """Wait for the queries being embedded (none may be inside onnxruntime at exit)."""
        with self._lock:
            workers, self._workers = self._workers, None
        if workers is not None:
            workers.shutdown(wait=True)

    def _cached(self, query: str) -> np.ndarray | None:
        with self._lock:
            if query in self._vectors:
                self._vectors.move_to_end(query)
                return self._vectors[query]
        return None


def load_embedder() -> Embedder:
    """The default embedder; raises SemanticUnavailableError saying what to install."""
    missing = missing_packages()
    if missing:
        raise MissingPackagesError(missing, pinned_requirements(missing))
    from docshelf.search.minilm import MiniLM

    return MiniLM(max_tokens=max(PAGE_TOKENS, SECTION_TOKENS, 256))
