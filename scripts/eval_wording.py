#!/usr/bin/env python3
"""Figures for questions about the wording (``tests/data/questions/wording.jsonl``).

The corpus is the shipped speech (``seeds/``) and the eight speeches of ``tests/data/speeches/``,
copied into a temporary folder and indexed with the real model (or ``--index-dir`` of an index
built from such a folder). Each question is asked twice: over the whole corpus (as a user asks
it) and with its document given (``documents=[doc]``). Printed: outcome accuracy, count accuracy
(the exact number, from the right document), and how often the occurrences come from the
right document, per kind.
Only the ``dev`` rows unless ``--split heldout`` (run once, at the end) or ``--split all``
(e.g. for ``--file tests/data/own/wording-own.jsonl``, the helper's own set, written before any run).

Usage: HF_HUB_OFFLINE=1 python scripts/eval_wording.py [--split dev|heldout|all] [--show]
"""
from __future__ import annotations

import argparse
import collections
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTIONS = ROOT / "tests" / "data" / "questions" / "wording.jsonl"


def corpus(folder: Path) -> Path:
    seeds = folder / "seeds"
    seeds.mkdir(parents=True, exist_ok=True)
    for path in [*sorted((ROOT / "seeds").glob("*.txt")), *sorted((ROOT / "tests" / "data" / "speeches").glob("*.txt"))]:
        shutil.copyfile(path, seeds / path.name)
    return seeds


def judge(row: dict, answer) -> dict:
    got = answer.wording
    outcome = got.outcome if got else "none"
    sources = {s for s, _, _ in got.occurrences} if got else set()
    if got and got.closest:
        sources.add(got.closest[0])
    doc_ok = not sources or sources == {row["doc"]}
    return {"outcome_ok": outcome == row["outcome"], "got": outcome, "doc_ok": doc_ok,
            "count_ok": row["kind"] != "count" or (got is not None and got.count == row["count"] and doc_ok),
            "count": got.count if got else None}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--file", type=Path, default=QUESTIONS, help="a question file in the same format")
    p.add_argument("--split", choices=["dev", "heldout", "all"], default="dev")
    p.add_argument("--index-dir", type=Path, help="an index already built from the same corpus")
    p.add_argument("--show", action="store_true", help="print every miss")
    args = p.parse_args()

    import qa
    from qa.api import _settings, answer_with, retriever

    rows = [json.loads(line) for line in args.file.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if args.split == "all" or r["split"] == args.split]
    with tempfile.TemporaryDirectory() as tmp:
        seeds = corpus(Path(tmp))
        index = args.index_dir or Path(tmp) / "index"
        if args.index_dir is None:
            qa.build(seeds_dir=seeds, index_dir=index)
        r = retriever(_settings(seeds, index, None))
        for mode, documents in (("whole corpus", lambda row: ()), ("document given", lambda row: [row["doc"]])):
            report(mode, rows, [judge(row, answer_with(r, row["question"], k=5, history=(), documents=documents(row)))
                                for row in rows], show=args.show)
    return 0


def report(mode: str, rows: list[dict], results: list[dict], *, show: bool) -> None:
    by_kind: dict[str, list[dict]] = collections.defaultdict(list)
    for row, res in zip(rows, results):
        by_kind[row["kind"]].append(res)
    total = sum(r["outcome_ok"] for r in results)
    counts = [r for row, r in zip(rows, results) if row["kind"] == "count"]
    print(f"{mode}: outcome {total}/{len(results)} = {total / len(results):.2f}; "
          f"count {sum(r['count_ok'] for r in counts)}/{len(counts)}; "
          f"occurrences from the right document {sum(r['doc_ok'] for r in results)}/{len(results)}")
    for kind, res in sorted(by_kind.items()):
        print(f"  {kind:8} outcome {sum(r['outcome_ok'] for r in res)}/{len(res)}")
    for row, res in zip(rows, results):
        if show and not (res["outcome_ok"] and res["count_ok"] and res["doc_ok"]):
            print(f"  miss {row['id']}: expected {row['outcome']} {row['count'] or ''} in {row['doc']}, "
                  f"got {res['got']} {res['count'] or ''}{'' if res['doc_ok'] else ' (other document)'}")


if __name__ == "__main__":
    raise SystemExit(main())
