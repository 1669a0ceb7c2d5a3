"""Probe (twenty-third session): the questions about a document's date, place, occasion, source,
licence or title that no metadata line of the document answers (``qa.answer.meta.unlisted_field``
refused them all at 705cc23, "No metadata line of the document gives its date."), and what the ordinary
pipeline would do with them instead: rank the passages and let the fitted abstention model decide.

Each speech alone, on its English questions of the dev sets and the retired held-out sets (the
same rows as ``scripts/fit_abstention.py --retired``; in-sample, none blind). One line per question
that took that refusal (``qa.answer.meta.unlisted_note`` now says its sentence as a note), then
per policy: answerable ones refused, unanswerable ones answered, and hit@3 of the answerable ones.

    python scripts/probe_unlisted.py [--cache FILE]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from fit_abstention import DATA, alone, dev_sets  # noqa: E402
from qa.answer.abstain import judge as decide  # noqa: E402
from qa.answer.compose import framing  # noqa: E402
from qa.eval.evaluation import judge  # noqa: E402
from qa.index.corpus import read_corpus  # noqa: E402
from qa.questions.meta import FIELDS, asks_about_document, field_cue  # noqa: E402
from qa.search.evidence import evidence  # noqa: E402
from qa.search.retrieval import ALL_STAGES  # noqa: E402

UNLISTED = framing("en")["no_field"]


def rows_for(speech: Path, items: list, scratch: Path) -> list[dict]:
    if not any(asks_about_document(i.question) or field_cue(i.question) for i in items if not i.history):
        return []
    r, seeds = alone(speech, scratch)
    document = read_corpus(seeds).documents[0]
    texts = {document.source: document.text}
    info = r.documents[0]
    out = []
    for item in items:
        if item.history:
            continue
        kind = r.about_document(item.question, "en")
        if kind not in UNLISTED or info.field(*FIELDS[kind]) is not None:
            continue
        scored = r.score(item.question, item.history)
        ranked = r.rank(scored, k=10)
        outcome = judge(item, ranked, False, texts)
        seen = evidence(r, scored, stages=ALL_STAGES)
        decision = decide(seen)
        out.append({"doc": speech.name, "id": item.id, "kind": kind, "silent": not item.evidence,
                    "type": item.type, "rank": outcome.rank, "abstain": decision.abstain,
                    "reason": decision.reason, "question": item.question})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, help="rows read from / written to this JSON file")
    args = ap.parse_args()
    if args.cache and args.cache.is_file():
        rows = json.loads(args.cache.read_text())
    else:
        rows = []
        with tempfile.TemporaryDirectory(prefix="probe-unlisted-") as scratch:
            for speech, items in dev_sets(DATA, retired=True)[0].items():
                rows += rows_for(speech, items, Path(scratch))
        if args.cache:
            args.cache.write_text(json.dumps(rows))
    for row in rows:
        print(f"{row['doc'][:28]:28} {row['id'][:22]:22} {row['kind']:8} {'silent' if row['silent'] else 'answer':6} "
              f"rank={row['rank']} abstain={row['abstain']!s:5} {row['question'][:90]}")
    answerable = [r for r in rows if not r["silent"]]
    silent = [r for r in rows if r["silent"]]
    print(f"\n{len(rows)} questions in {len({r['doc'] for r in rows})} documents: "
          f"{len(answerable)} answerable, {len(silent)} unanswerable")
    print(f"refuse all (shipped): answerable refused {len(answerable)}/{len(answerable)}, "
          f"unanswerable answered 0/{len(silent)}")
    refused = sum(r["abstain"] for r in answerable)
    answered = sum(not r["abstain"] for r in silent)
    hit3 = sum(1 for r in answerable if r["rank"] and r["rank"] <= 3)
    print(f"ordinary pipeline: answerable refused {refused}/{len(answerable)}, unanswerable answered "
          f"{answered}/{len(silent)}, answerable hit@3 {hit3}/{len(answerable)}")


if __name__ == "__main__":
    main()
