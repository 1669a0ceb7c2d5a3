"""A memory of answered questions: for a text with a log of questions whose answers are known,
the passages that answered questions like a new one move up.

The shipped speech has ~2,000 retired blind questions, each with the evidence that answers it
(written over many rounds by helpers that never ran the system). A new question close in
meaning to earlier ones is likely answered where they were: relevance learned from a question
log, as FAQ retrieval and doc2query do. The memory is keyed to the sha256 of the text's bytes
and to the encoder of its vectors, so an edited speech, another document or another encoder
is ranked as before; it applies only when that text is the whole corpus searched (alone in
``seeds/``, or the scope, which is chosen before it), so it never favours its text over another
document.

The memory's score of a passage: over the ``k`` earlier questions nearest to the new one (cosine
of their vectors), the cosine-weighted share whose evidence that passage holds. The passages
are ordered by the fused scores standardised within the question plus ``weight`` times it; the
fused scores themselves, and so the evidence features, are unchanged
(``scripts/fit_question_memory.py``; twenty-eighth session, candidate Q, docs/experiments.md).
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

log = logging.getLogger(__name__)

MEMORY_FILE = Path(__file__).with_name("question-memory.npz")


@dataclass(frozen=True, kw_only=True)
class QuestionMemory:
    """Questions on one text (``sha256``): their unit vectors under ``encoder`` and, per
    evidence string, (question row, start, end) offsets into the text."""

    document: str
    sha256: str
    encoder: str
    vectors: np.ndarray
    spans: np.ndarray
    k: int
    weight: float
    record: dict = field(default_factory=dict)  # fitted_by, date, data, cv

    def held(self, chunks: Sequence) -> np.ndarray:
        """(questions x chunks): whether a chunk covers at least half of one of the question's
        evidence strings.

        >>> from types import SimpleNamespace as C
        >>> m = QuestionMemory(document="a.txt", sha256="x", encoder="m", vectors=np.eye(2), k=1, weight=1.0,
        ...                    spans=np.array([[0, 2, 8], [1, 12, 20]]))
        >>> m.held([C(start=0, end=10), C(start=10, end=30)]).tolist()
        [[True, False], [False, True]]
        """
        return held_by(chunks, self.spans, len(self.vectors))

    def attach(self, chunks: Sequence, sources: dict[str, str], encoder: str) -> "Attached | None":
        """The memory over ``chunks`` when they are all of its text (``sources``: each source's
        sha256, as the index manifest has them) and were encoded by its encoder; else None."""
        if encoder != self.encoder or not chunks:
            return None
        if any(sources.get(c.source) != self.sha256 for c in chunks):
            return None
        return Attached(vectors=self.vectors, held=self.held(chunks).astype(np.float64), k=self.k,
                        weight=self.weight)


@dataclass(frozen=True, kw_only=True)
class Attached:
    """A memory matched to one index's passages."""

    vectors: np.ndarray
    held: np.ndarray
    k: int
    weight: float

    def order_scores(self, fused: np.ndarray, query_vector: np.ndarray) -> np.ndarray:
        """The scores the passages are ordered by: ``fused`` standardised, plus ``weight`` x
        the memory's scores (``memory_scores``).

        >>> a = Attached(vectors=np.eye(2), held=np.array([[0.0, 1.0], [1.0, 0.0]]), k=1, weight=3.0)
        >>> a.order_scores(np.array([1.0, 0.0]), np.array([1.0, 0.0])).round(2).tolist()
        [1.0, 2.0]
        """
        z = (fused - fused.mean()) / (fused.std() or 1.0)
        return z + self.weight * memory_scores(query_vector, self.vectors, self.held, self.k)


def held_by(chunks: Sequence, spans, questions: int) -> np.ndarray:
    """(questions x chunks): whether a chunk covers at least half of one of the evidence
    ``spans`` (rows of question, start, end) of each question."""
    out = np.zeros((questions, len(chunks)), dtype=bool)
    for row, start, end in spans:
        for j, c in enumerate(chunks):
            if min(c.end, end) - max(c.start, start) >= (end - start) / 2:
                out[row, j] = True
    return out


def evidence_spans(text: str, evidence: Sequence[str]) -> list[tuple[int, int]]:
    """(start, end) of each evidence string's first occurrence in ``text`` (those not in it left out).

    >>> evidence_spans("the harbour and the farm", ["farm", "mill"])
    [(20, 24)]
    """
    return [(at, at + len(e)) for e in evidence if (at := text.find(e)) >= 0]


def memory_scores(query: np.ndarray, vectors: np.ndarray, held: np.ndarray, k: int) -> np.ndarray:
    """Per passage, the cosine-weighted share of the ``k`` rows of ``vectors`` nearest to
    ``query`` whose evidence it holds (``held``: rows x passages).

    >>> memory_scores(np.array([1.0, 0.0]), np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[1, 0], [0, 1]]), 1).tolist()
    [1.0, 0.0]
    """
    q = np.asarray(query, dtype=vectors.dtype)
    cos = vectors @ (q / (np.linalg.norm(q) or 1.0))
    near = np.argpartition(-cos, k - 1)[:k] if len(cos) > k else np.arange(len(cos))  # their order does not matter
    weights = np.clip(cos[near], 0.0, None)
    return weights @ held[near] / max(float(weights.sum()), 1e-9)


def save(memory: QuestionMemory, path: Path = MEMORY_FILE) -> None:
    meta = {"document": memory.document, "sha256": memory.sha256, "encoder": memory.encoder,
            "k": memory.k, "weight": memory.weight, "record": memory.record}
    with open(path, "wb") as f:
        np.savez_compressed(f, vectors=memory.vectors.astype(np.float16), spans=memory.spans.astype(np.int32),
                            meta=np.array(json.dumps(meta, ensure_ascii=False)))


def load(path: Path = MEMORY_FILE) -> QuestionMemory | None:
    """The memory shipped with the package; None when there is none, or it cannot be read
    (said in the log: ranking then goes on without it)."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            vectors = data["vectors"].astype(np.float32)
            spans = data["spans"].astype(np.int64)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
        return QuestionMemory(document=meta["document"], sha256=meta["sha256"], encoder=meta["encoder"],
                              vectors=vectors, spans=spans, k=int(meta["k"]), weight=float(meta["weight"]),
                              record=meta.get("record", {}))
    except (OSError, ValueError, KeyError, json.JSONDecodeError) as e:
        log.warning("question memory %s unreadable (%s): ranking without it", path, e)
        return None
