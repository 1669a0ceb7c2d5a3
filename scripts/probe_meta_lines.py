"""Diagnostic: can a question about the document be told by how close it is to the metadata lines?

    python scripts/probe_meta_lines.py

Meta questions phrased as a user's doubt ("Should I call the event a summit or a forum?") are
missed by the patterns and prototypes of ``qa.questions.meta``. A general alternative: compare
the question with the document's own metadata lines (``Document.header``, each ``Field.line``)
and with its passages, by MiniLM cosine; a question about what only the metadata says should be
nearer a metadata line than any passage. For every English dev and retired question on a
document that has metadata lines: margin = best cosine with a metadata line - best cosine with
a passage (the build's chunks, raw text). A question counts as about the metadata when its
evidence lies in a metadata line. Printed: how the margins of the two kinds separate, and, per
document left out in turn (grouped), the margin chosen on the other documents as the lowest
that routes at most ``MAX_FALSE`` of their other questions, and what it then catches of the
meta questions today's recogniser misses. Writes nothing.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fit_abstention as fa  # noqa: E402
from qa.config import DEFAULT_MODEL  # noqa: E402
from qa.index.corpus import read_document  # noqa: E402
from qa.index.embedding import get_encoder  # noqa: E402
from qa.questions.meta import PROTOTYPES, asks_about_document, by_meaning, field_cue  # noqa: E402

MAX_FALSE = 0.005


def main() -> None:
    encoder = get_encoder(DEFAULT_MODEL)
    prototypes = encoder.encode(list(PROTOTYPES))
    rows = []
    for speech, items in fa.dev_sets(fa.DATA, retired=True)[0].items():
        document = read_document(speech, speech.name)
        if not document.header:
            continue
        lines = [f.line for f in document.header]
        chunks = fa.speech_passages(speech)
        line_vectors, chunk_vectors = encoder.encode(lines), encoder.encode(chunks)
        questions = encoder.encode([i.question for i in items])
        for item, q in zip(items, questions):
            in_header = bool(item.evidence) and all(
                any(f.line_start <= document.text.find(e) < f.line_end for f in document.header) for e in item.evidence)
            cosine = float((prototypes @ q).max())
            known = bool(asks_about_document(item.question) or by_meaning(item.question, cosine))
            rows.append({"doc": speech.name, "meta": in_header, "known": known, "cue": bool(field_cue(item.question)),
                         "margin": float((line_vectors @ q).max() - (chunk_vectors @ q).max())})
    meta = np.array([r["meta"] for r in rows])
    known = np.array([r["known"] for r in rows])
    margin = np.array([r["margin"] for r in rows])
    docs = np.array([r["doc"] for r in rows])
    print(f"{len(rows)} questions on {len(set(docs))} documents with metadata lines; {meta.sum()} answered there, "
          f"{(meta & ~known).sum()} of them missed by today's recogniser; {(~meta & known).sum()} others taken by it")
    for name, mask in (("about the metadata", meta), ("about the metadata, missed today", meta & ~known),
                       ("others", ~meta), ("others, not taken today", ~meta & ~known)):
        print(f"  margin, {name}: " + " ".join(f"p{p}={np.percentile(margin[mask], p):+.3f}" for p in (5, 25, 50, 75, 95)))
    cue = np.array([r["cue"] for r in rows])
    for label, pool in (("any question", np.ones(len(rows), bool)), ("with a field word (field_cue)", cue)):
        caught = wrong = 0
        for doc in sorted(set(docs)):
            train, test = docs != doc, docs == doc
            others = np.sort(margin[train & ~meta & ~known & pool])[::-1]
            cut = others[int(MAX_FALSE * len(others))] + 1e-9 if len(others) else 1.0
            caught += int((test & meta & ~known & pool & (margin >= cut)).sum())
            wrong += int((test & ~meta & ~known & pool & (margin >= cut)).sum())
        print(f"{label}: {(meta & ~known & pool).sum()} missed meta and {(~meta & ~known & pool).sum()} other "
              f"questions; grouped by document, at most {MAX_FALSE:.1%} of the other documents' other questions "
              f"routed: {caught} missed meta questions caught, {wrong} other questions routed wrongly")


if __name__ == "__main__":
    main()
