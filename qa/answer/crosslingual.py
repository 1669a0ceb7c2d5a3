"""The reply to a question not in English: framing in its language, the English passages
quoted as they are, with the same citations; or why the speech is silent.

The decision reads the channel's ``Evidence`` (``qa.search.crosslingual.evidence``): a name the
speech never uses (Russian only), a match under ``CrossLingual.min_similarity``, or a best
sentence that holds nothing of the kind the question asks for, checked in that order.
"""
from __future__ import annotations

from typing import Sequence

from ..config import CrossLingual
from ..search.crosslingual import CrossLingualIndex, evidence, query_text
from ..search.evidence import Evidence
from ..types import Answer
from .compose import framing, render, silence, unknown_note


def why_silent(found: Evidence, *, language: str, limits: CrossLingual) -> str:
    """Why the speech does not answer, in the question's language; ``""`` when it may.

    >>> why_silent(Evidence(values={"unknown_names": 0.0, "similarity": 0.1, "kind_missing": 0.0}, asks_for="",
    ...            unknown_names=()), language="en", limits=CrossLingual(min_similarity=0.2)) != ""
    True
    """
    words = framing(language)
    if found.unknown_names:
        return unknown_note(found.unknown_names, language)
    if found.values["similarity"] < limits.min_similarity:
        return words["nothing"]
    if found.asks_for and found.values["kind_missing"]:
        return words["missing"][found.asks_for]
    return ""


def answer(index: CrossLingualIndex, question: str, *, language: str, k: int,
           history: Sequence[str] = (), notes: tuple[str, ...] = (), searched: str = "") -> Answer:
    """The reply to a non-English question: framing in its language, English quotes, citations."""
    limited = framing(language)["limited"]
    # The Kazakh caveat is a note, so every view of the answer (text or page) shows it.
    notes = (*notes, limited) if limited else notes
    m = index.match(query_text(question, history, language))
    ranked = index.rank(m, k=k)
    if not ranked:
        return silence(question, (), notes=notes, language=language, searched=searched)
    best = ranked[0]
    picks = index.sentence_picks(m, best)
    sentence = " ".join(best.text[s - best.start:e - best.start] for s, e in picks)
    limits = index.limits
    reason = why_silent(evidence(index, question, language=language, m=m, sentence=sentence),
                        language=language, limits=limits)
    if reason:
        return silence(question, tuple(ranked[:limits.max_cited]), notes=(*notes, reason), language=language,
                       searched=searched)
    cited = [p for p in ranked[:limits.max_cited] if p.score >= ranked[0].score - limits.passage_margin]
    picks = [tuple(p.sentences.index(span) for span in index.sentence_picks(m, p)) for p in cited]
    return render(question, list(zip(cited, picks)), notes=notes, language=language)
