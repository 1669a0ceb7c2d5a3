"""Question -> ranked passages: dense (FAISS) and lexical (BM25) scores, fused.

The ``Retriever`` holds one loaded index; it is read-only after construction, so one
instance can serve many threads at once.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .chunking import sentence_texts
from .embedding import Encoder
from .store import StoredIndex
from .types import Chunk, Passage

log = logging.getLogger(__name__)

DENSE_CANDIDATES = 256
# Weight of the (max-normalised) BM25 score against the cosine score in the fused score.
LEXICAL_WEIGHT = 0.1


def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(texts: list[str], stemmer) -> list[list[str]]:
    import bm25s

    return bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, return_ids=False, show_progress=False)


@dataclass(frozen=True, kw_only=True)
class Scored:
    """Per-passage evidence for one query, in index order."""

    dense: np.ndarray
    lexical: np.ndarray
    fused: np.ndarray
    query_vector: np.ndarray


class Retriever:
    """Search one loaded index. ``search`` returns passages, best first."""

    def __init__(self, stored: StoredIndex, encoder: Encoder) -> None:
        import bm25s

        self.stored = stored
        self.encoder = encoder
        self.chunks: tuple[Chunk, ...] = stored.chunks
        self._stemmer = _stemmer()
        self._bm25 = bm25s.BM25()
        self._bm25.index(tokenize([c.text for c in self.chunks], self._stemmer), show_progress=False)
        self.sentence_vectors = stored.extras.get("sentence_vectors")
        self.sentence_owner = np.array([i for i, c in enumerate(self.chunks) for _ in c.sentences], dtype=np.int64)
        self.sentences = [t for c in self.chunks for t in sentence_texts(c)]
        self._ids = {(c.source, c.start): i for i, c in enumerate(self.chunks)}

    def query_text(self, question: str, history: Sequence[str]) -> str:
        """The text to search for: a short follow-up is read together with the last question."""
        if history and _looks_like_follow_up(question):
            return f"{history[-1]} {question}"
        return question

    def score(self, query: str) -> Scored:
        vector = self.encoder.encode([query])[0]
        n = len(self.chunks)
        dense = np.full(n, -1.0, dtype=np.float32)
        top, ids = self.stored.faiss_index.search(vector[None, :], min(n, DENSE_CANDIDATES))
        valid = ids[0] >= 0
        dense[ids[0][valid]] = top[0][valid]
        tokens = tokenize([query], self._stemmer)[0]
        lexical = self._bm25.get_scores(tokens).astype(np.float32) if tokens else np.zeros(n, np.float32)
        peak = float(lexical.max()) if n else 0.0
        fused = dense + LEXICAL_WEIGHT * (lexical / peak if peak > 0 else lexical)
        return Scored(dense=dense, lexical=lexical, fused=fused, query_vector=vector)

    def search(self, question: str, *, k: int = 5, history: Sequence[str] = ()) -> list[Passage]:
        return self.rank(self.score(self.query_text(question, history)), k=k)

    def chunk_id(self, passage: Chunk) -> int:
        return self._ids[(passage.source, passage.start)]

    def sentence_scores(self, scored: Scored) -> list[tuple[float, ...]]:
        """For each passage, a score per sentence: cosine with the query (0 without vectors)."""
        if self.sentence_vectors is None or len(self.sentence_vectors) != len(self.sentence_owner):
            return [tuple(0.0 for _ in c.sentences) for c in self.chunks]
        cos = self.sentence_vectors @ scored.query_vector
        out: list[list[float]] = [[] for _ in self.chunks]
        for owner, value in zip(self.sentence_owner, cos):
            out[owner].append(float(value))
        return [tuple(v) for v in out]

    def rank(self, scored: Scored, *, k: int) -> list[Passage]:
        order = np.argsort(-scored.fused, kind="stable")[: max(0, k)]
        return [to_passage(self.chunks[i], float(scored.fused[i])) for i in order]


def to_passage(chunk: Chunk, score: float) -> Passage:
    return Passage(**chunk.__dict__, score=round(score, 6))


_PRONOUNS = re.compile(r"\b(it|its|they|them|their|this|that|these|those|he|she|his|her|there)\b", re.I)


def _looks_like_follow_up(question: str) -> bool:
    return len(question.split()) <= 8 and bool(_PRONOUNS.search(question))
