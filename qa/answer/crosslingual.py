"""The reply to a question not in English: framing in its language, the English passages
quoted as they are, with the same citations; or why the speech is silent.

What the cross-lingual view found (``qa.search.crosslingual``) decides: a name the speech never
uses (Russian only), a match under ``CrossLingual.min_similarity``, or a best sentence that holds
nothing of the kind the question asks for.
"""
from __future__ import annotations

from typing import Sequence

from ..questions.cues import asks_for
from ..questions.query import AGENT, PERSON
from ..search.crosslingual import NAME_CHECK_LANGUAGES, CrossLingualIndex, Match, query_text
from ..search.kinds import contains
from ..types import Answer, Passage
from .compose import framing, render, silence


def _missing(question: str, *, language: str, index: CrossLingualIndex, m: Match,
             best: Passage, sentence: str) -> str:
    """Why the speech does not answer, in the question's language; ``""`` when it may."""
    words = framing(language)
    if language in NAME_CHECK_LANGUAGES:
        unknown = index.unknown_names(question)
        if unknown:
            return words["unknown"].format(names=", ".join(unknown))
    if float(m.semantic.max(initial=-1.0)) < index.limits.min_similarity:
        return words["nothing"]
    kind = asks_for(question)
    if kind:
        # Checked on the best sentence: the match is looser than in English, so a date or a
        # figure elsewhere in the passage is too often about something else.
        exclude = index.own_names(question, sentence) if kind in (AGENT, PERSON) else frozenset()
        if not contains(kind, sentence, exclude=exclude):
            return words["missing"][kind]
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
    reason = _missing(question, language=language, index=index, m=m, best=best, sentence=sentence)
    limits = index.limits
    if reason:
        return silence(question, tuple(ranked[:limits.max_cited]), notes=(*notes, reason), language=language,
                       searched=searched)
    cited = [p for p in ranked[:limits.max_cited] if p.score >= ranked[0].score - limits.passage_margin]
    picks = [tuple(p.sentences.index(span) for span in index.sentence_picks(m, p)) for p in cited]
    return render(question, list(zip(cited, picks)), notes=notes, language=language)
