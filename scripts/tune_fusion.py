"""Choose the fusion weights by leave-one-out cross-validation on a question file.

    python scripts/tune_fusion.py ../shared/eval/dev.jsonl [--index-dir D]

For every answerable English question, the weights are chosen on all the *other* questions
(best mean of MRR@10 + 0.5 x all-evidence@5 over a coarse grid) and then scored on the held-out
one; the printed "LOO" line is therefore an honest estimate for unseen questions. The last
line gives the weights chosen on all questions: those are the defaults in ``qa/fusion.py``.
"""
from __future__ import annotations

import argparse
import itertools
import sys
from dataclasses import asdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.api import make_settings, retriever  # noqa: E402
from qa.corpus import read_corpus  # noqa: E402
from qa.evaluation import covers, evidence_spans, read_items  # noqa: E402
from qa.fusion import Weights, fuse  # noqa: E402
from qa.types import Passage  # noqa: E402

GRID = {"passage": (0, 1), "sentence": (0, 1, 2), "context": (0, 1, 2), "sentence_context": (0, 1, 2),
        "bm25_passage": (0, 1, 2), "bm25_sentence": (0, 1, 2), "coverage_power": (0, 1, 2, 4)}


def _labels(r, item, texts) -> np.ndarray:
    """passages x evidence strings: does passage i cover evidence j?"""
    spans = [evidence_spans(e, texts) for e in item.evidence]
    return np.array([[any(covers(Passage(**c.__dict__, score=0.0), s) for s in group) for group in spans]
                     for c in r.chunks])


def _score(fused: np.ndarray, labels: np.ndarray, multi: bool) -> tuple[float, float, float, float]:
    order = np.argsort(-fused, kind="stable")
    hits = labels.any(1)[order[:10]]
    rank = int(np.argmax(hits)) + 1 if hits.any() else None
    all_in = float(labels[order[:5]].any(0).all()) if multi else np.nan
    return (float(rank == 1), float(rank is not None and rank <= 3), 1 / rank if rank else 0.0, all_in)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", type=Path)
    ap.add_argument("--index-dir", type=Path)
    args = ap.parse_args()
    settings = make_settings(index_dir=args.index_dir)
    r = retriever(settings)
    texts = {d.source: d.text for d in read_corpus(settings.seeds_dir).documents}
    items = [i for i in read_items(args.file) if i.lang == "en" and i.evidence]
    data = []
    for item in items:
        _, terms, signals, _, _ = r.signals(item.question, item.history)
        multi = len(item.evidence) > 1 or item.type in {"multi", "list", "why/how"}
        data.append((signals, r.vocabulary.coverage(terms), _labels(r, item, texts), multi))
    grid = [Weights(**dict(zip(GRID, values))) for values in itertools.product(*GRID.values())]
    table = np.array([[_score(fuse(s, w, coverage=c), lab, m) for s, c, lab, m in data] for w in grid])
    objective = table[:, :, 2] + 0.5 * np.nan_to_num(table[:, :, 3], nan=0.0)
    held_out = []
    for q in range(len(items)):
        others = np.delete(objective, q, axis=1).mean(1)
        held_out.append(table[int(np.argmax(others)), q])
    held_out = np.array(held_out)
    names = ["hit@1", "hit@3", "mrr@10", "all_evidence@5"]
    print("LOO   ", {n: round(float(np.nanmean(held_out[:, i])), 3) for i, n in enumerate(names)})
    best = int(np.argmax(objective.mean(1)))
    print("in-sample", {n: round(float(np.nanmean(table[best, :, i])), 3) for i, n in enumerate(names)})
    print("chosen on all questions:", asdict(grid[best]))


if __name__ == "__main__":
    main()
