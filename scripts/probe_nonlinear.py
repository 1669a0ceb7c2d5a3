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

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fit_abstention as fa  # noqa: E402

# Chosen once before the run, not tuned: a small, shallow ensemble.
BOOSTING = {"max_iter": 200, "max_depth": 3, "learning_rate": 0.05, "class_weight": "balanced", "random_state": 0}


def fit_boosted(X: np.ndarray, y: np.ndarray, c: float = fa.C):
    """``fit_abstention.fit``'s shape (mean, scale, model) with a boosted-trees model."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    mean, scale = X.mean(0), X.std(0)
    scale[scale == 0] = 1.0
    return mean, scale, HistGradientBoostingClassifier(**BOOSTING).fit((X - mean) / scale, y)


def cross_validate(rows: list[dict], features: tuple[str, ...], calibrate: list[np.ndarray], fitter) -> tuple[float, dict]:
    """``fit_abstention.cross_validate``'s threshold and pooled figures, the decision fitted by
    ``fitter`` (the pair score inside stays ``fit_abstention``'s logistic regression)."""
    from sklearn.model_selection import GroupKFold

    X, y, groups = fa.matrix(rows, features)
    Z, column = fa.pair_inputs(rows, features)
    p = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=len(set(groups))).split(X, y, groups):
        Xtr, Xte = fa.with_pair(X, y, groups, Z, column, train, test)
        mean, scale, model = fitter(Xtr, y[train])
        p[test] = model.predict_proba((Xte - mean) / scale)[:, 1]
    t = max(fa.threshold_for(p[mask], y[mask]) for mask in calibrate)
    union = np.logical_or.reduce(calibrate)
    pooled = fa.figures(p >= t, y)
    pooled["formerly_blind"] = fa.figures(p[union] >= t, y[union])
    pooled["by_group"] = [fa.figures(p[mask] >= t, y[mask]) for mask in calibrate]
    return t, pooled


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", type=Path, required=True, help="rows written by fit_abstention.py --retired --cache")
    ap.add_argument("--features", default="support+aftermath+phrases+stance+pair-length", choices=sorted(fa.SETS))
    args = ap.parse_args()
    rows = fa.collect(args.cache, fa.DATA, retired=True)
    dev_ids = {i.id for items in fa.dev_sets(fa.DATA)[0].values() for i in items}
    calibrate = fa.populations(rows, np.array([r["id"] not in dev_ids for r in rows]))
    features = fa.SETS[args.features]
    for name, fitter in (("logistic regression", fa.fit), ("gradient boosting", fit_boosted)):
        t, pooled = cross_validate(rows, features, calibrate, fitter)
        print(f"{name:20s} grouped CV ({len({r['doc'] for r in rows})} documents, threshold {t:.3f}): {pooled}")


if __name__ == "__main__":
    main()
