"""Experiment: should each document weigh the same when the abstention threshold is set?

    python scripts/probe_document_weights.py --cache features.json [--features SET]

The targets are per speech ("on other speeches alone, wrong refusals <= 0.05"), but the
threshold is set on the other speeches' formerly blind rows pooled, where the eight speeches of
``tests/data/speeches/`` hold more than half of the rows. This probe reads the rows
``scripts/fit_abstention.py --retired --cache features.json`` collected, computes the out-of-fold
probabilities once (``fit_abstention.out_of_fold``, grouped by document) and sets the threshold
two ways: each group's rows pooled at most ``MAX_WRONG`` wrongly refused (as shipped until this
probe) and each document of a group weighing the same (``fit_abstention.threshold_per_document``,
shipped since: the mean over its documents of their wrong-refusal rates at most ``MAX_WRONG``).
Prints, for both, the threshold and each group's figures counted both ways; writes nothing.
Written down before its run in docs/experiments.md (twenty-fifth session).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fit_abstention as fa  # noqa: E402


def report(label: str, t: float, p: np.ndarray, y: np.ndarray, docs: np.ndarray, masks: list[np.ndarray]) -> None:
    print(f"{label}: threshold {t:.3f}")
    for name, m in zip(("main", "others"), masks):
        recall = float((p[m & y] >= t).mean())
        doc_recall = float(np.mean([(p[m & y & (docs == d)] >= t).mean() for d in sorted(set(docs[m & y]))]))
        print(f"  {name:6s} pooled: recall {recall:.3f} wrong {float((p[m & ~y] >= t).mean()):.3f}; "
              f"mean per document: recall {doc_recall:.3f} wrong {fa.weighted_wrong(p[m], y[m], docs[m], t):.3f} "
              f"({len(set(docs[m]))} documents)")


def main() -> None:
    args = fa.probe_arguments(__doc__).parse_args()
    rows = fa.cached_rows(args.cache)
    features = fa.SETS[args.features]
    X, y, groups = fa.matrix(rows, features)
    p = fa.out_of_fold(X, y, groups, *fa.pair_inputs(rows, features))
    masks = fa.blind_groups(rows)
    pooled = max(fa.threshold_for(p[m], y[m]) for m in masks)
    equal = fa.shared_threshold(p, y, groups, masks)
    report("rows pooled per group (shipped until the twenty-fifth session)", pooled, p, y, groups, masks)
    report("documents weighing the same", equal, p, y, groups, masks)


if __name__ == "__main__":
    main()
