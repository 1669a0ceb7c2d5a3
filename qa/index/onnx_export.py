"""Build time: the sentence-transformers model -> one ONNX file that answers questions without torch.

The file holds the transformer, mean pooling and L2 normalisation, so its output is the
same unit vector ``SentenceTransformer.encode(..., normalize_embeddings=True)`` gives (the
build checks it, and a model test checks every passage and dev question). It lives in the
index folder as ``query-encoder-<model hash>.onnx``: a build reuses it while the model
folder's content is unchanged and exports again when it changes. Writes go to a temp name
and are renamed into place, so a killed export never leaves half a file.
"""
from __future__ import annotations

import hashlib
import logging
import os
import secrets
import warnings
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

REBUILD = "python -m qa build"

OPSET = 17
# 2: attention exported in its plain ("eager") form and fused by ONNX Runtime's BERT
# optimiser (one Attention node a layer, fused embedding and skip layer norms, bias GELU):
# 4.40 against 5.11 ms p50 a dev question on 2 threads, 5.40 against 5.87 on 1, cosine to
# torch unchanged (0.9999996 at worst), benchmarks/onnx_graphs.py, 2026-12-02 (docs/experiments.md).
# 1 (no "graph" in the manifest): torch's SDPA attention, which the optimiser cannot fuse.
# An export of another graph is made again by the next build that runs.
GRAPH = 2
# Texts the build encodes both ways before trusting a fresh export.
_PROBES = ["What is the speech about?", "Which cities have hosted the summits, and in which years?", "reform"]
MIN_COSINE = 0.9999
NO_WORD_TABLE = "the index holds no word table of the ONNX export (or it is damaged)"
OLD_GRAPH = "the index's ONNX export is an older, unfused graph"
_hash_cache: dict[tuple, str] = {}


def _model_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


def model_stat(folder: Path) -> str:
    """A digest of the model files' names, sizes and mtimes: while it is unchanged, so is
    the content, and ``status`` need not read 90 MB again to know it."""
    listing = [(p.relative_to(folder).as_posix(), p.stat().st_size, p.stat().st_mtime_ns) for p in _model_files(folder)]
    return hashlib.sha256(repr(listing).encode("utf-8")).hexdigest()


def model_hash(folder: Path) -> str:
    """sha256 over the model folder's files (names and bytes), e.g. ``'cce865...'``.

    Cached per process by each file's size and mtime, so asking twice costs a stat walk.
    """
    files = _model_files(folder)
    key = (str(folder), *((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files))
    if key not in _hash_cache:
        digest = hashlib.sha256()
        for path in files:
            digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\x00")
            with path.open("rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    digest.update(block)
        _hash_cache[key] = digest.hexdigest()
    return _hash_cache[key]


def file_name(model_sha256: str) -> str:
    """The export's name in the index folder, from the model folder's hash.

    >>> file_name("ab" * 32)
    'query-encoder-abababababababab.onnx'
    """
    return f"query-encoder-{model_sha256[:16]}.onnx"


def record(*, path: Path, folder: Path, model_sha256: str, max_seq_length: int, fused: dict[str, int]) -> dict[str, Any]:
    """What the manifest keeps about the export at ``path`` of the model in ``folder``
    (``Manifest.query_encoder``; ``fused``: the optimiser's fused nodes by kind, {} if none)."""
    return {"file": path.name, "model_sha256": model_sha256, "model_stat": model_stat(folder), "opset": OPSET,
            "graph": GRAPH, "fused": fused, "max_seq_length": max_seq_length, "bytes": path.stat().st_size}


def _pooled_module(model):
    """The transformer with mean pooling and normalisation on top, as one torch module."""
    import torch

    class Pooled(torch.nn.Module):
        def __init__(self, transformer) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask):
            tokens = self.transformer(input_ids=input_ids, attention_mask=attention_mask,
                                      token_type_ids=torch.zeros_like(input_ids))[0]
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2.0, dim=1)

    return Pooled(model[0].auto_model).eval()


def exportable(model) -> str | None:
    """Why ``model`` (a SentenceTransformer) cannot be exported this way, or None if it can."""
    names = [type(m).__name__ for m in model]
    if names[:2] != ["Transformer", "Pooling"] or any(n != "Normalize" for n in names[2:]):
        return f"its modules are {names}, not Transformer, Pooling (and Normalize)"
    pooling = model[1].get_config_dict()
    mean = pooling.get("pooling_mode") == "mean" or pooling.get("pooling_mode_mean_tokens") is True
    return None if mean else f"its pooling is {pooling.get('pooling_mode', pooling)}, not mean"


def _attention(model, implementation: str) -> str | None:
    """Switch the transformer of ``model`` (a SentenceTransformer) to ``implementation``
    ("eager", "sdpa"); returns the one it had, or None when this transformers cannot switch."""
    auto = model[0].auto_model
    before = getattr(auto.config, "_attn_implementation", None)
    if before is None or not hasattr(auto, "set_attn_implementation"):
        return None
    try:
        auto.set_attn_implementation(implementation)
    except (ValueError, TypeError, NotImplementedError):
        return None
    return before


def fuse(path: Path, config) -> dict[str, int]:
    """Rewrite the export at ``path`` with ONNX Runtime's BERT fusions (``config``: the
    transformer's, for its heads and width); the fused nodes by kind, or {} when the
    optimiser is missing or fused nothing (the file is then left as it was)."""
    try:
        from onnxruntime.transformers import optimizer
    except ImportError as err:
        log.info("not fusing the ONNX export (%s)", err)
        return {}
    heads, width = getattr(config, "num_attention_heads", 0), getattr(config, "hidden_size", 0)
    quiet = logging.getLogger("onnxruntime.transformers")
    level, quiet.level = quiet.level, logging.ERROR
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fused_model = optimizer.optimize_model(str(path), model_type="bert", num_heads=heads, hidden_size=width,
                                                   opt_level=0, use_gpu=False)
        counts = {k: int(v) for k, v in fused_model.get_fused_operator_statistics().items() if v}
        if counts.get("Attention"):
            fused_model.save_model_to_file(str(path))
            return counts
        return {}
    except Exception as err:  # an optimiser that does not know this graph: keep the plain one
        log.info("not fusing the ONNX export (%s: %s)", type(err).__name__, err)
        return {}
    finally:
        quiet.level = level


def export(model, target: Path, *, fused: bool = True) -> dict[str, int]:
    """Write ``model`` (a SentenceTransformer) to ``target`` as ONNX, via a temp file and
    rename, fused where ONNX Runtime's optimiser can (``GRAPH``; ``fused=False``: torch's own
    graph, for ``benchmarks/onnx_graphs.py``); returns ``fuse``'s counts."""
    import torch

    features = model.tokenizer(["a question", "a longer text that pads the batch"], padding=True,
                               return_tensors="pt")
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    axes = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
            "sentence_embedding": {0: "batch"}}
    # Eager attention is the form the optimiser's attention fusion reads.
    before = _attention(model, "eager") if fused else None
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # the tracer's notes on Python branches it fixes
            torch.onnx.export(_pooled_module(model), (features["input_ids"], features["attention_mask"]), str(temp),
                              input_names=["input_ids", "attention_mask"], output_names=["sentence_embedding"],
                              dynamic_axes=axes, opset_version=OPSET, dynamo=False)
        counts = fuse(temp, model[0].auto_model.config) if before is not None else {}
        with temp.open("rb") as f:
            os.fsync(f.fileno())
        os.replace(temp, target)
        return counts
    finally:
        if before is not None:
            _attention(model, before)
        temp.unlink(missing_ok=True)


def needs_export(index_dir: Path, model: str, record: dict[str, Any]) -> str | None:
    """Why a build should export ``model`` again for ``index_dir`` (record: the manifest's
    ``query_encoder``), or None when the export is current or no build could make one."""
    from ..errors import ModelError
    from .embedding import model_path
    from .onnx_encoder import missing_runtime, word_table_path

    if missing_runtime(need_exporter=True):
        return None
    try:
        folder = model_path(model)
    except ModelError:
        return None  # not a local model folder: nothing to export (the test suite's fake encoder)
    if not record.get("model_sha256"):
        return f"the index holds no ONNX export of the model - run: {REBUILD}"
    if record.get("model_stat") != model_stat(folder) and record["model_sha256"] != model_hash(folder):
        return f"the model folder changed since the index was built - run: {REBUILD}"
    if record.get("unavailable"):
        return None
    path = index_dir / record.get("file", "")
    if not path.is_file() or path.stat().st_size != record.get("bytes"):
        return f"{path} is missing or damaged - run: {REBUILD}"
    if word_table_path(index_dir, record) is None:
        return f"{NO_WORD_TABLE} - run: {REBUILD}"
    if record.get("graph") != GRAPH:
        return f"{OLD_GRAPH} - run: {REBUILD}"
    return None


def slower_because(index_dir: Path, model: str, record: dict[str, Any]) -> str | None:
    """For ``status``: what about answering from this index is slower than it could be and
    why (questions encoded with torch; a question's unknown words encoded one by one), or
    None when the export and its word table serve them (or ``model`` is not a folder anything
    could be exported from)."""
    from ..errors import ModelError
    from .embedding import model_path
    from .onnx_encoder import unusable

    try:
        model_path(model)
    except ModelError:
        return None
    why = unusable(index_dir, record) or needs_export(index_dir, model, record)
    if why is None:
        return None
    if why.startswith(NO_WORD_TABLE):
        return f"a question's words the documents never use are encoded one by one, which is slower: {why}"
    if why.startswith(OLD_GRAPH):
        return f"questions are encoded about 15% slower than they could be: {why}"
    return f"questions are encoded with torch, which is slower: {why}"


def agrees(encoder, torch_vectors: np.ndarray, texts: list[str]) -> float:
    """The lowest cosine between ``encoder``'s vectors and ``torch_vectors`` for ``texts``."""
    got = encoder.encode(texts)
    return float(np.min(np.sum(got * torch_vectors, axis=1)))


def ensure(index_dir: Path, torch_encoder, previous: dict[str, Any] | None) -> dict[str, Any]:
    """The manifest record of an ONNX export of ``torch_encoder``'s model in ``index_dir``.

    When there can be none, the record says why (``unavailable``; {} without the packages)
    and questions are encoded with torch; the reason is logged.

    ``previous`` (the record of the index being replaced) is reused when its file is still
    there and the model folder is unchanged.
    """
    from .onnx_encoder import OnnxEncoder, missing_runtime

    why = missing_runtime(need_exporter=True)
    if why:
        log.warning("not exporting the model to ONNX (%s): questions will be encoded with torch, which is slower", why)
        return {}
    folder = torch_encoder.folder
    digest = model_hash(folder)
    name = file_name(digest)
    path = index_dir / name
    if previous and previous.get("file") == name and previous.get("model_sha256") == digest \
            and previous.get("graph") == GRAPH and path.is_file() and path.stat().st_size == previous.get("bytes"):
        reused = {**previous, "model_stat": model_stat(folder)}
        return {**reused, "words": ensure_words(index_dir, folder, reused, previous.get("words"))}
    model = torch_encoder.model()
    why = exportable(model)
    if why:
        log.warning("cannot export %s to ONNX (%s): questions will be encoded with torch, which is slower",
                    torch_encoder.name, why)
        return {"model_sha256": digest, "model_stat": model_stat(folder),
                "unavailable": f"the model cannot be exported to ONNX: {why}"}
    log.info("exporting %s to %s, to answer without torch (once per model)", torch_encoder.name, path.name)
    fused = export(model, path)
    made = record(path=path, folder=folder, model_sha256=digest, max_seq_length=int(model.max_seq_length),
                  fused=fused)
    lowest = agrees(OnnxEncoder(path, folder / "tokenizer.json", max_seq_length=made["max_seq_length"]),
                    torch_encoder.encode(_PROBES), _PROBES)
    if lowest < MIN_COSINE:
        path.unlink(missing_ok=True)
        why = f"its ONNX export gave other vectors than torch (cosine {lowest:.6f})"
        log.warning("%s: questions will be encoded with torch, which is slower", why)
        return {"model_sha256": digest, "model_stat": made["model_stat"], "unavailable": why}
    return {**made, "words": ensure_words(index_dir, folder, made, None)}


def ensure_words(index_dir: Path, folder: Path, made: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    """The manifest's record of the export's word table (``onnx_encoder.words_file``; ``made``:
    the export's record, ``folder``: the model's): reused while its file is there, else
    computed by the exported model itself (about 10 s on 2 cores, once per model)."""
    from .onnx_encoder import OnnxEncoder, words_file
    from .store import write_atomic

    path = index_dir / words_file(made["model_sha256"])
    if previous and previous.get("file") == path.name and path.is_file() \
            and path.stat().st_size == previous.get("bytes"):
        return previous
    encoder = OnnxEncoder(index_dir / made["file"], folder / "tokenizer.json",
                          max_seq_length=int(made["max_seq_length"]), threads=os.cpu_count() or 1)
    log.info("encoding the %d whole words of the model's vocabulary into %s (once per model)",
             len(encoder.word_ids), path.name)
    table = encoder.word_table()
    write_atomic(path, lambda f: np.save(f, table, allow_pickle=False))
    return {"file": path.name, "bytes": path.stat().st_size, "rows": int(table.shape[0])}
