"""Fit the shipped speech's own abstention threshold on its retired held-out rounds.

    python scripts/fit_document_threshold.py --cache rows.json [--write]

The shared threshold (``fit_abstention.py``) is the highest of two groups' own: the main
speech's and the other speeches', each held to ``MAX_WRONG`` wrong refusals out of fold. The
other speeches set it, so the main speech ends under its allowance. Its ~1,500 retired blind
questions, written over many rounds by helpers that never ran the system, are enough to hold it
to the target on its own rows (candidate N, twenty-eighth session, docs/experiments.md):

- out-of-fold probabilities of the shipped features, the main speech's rows grouped by their
  question file (one round each) and every other document one group: a main round is scored by
  a model fitted on the other rounds and documents, as a new round is by the shipped model;
- the main speech's threshold: the lowest at which the mean over its rounds of their
  wrong-refusal rates on formerly blind rows is at most ``MAX_WRONG`` (rounds weigh the same);
- its honest estimate, nested: each round's refusals at the threshold chosen on the other
  rounds; printed beside the shared threshold's figures on the same probabilities;
- with ``--write``: ``document_thresholds`` (the sha256 of the speech's bytes -> threshold) and
  ``calibration`` (where it came from) are added to ``qa/answer/abstention.json``, whose model
  must be the one ``fit_abstention.py --write`` fitted on the same rows and features.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fit_abstention import (MAIN, MAX_WRONG, RECENT_HALF_LIFE, ROOT, SETS, age_weights, cached_rows,  # noqa: E402
                            dev_sets, figures, formerly_blind, matrix, name_inputs, nested_wrong, out_of_fold,
                            pair_inputs, per_group, probe_arguments, shared_threshold, threshold_per_document)
from qa.config import ABSTENTION_FILE  # noqa: E402
from qa.eval.evaluation import read_items  # noqa: E402


def question_files(files: list[Path]) -> dict[str, str]:
    """Each main-speech question's id -> the question file it comes from (its round folder's
    name, or the file's own name for files outside a round folder)."""
    where = {}
    for path in files:
        label = path.parent.name if path.parent.name.startswith("round") else path.name
        for item in read_items(path):
            if (item.doc[0] if item.doc else MAIN.name) == MAIN.name:
                where.setdefault(item.id, label)
    return where


def groups_by_round(rows: list[dict], rounds: dict[str, str]) -> np.ndarray:
    """The CV groups: a main-speech row's question file, any other row's document.

    >>> groups_by_round([{"doc": MAIN.name, "id": "q1"}, {"doc": "x.txt", "id": "q2"}], {"q1": "round9"}).tolist()
    ['main:round9', 'x.txt']
    """
    return np.array([f"main:{rounds[r['id']]}" if r["doc"] == MAIN.name else r["doc"] for r in rows])


def nested(p: np.ndarray, y: np.ndarray, rounds: np.ndarray) -> dict:
    """Each round's refusals at the threshold chosen (``threshold_per_document``) on the other
    rounds: recall pooled, wrong refusals pooled and as the mean over rounds."""
    return nested_wrong(p, y, rounds, label="round")


def per_round(refused: np.ndarray, y: np.ndarray, rounds: np.ndarray) -> dict:
    """``figures`` of the refusals, with the wrong refusals also as the mean over rounds."""
    return per_group(refused, y, rounds, "round")


def main() -> None:
    ap = probe_arguments(__doc__)
    ap.add_argument("--write", action="store_true",
                    help=f"add the threshold to {ABSTENTION_FILE.relative_to(ROOT)} (fitted on the same rows)")
    args = ap.parse_args()
    rows = cached_rows(args.cache)
    features = SETS[args.features]
    files = dev_sets(retired=True)[1]
    rounds_of = question_files(files)
    X, y, docs = matrix(rows, features)
    groups = groups_by_round(rows, rounds_of)
    blind = formerly_blind(rows)
    main_rows = docs == MAIN.name
    print(f"{len(rows)} rows, {len(set(groups))} groups; main speech {main_rows.sum()} rows in "
          f"{len(set(groups[main_rows]))} question files, {(main_rows & blind).sum()} formerly blind")
    p = out_of_fold(X, y, groups, *pair_inputs(rows, features), names=name_inputs(rows, features))
    # As fit_abstention.py sets it: the other speeches weighed by age (RECENT_HALF_LIFE).
    shared = shared_threshold(p, y, docs, [blind & main_rows, blind & ~main_rows],
                              age_weights(set(docs), RECENT_HALF_LIFE))
    m, o = blind & main_rows, blind & ~main_rows
    own = threshold_per_document(p[m], y[m], groups[m])
    report = {
        "shared": {"threshold": round(shared, 6), **per_round(p[m] >= shared, y[m], groups[m])},
        "own": {"threshold": round(own, 6), **per_round(p[m] >= own, y[m], groups[m])},
        "nested": nested(p[m], y[m], groups[m]),
        "others_at_shared": figures(p[o] >= shared, y[o]),
        # What a new speech meets: each other document at the threshold chosen on the rest.
        "others_nested": nested_wrong(p[o], y[o], docs[o])}
    for name, figs in report.items():
        print(f"  {name:17s} {figs}")
    if args.write:
        model = json.loads(ABSTENTION_FILE.read_text(encoding="utf-8"))
        if model["features"] != list(features):
            sys.exit(f"{ABSTENTION_FILE} reads other features than --features {args.features}: "
                     "write it first with fit_abstention.py --write on the same rows and features")
        sha = hashlib.sha256(MAIN.read_bytes()).hexdigest()
        model["document_thresholds"] = {sha: round(own, 6)}
        model["calibration"] = {
            sha: {"document": MAIN.name, "date": dt.date.today().isoformat(),
                  "fitted_by": f"scripts/fit_document_threshold.py --features {args.features} "
                               "(its formerly blind rows, rounds weighing the same)",
                  "cv": {"protocol": "groups: the main speech's question files and every other document; "
                                     "nested: each round at the threshold chosen on the other rounds",
                         **report}}}
        ABSTENTION_FILE.write_text(json.dumps(model, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {ABSTENTION_FILE}")


if __name__ == "__main__":
    main()
