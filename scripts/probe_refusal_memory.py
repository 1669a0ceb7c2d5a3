"""Probe S: would a memory of refused questions catch more of the shipped speech's unanswerable ones?

    python scripts/probe_refusal_memory.py --cache rows.json [--probabilities p.npy]

The twenty-eighth session's probe (its rule in docs/experiments.md, written before this script).
On the main speech's formerly blind rows (the rows of ``fit_abstention.py --retired --cache``):

- each row's probability from the shipped features, out of fold with the main speech's rows
  grouped by round (as in ``fit_document_threshold.py``; only the main speech's folds are run;
  ``--probabilities`` caches them);
- its memory share: over its ``K`` nearest retired questions on the speech (cosine of the query
  vectors the shipped retrieval makes), the cosine-weighted share that the speech does not
  answer, taken from rounds other than its own and the one held out;
- nested, round by round: a logistic regression over (logit of the probability, memory share)
  fitted on the other rounds; its threshold chosen on their leave-one-round-out probabilities,
  rounds weighing the same, at most ``MAX_WRONG`` wrong refusals; applied to the round held out.
  Beside it, N's nested figure on the same probabilities (the threshold alone).
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fit_abstention import (MAIN, cached_rows, dev_sets, fit, formerly_blind, matrix,  # noqa: E402
                            out_of_fold, pair_inputs, probe_arguments, SETS, threshold_per_document, alone,
                            figures)
from fit_document_threshold import groups_by_round, nested, question_files  # noqa: E402

K = 10  # neighbours, as the memory of answered questions; fixed, not tuned


def query_vectors(ids: list[str]) -> np.ndarray:
    """The unit query vectors the shipped retrieval makes of these main-speech questions."""
    items = {i.id: i for i in dev_sets(retired=True)[0][MAIN]}
    with tempfile.TemporaryDirectory(prefix="probe-refusal-") as scratch:
        r, _ = alone(MAIN, Path(scratch))
        out = []
        for i in ids:
            v = np.asarray(r.score(items[i].question, items[i].history).query_vector, dtype=np.float64)
            out.append(v / np.linalg.norm(v))
    return np.array(out)


def shares(cos: np.ndarray, y: np.ndarray, rounds: np.ndarray, rows: np.ndarray, leave: str, k: int = K) -> np.ndarray:
    """Each of ``rows``' cosine-weighted share of unanswerable questions among its ``k`` nearest
    questions of rounds other than its own and ``leave``.

    >>> cos = np.array([[1, .9, .1], [.9, 1, .2], [.1, .2, 1]])
    >>> shares(cos, np.array([True, True, False]), np.array(["a", "b", "c"]), np.array([0]), "z", k=1).tolist()
    [1.0]
    """
    out = np.zeros(len(rows))
    for n, row in enumerate(rows):
        ok = (rounds != rounds[row]) & (rounds != leave)
        idx = np.flatnonzero(ok)
        near = idx[np.argsort(-cos[row, idx], kind="stable")[:k]]
        w = np.clip(cos[row, near], 0.0, None)
        out[n] = float(w @ y[near] / max(w.sum(), 1e-9))
    return out


def logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(q / (1 - q))


def main() -> None:
    ap = probe_arguments(__doc__)
    ap.add_argument("--probabilities", type=Path, help="the main rows' out-of-fold probabilities: read if there, else written")
    args = ap.parse_args()
    rows = cached_rows(args.cache)
    features = SETS[args.features]
    groups = groups_by_round(rows, question_files(dev_sets(retired=True)[1]))
    if args.probabilities and args.probabilities.is_file():
        p_all = np.load(args.probabilities)
    else:
        X, y_all, _ = matrix(rows, features)
        p_all = out_of_fold(X, y_all, groups, *pair_inputs(rows, features),
                            only=[g for g in set(groups) if g.startswith("main:")])
        if args.probabilities:
            np.save(args.probabilities, p_all)
    main_rows = np.array([r["doc"] == MAIN.name for r in rows]) & formerly_blind(rows)
    idx = np.flatnonzero(main_rows)
    y = np.array([rows[i]["silent"] for i in idx])
    rounds = groups[idx]
    p = p_all[idx]
    vectors = query_vectors([rows[i]["id"] for i in idx])
    cos = vectors @ vectors.T
    print(f"{len(idx)} formerly blind main rows ({y.sum()} unanswerable) in {len(set(rounds))} rounds")
    print(f"  N (threshold alone), nested: {nested(p, y, rounds)}")
    refused = np.zeros(len(idx), bool)
    for g in sorted(set(rounds)):
        test, train = rounds == g, rounds != g
        tr = np.flatnonzero(train)
        s_train = shares(cos, y, rounds, tr, g)
        s_test = shares(cos, y, rounds, np.flatnonzero(test), g)
        X_train = np.column_stack([logit(p[tr]), s_train])
        X_test = np.column_stack([logit(p[test]), s_test])
        inner = np.zeros(len(tr))
        for h in sorted(set(rounds[tr])):
            out = rounds[tr] == h
            mean, scale, model = fit(X_train[~out], y[tr][~out])
            inner[out] = model.predict_proba((X_train[out] - mean) / scale)[:, 1]
        t = threshold_per_document(inner, y[tr], rounds[tr])
        mean, scale, model = fit(X_train, y[tr])
        refused[test] = model.predict_proba((X_test - mean) / scale)[:, 1] >= t
    wrong = [refused[(rounds == r) & ~y].mean() for r in sorted(set(rounds[~y]))]
    print(f"  S (threshold and memory share), nested: "
          f"{ {**figures(refused, y), 'wrong_refusals_mean_per_round': round(float(np.mean(wrong)), 3)} }")


if __name__ == "__main__":
    main()
