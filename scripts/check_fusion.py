"""Does the lexical weight of the fusion hurt paraphrases? Checked with cross-validation
grouped by document, on the dev rows (``--retired``: also the held-out rows of the rounds
already run once, as ``fit_abstention.py --retired`` reads them).

    python scripts/check_fusion.py [--retired] [--wide]

Each speech is built alone (as in ``fit_abstention.py``); for every answerable English
question the raw signals are kept, and a grid of settings is scored: by default a small one of
lexical settings (the weight of the sentence BM25 signal and the power of the coverage
scaling, the other weights as shipped); with ``--wide`` every signal's weight (0, 1 or 2; the
passage cosine 0 or 1) and the coverage power (0, 1, 2, 4), sentence pooling as shipped. For
each document, the setting with the best mean MRR@10 on the *other* documents is applied to
it; the printed figures (pooled and by question type, paraphrases apart) compare that with
the shipped weights (``Settings.tuning.fusion``, printed first with where they come from) and
with plain dense retrieval (MiniLM passage cosine). Last, the setting chosen on all documents.
The shipped weights change only if the grouped figures say so.
"""
from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fit_abstention import alone, dev_sets  # noqa: E402
from tune_fusion import _labels, _table, chosen_on_others  # noqa: E402

from qa.config import settings  # noqa: E402
from qa.index.corpus import read_corpus  # noqa: E402
from qa.search.fusion import Weights  # noqa: E402

TUNING = settings().tuning
SHIPPED = TUNING.fusion
GRID = [replace(SHIPPED, bm25_sentence=w, coverage_power=p) for w, p in itertools.product((0.0, 0.5, 1.0, 2.0), (1.0, 2.0, 4.0))]
WIDE = [replace(SHIPPED, passage=a, sentence=b, context=c, sentence_context=d, use_passage=e, bm25_passage=f,
                bm25_sentence=g, coverage_power=h)
        for a, b, c, d, e, f, g, h in itertools.product((0.0, 1.0), *[(0.0, 1.0, 2.0)] * 6, (0.0, 1.0, 2.0, 4.0))
        if any((a, b, c, d, e))]
DENSE_ONLY = Weights(passage=1.0, sentence=0.0, context=0.0, sentence_context=0.0, use_passage=0.0,
                     bm25_passage=0.0, bm25_sentence=0.0, sentence_pooling=SHIPPED.sentence_pooling)
NAMES = ("hit@1", "hit@3", "mrr@10")


def speech_table(speech: Path, items, scratch: Path, grid: list[Weights]):
    """settings x questions x figures for one speech alone, and each question's type."""
    r, seeds = alone(speech, scratch)
    texts = {d.source: d.text for d in read_corpus(seeds).documents}
    data, types = [], []
    for item in items:
        if not item.evidence or not all(any(e in t for t in texts.values()) for e in item.evidence):
            continue
        labels = _labels(r, item, texts)
        if not labels.any():
            continue  # evidence only in the metadata lines
        _, terms, signals, _, _ = r.signals(item.question, item.history, always_second=True)
        multi = len(item.evidence) > 1 or item.type in {"multi", "list", "why/how"}
        data.append(({SHIPPED.sentence_pooling: signals}, r.vocabulary.coverage(terms), labels, multi))
        types.append(item.type)
    return _table([*grid, SHIPPED, DENSE_ONLY], data, r.points_back), types


def show(label: str, rows: np.ndarray, types: list[str]) -> None:
    para = np.array([t == "paraphrase" for t in types])
    def fig(mask):
        return {n: round(float(rows[mask, i].mean()), 3) for i, n in enumerate(NAMES)} if mask.any() else {}
    print(f"{label:34s} all {fig(np.ones(len(types), bool))}  paraphrase ({para.sum()}) {fig(para)}  "
          f"other {fig(~para)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--retired", action="store_true",
                    help="also the held-out rows of the rounds already evaluated once (fit_abstention.RETIRED_ROUNDS)")
    ap.add_argument("--wide", action="store_true", help="every signal's weight and the coverage power, not only lexical")
    args = ap.parse_args()
    grid = WIDE if args.wide else GRID
    print("\n".join(TUNING.describe("fusion.")))
    tables, types, groups = [], [], []
    with tempfile.TemporaryDirectory(prefix="check-fusion-") as scratch:
        for speech, items in dev_sets(retired=args.retired)[0].items():
            table, kinds = speech_table(speech, items, Path(scratch), grid)
            tables.append(table)
            types += kinds
            groups += [speech.name] * len(kinds)
    table = np.concatenate(tables, axis=1)  # settings x questions x (hit@1, hit@3, rr, all-evidence)
    groups = np.array(groups)
    print(f"{table.shape[1]} answerable questions, {len(set(groups.tolist()))} documents, {len(grid)} settings")
    held, chosen = chosen_on_others(table, groups, len(grid))
    for doc, best in chosen.items():
        print(f"  {doc}: chosen on the others: {describe(grid[best])}")
    show("grouped CV (chosen on other docs)", held, types)
    show("shipped (Settings.tuning.fusion)", table[len(grid)], types)
    show("plain dense (MiniLM passage)", table[len(grid) + 1], types)
    if not args.wide:
        for n, w in enumerate(grid):
            show(f"bm25_sentence {w.bm25_sentence} power {w.coverage_power}", table[n], types)
    best = int(np.argmax(table[:len(grid), :, 2].mean(1)))
    show("chosen on all documents (in-sample)", table[best], types)
    print(f"  {describe(grid[best])}")


def describe(w: Weights) -> str:
    return ", ".join(f"{n} {getattr(w, n):g}" for n in ("passage", "sentence", "context", "sentence_context",
                                                         "use_passage", "bm25_passage", "bm25_sentence",
                                                         "coverage_power"))


if __name__ == "__main__":
    main()
