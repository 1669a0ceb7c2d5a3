"""Diagnostic: does a non-linear decision beat logistic regression on the abstention inputs?

    python scripts/probe_nonlinear.py --cache features.json [--features SET]

Reads the rows ``scripts/fit_abstention.py --retired --cache features.json`` collected and runs
its grouped cross-validation (one fold per document) and threshold rule (each of the main speech's
and the other speeches' formerly blind rows refused wrongly at most ``MAX_WRONG``) twice: with its
logistic regression, and with scikit-learn's ``HistGradientBoostingClassifier``. It prints both
sets of figures and writes nothing: the shipped model is ``fit_abstention.py``'s. Pre-registered
in docs/experiments.md (seventeenth session).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fit_abstention as fa  # noqa: E402

# Chosen once before the run, not tuned: a small, shallow ensemble.
BOOSTING = {"max_iter": 200, "max_depth": 3, "learning_rate": 0.05, "class_weight": "balanced", "random_state": 0}


def fit_boosted(X: np.ndarray, y: np.ndarray):
    """``fit_abstention.fit``'s shape (mean, scale, model) with a boosted-trees model."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    mean, scale = X.mean(0), X.std(0)
    scale[scale == 0] = 1.0
    return mean, scale, HistGradientBoostingClassifier(**BOOSTING).fit((X - mean) / scale, y)


def main() -> None:
    args = fa.probe_arguments(__doc__).parse_args()
    rows = fa.collect(args.cache, fa.DATA, retired=True)
    features = fa.SETS[args.features]
    for name, fitter in (("logistic regression", fa.fit), ("gradient boosting", fit_boosted)):
        fa.compare_sets(rows, {name: features}, fitter=fitter)


if __name__ == "__main__":
    main()
