"""Does the speech answer the question? Decided from what the question asks for and what
retrieval found, never from the question's wording alone.

Three independent reasons to abstain, each a general property of question and corpus:

- the question names something the speech never mentions (after spelling correction, and
  unless the name is plainly another word for a name the speech uses, e.g. a capital city);
- the question asks for a date, a quantity, a person or a place, and the sentences that best
  match it contain nothing of that kind, or are not about what it asks about (the question
  names something the speech does mention, but not near the date or place found: "when was
  the forum held?" finds the summit's date);
- neither the meaning nor the words of the question match any passage well.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from typing import TYPE_CHECKING

from .compose import FRAMING
from ..index.lexical import stem, words as word_list
from ..questions.query import (AGENT, AUTHOR_WORDS, COUNT, DATE, ORGANIZATION, PERSON, PLACE, QUANTITY, TEXT_WORDS, TIME,
                    name_phrases)

if TYPE_CHECKING:
    from ..search.retrieval import Retriever, Scored, Stages

# The weak-evidence net, for questions off the speech's subject altogether ("How do I bake
# bread?": top cosine 0.04-0.10). scripts/tune_fusion.py sweeps both thresholds on dev plus
# tests/data/questions-en-extra.jsonl: no unanswerable there needs the net, and answerable
# paraphrases written without any of the speech's words reach top cosines of only 0.18-0.22,
# so an answerable question abstains once MIN_DENSE > 0.15; leave-one-out and repeated
# k-fold both choose a value in [0, 0.15]. 0.15 keeps the net for off-topic questions.
MIN_DENSE = 0.15
MIN_COVERAGE = 0.5

_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
_NUMBER_WORDS = r"(one(?! of)|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|" \
                r"hundred|thousand|million|billion|trillion|dozen|half|third|quarter|percent|per cent)"
_ROLE = (r"(?i:president|minister|chairman|leader|expert|author|professor|ambassador|secretary|director|"
         r"official|spokesman|spokesperson|king|queen|premier|chancellor|founder|researcher|analyst)")
_PROPER = r"[A-Z][a-z’'-]+(?: [A-Z][a-z’'-]+)+"
_DAY = rf"\b{_MONTH}\b|\b\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}\b"
_FIGURE = rf"(?<![\w-])(?!(1[89]|20)\d\d(?!\d))\d[\d,.]*(?!\d)|%|\$|€|£|\b{_NUMBER_WORDS}\b"
_LIST = r"(^|\n)\s*[-*•]\s.*\n\s*[-*•]\s"
_HAS = {
    DATE: re.compile(_DAY),
    # A year or decade, or a time said relative to now ("this year", "last decade").
    TIME: re.compile(rf"{_DAY}|\b(1[89]|20)\d\d(s|’s|'s)?\b|\b(this|next|last|coming|past|previous) "
                     r"(year|month|week|decade|century)\b|\b(years?|months?|weeks?|decades?) ago\b", re.I),
    QUANTITY: re.compile(_FIGURE, re.I),
    # A count can also be read off an enumeration.
    COUNT: re.compile(rf"{_FIGURE}|{_LIST}", re.I),
    # A named person: a title or a role next to a name, or a name that speaks.
    PERSON: re.compile(rf"\b(Mr|Mrs|Ms|Dr|Prof)\.?\s+[A-Z]|\b{_PROPER},? (?:an? |the )?{_ROLE}\b|"
                       rf"\b{_ROLE} {_PROPER}|\b{_PROPER},? (said|says|announced|proposed|stated)\b"),
    # A named organisation: a capitalised name that says what kind of body it is.
    ORGANIZATION: re.compile(r"\b(?:[A-Z][\w’'&-]*\s+(?:(?:of|for|and|the)\s+)*)*(?:Bank|Company|Corporation|Corp|"
                             r"Group|Fund|University|Institute|Center|Centre|Agency|Organi[sz]ation|Holdings?|"
                             r"Foundation|Association|Council|Ministry|Authority|Ltd|Inc|LLC|JSC|PLC)\b"),
}
# Words before a name that make it a place or a time, not an actor.
_PLACE_WORDS = frozenset("in at from to toward towards into across near within on since during".split())


def named_actors(sentence: str, exclude: frozenset[str] = frozenset()) -> list[str]:
    """Capitalised names in ``sentence`` that could be doing something: not its first word,
    not after a place word ("in Kazakhstan"), not among ``exclude`` (the question's words).

    >>> named_actors("Amidst these shifts, China is becoming a key actor.")
    ['China']
    >>> named_actors("As we recall, it was in Kazakhstan in 2013 that it was announced.")
    []
    """
    found = []
    for m in re.finditer(r"[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*", sentence):
        before = sentence[:m.start()].split()
        if not before or before[-1].lower().strip(",;:") in _PLACE_WORDS:
            continue
        if not all(w.lower().strip("’'") in exclude for w in m.group().split()):
            found.append(m.group())
    return found


def named_places(text: str, exclude: frozenset[str] = frozenset()) -> list[str]:
    """Capitalised names in ``text`` but its first word, not among ``exclude``: the places a
    "where"/"which city" question could be answered with (a loose test: the focus check in
    ``decide`` does the rest).

    >>> named_places("The summit, held in May 2023 in Xi’an, was a milestone.", frozenset({"summit"}))
    ['May', 'Xi’an']
    >>> named_places("It grew fast.")
    []
    """
    found = []
    for m in re.finditer(r"(?<=[\s(“\"'-])[A-Z][\w’'-]*", text):
        if m.group().lower().strip("’'") not in exclude:
            found.append(m.group())
    return found


def unmatched_focus(focus: tuple[str, ...], text: str) -> tuple[str, ...]:
    """The words of ``focus`` (names the speech uses that the question asks about) that
    ``text`` never uses, compared by stem.

    >>> unmatched_focus(("forum", "summits", "xi’an"), "The first Summit was held in Xi’an.")
    ('forum',)
    """
    stems = {stem(w) for w in word_list(text)}
    return tuple(w for w in focus if not all(stem(part) in stems for part in word_list(w)))


_MISSING = FRAMING["en"]["missing"]  # why the speech is silent, by what the question asks for


@dataclass(frozen=True, kw_only=True)
class Decision:
    """Whether to abstain and, if so, why (shown to the user)."""

    abstain: bool
    reason: str = ""


def contains(kind: str, text: str, *, exclude: frozenset[str] = frozenset()) -> bool:
    """Does ``text`` hold a thing of ``kind`` (a date, a quantity, a person, an actor)?

    >>> contains("quantity", "in 2013 it grew"), contains("quantity", "by 5.2%"), contains("date", "in May 2023")
    (False, True, True)
    >>> contains("time", "announced in 2013"), contains("time", "expected this year"), contains("time", "held in Astana")
    (True, True, False)
    >>> contains("count", "- Launch clusters\\n- Deepen ties"), contains("quantity", "- Launch clusters\\n- Deepen ties")
    (True, False)
    >>> contains("organization", "parks with Chinese involvement"), contains("organization", "the Center for Political Studies")
    (False, True)
    """
    if kind == AGENT:
        return contains(PERSON, text) or bool(named_actors(text, exclude))
    if kind == PLACE:
        return bool(named_places(text, exclude))
    pattern = _HAS.get(kind)
    return True if pattern is None else bool(pattern.search(text))


def decide(*, unknown_names: tuple[str, ...], asks_for: str, best_text: str, top_dense: float,
           coverage: float, check_type: bool = True, min_dense: float = MIN_DENSE,
           min_coverage: float = MIN_COVERAGE, best_sentence: str = "",
           question_words: frozenset[str] = frozenset(), focus: tuple[str, ...] = (),
           around: str = "") -> Decision:
    """Abstain when the question names what the speech never mentions, asks for a kind of
    thing the best sentences lack, or matches nothing in meaning or in words.

    >>> decide(unknown_names=("mars",), asks_for="", best_text="", top_dense=0.9, coverage=1.0).abstain
    True
    """
    if unknown_names:
        listed = ", ".join(n if not n.islower() else n.upper() if len(n) <= 3 else n.title()
                           for n in unknown_names)
        return Decision(abstain=True, reason=f"The speech does not mention {listed}.")
    # Who-questions are checked on the best sentence (an actor elsewhere in the passage
    # does something else); dates and figures on the whole best passage.
    where = best_sentence or best_text if asks_for in (PERSON, AGENT) else best_text
    if check_type and asks_for and not contains(asks_for, where, exclude=question_words):
        return Decision(abstain=True, reason=_MISSING[asks_for])
    # A fact asked about something the speech names must be found where that thing is named
    # (and "the third summit" where a third one is): in the best passage or the one before
    # it ("the region" may stand for "Central Asia").
    if check_type and asks_for and unmatched_focus(focus, f"{around} {best_text}"):
        return Decision(abstain=True, reason=_MISSING[asks_for])
    if top_dense < min_dense and coverage < min_coverage:
        return Decision(abstain=True, reason="Nothing in the speech matches the question.")
    return Decision(abstain=False)


def facts(retriever: "Retriever", scored: "Scored", *, stages: "Stages") -> dict:
    """The keyword arguments of ``decide`` for what ``retriever`` found for one question."""
    best = int(scored.fused.argmax())
    rows = [i for i, owner in enumerate(retriever.sentence_owner) if owner == best]
    sentence = retriever.sentences[max(rows, key=lambda i: scored.sentence_fused[i])] if rows else ""
    words = frozenset(w.lower() for w in re.findall(r"[\w’'-]+", scored.query.text))
    unknown = name_phrases(scored.query.text, scored.unknown_names) if stages.unknown_names else ()
    chunk = retriever.chunks[best]
    before = retriever.chunks[best - 1] if best and retriever.chunks[best - 1].source == chunk.source else None
    return dict(unknown_names=unknown,
                asks_for=scored.query.asks_for, best_text=chunk.text,
                best_sentence=sentence, question_words=words,
                focus=focus_words(scored.query.text, [*retriever.names, *retriever.metadata_names]),
                around=before.text if before else "",
                top_dense=float(scored.dense.max()), coverage=scored.coverage,
                check_type=stages.answer_type)


# Words for the document itself, not for what it is about ("according to the speech").
_ABOUT_THE_TEXT = frozenset((*TEXT_WORDS, *AUTHOR_WORDS, "source"))


# Words that say which one of several things a question means ("the third summit", "in 2019").
_WHICH_ONE = re.compile(r"(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|(1[89]|20)\d\d)")


def focus_words(question: str, corpus_names) -> tuple[str, ...]:
    """The question's words that the speech writes as names ("forum" for "the Forum"), and
    its ordinals and years: what a question for a fact asks about.

    >>> focus_words("When was the forum held in China, says the speech?", ["china", "forum", "speech"])
    ('forum', 'china')
    >>> focus_words("When will the third Summit meet, after 2023?", ["summit"])
    ('third', 'summit', '2023')
    """
    names = set(corpus_names) - _ABOUT_THE_TEXT
    return tuple(dict.fromkeys(w for w in (re.sub(r"['’]s$", "", w.lower()) for w in re.findall(r"[\w’'-]+", question))
                               if w in names or _WHICH_ONE.fullmatch(w)))


def judge(retriever: "Retriever", scored: "Scored", *, stages: "Stages") -> Decision:
    """``decide`` on what ``retriever`` found for one question."""
    if not len(scored.fused):
        return Decision(abstain=True, reason="There are no passages to search.")
    return decide(**facts(retriever, scored, stages=stages))
