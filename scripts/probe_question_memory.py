"""Probe P: would a memory of answered questions rank the shipped speech's passages better?

    python scripts/probe_question_memory.py

The twenty-eighth session's probe (its rule in docs/experiments.md, written before this script).
The shipped speech alone is built in a temporary folder; each of its retired formerly blind
questions is scored by the shipped retrieval (fused scores over all passages). Its memory score
for a passage: over its ``K`` nearest earlier questions (MiniLM cosine of the query vectors,
answerable ones of other rounds only), the cosine-weighted share whose evidence that passage
holds. New score: the fused scores standardised within the question, plus w times the memory
score. w is chosen on ``GRID`` by hit@1 + hit@3 over the other rounds and applied to the round
left out (nested, grouped by round). Ranks here are the passages' order by score (not the
reply's merged passages), the same way on both sides.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fit_abstention import MAIN, alone, dev_sets  # noqa: E402
from fit_document_threshold import question_files  # noqa: E402
from qa.index.corpus import read_document  # noqa: E402
from qa.search.memory import evidence_spans, held_by, memory_scores  # noqa: E402

K = 10  # neighbours: fixed before the run, not tuned
GRID = (0.0, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)


def ranks(scores: np.ndarray, held: np.ndarray) -> np.ndarray:
    """Each row's 1-based rank of its first passage that holds the evidence (0: none holds it)."""
    order = np.argsort(-scores, axis=1, kind="stable")
    hit = np.take_along_axis(held, order, axis=1)
    return np.where(hit.any(1), hit.argmax(1) + 1, 0)


def figures(r: np.ndarray) -> dict:
    return {"hit@1": round(float((r == 1).mean()), 3), "hit@3": round(float(((r >= 1) & (r <= 3)).mean()), 3),
            "mrr@10": round(float(np.where((r >= 1) & (r <= 10), 1.0 / np.maximum(r, 1), 0.0).mean()), 3)}


def collect() -> tuple[list, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The retired formerly blind answerable questions on the shipped speech whose evidence a
    passage holds: (items, fused scores, unit query vectors, held, round of each, evidence
    spans as rows of question, start, end), the speech built alone in a temporary folder."""
    sets, files = dev_sets(retired=True)
    rounds_of = question_files(files)
    items = [i for i in sets[MAIN] if i.split == "heldout" and i.evidence]
    text = read_document(MAIN, MAIN.name).text
    spans = np.array([(row, *span) for row, item in enumerate(items) for span in evidence_spans(text, item.evidence)],
                     dtype=np.int64)
    fused, vectors, chunks = read_questions(items)
    held = held_by(chunks, spans, len(items)).astype(float)
    keep = held.any(1)
    renumber = np.cumsum(keep) - 1
    kept = spans[keep[spans[:, 0]]]
    kept[:, 0] = renumber[kept[:, 0]]
    groups = np.array([rounds_of[i.id] for i, k in zip(items, keep) if k])
    return [i for i, k in zip(items, keep) if k], fused[keep], vectors[keep], held[keep], groups, kept


def read_questions(items: list) -> tuple[np.ndarray, np.ndarray, tuple]:
    """The shipped speech built alone in a temporary folder, each question of ``items`` scored
    by the shipped retrieval: (fused scores, unit query vectors, the passages)."""
    with tempfile.TemporaryDirectory(prefix="probe-memory-") as scratch:
        r, _ = alone(MAIN, Path(scratch))
        fused, vectors = [], []
        for item in items:
            scored = r.score(item.question, item.history)
            fused.append(np.asarray(scored.fused, dtype=np.float64))
            v = np.asarray(scored.query_vector, dtype=np.float64)
            vectors.append(v / np.linalg.norm(v))
    return np.array(fused), np.array(vectors), r.chunks


def nested_choice(fused: np.ndarray, vectors: np.ndarray, held: np.ndarray, groups: np.ndarray) -> dict:
    """The grid's figures, and the nested ones: w chosen on the other rounds, by hit@1 + hit@3."""
    z = (fused - fused.mean(1, keepdims=True)) / np.maximum(fused.std(1, keepdims=True), 1e-9)
    mem = np.zeros_like(z)
    for g in sorted(set(groups)):
        out, rest = groups == g, groups != g
        for row in np.flatnonzero(out):
            mem[row] = memory_scores(vectors[row], vectors[rest], held[rest], K)
    by_w = {w: ranks(z + w * mem, held) for w in GRID}

    def score(r: np.ndarray) -> tuple[float, float]:
        return (r == 1).mean() + ((r >= 1) & (r <= 3)).mean()

    chosen = np.zeros(len(groups), int)
    picks = []
    for g in sorted(set(groups)):
        rest = groups != g
        best = max(GRID, key=lambda w: (score(by_w[w][rest]), -w))
        picks.append(best)
        chosen[groups == g] = by_w[best][groups == g]
    return {"grid": {str(w): figures(by_w[w]) for w in GRID}, "nested": figures(chosen),
            "nested_choices": sorted(set(picks)), "without": figures(by_w[0.0]),
            "weight": max(GRID, key=lambda w: (score(by_w[w]), -w))}


def main() -> None:
    items, fused, vectors, held, groups, _ = collect()
    print(f"{len(groups)} answerable questions in {len(set(groups))} rounds, {held.shape[1]} passages")
    found = nested_choice(fused, vectors, held, groups)
    for w, figs in found["grid"].items():
        print(f"  w={w:<5} {figs}")
    print(f"nested (w chosen on the other rounds; chosen {found['nested_choices']}): {found['nested']}")
    print(f"without the memory: {found['without']}")


if __name__ == "__main__":
    main()
