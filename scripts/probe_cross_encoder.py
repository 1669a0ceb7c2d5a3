"""Diagnostic: would a cross-encoder fine-tuned on the retired questions add to the abstention inputs?

    python scripts/probe_cross_encoder.py --cache features.json [--features SET] [--scores scores.json]

Reads the rows ``scripts/fit_abstention.py --retired --cache features.json`` collected (each keeps
its question and best passage). Five folds grouped by document: in each, all-MiniLM-L6-v2's
transformer with a new one-output head is fine-tuned on the other folds' (question, best passage)
pairs, labelled 1 when the question is unanswerable, and scores the fold's pairs. The out-of-fold
score is added to SET as ``cross_score`` and compared by ``fit_abstention.compare_sets``. Prints
the figures; writes nothing but ``--scores`` (the out-of-fold scores, to rerun the comparison
without training again). Written down before its run in docs/experiments.md (eighteenth
session); every setting was fixed there, not tuned, and is now ``qa.answer.judge_train``'s
(the training and the folds are ``fit_abstention.judge_scores``, as for the shipped model).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fit_abstention as fa  # noqa: E402


def main() -> None:
    ap = fa.probe_arguments(__doc__)
    ap.add_argument("--scores", type=Path, help="out-of-fold scores: read if there, else computed and written")
    args = ap.parse_args()
    rows = fa.cached_rows(args.cache, texts=True)
    fa.judge_scores(rows, args.scores)
    scores = np.array([r["features"][fa.CROSS_SCORE] for r in rows])
    y = np.array([r["silent"] for r in rows])
    print(f"cross_score: mean answerable {scores[~y].mean():.3f}, unanswerable {scores[y].mean():.3f}")
    base = fa.SETS[args.features]
    fa.compare_sets(rows, {args.features: base, f"{args.features}+cross": (*base, "cross_score"),
                           "cross_score alone": ("cross_score",)})


if __name__ == "__main__":
    main()
