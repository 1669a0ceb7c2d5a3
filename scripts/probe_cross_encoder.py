"""Diagnostic: would a cross-encoder fine-tuned on the retired questions add to the abstention inputs?

    python scripts/probe_cross_encoder.py --cache features.json [--features SET] [--scores scores.json]

Reads the rows ``scripts/fit_abstention.py --retired --cache features.json`` collected (each keeps
its question and best passage). Five folds grouped by document: in each, all-MiniLM-L6-v2's
transformer with a new one-output head is fine-tuned on the other folds' (question, best passage)
pairs, labelled 1 when the question is unanswerable, and scores the fold's pairs. The out-of-fold
score is added to SET as ``cross_score`` and compared by ``fit_abstention.compare_sets``. Prints
the figures; writes nothing but ``--scores`` (the out-of-fold scores, to rerun the comparison
without training again). Written down before its run in docs/experiments.md (eighteenth
session); every setting below was fixed there, not tuned.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fit_abstention as fa  # noqa: E402
from qa.config import DEFAULT_MODEL  # noqa: E402
from qa.index.embedding import model_path  # noqa: E402

FOLDS, EPOCHS, RATE, BATCH, MAX_PIECES, SEED = 5, 2, 3e-5, 16, 256, 0


def train_and_score(train: list[dict], test: list[dict]) -> np.ndarray:
    """Fine-tune a fresh head and transformer on ``train``; the sigmoid scores of ``test``."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(SEED)
    folder = str(model_path(DEFAULT_MODEL))
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForSequenceClassification.from_pretrained(folder, num_labels=1)
    optimiser = torch.optim.AdamW(model.parameters(), lr=RATE)
    loss = torch.nn.BCEWithLogitsLoss()
    rng = np.random.default_rng(SEED)

    def batch(rows: list[dict]):
        return tokenizer([r["question"] for r in rows], [r["passage"] for r in rows], padding=True,
                         truncation="only_second", max_length=MAX_PIECES, return_tensors="pt")

    model.train()
    for _ in range(EPOCHS):
        order = rng.permutation(len(train))
        for start in range(0, len(order), BATCH):
            rows = [train[i] for i in order[start:start + BATCH]]
            labels = torch.tensor([float(r["silent"]) for r in rows])
            optimiser.zero_grad()
            loss(model(**batch(rows)).logits[:, 0], labels).backward()
            optimiser.step()
    model.eval()
    scores = []
    with torch.inference_mode():
        for start in range(0, len(test), 64):
            scores.append(torch.sigmoid(model(**batch(test[start:start + 64])).logits[:, 0]).numpy())
    return np.concatenate(scores) if scores else np.zeros(0)


def out_of_fold(rows: list[dict]) -> np.ndarray:
    from sklearn.model_selection import GroupKFold

    groups = np.array([r["doc"] for r in rows])
    scores = np.zeros(len(rows))
    for k, (train, test) in enumerate(GroupKFold(n_splits=FOLDS).split(rows, groups=groups)):
        began = time.time()
        scores[test] = train_and_score([rows[i] for i in train], [rows[i] for i in test])
        print(f"  fold {k + 1}/{FOLDS}: {len(train)} pairs trained, {len(test)} scored, {time.time() - began:.0f} s",
              file=sys.stderr)
    return scores


def main() -> None:
    ap = fa.probe_arguments(__doc__)
    ap.add_argument("--scores", type=Path, help="out-of-fold scores: read if there, else computed and written")
    args = ap.parse_args()
    rows = fa.cached_rows(args.cache, texts=True)
    if args.scores and args.scores.is_file():
        scores = np.array(json.loads(args.scores.read_text()))
    else:
        scores = out_of_fold(rows)
        if args.scores:
            args.scores.write_text(json.dumps(scores.round(6).tolist()))
    for r, s in zip(rows, scores):
        r["features"]["cross_score"] = float(s)
    y = np.array([r["silent"] for r in rows])
    print(f"cross_score: mean answerable {scores[~y].mean():.3f}, unanswerable {scores[y].mean():.3f}")
    base = fa.SETS[args.features]
    fa.compare_sets(rows, {args.features: base, f"{args.features}+cross": (*base, "cross_score"),
                           "cross_score alone": ("cross_score",)})


if __name__ == "__main__":
    main()
