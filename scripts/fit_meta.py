"""Fit ``about_document.min_cosine`` of the tuned constants (``qa.config.AboutDocument``): how close in meaning to a question about the document
itself (its author, date, source...) a question must be to be answered from the metadata lines
when no pattern of ``qa.questions.meta.TABLES`` recognised it.

    python scripts/fit_meta.py

Reads the English dev questions (``split != "heldout"``) of ``../shared/eval/dev.jsonl``,
``tests/data/questions-en-extra.jsonl`` and ``tests/data/questions/`` (rounds 1 and 2); a
question of type ``meta`` is one about the document. For every question: the best MiniLM
cosine with ``PROTOTYPES`` and whether ``by_meaning`` names a field at a given threshold.
Cross-validation grouped by document: for each document, the threshold is the lowest on a grid
at which no question of another type, on the *other* documents, is taken for one about the
document beyond those the patterns take anyway; the printed figures are those of the held document at its threshold, pooled. The
threshold chosen on all documents is printed last: it is the shipped value (printed first, with
where it comes from); a new one goes into ``qa/config.py`` with this script, the data and the date.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from fit_abstention import MAIN, dev_sets  # noqa: E402
from qa.config import DEFAULT_MODEL, AboutDocument, Tuning  # noqa: E402
from qa.index.embedding import get_encoder  # noqa: E402
from qa.questions.meta import PROTOTYPES, asks_about_document, by_meaning  # noqa: E402

GRID = np.round(np.arange(0.40, 0.95, 0.01), 2)


def taken(question: str, cosine: float, threshold: float) -> bool:
    """Is ``question`` answered from the metadata at ``threshold``?"""
    if asks_about_document(question):
        return True
    return bool(by_meaning(question, cosine, AboutDocument(min_cosine=threshold)))


def main() -> None:
    print("\n".join(Tuning().describe("about_document.")))
    sets, _ = dev_sets()
    items = [(speech.name, item) for speech, found in sets.items() for item in found]
    encoder = get_encoder(DEFAULT_MODEL)
    questions = [item.question for _, item in items]
    cosines = (np.asarray(encoder.encode(questions)) @ np.asarray(encoder.encode(list(PROTOTYPES))).T).max(axis=1)
    is_meta = np.array([item.type == "meta" for _, item in items])
    docs = np.array([doc for doc, _ in items])
    table = np.array([[taken(q, c, t) for t in GRID] for q, c in zip(questions, cosines)])

    def lowest_clean(mask: np.ndarray) -> int:
        """The lowest threshold at which meaning takes no question of another type that the
        patterns alone do not (their own mistakes do not depend on it)."""
        wrong = table[mask & ~is_meta].sum(axis=0)
        return int(np.flatnonzero(wrong == wrong[-1])[0])

    found = np.zeros(len(items), dtype=bool)
    for doc in sorted(set(docs)):
        held = docs == doc
        found[held] = table[held, lowest_clean(~held)]
        print(f"  {doc}: threshold {GRID[lowest_clean(~held)]:.2f} (chosen on the others)")
    patterns = np.array([bool(asks_about_document(q)) for q in questions])
    print(f"{len(items)} English dev questions, {is_meta.sum()} about the document, from {len(set(docs))} documents")
    print(f"patterns alone: recall {patterns[is_meta].mean():.3f}, other questions taken {patterns[~is_meta].sum()}")
    print(f"patterns + meaning, grouped CV: recall {found[is_meta].mean():.3f}, other questions taken {found[~is_meta].sum()}")
    for i in np.flatnonzero(found != is_meta):
        print(f"    {'missed' if is_meta[i] else 'taken '} {cosines[i]:.2f} {questions[i]}")
    print(f"min_cosine chosen on all documents: {GRID[lowest_clean(np.ones(len(items), dtype=bool))]:.2f}")


if __name__ == "__main__":
    main()
