"""Fit what an English reply quotes (``qa.config.Reply``: which passages after the first are
cited, which sentences in them are quoted, how many passages at most), with cross-validation
grouped by document.

    python scripts/fit_reply.py

Each speech is built alone (as in ``fit_abstention.py``); for every answerable English question
of the dev rows and the rounds already run once (``fit_abstention.dev_sets(retired=True)``)
whose evidence lies in the speech's body, the ranked candidates a reply chooses from are kept
(``qa.api``'s path: the top 5 passages and their sentences' fused scores). Then every setting
of a grid is applied with ``qa.answer.compose.choose``, exactly as a reply applies it, and
scored per question by two F1s, averaged:

- passages: the share of cited passages that hold evidence, and of evidence strings that a
  cited passage holds (``qa.eval.evaluation.covers``);
- sentences: the share of quoted sentences that overlap evidence, and of evidence strings that
  a quoted sentence overlaps.

For each document, the setting with the best mean on the *other* documents is applied to it;
printed: that (grouped CV), the shipped setting, and the setting chosen on all documents, which
is what ``qa.config.Reply`` should hold.
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

from fit_abstention import alone, dev_sets  # noqa: E402
from qa.answer.compose import Candidate, choose, explains  # noqa: E402
from qa.config import Reply, settings  # noqa: E402
from qa.eval.evaluation import covers, evidence_spans  # noqa: E402
from qa.index.corpus import read_corpus  # noqa: E402

SHIPPED = settings().tuning.reply
GRID = [Reply(passage_share=p, cite_share=c, sentence_share=s, max_cited=m)
        for p, c, s, m in itertools.product((0.6, 0.7, 0.8, 0.9, 1.0), (0.3, 0.5, 0.7),
                                            (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0), (1, 2, 3, 4))]


def overlaps(span: tuple[int, int], evidence: tuple[str, int, int], source: str) -> bool:
    return evidence[0] == source and min(span[1], evidence[2]) > max(span[0], evidence[1])


def f1(precision: float, recall: float) -> float:
    """The harmonic mean of ``precision`` and ``recall`` (0 when both are 0).

    >>> f1(1.0, 0.5)
    0.6666666666666666
    """
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score(chosen, spans) -> float:
    """The mean of the passage F1 and the sentence F1 of one reply."""
    passages = [c.passage for c, _ in chosen]
    sentences = [(c.passage.source, c.passage.sentences[i]) for c, picks in chosen for i in picks]
    holding = sum(any(covers(p, s) for g in spans for s in g) for p in passages)
    found = sum(any(covers(p, s) for p in passages for s in g) for g in spans)
    quoted = sum(any(overlaps(span, s, src) for g in spans for s in g) for src, span in sentences)
    said = sum(any(overlaps(span, s, src) for src, span in sentences for s in g) for g in spans)
    return (f1(holding / max(1, len(passages)), found / len(spans))
            + f1(quoted / max(1, len(sentences)), said / len(spans))) / 2


def questions() -> tuple[list, list[str]]:
    """(candidates, asks_for, why, evidence spans) per question, and each question's document."""
    rows, groups = [], []
    with tempfile.TemporaryDirectory(prefix="fit-reply-") as scratch:
        for speech, items in dev_sets(retired=True)[0].items():
            r, seeds = alone(speech, Path(scratch))
            document = read_corpus(seeds).documents[0]
            body = document.text[slice(*document.body_span)]
            for item in items:
                if not item.evidence or not all(e in body for e in item.evidence):
                    continue
                scored = r.score(item.question, item.history)
                sentence_scores = r.sentence_scores(scored)
                candidates = [Candidate(passage=p, sentence_scores=sentence_scores[r.chunk_id(p)])
                              for p in r.rank(scored, k=5)]
                spans = [evidence_spans(e, {document.source: document.text}) for e in item.evidence]
                rows.append((candidates, scored.query.asks_for, explains(item.question), spans))
                groups.append(speech.name)
    return rows, groups


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.parse_args()
    rows, groups = questions()
    settings_ = [*GRID, SHIPPED]
    table = np.array([[score(choose(c, asks_for=a, why=w, reply=s), spans) for c, a, w, spans in rows]
                      for s in settings_])
    groups = np.array(groups)
    print(f"{len(rows)} answerable questions, {len(set(groups))} documents, {len(GRID)} settings")
    held = np.zeros(len(rows))
    for doc in sorted(set(groups)):
        test = groups == doc
        best = int(np.argmax(table[:len(GRID), ~test].mean(1)))
        held[test] = table[best, test]
        print(f"  {doc}: chosen on the others {describe(GRID[best])}: {held[test].mean():.3f} "
              f"(shipped {table[-1, test].mean():.3f})")
    print(f"grouped CV (chosen on the other documents): {held.mean():.3f}")
    print(f"shipped {describe(SHIPPED)}: {table[-1].mean():.3f}")
    best = int(np.argmax(table[:len(GRID)].mean(1)))
    print(f"chosen on all documents (in-sample): {describe(GRID[best])}: {table[best].mean():.3f}")


def describe(r: Reply) -> str:
    return (f"passage_share {r.passage_share:g}, cite_share {r.cite_share:g}, sentence_share {r.sentence_share:g}, "
            f"max_cited {r.max_cited}")


if __name__ == "__main__":
    main()
