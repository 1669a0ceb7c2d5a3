"""Probe: a fine-tuned reranker of the five best passages (twenty-second session, written down
before its run in docs/experiments.md).

    python scripts/probe_rerank.py --cache rows41.json --out rerank-oof41.json

The judge's cross-encoder (all-MiniLM-L6-v2's transformer with a one-output head, trained by
``judge_train.fine_tune`` with the shipped settings) is taught which passage holds a question's
evidence instead of whether the question is answerable: each answerable row whose three best
passages include one that holds the evidence gives three pairs (``rerank_pairs``), labelled by
``holds``. Folds are grouped by document (``--folds``, 3); each fold's rows get the scores of a
model that never saw their document, for their five best passages (written to ``--out``).

Then each answerable row's five passages are reordered by ``combined`` (the reranker's logit
plus ``w`` times the fused score's gap to the best one), ``w`` chosen from ``WEIGHTS`` on the
other documents (leave one document out), and hit@1 / hit@3 are printed beside the shipped
order's, pooled and for the main speech and the others. Ships nothing. Rows must carry ``top``,
``scores`` and ``holds`` (collected by ``fit_abstention.py`` since the twenty-second session).
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fit_abstention as fa  # noqa: E402

# Weights of the fused score's gap beside the reranker's logit, written down before the run:
# 0 is the reranker alone; the largest leaves the shipped order but for near ties.
WEIGHTS = (0.0, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
TRAIN_DEPTH = 3  # passages of each row the reranker is trained on
DEPTH = 5  # passages of each row it reorders


def rerank_pairs(rows: list[dict], depth: int = TRAIN_DEPTH) -> list[dict]:
    """Training pairs (``silent``: the passage does not hold the evidence) from the answerable
    rows with a passage holding it among their ``depth`` best.

    >>> rows = [{"doc": "a", "question": "q1", "silent": False, "top": ["x", "g", "y"], "holds": [False, True, False]},
    ...         {"doc": "a", "question": "q2", "silent": False, "top": ["z"], "holds": [False]},
    ...         {"doc": "a", "question": "q3", "silent": True, "top": ["w"], "holds": [False]}]
    >>> [(p["passage"], p["silent"]) for p in rerank_pairs(rows)]
    [('x', True), ('g', False), ('y', True)]
    """
    return [{"doc": r["doc"], "question": r["question"], "passage": text, "silent": not held}
            for r in rows if not r["silent"] and any(r["holds"][:depth])
            for text, held in zip(r["top"][:depth], r["holds"][:depth])]


def combined(silent: np.ndarray, scores: np.ndarray, w: float) -> np.ndarray:
    """The order key of each passage (higher first): minus the reranker's logit that it does not
    answer, plus ``w`` x its fused score's gap to the best passage's.

    >>> silent, fused = np.array([0.9, 0.2]), np.array([5.0, 4.0])
    >>> int(combined(silent, fused, 0.0).argmax()), int(combined(silent, fused, 30.0).argmax())
    (1, 0)
    """
    p = np.clip(silent, 1e-6, 1 - 1e-6)
    return -np.log(p / (1 - p)) + w * (scores - scores.max())


def hits(rows: list[dict], silent: list[list[float]], w: float | None) -> tuple[np.ndarray, np.ndarray]:
    """Per row, whether the first passage, and any of the first three, holds the evidence under
    the order of ``combined`` (``w`` None: the shipped order)."""
    one, three = [], []
    for r, s in zip(rows, silent):
        held = np.array(r["holds"][:DEPTH], dtype=bool)
        order = (np.arange(len(held)) if w is None else
                 np.argsort(-combined(np.array(s[:len(held)]), np.array(r["scores"][:len(held)]), w), kind="stable"))
        one.append(bool(held[order[:1]].any()))
        three.append(bool(held[order[:3]].any()))
    return np.array(one), np.array(three)


def report(rows: list[dict], silent: list[list[float]]) -> None:
    """hit@1 / hit@3 of the shipped order, of each weight, and of the weight chosen on the other
    documents, pooled and by population."""
    answerable = [i for i, r in enumerate(rows) if not r["silent"]]
    rows, silent = [rows[i] for i in answerable], [silent[i] for i in answerable]
    docs = np.array([r["doc"] for r in rows])
    main = docs == fa.MAIN.name
    by_w = {w: hits(rows, silent, w) for w in WEIGHTS}
    chosen_one, chosen_three, picks = np.zeros(len(rows), bool), np.zeros(len(rows), bool), []
    for doc in sorted(set(docs)):
        own = docs == doc
        w = max(WEIGHTS, key=lambda v: (by_w[v][0][~own].mean(), -WEIGHTS.index(v)))
        picks.append(w)
        chosen_one[own], chosen_three[own] = by_w[w][0][own], by_w[w][1][own]

    def line(label: str, one: np.ndarray, three: np.ndarray) -> None:
        print(f"{label:<32} hit@1 {one.mean():.3f} / hit@3 {three.mean():.3f}   main {one[main].mean():.3f} / "
              f"{three[main].mean():.3f}   others {one[~main].mean():.3f} / {three[~main].mean():.3f}")

    print(f"{len(rows)} answerable rows ({main.sum()} main speech), {len(set(docs))} documents")
    line("shipped order", *hits(rows, silent, None))
    for w in WEIGHTS:
        line(f"w = {w}", *by_w[w])
    line("w chosen on the other documents", chosen_one, chosen_three)
    print("weights chosen:", {w: picks.count(w) for w in WEIGHTS if picks.count(w)})


def main() -> None:
    ap = fa.probe_arguments(__doc__)
    ap.add_argument("--out", type=Path, required=True, help="out-of-fold scores: read if there, else computed")
    ap.add_argument("--folds", type=int, default=3)
    args = ap.parse_args()
    rows = fa.cached_rows(args.cache, texts=True)
    if any("holds" not in r for r in rows):
        sys.exit(f"{args.cache} was collected before rows kept their five best passages: collect it again")
    if args.out.is_file():
        silent = json.loads(args.out.read_text())
    else:
        from sklearn.model_selection import GroupKFold

        from qa.answer import judge_train

        spec = judge_train.spec_for(None, fa.settings().model)
        groups = np.array([r["doc"] for r in rows])
        silent = [[1.0] * len(r["top"]) for r in rows]
        print(f"{len(rows)} rows, {len(rerank_pairs(rows))} pairs")
        for k, (train, test) in enumerate(GroupKFold(n_splits=args.folds).split(rows, groups=groups)):
            began = time.time()
            model, tokenizer = judge_train.fine_tune(rerank_pairs([rows[i] for i in train]), spec)
            shown = [(i, j, text) for i in test if not rows[i]["silent"] for j, text in enumerate(rows[i]["top"])]
            scores = judge_train.torch_scores(model, tokenizer, [{"question": rows[i]["question"], "passage": text}
                                                                 for i, _, text in shown], spec.max_pieces)
            for (i, j, _), score in zip(shown, scores):
                silent[i][j] = float(score)
            print(f"  fold {k + 1}/{args.folds}: {len(train)} rows trained, {len(shown)} passages scored, "
                  f"{time.time() - began:.0f} s", file=sys.stderr, flush=True)
        args.out.write_text(json.dumps([np.round(s, 6).tolist() for s in silent]))
    report(rows, silent)


if __name__ == "__main__":
    main()
