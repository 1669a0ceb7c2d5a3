"""Probe: a contrastive judge, each answerable question shown with a passage that answers it
and one that does not (twenty-first session, written down before its run in docs/experiments.md).

    python scripts/probe_judge_contrastive.py --cache rows41.json --out judge-oof-contrastive41.json

The shipped judge learns "this question is unanswerable" from (question, best passage) pairs,
and reads the question's form as much as the passage (``probe_judge_populations.by_kind``).
Here the pairs are (``contrastive_pairs``): an answerable question with its ``gold`` passage,
labelled 0, and with its ``negative`` passage, labelled 1; an unanswerable question with its
best passage, labelled 1. The judge's settings and the five folds grouped by document are the
shipped ones (``judge_train.fine_tune``, ``fit_abstention.JUDGE_FOLDS``). Each row's feature is
the lowest out-of-fold score over its three best passages (does any answer?), written to
``--out``, which ``fit_abstention.py --judge-scores FILE`` and ``probe_judge_populations.py
--judge-scores FILE`` read in place of the shipped judge's; the best passage's score alone goes
to ``--out-best``, a diagnostic. Ships nothing. Rows must carry ``passages``, ``gold`` and
``negative`` (collected by ``fit_abstention.py`` since the twenty-first session).
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fit_abstention as fa  # noqa: E402


def contrastive_pairs(rows: list[dict]) -> list[dict]:
    """The judge's training pairs from ``rows`` (``silent``: the passage does not answer).

    >>> rows = [{"doc": "a", "question": "q1", "silent": False, "gold": "g", "negative": "n", "passages": ["n", "g"]},
    ...         {"doc": "a", "question": "q2", "silent": True, "gold": "", "negative": "b", "passages": ["b"]}]
    >>> [(p["question"], p["passage"], p["silent"]) for p in contrastive_pairs(rows)]
    [('q1', 'g', False), ('q1', 'n', True), ('q2', 'b', True)]
    """
    pairs = []
    for r in rows:
        shown = ([(r["passages"][0], True)] if r["silent"] and r["passages"]
                 else [(r["gold"], False), (r["negative"], True)])
        pairs += [{"doc": r["doc"], "question": r["question"], "passage": text, "silent": label}
                  for text, label in shown if text]
    return pairs


def main() -> None:
    ap = fa.probe_arguments(__doc__)
    ap.add_argument("--out", type=Path, required=True, help="where to write the lowest score over the three best")
    ap.add_argument("--out-best", type=Path, help="where to write the best passage's score (a diagnostic)")
    args = ap.parse_args()
    rows = fa.cached_rows(args.cache, texts=True)
    if any("gold" not in r for r in rows):
        sys.exit(f"{args.cache} was collected before rows kept their gold and negative passages: collect it again")
    from sklearn.model_selection import GroupKFold

    from qa.answer import judge_train

    spec = judge_train.spec_for(None, fa.settings().model)
    groups = np.array([r["doc"] for r in rows])
    lowest, best = np.ones(len(rows)), np.ones(len(rows))
    pairs = contrastive_pairs(rows)
    print(f"{len(rows)} rows, {len(pairs)} pairs, {sum(p['silent'] for p in pairs)} labelled 'does not answer'")
    for k, (train, test) in enumerate(GroupKFold(n_splits=fa.JUDGE_FOLDS).split(rows, groups=groups)):
        began = time.time()
        model, tokenizer = judge_train.fine_tune(contrastive_pairs([rows[i] for i in train]), spec)
        shown = [(i, j, text) for i in test for j, text in enumerate(rows[i]["passages"][:3])]
        scores = judge_train.torch_scores(model, tokenizer, [{"question": rows[i]["question"], "passage": text}
                                                             for i, _, text in shown], spec.max_pieces)
        for (i, j, _), score in zip(shown, scores):
            best[i] = score if j == 0 else best[i]
            lowest[i] = min(lowest[i], score)
        print(f"  fold {k + 1}/{fa.JUDGE_FOLDS}: {len(train)} rows trained, {len(test)} scored, "
              f"{time.time() - began:.0f} s", file=sys.stderr, flush=True)
    args.out.write_text(json.dumps(np.round(lowest, 6).tolist()))
    if args.out_best:
        args.out_best.write_text(json.dumps(np.round(best, 6).tolist()))


if __name__ == "__main__":
    main()
