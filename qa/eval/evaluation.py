"""Measure retrieval and abstention against questions with known evidence (``dev.jsonl``).

A passage *hits* an evidence string when it covers at least half of the string's characters,
by offsets into the document. Each line of the file is
``{"id", "question", "evidence": [...], "type", "history"?: [...], "lang"?: "ru"}``;
``evidence == []`` means the speech does not answer the question.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from statistics import mean
from typing import Any, Callable

from ..errors import QAError
from ..types import Passage

RANK_DEPTH = 10
ALL_EVIDENCE_DEPTH = 5


@dataclass(frozen=True, kw_only=True)
class Item:
    id: str
    question: str
    evidence: tuple[str, ...]
    type: str
    history: tuple[str, ...] = ()
    lang: str = "en"
    doc: tuple[str, ...] = ()   # the documents the question is about (file names), if known
    split: str = "dev"          # "dev" or "heldout" (evaluated once, reported apart)


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """What happened to one question: rank of the first hit (None: none in the top 10)."""

    item: Item
    rank: int | None
    all_evidence_in_top5: bool
    abstained: bool
    top: tuple[str, ...] = field(default_factory=tuple)
    right_document: bool | None = None  # the first passage is from one of the item's documents
    reason: str = ""  # the feature the abstention came from (``Decision.cause``), if it abstained


def _texts(value: object, field: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"{field} must be a list of strings")
    return tuple(value)


def _item(d: dict) -> Item:
    if not isinstance(d.get("question"), str) or not d["question"].strip():
        raise TypeError("question must be a non-empty string")
    doc = d.get("doc") or []
    return Item(id=str(d["id"]), question=d["question"], evidence=_texts(d["evidence"], "evidence"),
                type=str(d.get("type", "")), history=_texts(d.get("history") or [], "history"),
                lang=str(d.get("lang", "en")), doc=_texts([doc] if isinstance(doc, str) else doc, "doc"),
                split=str(d.get("split", "dev")))


def read_items(path: Path) -> list[Item]:
    """The question records of a JSON Lines file; QAError naming the line that is not one."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise QAError(f"Cannot read {path} ({err}) - give a UTF-8 .jsonl file like tests/data/questions-en-extra.jsonl") from None
    items = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            items.append(_item(json.loads(line)))
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            raise QAError(f"{path}:{number} is not a question record ({err}) - see tests/data/questions-en-extra.jsonl") from None
    if not items:
        raise QAError(f"{path} holds no questions - see tests/data/questions-en-extra.jsonl for the format")
    return items


def with_known_documents(items: list[Item], sources: list[str]) -> list[Item]:
    """``items`` with each ``doc`` name spelled as the corpus's file name; a name may be a path,
    a file name or a file name without its extension. QAError for a name the corpus lacks (it
    would otherwise count every first citation as the wrong document).

    >>> [i.doc for i in with_known_documents([Item(id="1", question="q", evidence=(), type="", doc=("a",))], ["s/a.txt"])]
    [('a.txt',)]
    """
    names = {}
    for source in sources:
        base = _base(source)
        for name in (source, base, base.rsplit(".", 1)[0]):
            names.setdefault(name, base)
    unknown = sorted({d for item in items for d in item.doc if d not in names})
    if unknown:
        raise QAError(f"No document {', '.join(map(repr, unknown))} in the corpus - name one of: "
                      f"{', '.join(sorted({_base(s) for s in sources}))}")
    return [replace(item, doc=tuple(names[d] for d in item.doc)) if item.doc else item for item in items]


def evidence_spans(evidence: str, texts: dict[str, str]) -> list[tuple[str, int, int]]:
    """Every place the evidence string stands in the documents: (source, start, end)."""
    spans = []
    for source, text in texts.items():
        at = text.find(evidence)
        while at >= 0:
            spans.append((source, at, at + len(evidence)))
            at = text.find(evidence, at + 1)
    return spans


def covers(passage: Passage, span: tuple[str, int, int]) -> bool:
    source, start, end = span
    overlap = min(passage.end, end) - max(passage.start, start)
    return passage.source == source and overlap * 2 >= end - start


def _base(source: str) -> str:
    return source.rsplit("/", 1)[-1]


def judge(item: Item, ranked: list[Passage], abstained: bool, texts: dict[str, str], *, reason: str = "") -> Outcome:
    if item.doc:  # evidence counts only in the documents the question is about
        texts = {s: t for s, t in texts.items() if _base(s) in item.doc or s in item.doc} or texts
    spans = [evidence_spans(e, texts) for e in item.evidence]
    for e, found in zip(item.evidence, spans):
        if not found:
            raise QAError(f"evidence of {item.id} is not in the documents: {e[:60]!r}")
    rank = next((r for r, p in enumerate(ranked[:RANK_DEPTH], start=1)
                 if any(covers(p, s) for group in spans for s in group)), None)
    all_in = bool(spans) and all(any(covers(p, s) for p in ranked[:ALL_EVIDENCE_DEPTH] for s in group)
                                  for group in spans)
    right = (_base(ranked[0].source) in item.doc or ranked[0].source in item.doc) if item.doc and ranked else None
    return Outcome(item=item, rank=rank, all_evidence_in_top5=all_in, abstained=abstained,
                   top=tuple(p.citation for p in ranked[:3]), right_document=right,
                   reason=reason if abstained else "")


def evaluate(items: list[Item], run: Callable[[Item], tuple],
             texts: dict[str, str]) -> list[Outcome]:
    """``run(item)`` gives (ranked passages, abstained) or (ranked, abstained, reason)."""
    outcomes = []
    for item in items:
        ranked, abstained, *why = run(item)
        outcomes.append(judge(item, ranked, abstained, texts, reason=why[0] if why else ""))
    return outcomes


def summarize(outcomes: list[Outcome]) -> dict[str, Any]:
    """The figures of the retrieval issue for a group of outcomes."""
    answerable = [o for o in outcomes if o.item.evidence]
    unanswerable = [o for o in outcomes if not o.item.evidence]
    multi = [o for o in answerable if len(o.item.evidence) > 1 or o.item.type in {"multi", "list", "why/how"}]
    abstained = [o for o in outcomes if o.abstained]

    def share(group, test):
        return round(mean(1.0 if test(o) else 0.0 for o in group), 3) if group else None

    return {
        "questions": len(outcomes),
        "answerable": len(answerable),
        "hit@1": share(answerable, lambda o: o.rank == 1),
        "hit@3": share(answerable, lambda o: o.rank is not None and o.rank <= 3),
        "mrr@10": round(mean(1 / o.rank if o.rank else 0.0 for o in answerable), 3) if answerable else None,
        "all_evidence@5": share(multi, lambda o: o.all_evidence_in_top5),
        "unanswerable": len(unanswerable),
        "abstain_recall": share(unanswerable, lambda o: o.abstained),
        "abstain_precision": share(abstained, lambda o: not o.item.evidence),
        "wrong_abstain_rate": share(answerable, lambda o: o.abstained),
        "right_document@1": share([o for o in answerable if o.right_document is not None and len(o.item.doc) == 1],
                                  lambda o: o.right_document),
    }
