"""Write the shipped speech's memory of answered questions (``qa/search/question-memory.npz``).

    python scripts/fit_question_memory.py [--write]

Its questions: the retired formerly blind rounds on the shipped speech (``question_sets``;
rounds not yet run stay unread), answerable ones whose evidence a passage holds. Their vectors
are the query vectors the shipped retrieval makes of them (MiniLM), their evidence kept as
offsets into the speech. The weight is the one of ``probe_question_memory.GRID`` that ranks
best over all rounds, reported beside the nested choice (each round at the weight chosen on
the others) and the figures without the memory (``qa.search.memory``; twenty-eighth session,
candidate Q, docs/experiments.md).
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import sys
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent))

from fit_abstention import MAIN, ROOT, dev_sets  # noqa: E402
from probe_question_memory import K, collect, nested_choice  # noqa: E402
from qa.config import settings  # noqa: E402
from qa.search.memory import MEMORY_FILE, QuestionMemory, save  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help=f"write {MEMORY_FILE.relative_to(ROOT)}")
    args = ap.parse_args()
    items, fused, vectors, held, groups, spans = collect()
    found = nested_choice(fused, vectors, held, groups)
    print(f"{len(items)} questions in {len(set(groups))} rounds: without {found['without']}; "
          f"nested {found['nested']} (chosen {found['nested_choices']}); weight {found['weight']}")
    files = [os.path.relpath(f.absolute(), ROOT) for f in dev_sets(retired=True)[1]
             if f.parent.name.startswith("round") or f.name == "central-asia-unseen.jsonl"]
    memory = QuestionMemory(
        document=MAIN.name, sha256=hashlib.sha256(MAIN.read_bytes()).hexdigest(), encoder=settings().model,
        vectors=vectors, spans=spans, k=K, weight=float(found["weight"]),
        record={"fitted_by": "scripts/fit_question_memory.py (retired formerly blind rounds on the shipped speech; "
                             "weight by hit@1 + hit@3 over a fixed grid, nested CV grouped by round)",
                "date": dt.date.today().isoformat(), "data": files, "questions": len(items),
                "cv": {k: found[k] for k in ("without", "nested", "nested_choices")}})
    if args.write:
        save(memory)
        print(f"wrote {MEMORY_FILE} ({MEMORY_FILE.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
