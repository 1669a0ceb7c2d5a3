"""Choose the passage size on the retired sets.

The chosen size is the one whose first passage holds the answer most often, each document
weighing the same.

    python scripts/fit_passage_size.py 450/800=rows-450.json 650/1000=rows-650.json ...

Each ``SIZE=ROWS``: the rows ``scripts/fit_abstention.py --retired --chars SIZE --cache ROWS``
collected (every dev and retired English question, each speech built alone with passages of
that size, ranked by the shipped pipeline). Read: the formerly blind answerable rows (questions
nobody tuned for, like a user's), and of each its rank (``rank``: of the first passage holding
the evidence) and the first passage (``top``). Printed, per size: hit@1 as the mean over
documents (the shipped speech is one document among the others) and pooled, hit@3, the first
passage's mean length; then the size chosen on all documents (ties go to the smaller size) and
its honest figure, nested: each document scored at the size chosen on the others (leave one
document out). Writes nothing: the chosen size goes to ``qa.config.Settings`` by hand, with
this script, its data and the date (thirty-sixth session, candidate P, docs/experiments.md).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fit_abstention import MAIN, formerly_blind, passage_size  # noqa: E402

Size = tuple[int, int]


def document_hits(rows: list[dict]) -> dict[str, list[bool]]:
    """Document -> whether each of its formerly blind answerable rows has the answer first.

    >>> document_hits([{"doc": "a", "split": "heldout", "silent": False, "rank": 1},
    ...                {"doc": "a", "split": "heldout", "silent": False, "rank": None},
    ...                {"doc": "a", "split": "heldout", "silent": True, "rank": None},
    ...                {"doc": "b", "split": "dev", "silent": False, "rank": 1}])
    {'a': [True, False]}
    """
    hits: dict[str, list[bool]] = {}
    for row, blind in zip(rows, formerly_blind(rows)):
        if blind and not row["silent"]:
            hits.setdefault(row["doc"], []).append(row["rank"] == 1)
    return hits


def mean_hit(hits: dict[str, list[bool]], docs) -> float:
    """hit@1 over ``docs``, each document weighing the same."""
    return float(np.mean([np.mean(hits[d]) for d in docs]))


def choose(table: dict[Size, dict[str, list[bool]]], docs) -> Size:
    """The size with the highest ``mean_hit`` over ``docs``; ties go to the smaller size.

    >>> table = {(450, 800): {"a": [True], "b": [False]}, (900, 1200): {"a": [True], "b": [True]}}
    >>> choose(table, ["a", "b"]), choose(table, ["a"])
    ((900, 1200), (450, 800))
    """
    return max(sorted(table), key=lambda size: (round(mean_hit(table[size], docs), 12), -size[0]))


def nested(table: dict[Size, dict[str, list[bool]]], docs: list[str]) -> tuple[float, dict[Size, int]]:
    """Each document's hit@1 at the size chosen on the other documents: (their mean, how often
    each size was chosen)."""
    scores, chosen = [], {size: 0 for size in table}
    for doc in docs:
        size = choose(table, [d for d in docs if d != doc])
        chosen[size] += 1
        scores.append(float(np.mean(table[size][doc])))
    return float(np.mean(scores)), chosen


def describe(rows: list[dict], hits: dict[str, list[bool]], docs: list[str]) -> str:
    """One size's figures: hit@1 by document and pooled, the shipped speech's and the others',
    hit@3 pooled, the first passage's mean length."""
    blind = formerly_blind(rows)
    answered = [r for r, b in zip(rows, blind) if b and not r["silent"] and r["doc"] in docs]
    pooled = [h for d in docs for h in hits[d]]
    others = [d for d in docs if d != MAIN.name]
    hit3 = np.mean([r["rank"] is not None and r["rank"] <= 3 for r in answered])
    length = np.mean([len(r["top"][0]) for r in answered if r["top"]])
    main = f"{np.mean(hits[MAIN.name]):.3f}" if MAIN.name in hits else "-"
    return (f"hit@1 {mean_hit(hits, docs):.3f} by document, {np.mean(pooled):.3f} pooled ({len(pooled)} rows); "
            f"shipped speech {main}, others {mean_hit(hits, others):.3f} by document; hit@3 {hit3:.3f} pooled; "
            f"first passage {length:.0f} characters")


def sized_rows(text: str) -> tuple[Size, Path]:
    """``SIZE=ROWS`` -> ((target, at most), the rows' path)."""
    size, _, path = text.partition("=")
    if not path:
        raise argparse.ArgumentTypeError(f"{text!r}: give SIZE=ROWS, e.g. 900/1200=rows-900.json")
    return passage_size(size), Path(path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sized", nargs="+", type=sized_rows, metavar="SIZE=ROWS",
                    help="a passage size (target/at most) and the rows fit_abstention.py collected at it")
    args = ap.parse_args()
    rows = {size: json.loads(path.read_text()) for size, path in args.sized}
    ids = {size: sorted(r["id"] for r in found) for size, found in rows.items()}
    if len({tuple(v) for v in ids.values()}) != 1:
        sys.exit("the row files hold different questions: collect them all on the same sets")
    table = {size: document_hits(found) for size, found in rows.items()}
    docs = sorted(next(iter(table.values())))
    for size in sorted(table):
        print(f"{size[0]}/{size[1]}: {describe(rows[size], table[size], docs)}")
    score, chosen = nested(table, docs)
    best = choose(table, docs)
    print(f"{len(docs)} documents; nested (each document at the size chosen on the others): hit@1 {score:.3f} "
          f"by document; chosen " + ", ".join(f"{s[0]}/{s[1]} {n} times" for s, n in sorted(chosen.items())))
    print(f"chosen on all documents: {best[0]}/{best[1]}")


if __name__ == "__main__":
    main()
