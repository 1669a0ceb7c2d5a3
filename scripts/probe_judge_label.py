"""Probe: the judge trained to read the passage, not the question's form.

    python scripts/probe_judge_label.py --cache rows39.json --out judge-oof-passage39.json

The shipped judge's label is "the question is unanswerable", so an answerable question whose
best passage lacks the answer is taught as answered, and the question's form predicts much of
the label (``probe_judge_populations.by_kind``). Here the label is "the best passage does not
hold the evidence": unanswerable, or answerable with the evidence not ranked first. Same rows,
settings and folds as ``fit_abstention.judge_scores``; it writes the out-of-fold scores, which
``fit_abstention.py --judge-scores FILE`` and ``probe_judge_populations.py --judge-scores FILE``
then read in place of the shipped judge's. Ships nothing.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fit_abstention as fa  # noqa: E402


def main() -> None:
    ap = fa.probe_arguments(__doc__)
    ap.add_argument("--out", type=Path, required=True, help="where to write the out-of-fold scores")
    args = ap.parse_args()
    rows = [dict(r, silent=bool(r["silent"]) or r["rank"] != 1) for r in fa.cached_rows(args.cache)]
    print(f"{len(rows)} rows, {sum(r['silent'] for r in rows)} labelled 'the best passage does not hold the evidence'")
    fa.judge_scores(rows, None)  # the shipped judge's folds and settings, on these labels
    args.out.write_text(json.dumps([r["features"][fa.CROSS_SCORE] for r in rows]))


if __name__ == "__main__":
    main()
