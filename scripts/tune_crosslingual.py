"""Sweep the cross-lingual channel's two abstention thresholds (``min_similarity`` and
``alias_min_cosine`` of ``qa.config.CrossLingual``, ``Settings.tuning.crosslingual``) on Russian
and Kazakh questions, and check them by leave-one-out: each question is decided with the
thresholds that do best on all the others.

    QA_INDEX_DIR=/tmp/index python scripts/tune_crosslingual.py tests/data/questions-ru-kk.jsonl ../shared/eval/dev.jsonl

Prints where the current values come from, then, per language, how many answerable questions
abstain and unanswerable ones answer at them, then the leave-one-out choices and their accuracy.
A new choice goes into ``qa/config.py`` with this script, the data and the date.
"""
from __future__ import annotations

import itertools
import sys
from pathlib import Path
from collections import Counter

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.search import crosslingual as xl  # noqa: E402
from qa.search.kinds import contains  # noqa: E402
from qa.config import settings  # noqa: E402
from qa.questions.cues import about_author, asks_for  # noqa: E402
from qa.eval.evaluation import read_items  # noqa: E402
from qa.index.multilingual import get_use_encoder  # noqa: E402
from qa.questions.query import AGENT, PERSON  # noqa: E402
from qa.serving import check, load_retriever  # noqa: E402

SIMILARITIES = [round(float(x), 2) for x in np.arange(0.05, 0.31, 0.01)]
ALIASES = [round(float(x), 2) for x in np.arange(0.45, 0.86, 0.05)]


def features(index: xl.CrossLingualIndex, question: str, lang: str) -> dict:
    """What each threshold is compared with, for one question."""
    m = index.match(question)
    best = index.rank(m, k=1)[0]
    sentence = " ".join(best.text[s - best.start:e - best.start] for s, e in index.sentence_picks(m, best))
    name_cos = 1.0
    if lang in xl.NAME_CHECK_LANGUAGES:
        asked = [w for w in xl.names(question) if xl.name_key(w) not in index.name_keys]
        if asked:
            vectors = index.encoder.encode(index.names)
            name_cos = float((index.encoder.encode(asked) @ vectors.T).max(axis=1).min())
    kind = asks_for(question)
    exclude = index.own_names(question, sentence) if kind in (AGENT, PERSON) else frozenset()
    return dict(sim=float(m.semantic.max()), name_cos=name_cos, author=about_author(question),
                type_ok=not kind or contains(kind, sentence, exclude=exclude))


def abstains(f: dict, sim: float, alias: float) -> bool:
    if f["author"]:
        return False
    return f["name_cos"] < alias or f["sim"] < sim or not f["type_ok"]


def errors(rows, sim, alias) -> int:
    return sum(abstains(f, sim, alias) != unanswerable for f, unanswerable, _ in rows)


def main(paths: list[str]) -> None:
    s = settings()
    tuning = s.tuning.crosslingual
    print("\n".join(line for line in s.tuning.describe("crosslingual.") if "min_similarity" in line))
    index = xl.view(load_retriever(s, check(s)).stored, get_use_encoder(), tuning=s.tuning)
    rows = []
    for path in paths:
        for item in read_items(Path(path)):
            if item.lang in ("ru", "kk"):
                rows.append((features(index, item.question, item.lang), item.type == "unanswerable", item.lang))
    for lang in ("ru", "kk"):
        part = [r for r in rows if r[2] == lang]
        wrong = Counter("answerable abstains" if not u else "unanswerable answers"
                        for f, u, _ in part if abstains(f, tuning.min_similarity, tuning.alias_min_cosine) != u)
        print(f"{lang}: {len(part)} questions; at min_similarity={tuning.min_similarity}, "
              f"alias_min_cosine={tuning.alias_min_cosine}: {dict(wrong) or 'no errors'}")
    grid = list(itertools.product(SIMILARITIES, ALIASES))
    current = (tuning.min_similarity, tuning.alias_min_cosine)
    right, chosen = 0, Counter()
    for i, held in enumerate(rows):
        rest = rows[:i] + rows[i + 1:]
        # Fewest errors on the rest; ties go to the values nearest the current ones.
        best = min(grid, key=lambda g: (errors(rest, *g), abs(g[0] - current[0]) + abs(g[1] - current[1])))
        chosen[best] += 1
        right += abstains(held[0], *best) == held[1]
    print(f"leave-one-out: {right}/{len(rows)} decisions right; chosen (similarity, alias): "
          + ", ".join(f"{g} x{n}" for g, n in chosen.most_common()))


if __name__ == "__main__":
    main(sys.argv[1:] or ["tests/data/questions-ru-kk.jsonl"])
