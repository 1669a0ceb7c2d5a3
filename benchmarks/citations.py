"""How tight the replies' citations are: ``python benchmarks/citations.py FILE.jsonl [...]``.

For every answered question of each file (JSON Lines, the ``qa eval`` format), it asks
``qa.ask`` and prints: passages cited per reply (mean, and the share citing exactly one),
the share of cited passages that hold evidence (precision), and the share of evidence strings
that a cited passage covers (recall), per question type and overall. ``--index-dir`` and
``--seeds-dir`` as for ``python -m qa``.
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path
from statistics import mean

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import qa  # noqa: E402
from qa.eval.evaluation import covers, evidence_spans, read_items  # noqa: E402
from qa.index.corpus import read_corpus  # noqa: E402


def measure(path: Path, seeds_dir: Path | None, index_dir: Path | None) -> dict[str, list[tuple[int, float, float]]]:
    """Per question type: (passages cited, precision, recall) of each answered question."""
    texts = {d.source: d.text for d in read_corpus(seeds_dir or Path("seeds")).documents}
    rows: dict[str, list[tuple[int, float, float]]] = defaultdict(list)
    for item in read_items(path):
        if not item.evidence:
            continue
        answer = qa.ask(item.question, history=list(item.history), seeds_dir=seeds_dir, index_dir=index_dir)
        if answer.abstained or not answer.passages:
            continue
        spans = [evidence_spans(e, texts) for e in item.evidence]
        holding = [p for p in answer.passages if any(covers(p, s) for group in spans for s in group)]
        found = [g for g in spans if any(covers(p, s) for p in answer.passages for s in g)]
        row = (len(answer.passages), len(holding) / len(answer.passages), len(found) / len(spans))
        rows[item.type].append(row)
        rows["all"].append(row)
    return rows


def table(rows: dict[str, list[tuple[int, float, float]]]) -> str:
    lines = [f"{'type':<14}{'answered':>9}{'cited (mean)':>14}{'one cited':>11}{'precision':>11}{'recall':>8}"]
    for kind in sorted(rows, key=lambda k: (k == "all", k)):
        r = rows[kind]
        lines.append(f"{kind:<14}{len(r):>9}{mean(x[0] for x in r):>14.2f}{mean(x[0] == 1 for x in r):>11.2f}"
                     f"{mean(x[1] for x in r):>11.3f}{mean(x[2] for x in r):>8.3f}")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--seeds-dir", type=Path)
    p.add_argument("--index-dir", type=Path)
    args = p.parse_args()
    for path in args.files:
        print(f"{path}\n{table(measure(path, args.seeds_dir, args.index_dir))}\n")


if __name__ == "__main__":
    main()
