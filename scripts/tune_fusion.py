"""Choose the fusion weights by leave-one-out cross-validation on a question file.

    python scripts/tune_fusion.py ../shared/eval/dev.jsonl [--index-dir D]

Fusion: for every answerable English question, the weights are chosen on all the *other* questions
(best mean of MRR@10 + 0.5 x all-evidence@5 over a coarse grid) and then scored on the held-out
one; the printed "LOO" line is therefore an honest estimate for unseen questions. Then the
weights chosen on all questions: those are the defaults in ``qa/fusion.py``.

Abstention: the weak-evidence thresholds (``MIN_DENSE``, ``MIN_COVERAGE`` in ``qa/abstain.py``)
are swept and printed (recall on unanswerable, wrong abstentions on answerable), with a
leave-one-out choice (recall minus wrong, ties to the lowest thresholds) for reference.
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
    _abstention(r, [i for i in read_items(args.file) if i.lang == "en"])


def _abstention(r, items) -> None:
    from qa.abstain import decide, facts as abstain_facts
    from qa.retrieval import ALL_STAGES

    facts = []
    for item in items:
        scored = r.score(item.question, item.history)
        facts.append((not item.evidence, abstain_facts(r, scored, stages=ALL_STAGES)))
    grid = [(d, c) for d in (0.2, 0.25, 0.3, 0.35, 0.4) for c in (0.25, 0.5, 0.75)]
    table = np.array([[decide(**f, min_dense=d, min_coverage=c).abstain for _, f in facts] for d, c in grid])
    silent = np.array([s for s, _ in facts])

    def gain(row, mask):
        return row[silent & mask].mean() - row[~silent & mask].mean()

    chosen = []
    for q in range(len(facts)):
        mask = np.arange(len(facts)) != q
        chosen.append(table[int(np.argmax([gain(row, mask) for row in table])), q])
    chosen = np.array(chosen)
    print(f"abstention LOO: recall {chosen[silent].mean():.3f}, precision "
          f"{silent[chosen].mean() if chosen.any() else float('nan'):.3f}, wrong {chosen[~silent].mean():.3f}")
    for (d, c), row in zip(grid, table):
        print(f"  min_dense {d:.2f} min_coverage {c:.2f}: recall {row[silent].mean():.3f} wrong {row[~silent].mean():.3f}")


if __name__ == "__main__":
    main()
