"""``python -m qa eval``: run the pipeline over a question file and print the figures;
``--ablate`` runs it again with each stage switched off, one at a time."""
from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from typing import Any

from ..answer.abstain import judge, load_model
from ..search.evidence import evidence
from ..config import AbstentionModel
from ..api import answer_with, retriever, search_with
from ..config import Settings
from ..index.corpus import read_corpus
from ..questions.language import ENGLISH, detect
from .evaluation import RANK_DEPTH, Item, Outcome, evaluate, summarize, with_known_documents
from ..search.retrieval import ALL_STAGES, Retriever, Stages

ROWS = [("hit@1", "hit@1, answerable"), ("hit@3", "hit@3, answerable"), ("mrr@10", "MRR@10, answerable"),
        ("all_evidence@5", "all evidence in top 5 (multi/list/why)"),
        ("abstain_recall", "unanswerable that abstain (recall)"),
        ("abstain_precision", "abstentions that were right (precision)"),
        ("wrong_abstain_rate", "answerable that wrongly abstain"),
        ("right_document@1", "first passage from the right document"),
        ("mean_passage_chars", "passages: mean length (chars)")]

# Each ablation switches one stage off (or, for the first row, every stage).
ABLATIONS = [
    ("dense passages only (no stage)", Stages(**{stage.name: False for stage in fields(Stages)})),
    ("all stages", ALL_STAGES),
    ("- lexical (BM25)", replace(ALL_STAGES, lexical=False)),
    ("- sentence granularity", replace(ALL_STAGES, sentences=False)),
    ("- context views", replace(ALL_STAGES, context=False)),
    ("- second embedder (USE)", replace(ALL_STAGES, second_embedder=False)),
    ("- top-2 sentence pooling (max)", replace(ALL_STAGES, sentence_pooling=False)),
    ("- query expansion (nearest corpus words)", replace(ALL_STAGES, expansion=False)),
    ("- back-pointing passages with their antecedent", replace(ALL_STAGES, discourse=False)),
    ("- the speaker's name searched as \"the speaker\"", replace(ALL_STAGES, speaker_as_subject=False)),
    ("- spelling/acronyms", replace(ALL_STAGES, spelling=False)),
    ("- follow-up resolution", replace(ALL_STAGES, follow_up=False)),
    ("- answer-type check", replace(ALL_STAGES, answer_type=False)),
    ("- unknown-name check", replace(ALL_STAGES, unknown_names=False)),
]
ABLATION_KEYS = ["hit@1", "hit@3", "mrr@10", "all_evidence@5", "abstain_recall", "wrong_abstain_rate"]


@dataclass(frozen=True, kw_only=True)
class EvalResult:
    table: str
    summary: dict[str, Any]
    per_question: list[dict[str, Any]]


def _cell(v: Any) -> str:
    return "-" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)


def _format(groups: dict[str, dict[str, Any]]) -> str:
    names = list(groups)
    width = max(len(label) for _, label in ROWS) + 2
    # One row per group: the columns are the figures (groups are many with several documents).
    keys = [("questions", "questions"), *ROWS]
    col = max(8, *(len(n) for n in names)) + 2
    lines = ["group".ljust(col) + "".join(k.rjust(len(k) + 2) for k, _ in keys)]
    for n in names:
        lines.append(n.ljust(col) + "".join(_cell(groups[n].get(k)).rjust(len(k) + 2) for k, _ in keys))
    lines += ["", *(f"{k}: {label}" for k, label in keys[1:])]
    return "\n".join(lines)


def _outcomes(r: Retriever, items: list[Item], texts: dict[str, str], stages: Stages,
              model: AbstentionModel, scoped: bool = False) -> list[Outcome]:
    """Each item run through the pipeline as a user's call would run it; ``scoped`` passes the
    item's documents as the caller's scope. The reason of an abstention is kept to be counted."""
    sources = {d.source.rsplit("/", 1)[-1]: d.source for d in r.documents}

    def run(item: Item):
        documents = [sources[d] for d in item.doc if d in sources] if scoped else []
        if stages == ALL_STAGES or detect(item.question) != ENGLISH:  # no stages to ablate across languages
            ranked = search_with(r, item.question, k=RANK_DEPTH, history=item.history, documents=documents)
            said = answer_with(r, item.question, k=5, history=item.history, documents=documents, abstention=model)
            return ranked, said.abstained, reason_label(said.notes[-1]) if said.abstained and said.notes else ""
        part = r.for_documents(documents) if documents else r
        scored = part.score(item.question, item.history, stages=stages)
        decision = judge(evidence(part, scored, stages=stages), model=model)
        return part.rank(scored, k=RANK_DEPTH), decision.abstain, reason_label(decision.reason)

    return evaluate(items, run, texts)


def _english(r: Retriever, outcomes: list[Outcome]) -> dict[str, Any]:
    summary = summarize([o for o in outcomes if o.item.lang == "en"])
    summary["mean_passage_chars"] = round(sum(len(c.text) for c in r.chunks) / max(1, len(r.chunks)), 1)
    return summary


def reason_label(note: str) -> str:
    """A refusal's reason without the names it quotes, so that like reasons count together.

    >>> reason_label("The speech does not mention Mars.")
    'The speech does not mention …'
    """
    return re.sub(r"(does not mention|не встречается:|аталмайды:) .*", r"\1 …", note)


def reasons(outcomes: list[Outcome]) -> str:
    """The abstentions counted by their reason, wrong ones apart:
    ``The passages that match give no date for this. 7 (1 wrong); ...``."""
    counts: dict[str, list[int]] = {}
    for o in outcomes:
        if o.abstained:
            right_wrong = counts.setdefault(o.reason or "?", [0, 0])
            right_wrong[bool(o.item.evidence)] += 1
    return "; ".join(f"{cause} {r + w}" + (f" ({w} wrong)" if w else "")
                     for cause, (r, w) in sorted(counts.items(), key=lambda kv: -sum(kv[1]))) or "none"


def run_eval(items: list[Item], settings: Settings, *, stages: Stages = ALL_STAGES,
             scoped: bool = False) -> EvalResult:
    """Figures per question type and language; with several documents, per document and pooled;
    held-out items (split "heldout") in their own columns, never pooled with the rest."""
    r = retriever(settings)
    texts = {d.source: d.text for d in read_corpus(settings.seeds_dir).documents}
    items = with_known_documents(items, list(texts))
    outcomes = _outcomes(r, items, texts, stages, load_model(settings.abstention), scoped=scoped)
    groups: dict[str, dict[str, Any]] = {}
    said = []
    for split in ("dev", "heldout"):
        part = [o for o in outcomes if o.item.split == split]
        if not part:
            continue
        tag = "" if split == "dev" else "heldout:"
        english = [o for o in part if o.item.lang == "en"]
        said.append(f"{split} abstentions by reason: {reasons(part)}")
        groups[f"{tag}english"] = _english(r, part)
        if len({d for o in part for d in o.item.doc}) > 1:
            groups[f"{tag}all"] = summarize(part)
            for doc in sorted({o.item.doc[0] for o in part if len(o.item.doc) == 1}):
                groups[f"{tag}{doc}"] = summarize([o for o in part if o.item.doc == (doc,)])
        for kind in sorted({o.item.type for o in english}):
            groups[f"{tag}{kind}"] = summarize([o for o in english if o.item.type == kind])
        for lang in sorted({o.item.lang for o in part} - {"en"}):
            groups[f"{tag}lang:{lang}"] = summarize([o for o in part if o.item.lang == lang])
    per_question = [{"id": o.item.id, "type": o.item.type, "lang": o.item.lang, "rank": o.rank,
                     "split": o.item.split, "doc": list(o.item.doc), "right_document": o.right_document,
                     "all_evidence@5": o.all_evidence_in_top5, "abstained": o.abstained,
                     "reason": o.reason, "answerable": bool(o.item.evidence), "top3": list(o.top)} for o in outcomes]
    return EvalResult(table="\n".join([_format(groups), *said]), summary=groups, per_question=per_question)


def run_ablation(items: list[Item], settings: Settings) -> EvalResult:
    """One row per configuration, English questions: what each stage adds."""
    r = retriever(settings)
    texts = {d.source: d.text for d in read_corpus(settings.seeds_dir).documents}
    items = with_known_documents(items, list(texts))
    model = load_model(settings.abstention)
    rows = {name: _english(r, _outcomes(r, items, texts, stages, model)) for name, stages in ABLATIONS}
    width = max(len(n) for n in rows) + 2
    lines = ["| " + "configuration".ljust(width) + " | " + " | ".join(k for k in ABLATION_KEYS) + " |",
             "| " + "-" * width + " | " + " | ".join("---" for _ in ABLATION_KEYS) + " |"]
    for name, s in rows.items():
        lines.append("| " + name.ljust(width) + " | " + " | ".join(_cell(s.get(k)).rjust(len(k)) for k in ABLATION_KEYS) + " |")
    return EvalResult(table="\n".join(lines), summary=rows, per_question=[])
