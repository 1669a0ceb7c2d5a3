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
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fit_abstention import (MAIN, cached_rows, dev_sets, fit, formerly_blind, matrix,  # noqa: E402
                            out_of_fold, pair_inputs, probe_arguments, SETS, threshold_per_document)
from fit_document_threshold import groups_by_round, nested, per_round, question_files  # noqa: E402
from probe_question_memory import read_questions  # noqa: E402
from qa.search.memory import memory_scores  # noqa: E402

K = 10  # neighbours, as the memory of answered questions; fixed, not tuned


def shares(vectors: np.ndarray, y: np.ndarray, rounds: np.ndarray, rows: np.ndarray, leave: str,
           k: int = K) -> np.ndarray:
    """Each of ``rows``' cosine-weighted share of unanswerable questions among its ``k`` nearest
    questions of rounds other than its own and ``leave`` (``memory_scores`` with the
    unanswerable as the one passage).

    >>> v = np.array([[1.0, 0.0], [0.9, 0.1], [0.1, 1.0]])
    >>> shares(v, np.array([True, True, False]), np.array(["a", "b", "c"]), np.array([0]), "z", k=1).tolist()
    [1.0]
    """
    silent = y[:, None].astype(float)
    out = np.zeros(len(rows))
    for n, row in enumerate(rows):
        idx = np.flatnonzero((rounds != rounds[row]) & (rounds != leave))
        out[n] = memory_scores(vectors[row], vectors[idx], silent[idx], k)[0]
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
    items = {i.id: i for i in dev_sets(retired=True)[0][MAIN]}
    vectors = read_questions([items[rows[i]["id"]] for i in idx])[1]
    print(f"{len(idx)} formerly blind main rows ({y.sum()} unanswerable) in {len(set(rounds))} rounds")
    print(f"  N (threshold alone), nested: {nested(p, y, rounds)}")
    refused = np.zeros(len(idx), bool)
    for g in sorted(set(rounds)):
        test, train = rounds == g, rounds != g
        tr = np.flatnonzero(train)
        s_train = shares(vectors, y, rounds, tr, g)
        s_test = shares(vectors, y, rounds, np.flatnonzero(test), g)
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
    print(f"  S (threshold and memory share), nested: {per_round(refused, y, rounds)}")


if __name__ == "__main__":
    main()
