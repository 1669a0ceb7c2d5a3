"""Choose the fusion weights by leave-one-out cross-validation on a question file.

    python scripts/tune_fusion.py ../shared/eval/dev.jsonl [more.jsonl ...] [--index-dir D]

Several question files are read as one set (e.g. dev plus tests/data/questions-en-extra.jsonl).

Fusion: for every answerable English question, the weights are chosen on all the *other* questions
(best mean of MRR@10 + 0.5 x all-evidence@5 over a coarse grid: a weight per signal, the
coverage power, and whether a passage's sentence-level dense signal is its best sentence or
the mean of its best two) and then scored on the held-out one; the printed "LOO" line is
therefore an honest estimate for unseen questions, and "4-fold" the same with a quarter held
out (20 random splits). Then the weights chosen on all questions: those are the shipped weights,
``qa.config.Weights`` (``Settings.tuning.fusion``); a new choice goes there with this script, the
data and the date. The shipped weights, and where they come from, are printed first.

Abstention is fitted apart, by ``scripts/fit_abstention.py``; whether the lexical weight
hurts paraphrases, across documents, is checked by ``scripts/check_fusion.py``.
With several files, the fusion figures are also printed per file, and each file is scored
with the weights chosen on the others.
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
from qa.index.corpus import read_corpus  # noqa: E402
from qa.eval.evaluation import covers, evidence_spans, read_items  # noqa: E402
from qa.search.fusion import DENSE, LEXICAL, Weights, continue_discourse, zscore  # noqa: E402
from qa.types import Passage  # noqa: E402

GRID = {"passage": (0, 1), "sentence": (0, 1, 2), "context": (0, 1, 2), "sentence_context": (0, 1, 2),
        "use_passage": (0, 1, 2), "bm25_passage": (0, 1, 2), "bm25_sentence": (0, 1, 2),
        "coverage_power": (0, 1, 2, 4), "sentence_pooling": (1, 2),
        # A cost knob, not fitted: the second embedder runs for questions below this coverage
        # (a little over half of dev's); the largest gate that keeps qa.ask's median cost
        # within 1.3 MiniLM encodes (always: 1.31). Always on, LOO is hit@1 0.781, hit@3 0.844,
        # MRR 0.839, all-evidence 0.833.
        "use_below_coverage": (0.8,)}


def _labels(r, item, texts) -> np.ndarray:
    """passages x evidence strings: does passage i cover evidence j?"""
    spans = [evidence_spans(e, texts) for e in item.evidence]
    return np.array([[any(covers(Passage(**c.__dict__, score=0.0), s) for s in group) for group in spans]
                     for c in r.chunks])


def _score(fused: np.ndarray, labels: np.ndarray, multi: bool) -> tuple[float, float, float, float]:
    """(hit@1, hit@3, reciprocal rank within 10, all evidence in the top 5 or NaN) of one ranking."""
    return tuple(float(x) for x in _scores(np.asarray(fused, dtype=np.float64)[None, :], labels, multi)[0])


def _table(grid: list[Weights], data, points_back: np.ndarray) -> np.ndarray:
    """settings x questions x (hit@1, hit@3, rr, all-evidence): ``fuse`` for every setting,
    done as one matrix product per question and pooling (the same sum ``fuse`` computes),
    then ``continue_discourse`` as ``Retriever.score`` does, and every setting ranked at once
    (``_scores``, the same figures ``_score`` gives one setting)."""
    names = [n for n in DENSE + LEXICAL]
    weights = np.array([[getattr(w, n) for n in names] for w in grid])
    power = np.array([w.coverage_power for w in grid])
    second = np.array([w.use_below_coverage for w in grid])
    pooling = np.array([w.sentence_pooling for w in grid])
    lexical = np.array([n in LEXICAL for n in names])
    table = np.zeros((len(grid), len(data), 4))
    for q, (pooled, coverage, labels, multi) in enumerate(data):
        scale = np.where(lexical[None, :], (max(0.0, min(1.0, coverage)) ** power)[:, None], 1.0)
        scale[:, names.index("use_passage")] *= coverage < second  # the second embedder's gate
        for top, signals in pooled.items():
            rows = pooling == top
            z = np.stack([zscore(signals[n]) if n in signals else np.zeros(len(labels)) for n in names])
            fused = (weights[rows] * scale[rows]) @ z
            table[rows, q] = _scores(continue_discourse(fused, points_back), labels, multi)
    return table


def _scores(fused: np.ndarray, labels: np.ndarray, multi: bool) -> np.ndarray:
    """``_score`` for every row of ``fused`` (settings x passages) at once; equal scores keep
    the passages' order (a stable sort, as ``Retriever`` ranks).

    >>> f = np.array([[3.0, 1.0, 2.0], [1.0, 2.0, 0.0], [1.0, 1.0, 0.0]]); lab = np.array([[False], [True], [False]])
    >>> _scores(f, lab, False)[:, :3].round(3).tolist()
    [[0.0, 1.0, 0.333], [1.0, 1.0, 1.0], [0.0, 1.0, 0.5]]
    >>> _scores(f, np.zeros((3, 1), bool), True)[0].tolist()
    [0.0, 0.0, 0.0, 0.0]
    """
    order = np.argsort(-fused, axis=1, kind="stable")
    ranked = labels[order]  # settings x passages x evidence groups
    hits = ranked[:, :10].any(2)  # MRR@10: the first ten only
    found = hits.any(1)
    rank = np.where(found, np.argmax(hits, axis=1) + 1, 0)
    out = np.zeros((len(fused), 4))
    out[:, 0] = rank == 1
    out[:, 1] = found & (rank <= 3)
    out[:, 2] = np.where(found, 1.0 / np.maximum(rank, 1), 0.0)
    out[:, 3] = ranked[:, :5].any(1).all(1) if multi else np.nan
    return out


def chosen_on_others(table: np.ndarray, groups: np.ndarray, candidates: int,
                     weights: np.ndarray | None = None) -> tuple[np.ndarray, dict[str, int]]:
    """Cross-validation grouped by document: for each document, the first ``candidates``
    settings of ``table`` (settings x questions x figures, the reciprocal rank third) are
    compared on the *other* documents' questions and the best by mean MRR (each question
    weighing ``weights``, if given) is applied to it.
    (held-out figures per question, the setting chosen for each document).

    >>> t = np.zeros((2, 2, 3)); t[0, 0, 2] = 1.0; t[1, 1, 2] = 1.0
    >>> chosen_on_others(t, np.array(["a", "b"]), 2)[1]
    {'a': 1, 'b': 0}
    """
    w = np.ones(table.shape[1]) if weights is None else np.asarray(weights, dtype=float)
    held = np.zeros(table.shape[1:])
    chosen = {}
    for doc in sorted(set(groups.tolist())):
        train = groups != doc
        chosen[doc] = int(np.argmax(table[:candidates, train, 2] @ w[train]))
        held[~train] = table[chosen[doc], ~train]
    return held, chosen


def _kfold(table: np.ndarray, objective: np.ndarray, *, folds: int = 4, repeats: int = 20) -> np.ndarray:
    """Mean held-out figures when 1/``folds`` of the questions is held out, ``repeats`` random
    splits (fixed seed)."""
    rng = np.random.default_rng(0)
    n, runs = table.shape[1], []
    for _ in range(repeats):
        order, held = rng.permutation(n), np.zeros((n, 4))
        for f in range(folds):
            test = order[f::folds]
            train = np.setdiff1d(np.arange(n), test)
            held[test] = table[int(np.argmax(objective[:, train].mean(1))), test]
        runs.append(np.nanmean(held, 0))
    return np.mean(runs, 0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", type=Path, nargs="+")
    ap.add_argument("--index-dir", type=Path)
    ap.add_argument("--folds", type=int, default=4)
    args = ap.parse_args()
    settings = make_settings(index_dir=args.index_dir)
    shipped = settings.tuning.fusion
    print("\n".join(settings.tuning.describe("fusion.")))
    r = retriever(settings)
    texts = {d.source: d.text for d in read_corpus(settings.seeds_dir).documents}
    questions = [i for f in args.files for i in read_items(f) if i.lang == "en"]
    items = [i for i in questions if i.evidence]
    origin = np.array([n for n, f in enumerate(args.files) for i in read_items(f) if i.lang == "en" and i.evidence])
    data = []
    for item in items:
        pooled = {}
        for top in GRID["sentence_pooling"]:
            _, terms, signals, _, _ = r.signals(item.question, item.history, pooling=top, always_second=True)
            pooled[top] = signals
        multi = len(item.evidence) > 1 or item.type in {"multi", "list", "why/how"}
        data.append((pooled, r.vocabulary.coverage(terms), _labels(r, item, texts), multi))
    grid = [Weights(**dict(zip(GRID, values))) for values in itertools.product(*GRID.values())]
    table = _table(grid, data, r.points_back)
    objective = table[:, :, 2] + 0.5 * np.nan_to_num(table[:, :, 3], nan=0.0)
    held_out = []
    for q in range(len(items)):
        others = np.delete(objective, q, axis=1).mean(1)
        held_out.append(table[int(np.argmax(others)), q])
    held_out = np.array(held_out)
    names = ["hit@1", "hit@3", "mrr@10", "all_evidence@5"]
    print("LOO   ", {n: round(float(np.nanmean(held_out[:, i])), 3) for i, n in enumerate(names)})
    print(f"{args.folds}-fold", {n: round(float(v), 3)
                                 for n, v in zip(names, _kfold(table, objective, folds=args.folds))})
    best = int(np.argmax(objective.mean(1)))
    print("in-sample", {n: round(float(np.nanmean(table[best, :, i])), 3) for i, n in enumerate(names)})
    print("chosen on all questions:", asdict(grid[best]))
    current = grid.index(shipped) if shipped in grid else None

    def figures(row, mask):
        return {n: round(float(np.nanmean(table[row, mask, i])), 3) for i, n in enumerate(names)}

    for label, row in (("chosen", best), ("shipped defaults", current)):
        if row is not None:
            print(f"{label}, in-sample:", figures(row, origin >= 0),
                  *(f"\n    {f.name}: {figures(row, origin == n)}" for n, f in enumerate(args.files)))
    for n, f in enumerate(args.files[:len(args.files) if len(args.files) > 1 else 0]):
        train = objective[:, origin != n].mean(1)
        print(f"held out {f.name}, weights chosen on the other files:", figures(int(np.argmax(train)), origin == n))


if __name__ == "__main__":
    main()
