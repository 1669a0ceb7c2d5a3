"""Does the lexical weight of the fusion hurt paraphrases? Checked with cross-validation
grouped by document, on the dev rows (``--retired``: also the held-out rows of the rounds
already run once, as ``fit_abstention.py --retired`` reads them).

    python scripts/check_fusion.py [--retired] [--wide] [--by-document] [--cache signals.pkl]

Each speech is built alone (in turn in one index folder, as ``fit_abstention.py`` does); for every answerable English
question the raw signals are kept, and a grid of settings is scored: by default a small one of
lexical settings (the weight of the sentence BM25 signal and the power of the coverage
scaling, the other weights as shipped); with ``--wide`` every signal's weight (0, 1 or 2; the
passage cosine 0 or 1) and the coverage power (0, 1, 2, 4), sentence pooling as shipped. For
each document, the setting with the best mean MRR@10 on the *other* documents is applied to
it (``--by-document``: each document weighing the same in that mean, as
``fit_passage_size.py`` weighs them; otherwise each question); the printed figures (pooled,
by document, and by question type, paraphrases apart) compare that with
the shipped weights (``Settings.tuning.fusion``, printed first with where they come from) and
with plain dense retrieval (MiniLM passage cosine). Last, the setting chosen on all documents.
The shipped weights change only if the grouped figures say so. ``--cache`` keeps the raw
signals collected (a pickle), so the grid can be scored again without building anything.
"""
from __future__ import annotations

import argparse
import itertools
import pickle
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fit_abstention import dev_sets, in_turn  # noqa: E402
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


def speech_signals(speech: Path, items, scratch: Path):
    """The raw signals of one speech alone's answerable questions: (data for ``_table``, the
    passages that point back, each question's type)."""
    r, seeds = in_turn(speech, scratch)
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
    return data, np.asarray(r.points_back, dtype=bool), types


def collect(retired: bool, cache: Path | None) -> dict[str, tuple]:
    """speech name -> ``speech_signals``, read from ``cache`` if it exists, else collected (and
    written there if given)."""
    if cache and cache.exists():
        return pickle.loads(cache.read_bytes())
    collected = {}
    with tempfile.TemporaryDirectory(prefix="check-fusion-") as scratch:
        for speech, items in dev_sets(retired=retired)[0].items():
            collected[speech.name] = speech_signals(speech, items, Path(scratch))
            print(f"  {speech.name}: {len(collected[speech.name][2])} questions", flush=True)
    if cache:
        cache.write_bytes(pickle.dumps(collected))
    return collected


def show(label: str, rows: np.ndarray, types: list[str], groups: np.ndarray) -> None:
    para = np.array([t == "paraphrase" for t in types])
    def fig(mask):
        return {n: round(float(rows[mask, i].mean()), 3) for i, n in enumerate(NAMES)} if mask.any() else {}
    docs = sorted(set(groups.tolist()))
    by_doc = {n: round(float(np.mean([rows[groups == d, i].mean() for d in docs])), 3) for i, n in enumerate(NAMES)}
    print(f"{label:34s} all {fig(np.ones(len(types), bool))}  by document {by_doc}  paraphrase ({para.sum()}) "
          f"{fig(para)}  other {fig(~para)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--retired", action="store_true",
                    help="also the held-out rows of the rounds already evaluated once (fit_abstention.RETIRED_ROUNDS)")
    ap.add_argument("--wide", action="store_true", help="every signal's weight and the coverage power, not only lexical")
    ap.add_argument("--by-document", action="store_true",
                    help="choose with each document weighing the same, not each question")
    ap.add_argument("--cache", type=Path, help="pickle of the raw signals: read if it exists, else written")
    args = ap.parse_args()
    grid = WIDE if args.wide else GRID
    print("\n".join(TUNING.describe("fusion.")))
    tables, types, groups = [], [], []
    for name, (data, points_back, kinds) in collect(args.retired, args.cache).items():
        tables.append(_table([*grid, SHIPPED, DENSE_ONLY], data, points_back))
        types += kinds
        groups += [name] * len(kinds)
    table = np.concatenate(tables, axis=1)  # settings x questions x (hit@1, hit@3, rr, all-evidence)
    groups = np.array(groups)
    counts = {d: int((groups == d).sum()) for d in set(groups.tolist())}
    weights = np.array([1.0 / counts[g] for g in groups]) if args.by_document else np.ones(len(groups))
    print(f"{table.shape[1]} answerable questions, {len(counts)} documents, {len(grid)} settings, "
          f"each {'document' if args.by_document else 'question'} weighing the same")
    held, chosen = chosen_on_others(table, groups, len(grid), weights)
    for best in sorted(set(chosen.values())):
        docs = [d for d, b in chosen.items() if b == best]
        print(f"  chosen on the others for {len(docs)} documents: {describe(grid[best])}")
    show("grouped CV (chosen on other docs)", held, types, groups)
    show("shipped (Settings.tuning.fusion)", table[len(grid)], types, groups)
    show("plain dense (MiniLM passage)", table[len(grid) + 1], types, groups)
    if not args.wide:
        for n, w in enumerate(grid):
            show(f"bm25_sentence {w.bm25_sentence} power {w.coverage_power}", table[n], types, groups)
    best = int(np.argmax(table[:len(grid), :, 2] @ weights))
    show("chosen on all documents (in-sample)", table[best], types, groups)
    print(f"  {describe(grid[best])}")


def describe(w: Weights) -> str:
    return ", ".join(f"{n} {getattr(w, n):g}" for n in ("passage", "sentence", "context", "sentence_context",
                                                         "use_passage", "bm25_passage", "bm25_sentence",
                                                         "coverage_power"))


if __name__ == "__main__":
    main()
