"""Probe D: would the memory of answered questions choose the shipped speech's document better?

    python scripts/probe_memory_document.py --corpus DIR [--cache rows.npz] [--max-loss 0.005]

The twenty-ninth session's probe (its rule in docs/experiments.md, written before this script).
``DIR`` holds ``seeds/`` (the shipped speech beside other documents) and ``index/`` (built, or
built here). Every answerable English question of ``fit_abstention.dev_sets(retired=True)``
whose document is left to the evidence (the selection of ``check_document_choice.py``) is scored
over the whole corpus: each document's total (``Retriever.documents_by_evidence``, the shipped
rule) and the question's unit MiniLM vector. Its memory similarity s: the mean cosine of its
``K`` nearest memory questions (the formerly blind answerable questions on the shipped speech;
for a question on the speech, those of other question files only). D adds
w x max(0, s - t) to the shipped speech's total; (w, t) on ``WEIGHTS`` x ``FLOORS`` maximise the
mean of the speech's right-document share and the other documents' pooled share (probe D), or,
with ``--max-loss``, the speech's share among those whose others' share falls by at most that
from the shipped rule's (candidate D2); chosen on all groups but one (a main-speech question
file, or another document) and applied to it (nested).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from check_document_choice import left_to_evidence  # noqa: E402
from fit_abstention import MAIN, dev_sets  # noqa: E402
from fit_document_threshold import question_files  # noqa: E402

K = 10  # neighbours: the memory's K, fixed before the run
WEIGHTS = tuple(float(w) for w in range(0, 301, 10))
FLOORS = tuple(round(0.30 + 0.05 * i, 2) for i in range(11))
BOUNDED_FLOORS = tuple(round(0.30 + 0.05 * i, 2) for i in range(13))  # D2: to 0.90


def similarity(vectors: np.ndarray, memory: np.ndarray, allowed: np.ndarray, k: int = K) -> np.ndarray:
    """Per row of ``vectors``, the mean of its ``k`` largest cosines with the rows of ``memory``
    that ``allowed`` (rows x memory rows) lets it see.

    >>> similarity(np.array([[1.0, 0.0]]), np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]]),
    ...            np.array([[False, True, True]]), k=1).round(2).tolist()
    [0.6]
    """
    cosines = np.where(allowed, vectors @ memory.T, -np.inf)
    k = min(k, memory.shape[0])
    top = -np.sort(-cosines, axis=1)[:, :k]
    return np.where(np.isfinite(top), top, 0.0).mean(1)


def chosen(totals: np.ndarray, main: int, s: np.ndarray, w: float, t: float) -> np.ndarray:
    """The document each question goes to with the prior (w, t).

    >>> chosen(np.array([[10.0, 11.0], [10.0, 20.0]]), 0, np.array([0.8, 0.8]), 10.0, 0.6).tolist()
    [0, 1]
    """
    boosted = totals.copy()
    boosted[:, main] += w * np.maximum(0.0, s - t)
    return boosted.argmax(1)


def shares(pick: np.ndarray, truth: np.ndarray, is_main: np.ndarray) -> tuple[float, float]:
    """(the main speech's right-document share, the other documents' pooled share)."""
    right = pick == truth
    return float(right[is_main].mean()), float(right[~is_main].mean())


def collect(corpus: Path) -> dict:
    """Totals, truth, vectors and groups of the questions left to the evidence, over ``corpus``."""
    from qa.api import build_index, retriever
    from qa.config import settings

    s = settings(seeds_dir=corpus / "seeds", index_dir=corpus / "index")
    if not (corpus / "index").is_dir():
        build_index(s)
    r = retriever(s)
    docs = [d.source for d in r.documents]
    sets, files = dev_sets(retired=True)
    sets = {speech: items for speech, items in sets.items() if speech.name in docs}  # the corpus's documents only
    where = question_files(files)
    totals, truth, vectors, groups, blind = [], [], [], [], []
    for speech, item in left_to_evidence(r, sets):
        scored = r.score(item.question, item.history)
        totals.append(r.evidence_totals(scored))  # the shipped rule's
        truth.append(docs.index(speech.name))
        v = np.asarray(scored.query_vector, dtype=np.float64)
        vectors.append(v / np.linalg.norm(v))
        groups.append(where.get(item.id, item.id) if speech == MAIN else speech.name)
        blind.append(speech == MAIN and item.split == "heldout")
    return {"totals": np.array(totals), "truth": np.array(truth), "vectors": np.array(vectors),
            "groups": np.array(groups), "blind": np.array(blind), "docs": np.array(docs)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, required=True, help="folder with seeds/ and index/ (built if missing)")
    ap.add_argument("--cache", type=Path, help="the scored questions (.npz): read if present, else written")
    ap.add_argument("--max-loss", type=float, help="choose (w, t) by the speech's share, the others' falling at most this")
    args = ap.parse_args()
    if args.cache and args.cache.is_file():
        data = dict(np.load(args.cache))
    else:
        data = collect(args.corpus)
        if args.cache:
            np.savez(args.cache, **data)
    totals, truth, vectors, groups, blind = (data[k] for k in ("totals", "truth", "vectors", "groups", "blind"))
    docs = list(data["docs"])
    main_doc = docs.index(MAIN.name)
    is_main = truth == main_doc
    memory = vectors[blind]
    allowed = groups[:, None] != groups[blind][None, :]  # a question never sees its own file's
    s = similarity(vectors, memory, allowed)
    print(f"{len(truth)} questions left to the evidence ({is_main.sum()} on the shipped speech, "
          f"{(~is_main).sum()} on {len(set(truth[~is_main].tolist()))} other documents); memory "
          f"{len(memory)} questions; s: main mean {s[is_main].mean():.3f}, others {s[~is_main].mean():.3f}")
    grid = [(w, t) for w in WEIGHTS for t in (FLOORS if args.max_loss is None else BOUNDED_FLOORS)]

    def objective(mask: np.ndarray):
        floor = shares(totals[mask].argmax(1), truth[mask], is_main[mask])[1] - (args.max_loss or 0.0)

        def score(g):
            m, o = shares(chosen(totals[mask], main_doc, s[mask], *g), truth[mask], is_main[mask])
            if args.max_loss is None:
                return ((m + o) / 2, -g[0])
            return (o >= floor - 1e-12, m, -g[0])
        return score

    shipped = totals.argmax(1)
    best_all = max(grid, key=objective(np.ones(len(truth), bool)))
    held = np.empty(len(truth), dtype=np.int64)
    picks = {}
    for g in sorted(set(groups.tolist())):
        test = groups == g
        w, t = max(grid, key=objective(~test))
        held[test] = chosen(totals[test], main_doc, s[test], w, t)
        picks[g] = (w, t)
    before, after = shares(shipped, truth, is_main), shares(held, truth, is_main)
    in_sample = shares(chosen(totals, main_doc, s, *best_all), truth, is_main)
    per_doc = {d: (float((shipped == truth)[truth == i].mean()), float((held == truth)[truth == i].mean()))
               for i, d in enumerate(docs) if (truth == i).any()}
    fell = {d: v for d, v in per_doc.items() if v[1] < v[0]}
    blind_main = is_main & blind
    print(json.dumps({
        "shipped": {"main": round(before[0], 3), "others": round(before[1], 3),
                    "main formerly blind": round(float((shipped == truth)[blind_main].mean()), 3)},
        "nested": {"main": round(after[0], 3), "others": round(after[1], 3),
                   "main formerly blind": round(float((held == truth)[blind_main].mean()), 3)},
        "in-sample (w, t) on all": {"w": best_all[0], "t": best_all[1], "main": round(in_sample[0], 3),
                                     "others": round(in_sample[1], 3)},
        "(w, t) chosen per group": {f"{w:g}/{t:g}": n for (w, t), n in
                                    sorted(((v, list(picks.values()).count(v)) for v in set(picks.values())))},
        "documents that lose": {d: [round(a, 3), round(b, 3)] for d, (a, b) in fell.items()},
        "questions moved": {"to right": int(((held == truth) & (shipped != truth)).sum()),
                            "to wrong": int(((held != truth) & (shipped == truth)).sum())},
    }, indent=1))


if __name__ == "__main__":
    main()
