"""Fit the half-life of a document's weight in the shared abstention threshold, by forward chaining.

    python scripts/fit_recent_calibration.py --cache rows.json [--features SET] [--from 30]

The blind question sets have drifted harder as they were written (each helper must avoid every
earlier question; thirty-eighth session, docs/experiments.md): at one threshold, the later pairs
of speeches held out whole are refused wrongly more often than the earlier, so a threshold held to
``MAX_WRONG`` over every document lets the next pair be refused wrongly more often than that. The
threshold can weigh the documents by their age instead (``fit_abstention.age_weights``: 0.5 **
(age / half-life), age in pairs). This script chooses the half-life as the shipped procedure
would have met each pair:

- out-of-fold probabilities of the feature set, one fold per document (as ``fit_abstention.py``);
- for each pair from ``--from`` on, in the order of their numbers: the threshold that holds the
  weighted mean of the wrong-refusal rates of the other speeches in the pairs before it, weighed
  by their age from it, to ``MAX_WRONG``; that pair's mean wrong-refusal rate and recall there;
- the half-life whose mean next-pair wrong-refusal rate is nearest ``MAX_WRONG`` (ties: the
  higher recall), printed with the table; ``fit_abstention.py --recent-half-life`` takes it.

Only the threshold is chained: the folds' models still see later documents. The rows of the
main speech are left out (it has its own threshold, ``fit_document_threshold.py``).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fit_abstention import (MAIN, MAX_WRONG, SETS, age_weights, cached_rows, formerly_blind, matrix,  # noqa: E402
                            name_inputs, out_of_fold, pair_inputs, pair_number, probe_arguments, threshold_per_document)
import question_sets  # noqa: E402

HALF_LIVES = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0, float("inf"))


def pairs_in(docs: set[str]) -> list[tuple[int, list[str]]]:
    """The retired pairs as (number, their documents among ``docs``), oldest first."""
    out = [(pair_number(name), [d for d in names if d in docs])
           for name, (names, commit) in question_sets.PAIRS.items() if commit]
    return sorted((n, ds) for n, ds in out if ds)


def chained(p: np.ndarray, y: np.ndarray, docs: np.ndarray, pairs: list[tuple[int, list[str]]],
            half_life: float, start: int) -> tuple[float, float]:
    """The mean over the pairs numbered ``start`` on of their documents' wrong-refusal rate and
    recall at the threshold set on the documents before them (those of earlier pairs or of none),
    weighed by age from them.

    Two one-document pairs, a's answerable question at 0.9; b is scored at a's threshold:

    >>> p, y = np.array([0.9, 0.95, 0.5, 0.8]), np.array([False, True, False, True])
    >>> chained(p, y, np.array(["a", "a", "b", "b"]), [(1, ["a"]), (2, ["b"])], float("inf"), 2)
    (0.0, 0.0)
    """
    wrong, recall = [], []
    for number, scored in pairs:
        if number < start:
            continue
        # Every document of an earlier pair or of none (the early rounds' speeches).
        before = ~np.isin(docs, [d for n, ds in pairs if n >= number for d in ds])
        t = threshold_per_document(p[before], y[before], docs[before],
                                   weights=age_weights(set(docs[before]), half_life))
        for d in scored:
            mine = docs == d
            wrong.append(float((p[mine & ~y] >= t).mean()))
            if (mine & y).any():
                recall.append(float((p[mine & y] >= t).mean()))
    return float(np.mean(wrong)), float(np.mean(recall))


def chosen(table: dict[float, tuple[float, float]]) -> float:
    """The half-life whose wrong-refusal rate is nearest ``MAX_WRONG``, ties to the higher recall.

    >>> chosen({1.0: (0.049, 0.30), 4.0: (0.051, 0.33), float("inf"): (0.067, 0.36)})
    4.0
    """
    return min(table, key=lambda h: (round(abs(table[h][0] - MAX_WRONG), 6), -table[h][1]))


def main() -> None:
    ap = probe_arguments(__doc__)
    ap.add_argument("--from", dest="start", type=int, default=30,
                    help="score the pairs from this number on (default: 30; the earlier ones calibrate)")
    args = ap.parse_args()
    rows = cached_rows(args.cache)
    features = SETS[args.features]
    X, y, docs = matrix(rows, features)
    p = out_of_fold(X, y, docs, *pair_inputs(rows, features), names=name_inputs(rows, features))
    keep = formerly_blind(rows) & (docs != MAIN.name)
    p, y, docs = p[keep], y[keep], docs[keep]
    pairs = pairs_in(set(docs))
    print(f"{len(rows)} rows of {len(set(docs)) + 1} documents; {keep.sum()} formerly blind rows of the other "
          f"speeches; {sum(n >= args.start for n, _ in pairs)} pairs scored from pair {args.start}")
    table = {h: chained(p, y, docs, pairs, h, args.start) for h in HALF_LIVES}
    for h, (wrong, recall) in table.items():
        print(f"  half-life {h:>4g} pairs: next pair's wrong refusals {wrong:.3f}, recall {recall:.3f}")
    best = chosen(table)
    print(f"chosen: half-life {best:g} (nearest {MAX_WRONG}); fit with "
          f"scripts/fit_abstention.py --retired --recent-half-life {best:g} ...")


if __name__ == "__main__":
    main()
