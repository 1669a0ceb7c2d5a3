"""Fit ``Tuning.documents.close_margin``: when a question names no document, the evidence
chooses one (``Retriever.best_document``); when another document's total comes within this
margin, the reply says so and how to choose.

    python scripts/fit_document_note.py [--retired]

The main speech, the eight speeches of ``tests/data/speeches`` and the eight held out whole and
then retired (``fit_abstention.together``) are built into one corpus (in a temporary folder); every answerable English dev question about one of them (``split !=
"heldout"``, the files ``fit_abstention.dev_sets`` reads; with ``--retired`` also the rounds
already run once) is scored over the whole corpus and the margin between the best and the
second document's totals kept. The note is a detector of wrongly placed answers, so the margin
chosen is the one on a grid with the best F1 of noted against wrongly placed questions (the
smallest of equals). Cross-validation grouped by document prints, for each document, the
margin chosen on the others and how its questions fare.

Until 2026-12-03 the margin was the largest under which the questions were at most half rightly
placed. Under the document choice of that date (best sentences added) no margin met it (0.52
to 0.56 right under every margin up to 12, 1,255 questions), which would have turned the note
off while a quarter of the answers sat in that coin-toss band.
"""
from __future__ import annotations

import argparse
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
from qa.index.corpus import read_corpus  # noqa: E402

# Up to 40: the totals are sums of weighted z-scores plus 130 x a cosine (DocumentChoice).
GRID = np.round(np.arange(0.5, 40.01, 0.5), 2)


def f1(noted: np.ndarray, wrong: np.ndarray) -> float:
    """F1 of the noted questions against the wrongly placed ones."""
    hit = (noted & wrong).sum()
    return 2 * hit / (noted.sum() + wrong.sum()) if hit else 0.0


def chosen(margins: np.ndarray, right: np.ndarray) -> float:
    """The margin whose notes best match the wrongly placed questions (F1; the smallest of equals)."""
    return float(max(GRID, key=lambda m: (round(f1(margins < m, ~right), 6), -m)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--retired", action="store_true", help="also the rounds already run once")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="fit-document-note-") as scratch:
        r, seeds = together(Path(scratch))
        bodies = {d.source: d.text[slice(*d.body_span)] for d in read_corpus(seeds).documents}
        docs, margins, right = [], [], []
        for speech, items in dev_sets(retired=args.retired)[0].items():
            for item in items:
                if not item.evidence or not all(e in bodies[speech.name] for e in item.evidence):
                    continue
                ranking = r.documents_by_evidence(item.question, item.history)
                docs.append(speech.name)
                margins.append(ranking[0][1] - ranking[1][1])
                right.append(ranking[0][0] == speech.name)
    docs, margins, right = np.array(docs), np.array(margins), np.array(right)
    print(f"{len(docs)} answerable English questions, {right.mean():.3f} placed in the right document")
    for doc in sorted(set(docs)):
        held = docs == doc
        m = chosen(margins[~held], right[~held])
        flagged = held & (margins < m)
        print(f"  {doc}: margin {m:.1f} chosen on the others; noted {flagged.sum()} of {held.sum()}, "
              f"of them rightly placed {right[flagged].mean() if flagged.any() else float('nan'):.2f}; "
              f"wrongly placed and not noted {(held & ~right & ~flagged).sum()} of {(held & ~right).sum()}")
    m = chosen(margins, right)
    print(f"close_margin on all documents: {m:.1f} (noted {(margins < m).mean():.3f} of the questions, "
          f"{(~right[margins < m]).sum()} of the {(~right).sum()} wrongly placed)")


if __name__ == "__main__":
    main()
