"""Check the rule that picks a document from the evidence (``retrieval.document_totals``: a
document's best passage plus ``DocumentChoice.second_passage_share`` of its second best, plus
``DocumentChoice.sentence_weight`` x the MiniLM cosine of its best sentence) against other
rules, with cross-validation grouped by document.

    python scripts/check_document_choice.py [--retired]

The main speech, the eight speeches of ``tests/data/speeches`` and the eight held out whole and
then retired (``fit_abstention.together``) are built into one corpus (in a temporary folder). Every answerable English question (``fit_abstention.dev_sets``; with
``--retired`` also the rounds already run once) that leaves the document to the evidence (it
names none, calls the speaker by no office, compares nothing and does not ask about the
document itself) is scored over the whole corpus. Printed, pooled and as the mean over
documents (each document counts once), the share whose chosen document is right:

- the shipped rule;
- the passages alone (no sentence term), the share chosen on the other documents;
- a correction for the number of passages: a document of many passages has a higher best
  passage by chance, so ``c * sqrt(passages)`` (or ``c * log(passages)``) is taken off its total,
  ``c`` and the share chosen on the other documents;
- the passages and the best sentence's cosine (and a share of the second best's), the share,
  the weight and that share chosen on the other documents (the shipped rule's fit);
- a background level: each document's mean total over the questions about *other* documents
  (from the training documents only) taken off its total. A corpus of a user's own has no such
  questions, so this is an upper bound for anything built from pseudo-questions.

The shipped rule changes only if the grouped figures, pooled and per document, say so.
"""
from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from fit_abstention import dev_sets, together  # noqa: E402
from qa.config import settings  # noqa: E402
from qa.search.scope import by_role, compares, named  # noqa: E402

SHARES = (0.0, 0.25, 0.5, 0.75, 1.0)
SENTENCE_WEIGHTS = tuple(range(0, 301, 10))
FORMS = {"sqrt": (np.sqrt, np.round(np.arange(0, 5.01, 0.1), 2)),
         "log": (np.log, np.round(np.arange(0, 15.01, 0.25), 2)),
         # the expected best of n independent normal scores grows as sqrt(2 ln n)
         "evt": (lambda n: np.sqrt(2 * np.log(n)), np.round(np.arange(0, 60.01, 1.0), 2))}


def scores(retired: bool):
    """(best, second, truth, document names, passages per document, sentence best, sentence
    second, the document the retriever chooses) over the questions left to the evidence: best
    and second (fused passage scores) and the sentence ones (MiniLM cosines of the question with
    each sentence) are questions x documents."""
    with tempfile.TemporaryDirectory(prefix="check-document-choice-") as scratch:
        r, _ = together(Path(scratch))
        docs = [d.source for d in r.documents]
        of = np.asarray(r.document_of)
        sentence_of = of[r.sentence_owner]
        best, second, truth, sentence_best, sentence_second, shipped = [], [], [], [], [], []
        for speech, item in left_to_evidence(r, dev_sets(retired=retired)[0]):
            q = item.question
            scored = r.score(q, item.history)
            fused = scored.fused
            own = [np.sort(fused[of == d])[::-1] for d in range(len(docs))]
            best.append([o[0] for o in own])
            second.append([o[1] if len(o) > 1 else o[0] for o in own])
            truth.append(docs.index(speech.name))
            cosines = scored.sentence_dense
            own = [np.sort(cosines[sentence_of == d])[::-1] for d in range(len(docs))]
            sentence_best.append([o[0] for o in own])
            sentence_second.append([o[1] if len(o) > 1 else o[0] for o in own])
            shipped.append(docs.index(r.best_document(q, item.history)))  # the retriever's own rule
        count = np.array([(of == d).sum() for d in range(len(docs))], dtype=float)
        return (np.array(best), np.array(second), np.array(truth), docs, count, np.array(sentence_best),
                np.array(sentence_second), np.array(shipped))


def left_to_evidence(r, sets: dict):
    """(speech, item) for each answerable question of ``sets`` (speech -> items) that leaves
    the document to the evidence: it names no document, calls the speaker by no office,
    compares nothing and asks nothing about the document itself (over ``r``'s documents)."""
    for speech, items in sets.items():
        for item in items:
            q = item.question
            if item.evidence and not (named(q, r.documents) or by_role(q, r.documents, "en") or compares(q)
                                      or r.about_document(q, "en")):
                yield speech, item


def show(label: str, right: np.ndarray, truth: np.ndarray, docs: list[str]) -> None:
    per = [right[truth == d].mean() for d in range(len(docs)) if (truth == d).any()]
    print(f"{label:44s} pooled {right.mean():.3f}  mean over documents {np.mean(per):.3f}  "
          + " ".join(f"{x:.2f}" for x in per))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--retired", action="store_true", help="also the rounds already run once")
    args = ap.parse_args()
    best, second, truth, docs, count, sentence_best, sentence_second, chosen_by_code = scores(args.retired)
    print(f"{len(truth)} questions left to the evidence, {len(docs)} documents: "
          + ", ".join(f"{d} ({int(n)} passages, {(truth == i).sum()} questions)" for i, (d, n) in
                      enumerate(zip(docs, count))))
    choice = settings().tuning.documents
    shipped = choice.second_passage_share

    def right(share: float, penalty: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return (best[mask] + share * second[mask] - penalty).argmax(1) == truth[mask]

    none = np.zeros(len(docs))
    every = np.ones(len(truth), bool)
    show(f"shipped (share {shipped:g}, sentence weight {choice.sentence_weight:g})", chosen_by_code == truth,
         truth, docs)
    for label, grid in (("passages alone, share", [(s, "sqrt", 0.0) for s in SHARES]),
                        *((f"share and c * {form}(passages)", [(s, form, c) for s in SHARES for c in FORMS[form][1]])
                          for form in FORMS)):
        held = np.zeros(len(truth), bool)
        chosen = []
        for d in range(len(docs)):
            test = truth == d
            s, form, c = max(grid, key=lambda g: (right(g[0], g[2] * FORMS[g[1]][0](count), ~test).mean(), -g[2]))
            held[test] = right(s, c * FORMS[form][0](count), test)
            chosen.append(f"{s:g}/{c:g}")
        show(f"{label}, chosen on the others", held, truth, docs)
        print(f"    (share/c chosen per document: {', '.join(chosen)})")
    # The best sentences' MiniLM cosines beside the fused passage scores (fused totals spread
    # about 90 times as far as cosines across a question's documents, hence the grid's scale).
    def with_sentences(g, mask: np.ndarray) -> np.ndarray:
        share, weight, fraction = g
        totals = best[mask] + share * second[mask] + weight * (sentence_best[mask] + fraction * sentence_second[mask])
        return totals.argmax(1) == truth[mask]

    for label, fractions in (("share, w x (best sentence + f x second)", SHARES), ("share, w x best sentence", (0.0,))):
        grid = [(s, w, f) for s in SHARES for w in SENTENCE_WEIGHTS for f in fractions]
        held = np.zeros(len(truth), bool)
        chosen = []
        for d in range(len(docs)):
            test = truth == d
            g = max(grid, key=lambda g: (with_sentences(g, ~test).mean(), -g[1], -g[2], -abs(g[0] - shipped)))
            held[test] = with_sentences(g, test)
            chosen.append("/".join(f"{x:g}" for x in g))
        show(f"{label}, chosen on the others", held, truth, docs)
        print(f"    (share/w/f chosen per document: {', '.join(chosen)})")
        g = max(grid, key=lambda g: (with_sentences(g, every).mean(), -g[1], -g[2]))
        label = f"the same chosen on all ({'/'.join(f'{x:g}' for x in g)}; in-sample)"
        show(label, with_sentences(g, every), truth, docs)
    for share in (0.25, 0.5):
        held = np.zeros(len(truth), bool)
        totals = best + share * second
        for d in range(len(docs)):
            test = truth == d
            level = np.array([totals[~test & (truth != e), e].mean() for e in range(len(docs))])
            held[test] = (totals[test] - level).argmax(1) == d
        show(f"background level (share {share}; an upper bound)", held, truth, docs)


if __name__ == "__main__":
    main()
