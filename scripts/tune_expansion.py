"""Fit ``Tuning.expansion`` (query expansion: each question word the corpus never uses also
searches for its nearest corpus words under MiniLM) with cross-validation grouped by document.

    python scripts/tune_expansion.py

Each speech is built alone (as in ``fit_abstention.py``); every answerable English dev question
(``split != "heldout"``) is ranked by the whole retriever once per setting of the grid (the
smallest cosine a corpus word needs, and how many words one question word may bring). For each
document the setting with the best mean MRR@10 on the *other* documents is applied to it; the
printed figures compare that with the shipped setting and with no expansion at all.
"""
from __future__ import annotations

import itertools
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fit_abstention import alone, dev_sets  # noqa: E402
from tune_fusion import _labels, _score, chosen_on_others  # noqa: E402

from qa.config import Expansion, Tuning, settings  # noqa: E402
from qa.index.corpus import read_corpus  # noqa: E402
from qa.search.retrieval import Retriever  # noqa: E402

SHIPPED = settings().tuning.expansion
GRID = [Expansion(min_cosine=c, per_word=n) for c, n in itertools.product((0.45, 0.5, 0.55, 0.6, 0.65, 0.7), (1, 2, 3))]
OFF = Expansion(min_cosine=2.0, per_word=SHIPPED.per_word)  # no corpus word reaches it
SETTINGS = [*GRID, SHIPPED, OFF]
NAMES = ("hit@1", "hit@3", "mrr@10")


def speech_table(speech: Path, items, scratch: Path) -> np.ndarray:
    """settings x questions x (hit@1, hit@3, reciprocal rank) for one speech alone."""
    r, seeds = alone(speech, scratch)
    texts = {d.source: d.text for d in read_corpus(seeds).documents}
    rows = []
    for setting in SETTINGS:
        part = Retriever(r.stored, r.encoder, tuning=replace(Tuning(), expansion=setting))
        figures = []
        for item in items:
            if not item.evidence or not all(any(e in t for t in texts.values()) for e in item.evidence):
                continue
            labels = _labels(part, item, texts)
            if labels.any():
                figures.append(_score(part.score(item.question, item.history).fused, labels, False)[:3])
        rows.append(figures)
    return np.array(rows)


def main() -> None:
    print("\n".join(Tuning().describe("expansion.")))
    tables, groups = [], []
    with tempfile.TemporaryDirectory(prefix="tune-expansion-") as scratch:
        for speech, items in dev_sets()[0].items():
            table = speech_table(speech, items, Path(scratch))
            tables.append(table)
            groups += [speech.name] * table.shape[1]
    table = np.concatenate(tables, axis=1)
    groups = np.array(groups)
    held, chosen = chosen_on_others(table, groups, len(GRID))
    for doc, best in chosen.items():
        print(f"  {doc}: chosen on the others: min_cosine {GRID[best].min_cosine}, per_word {GRID[best].per_word}")

    def show(label: str, rows: np.ndarray) -> None:
        print(f"{label:36s} " + ", ".join(f"{n} {rows[:, i].mean():.3f}" for i, n in enumerate(NAMES)))

    print(f"{len(groups)} answerable English dev questions, {len(set(groups))} documents")
    show("grouped CV (chosen on other docs)", held)
    show("shipped", table[len(GRID)])
    show("no expansion", table[len(GRID) + 1])
    for n, setting in enumerate(GRID):
        show(f"min_cosine {setting.min_cosine} per_word {setting.per_word}", table[n])


if __name__ == "__main__":
    main()
