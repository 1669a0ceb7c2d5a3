"""Each speech alone as a corpus, as a user with that one speech would have it: its English
questions from every question file, run through the whole pipeline (``qa.ask``'s path), one
row per speech and the speeches pooled.

    python scripts/eval_alone.py --split dev          # in-sample for the fitted constants
    python scripts/eval_alone.py --split heldout      # the held-out part: run it once, at the end
    python scripts/eval_alone.py --split heldout --round 5

Reads ``../shared/eval/dev.jsonl`` and ``tests/data/questions-en-extra.jsonl`` (main speech,
dev), ``tests/data/questions/*.jsonl`` (round 1) and ``tests/data/questions/round2/*.jsonl``
(round 2), and the later rounds already run once and retired (``tests/data/questions/round3/``
onward, as ``scripts/question_sets.py`` lists them); ``--round`` keeps one round of the blind
sets. Questions whose evidence is only in a document's metadata lines are counted like the rest
(the metadata channel answers them).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import question_sets  # noqa: E402
from fit_abstention import DATA, MAIN, MAIN_FILES, SKIP, alone  # noqa: E402
from qa.answer.abstain import load_model  # noqa: E402
from qa.eval.evaluation import read_items, summarize  # noqa: E402
from qa.eval.report import _outcomes  # noqa: E402
from qa.config import settings  # noqa: E402
from qa.index.corpus import read_corpus  # noqa: E402
from qa.search.retrieval import ALL_STAGES  # noqa: E402

COLUMNS = ("questions", "hit@1", "hit@3", "mrr@10", "abstain_recall", "wrong_abstain_rate")


# The blind rounds after round 2 already run once and retired, each in its own folder (``round3/`` ...).
LATER_ROUNDS = tuple(r.removeprefix("round") for r in question_sets.RETIRED_ROUNDS)


def question_files(round_: str) -> list[Path]:
    files = [f for f in MAIN_FILES if f.is_file() and f.parent != DATA / "questions"] if round_ in ("1", "all") else []
    if round_ in ("1", "all"):
        files += [f for f in sorted((DATA / "questions").glob("*.jsonl")) if f.name not in SKIP]
    if round_ in ("2", "all"):
        files += sorted((DATA / "questions" / "round2").glob("*.jsonl"))
    for later in LATER_ROUNDS:
        if round_ in (later, "all"):
            files += sorted((DATA / "questions" / f"round{later}").glob("*.jsonl"))
    return files


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=("dev", "heldout"), default="dev")
    ap.add_argument("--round", dest="round_", choices=("1", "2", *LATER_ROUNDS, "all"), default="all",
                    help="which round of the blind question sets (the main speech's dev files count as round 1)")
    args = ap.parse_args()
    by_speech: dict[Path, list] = {}
    for path in question_files(args.round_):
        for item in read_items(path):
            if item.lang == "en" and item.split == args.split and len(item.doc) <= 1:
                doc = item.doc[0] if item.doc else MAIN.name
                by_speech.setdefault(MAIN if doc == MAIN.name else DATA / "speeches" / doc, []).append(item)
    model = load_model(settings().abstention)  # $QA_ABSTENTION, else the shipped model
    rows, pooled, main_rows = [], [], []
    with tempfile.TemporaryDirectory(prefix="eval-alone-") as scratch:
        for speech, items in sorted(by_speech.items()):
            r, seeds = alone(speech, Path(scratch))
            texts = {d.source: d.text for d in read_corpus(seeds).documents}
            outcomes = _outcomes(r, items, texts, ALL_STAGES, model)
            (main_rows if speech == MAIN else pooled).extend(outcomes)
            rows.append((speech.stem, summarize(outcomes)))
    rows.append(("other speeches pooled", summarize(pooled)))
    if main_rows:
        rows.append(("main speech", summarize(main_rows)))
    print(f"split {args.split}, round {args.round_}, English questions, each speech alone")
    print("| speech | " + " | ".join(COLUMNS) + " |")
    print("| --- | " + " | ".join("---" for _ in COLUMNS) + " |")
    for name, figures in rows:
        print(f"| {name} | " + " | ".join("-" if figures.get(c) is None else f"{figures[c]}" for c in COLUMNS) + " |")


if __name__ == "__main__":
    main()
