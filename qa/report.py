"""``python -m qa eval``: run the pipeline over a question file and print the figures."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .api import answer_with, retriever, search_with
from .config import Settings
from .corpus import read_corpus
from .evaluation import RANK_DEPTH, Item, Outcome, evaluate, summarize

ROWS = [("hit@1", "hit@1, answerable"), ("hit@3", "hit@3, answerable"), ("mrr@10", "MRR@10, answerable"),
        ("all_evidence@5", "all evidence in top 5 (multi/list/why)"),
        ("abstain_recall", "unanswerable that abstain (recall)"),
        ("abstain_precision", "abstentions that were right (precision)"),
        ("wrong_abstain_rate", "answerable that wrongly abstain")]


@dataclass(frozen=True, kw_only=True)
class EvalResult:
    table: str
    summary: dict[str, Any]
    per_question: list[dict[str, Any]]


def _format(groups: dict[str, dict[str, Any]]) -> str:
    names = list(groups)
    width = max(len(label) for _, label in ROWS) + 2
    lines = ["figure".ljust(width) + "".join(n[:12].rjust(13) for n in names)]
    for key, label in [("questions", "questions"), *ROWS]:
        cells = []
        for n in names:
            v = groups[n].get(key)
            cells.append(("-" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)).rjust(13))
        lines.append(label.ljust(width) + "".join(cells))
    return "\n".join(lines)


def run_eval(items: list[Item], settings: Settings) -> EvalResult:
    r = retriever(settings)
    texts = {d.source: d.text for d in read_corpus(settings.seeds_dir).documents}

    def run(item: Item):
        ranked = search_with(r, item.question, k=RANK_DEPTH, history=item.history)
        answer = answer_with(r, item.question, k=5, history=item.history)
        return ranked, answer.abstained

    outcomes: list[Outcome] = evaluate(items, run, texts)
    english = [o for o in outcomes if o.item.lang == "en"]
    groups = {"english": summarize(english)}
    for kind in sorted({o.item.type for o in english}):
        groups[kind] = summarize([o for o in english if o.item.type == kind])
    for lang in sorted({o.item.lang for o in outcomes} - {"en"}):
        groups[f"lang:{lang}"] = summarize([o for o in outcomes if o.item.lang == lang])
    per_question = [{"id": o.item.id, "type": o.item.type, "lang": o.item.lang, "rank": o.rank,
                     "all_evidence@5": o.all_evidence_in_top5, "abstained": o.abstained,
                     "answerable": bool(o.item.evidence), "top3": list(o.top)} for o in outcomes]
    return EvalResult(table=_format(groups), summary=groups, per_question=per_question)
