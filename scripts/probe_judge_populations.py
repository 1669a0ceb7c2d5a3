"""Diagnostic: the judge's gain in each population at matched wrong refusals.

    python scripts/probe_judge_populations.py --cache rows37.json --judge-scores judge-oof.json

``fit_abstention.py`` sets one threshold for all questions, the highest of those that keep the
main speech's and the other speeches' formerly blind rows each at most 5% wrongly refused (the
documents' mean rate, each document weighing the same: ``threshold_per_document``); so a
population whose wrong refusals fall below 5% with a new input may also lose recall. This prints,
for the shipped set with and without the judge's score, each population's recall at the shared
threshold and at the threshold of its own that refuses it wrongly as often as the other set
does: whether the input ranks that population's questions better, apart from where the shared
threshold falls; and first the judge's score by label, by whether the best passage holds the
evidence, and by question type (``by_kind``); and last the form check (``form_check``): of the
answerable rows whose best passage holds the evidence, the share refused out of fold with and
without the judge, all, by type and by length. Ships nothing.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fit_abstention as fa  # noqa: E402


def recall_at(p: np.ndarray, y: np.ndarray, wrong: float) -> float:
    """Recall at the lowest threshold whose wrong refusals stay at most ``wrong``."""
    t = fa.threshold_for(p, y, wrong)
    return float((p[y] >= t).mean())


def by_kind(rows: list[dict]) -> None:
    """The judge's out-of-fold score (the probability that the best passage does not answer) by
    label, by whether the best passage holds the evidence, and by question type: does it read the
    passage, or the form of the question?"""
    s = np.array([r["features"][fa.CROSS_SCORE] for r in rows])
    silent = np.array([r["silent"] for r in rows])
    first = np.array([r["rank"] == 1 for r in rows])
    kinds = np.array([r["type"] for r in rows])
    for label, m in (("unanswerable", silent), ("answerable, evidence in the best passage", ~silent & first),
                     ("answerable, evidence elsewhere", ~silent & ~first)):
        print(f"{label}: {m.sum()} rows, mean score {s[m].mean():.3f}, over 0.5: {(s[m] > 0.5).mean():.3f}")
    for kind in sorted(set(kinds)):
        m = ~silent & first & (kinds == kind)
        if m.sum() >= 20:
            print(f"  evidence in the best passage, {kind}: {m.sum()} rows, over 0.5: {(s[m] > 0.5).mean():.3f}")


# Question lengths in words for ``form_check``: blind writers' questions run long (median 15 words
# on R3's rows), a user's typed question short (dev's median is 11); the bins split R3's rows.
LENGTHS = ((1, 8), (9, 12), (13, 18), (19, None))


def length_bins(rows: list[dict]) -> list[tuple[str, np.ndarray]]:
    """(label, mask of ``rows``) for each bin of ``LENGTHS``, by the question's words."""
    words = np.array([len(r["question"].split()) for r in rows])
    return [(f"{lo}-{hi} words" if hi else f"{lo}+ words", (words >= lo) & (words <= (hi or words.max())))
            for lo, hi in LENGTHS]


def form_check(rows: list[dict], out: dict) -> None:
    """Of the answerable rows whose best passage holds the evidence, the share each model refuses
    out of fold at its own shared threshold: all of them, then by question type, then by the
    question's length in words. A judge that reads a question's form instead of its passage
    refuses more of these (twenty-second session, docs/experiments.md); one that reads its length
    refuses short questions more, which the pooled share hides when few rows are short (forty-eighth
    session)."""
    kinds = np.array([r["type"] for r in rows])
    first = np.array([r["rank"] == 1 for r in rows])
    bins = length_bins(rows)
    for label, (p, y, t) in out.items():
        m = ~y & first
        line = f"form check, {label}: evidence first, refused {(p[m] >= t).mean():.3f} of {m.sum()}"
        for kind in sorted(set(kinds[m])):
            k = m & (kinds == kind)
            line += f"; {kind} {(p[k] >= t).mean():.3f} of {k.sum()}"
        print(line)
        print(f"  by length, {label}: " + "; ".join(f"{name} {(p[m & b] >= t).mean():.3f} of {(m & b).sum()}"
                                                  for name, b in bins))


def main() -> None:
    ap = fa.probe_arguments(__doc__)
    ap.add_argument("--judge-scores", type=Path, required=True)
    args = ap.parse_args()
    rows = fa.cached_rows(args.cache)
    fa.judge_scores(rows, args.judge_scores)
    by_kind(rows)
    groups = fa.blind_groups(rows)
    base = fa.SETS[args.features]
    sets = {"without the judge": base, "with the judge": (*base, fa.CROSS_SCORE)}
    out = {}
    for label, features in sets.items():
        X, y, g = fa.matrix(rows, features)
        p = fa.out_of_fold(X, y, g, *fa.pair_inputs(rows, features))
        t = fa.shared_threshold(p, y, g, groups)
        out[label] = (p, y, t)
    for name, mask in zip(("main speech", "other speeches"), groups):
        for label, (p, y, t) in out.items():
            pm, ym = p[mask], y[mask]
            print(f"{name}, {label}: shared threshold {t:.3f}: recall {(pm[ym] >= t).mean():.3f} "
                  f"at {(pm[~ym] >= t).mean():.3f} wrong")
        (p0, y0, t0), (p1, y1, t1) = out.values()
        for label, (p, y, t), other in (("with the judge", out["with the judge"], (p0, t0)),
                                         ("without the judge", out["without the judge"], (p1, t1))):
            wrong = float((other[0][mask][~y[mask]] >= other[1]).mean())
            print(f"  {label} at the other set's wrong refusals ({wrong:.3f}): "
                  f"recall {recall_at(p[mask], y[mask], wrong):.3f}")
    form_check(rows, out)


if __name__ == "__main__":
    main()
