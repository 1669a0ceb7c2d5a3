"""Choose how the abstention model's names feature discounts recurring names (candidate N,
fortieth session, docs/experiments.md): ``fit_abstention.NAME_UNIT`` and ``NAME_PRIOR``.

    python scripts/fit_name_discount.py --cache rows.json

A name the question writes and the document never uses counts 1 in ``unknown_names``, unless
the other documents' questions left it unknown in answerable questions about as often as in
unanswerable ones: then less (``fit_abstention.name_weights``). For each way of counting
(in documents or in questions) and each prior of the grid, and for no discount at all, the
rows' probabilities out of fold (one fold per document; each row's names weighed on the
training documents, a training row's on those but its own), and at the threshold that holds
the formerly blind rows to ``MAX_WRONG`` (each group, every document alike) the recall of their
unanswerable questions. Chosen: the highest recall; ties go to the larger prior (the weaker
discount). The pair score is stacked once over all rows (5 folds grouped by document), not
inside each fold as ``fit_abstention.py`` does: the comparison is between discounts, and the
same pair column serves them all (minutes, not hours). Prints the table; writes nothing.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fit_abstention import (SETS, blind_groups, cached_rows, figures, matrix, name_inputs, out_of_fold,  # noqa: E402
                            pair_inputs, probe_arguments, shared_threshold, stacked_pair)

UNITS = ("documents", "questions")
PRIORS = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0)


def recall_at_target(rows: list[dict], features: tuple[str, ...], unit: str | None, prior: float) -> dict:
    """The formerly blind rows' figures at the shared threshold, out of fold, names weighed by
    ``unit`` and ``prior`` (``unit`` None: not weighed)."""
    X, y, groups = matrix(rows, features)
    Z, column = pair_inputs(rows, features)
    if Z is not None:
        X[:, column] = stacked_pair(Z, y, groups)
    p = out_of_fold(X, y, groups, names=name_inputs(rows, features, unit, prior))
    masks = blind_groups(rows)
    t = shared_threshold(p, y, groups, masks)
    blind = np.logical_or.reduce(masks)
    named = np.array([bool(r["names"]) for r in rows])
    return {"threshold": round(t, 3), **figures(p[blind] >= t, y[blind]),
            "with_unknown_names": figures(p[blind & named] >= t, y[blind & named])}


def main() -> None:
    ap = probe_arguments(__doc__)
    args = ap.parse_args()
    rows = cached_rows(args.cache)
    features = SETS[args.features]
    print(f"{len(rows)} rows of {len({r['doc'] for r in rows})} documents; "
          f"{sum(bool(r.get('names')) for r in rows)} with an unknown name")
    base = recall_at_target(rows, features, None, 0.0)
    print(f"  no discount: {base}", flush=True)
    table = {}
    for unit in UNITS:
        for prior in PRIORS:
            table[unit, prior] = recall_at_target(rows, features, unit, prior)
            print(f"  {unit:9s} prior {prior:>4g}: {table[unit, prior]}", flush=True)
    best = max(table, key=lambda k: (table[k]["abstain_recall"], k[1]))
    print(f"chosen: counted in {best[0]}, prior {best[1]:g} (recall {table[best]['abstain_recall']} against "
          f"{base['abstain_recall']} with no discount)")


if __name__ == "__main__":
    main()
