"""Diagnostic: does the judge read the passage, or the question's form? And does taking away what
it says of the question alone help the abstention model?

    python scripts/probe_judge_prior.py --cache rows.json --scores judge-oof.json [--features SET] [--balance length]

Five folds grouped by document, as ``fit_abstention.judge_scores``: in each, the judge
(``qa.answer.judge_train``, shipped settings) is fine-tuned on the other folds' (question, best
passage) pairs and scores the fold's rows twice, with their best passage (``cross_score``) and
with an empty passage (``cross_prior``: what it believes from the question's form alone). Both
are written to ``--scores`` ({"cross": [...], "prior": [...]}), read from there when present
(finished folds are kept in ``<scores>.partial`` until then, and a rerun resumes from them).

Then, by ``fit_abstention.cross_validate`` as the probes run it (one fold per document, the
threshold on the formerly blind rows, each population at most 5% wrongly refused): SET, SET with
``cross_score``, SET with both; then each population at matched wrong refusals (``matched``);
then the form check (``probe_judge_populations.form_check``): of the answerable rows whose best
passage holds the evidence, the share each refuses out of fold at its threshold, all, by type
and by question length. Written down before its run in docs/experiments.md (forty-fourth
session); the matched and by-length lines were added in the forty-eighth, after it. Prints;
writes nothing but ``--scores`` and its ``.partial``.
"""
from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

from qa.config import JUDGE_BALANCES

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fit_abstention as fa  # noqa: E402
from probe_judge_populations import form_check, length_bins, recall_at  # noqa: E402

PRIOR = "cross_prior"


def scores_of(rows: list[dict], path: Path, balance: str = "") -> dict[str, list[float]]:
    """Each row's out-of-fold judge score with its best passage and with none, the judge's
    losses weighted as ``balance`` says (``qa.config.JUDGE_BALANCES``)."""
    if path.is_file():
        scores = json.loads(path.read_text())
        if len(scores["cross"]) != len(rows):
            sys.exit(f"{path} holds scores for {len(scores['cross'])} rows, not {len(rows)}: delete it")
        return scores
    from sklearn.model_selection import GroupKFold

    from qa.answer import judge_train
    from qa.config import settings

    spec = judge_train.spec_for(None, settings().model, balance)
    groups = np.array([r["doc"] for r in rows])
    # Each finished fold is kept beside ``path`` so that a run stopped part way resumes at the
    # next fold (GroupKFold's split is the same on the same rows).
    partial = path.with_name(path.name + ".partial")
    same = fingerprint(rows)
    done = json.loads(partial.read_text()) if partial.is_file() else {"folds": [], "cross": [], "prior": []}
    if done["folds"] and done.get("rows") != same:
        sys.exit(f"{partial} holds folds scored on other rows (another collection or code): delete it "
                 "to start again, or resume on the rows it was scored on")
    if done["folds"] and done.get("balance", "") != balance:
        sys.exit(f"{partial} holds folds of a judge weighted {done.get('balance', '')!r}, not {balance!r}: "
                 "give --scores another file, or the --balance it was scored with")
    cross, prior = np.zeros(len(rows)), np.zeros(len(rows))
    if done["folds"]:
        cross[:], prior[:] = done["cross"], done["prior"]
    for k, (train, test) in enumerate(GroupKFold(n_splits=fa.JUDGE_FOLDS).split(rows, groups=groups)):
        if k in done["folds"]:
            continue
        began = time.time()
        model, tokenizer = judge_train.fine_tune([rows[i] for i in train], spec)
        held = [rows[i] for i in test]
        cross[test] = judge_train.torch_scores(model, tokenizer, held, spec.max_pieces)
        prior[test] = judge_train.torch_scores(model, tokenizer, [{**r, "passage": ""} for r in held],
                                               spec.max_pieces)
        print(f"  fold {k + 1}/{fa.JUDGE_FOLDS}: {len(train)} trained, {len(test)} scored, "
              f"{time.time() - began:.0f} s", file=sys.stderr, flush=True)
        done = {"rows": same, "balance": balance, "folds": [*done["folds"], k], "cross": cross.round(6).tolist(), "prior": prior.round(6).tolist()}
        partial.with_suffix(".tmp").write_text(json.dumps(done))
        partial.with_suffix(".tmp").replace(partial)  # whole or not at all, should the run be stopped
    scores = {"cross": cross.round(6).tolist(), "prior": prior.round(6).tolist()}
    path.write_text(json.dumps(scores))
    partial.unlink()
    return scores


def fingerprint(rows: list[dict]) -> str:
    """What the judge's folds depend on: each row's document, question and best passage, in order."""
    digest = hashlib.sha256()
    for r in rows:
        digest.update(json.dumps([r["doc"], r["question"], r["passage"]]).encode())
    return digest.hexdigest()[:16]


def matched(out: dict, calibrate: tuple[np.ndarray, ...]) -> None:
    """Each population's recall under every set at the wrong refusals that F gives it at F's
    shared threshold (``recall_at``: each set at its own threshold for that population): whether
    the judge ranks that population's rows better, apart from where the shared threshold falls.
    The probabilities are the ones the lines above print (name weights as shipped)."""
    (p0, y, t0), *_ = out.values()
    for name, mask in zip(("main speech", "others"), calibrate):
        wrong = float((p0[mask & ~y] >= t0).mean())
        line = f"matched, {name}, at F's wrong refusals ({wrong:.3f}):"
        for label, (p, _, _) in out.items():
            line += f" {label} {recall_at(p[mask], y[mask], wrong):.3f};"
        print(line.rstrip(";"))


def main() -> None:
    ap = fa.probe_arguments(__doc__)
    ap.add_argument("--scores", type=Path, required=True, help="read if there, else computed and written")
    ap.add_argument("--balance", default="", choices=JUDGE_BALANCES,
                    help="weight the judge's losses so the question's length says nothing of the label "
                         "(judge_train.length_weights; candidate J2)")
    args = ap.parse_args()
    rows = fa.cached_rows(args.cache, texts=True)
    scores = scores_of(rows, args.scores, args.balance)
    for r, c, p in zip(rows, scores["cross"], scores["prior"]):
        r["features"][fa.CROSS_SCORE] = float(c)
        r["features"][PRIOR] = float(p)
    c, p = np.array(scores["cross"]), np.array(scores["prior"])
    silent = np.array([r["silent"] for r in rows])
    first = np.array([r["rank"] == 1 for r in rows])
    kinds = np.array([r["type"] for r in rows])
    for label, m in (("unanswerable", silent), ("answerable, evidence in the best passage", ~silent & first),
                     ("answerable, evidence elsewhere", ~silent & ~first)):
        print(f"{label}: {m.sum()} rows; with the passage mean {c[m].mean():.3f}, over 0.5 {(c[m] > 0.5).mean():.3f}; "
              f"question alone mean {p[m].mean():.3f}, over 0.5 {(p[m] > 0.5).mean():.3f}")
    for kind in sorted(set(kinds)):
        m = ~silent & first & (kinds == kind)
        if m.sum() >= 20:
            print(f"  evidence first, {kind}: {m.sum()} rows, over 0.5 {(c[m] > 0.5).mean():.3f} "
                  f"(question alone {(p[m] > 0.5).mean():.3f})")
    for name, m in length_bins(rows):
        a, u = m & ~silent & first, m & silent
        print(f"  {name}: evidence first {a.sum()} rows, over 0.5 {(c[a] > 0.5).mean():.3f}; "
              f"unanswerable {u.sum()} rows, over 0.5 {(c[u] > 0.5).mean():.3f}")
    print(f"correlation of the two scores: answerable {np.corrcoef(c[~silent], p[~silent])[0, 1]:.3f}, "
          f"unanswerable {np.corrcoef(c[silent], p[silent])[0, 1]:.3f}")
    base = fa.SETS[args.features]
    sets = {"F": base, "F + judge": (*base, fa.CROSS_SCORE), "F + judge + question alone": (*base, fa.CROSS_SCORE, PRIOR)}
    calibrate = fa.blind_groups(rows)
    union = np.logical_or.reduce(calibrate)
    out = {}
    for label, features in sets.items():
        X, y, groups = fa.matrix(rows, features)
        prob = fa.out_of_fold(X, y, groups, *fa.pair_inputs(rows, features), names=fa.name_inputs(rows, features))
        t = fa.shared_threshold(prob, y, groups, calibrate)
        refused = prob >= t
        line = (f"{label}: threshold {t:.3f}; formerly blind recall {refused[union & y].mean():.3f} at "
                f"{refused[union & ~y].mean():.3f}")
        for name, mask in zip(("main speech", "others"), calibrate):
            line += f"; {name} {refused[mask & y].mean():.3f} at {refused[mask & ~y].mean():.3f}"
        print(line)
        out[label] = (prob, y, t)
    matched(out, calibrate)
    form_check(rows, out)


if __name__ == "__main__":
    main()
