"""Ranked passages with sentence scores -> the reply: answering sentences with ``[n]`` markers,
then the cited passages with the supporting sentences highlighted. Pure functions, no I/O.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ..config import Reply
from ..types import Answer, Highlight, Passage

# Which passages and sentences are quoted is set by ``qa.config.Reply`` (``Settings.tuning.reply``):
# a passage after the first must score a share of the best one and its best sentence a share of
# the first passage's best sentence (a passage that only inherits its score from the one before
# it, or that shares a word or two with the question, answers nothing itself). A question for
# one fact (a date, a place, a person, a figure: ``asks_for``) is answered by one passage.
_LIST_ITEM = re.compile(r"\s*(?:[-*+•–—]|\d{1,3}[.)])\s")
# A why/how question is answered by the sentence that gives the reasons: the neighbour of the
# best sentence that carries one of these words, or the next one when it goes on about it.
_EXPLAINS = re.compile(r"^\W*(why|how(?! (many|much|long|far|old|often)\b))\b|\b(reasons?|causes?|explain)\b", re.I)
REASON_WORDS = ("because", "reason", "reasons", "due to", "owing to", "driven by", "driving", "as a result",
                "result of", "therefore", "thus", "hence", "caused by", "leads to", "led to", "since")
_REASON = re.compile(r"\b(" + "|".join(REASON_WORDS) + r")\b", re.I)
_GOES_ON = re.compile(r"\W*(it|this|these|that|those|such|they)\b", re.I)

# The reply's own words, in the question's language (the quotes stay as the speech has them).
FRAMING = {
    "en": {
        "says": "",
        "not": "The speech does not answer this question.",
        "not_in": "{doc} does not answer this question.",
        "none_of": "None of the {n} documents answers this question.",
        "from": "From {doc}:",
        # The question named no document and another matched almost as well as the one quoted.
        "also_close": "Another document matches almost as well: {doc}. To ask that one, name its speaker or "
                      "choose it.",
        "closest": "Closest passages — not an answer:",
        "limited": "",
        # Reasons to abstain, for questions routed through the cross-lingual channel.
        "unknown": "The speech does not mention {names}.",
        "nothing": "Nothing in the speech matches the question.",
        # The closest passages speak of something near but not of what was asked (``pair_match``).
        "unmatched": "The closest passages are about something else than what was asked.",
        # The judge, reading the question beside the best passage, finds no answer there (``cross_score``).
        "unanswered": "The closest passages do not answer this.",
        "unsupported": "The passages that match say nothing of “{word}”.",
        # The question asks how the speech was received or what came of it (``asks_aftermath``).
        "aftermath": "A speech does not report how it was received or what came of it later, and the "
                     "passages that match do not either.",
        # A yes/no question on the speaker's own view or wish (``asks_stance``).
        "stance": "The passages that match do not give the speaker's view on this.",
        # A question about "the speech" in a corpus of more documents than a reply lists.
        "listed": "Listed for the first {n} of the {total} documents; to ask about another, name its speaker "
                  "or choose it.",
        # A question about the document itself whose answer no metadata line gives.
        "no_field": {"date": "No metadata line of the document gives its date.",
                     "source": "No metadata line of the document gives its source.",
                     "license": "No metadata line of the document gives its licence.",
                     "title": "No metadata line of the document gives its title.",
                     "place": "No metadata line of the document says where it was given.",
                     "occasion": "No metadata line of the document gives its occasion."},
        "missing": {"date": "The passages that match give no date for this.",
                    "time": "The passages that match do not say when.",
                    "quantity": "The passages that match give no figure for this.",
                    "count": "The passages that match give no number for this.",
                    "person": "The passages that match name no person for this.",
                    "organization": "The passages that match name no company or organisation for this.",
                    "place": "The passages that match do not say where.",
                    "agent": "The passages that match do not say who."},
    },
    "ru": {
        "says": "В выступлении говорится (цитаты на языке оригинала, английском):",
        "not": "В выступлении об этом не говорится.",
        "not_in": "В документе {doc} об этом не говорится.",
        "none_of": "Ни в одном из {n} документов об этом не говорится.",
        "from": "Из документа {doc}:",
        "closest": "Ближайшие фрагменты (они не отвечают на вопрос):",
        "limited": "",
        # Each name as the question wrote it, in quotes: its case ending stays («Монголии»).
        "unknown": "В выступлении не встречается: {names}.",
        "quote": "«{}»",
        "nothing": "Ничто в выступлении не соответствует вопросу.",
        "unsupported": "В подходящих фрагментах ничего не сказано о «{word}».",
        "aftermath": "Выступление не сообщает, как его восприняли и что было потом; подходящие фрагменты тоже.",
        "stance": "В подходящих фрагментах не сказано, что думает об этом выступающий.",
        "listed": "Перечислены первые {n} из {total} документов; чтобы спросить о другом, назовите выступающего "
                  "или выберите документ.",
        "no_field": {"date": "В метаданных документа нет даты.",
                     "source": "В метаданных документа нет источника.",
                     "license": "В метаданных документа нет лицензии.",
                     "title": "В метаданных документа нет названия.",
                     "place": "В метаданных документа нет места выступления.",
                     "occasion": "В метаданных документа нет события, на котором оно прозвучало."},
        "missing": {"date": "В подходящих фрагментах нет даты.",
                    "time": "В подходящих фрагментах не сказано когда.",
                    "quantity": "В подходящих фрагментах нет такой цифры.",
                    "count": "В подходящих фрагментах нет такого числа.",
                    "person": "В подходящих фрагментах не назван человек.",
                    "organization": "В подходящих фрагментах не названа компания или организация.",
                    "place": "В подходящих фрагментах не сказано где.",
                    "agent": "В подходящих фрагментах не сказано кто."},
    },
    "kk": {
        "says": "Баяндамада былай делінген (үзінділер түпнұсқа тілінде, ағылшынша):",
        # Kazakh matching is too rough to say confidently that the speech is silent.
        "not": "Баяндамадан нақты жауап табылмады. / В выступлении не найден ясный ответ.",
        "closest": "Ең жақын үзінділер (жауап болмауы мүмкін):",
        "limited": "Ескерту: қазақ тіліндегі сұрақтар тек шамамен сәйкестендіріледі, үзінділерді "
                   "тексеріңіз. / Примечание: вопросы на казахском языке сопоставляются лишь "
                   "приблизительно, проверьте фрагменты.",
        "unknown": "Баяндамада аталмайды: {names}.",
        "quote": "«{}»",
        "nothing": "Баяндамада сұраққа сәйкес келетін үзінді табылмады.",
        "unsupported": "Сәйкес үзінділерде «{word}» туралы ештеңе айтылмаған.",
        "missing": {"date": "Сәйкес үзінділерде күні көрсетілмеген.",
                    "time": "Сәйкес үзінділерде қашан екені айтылмаған.",
                    "quantity": "Сәйкес үзінділерде мұндай сан жоқ.",
                    "count": "Сәйкес үзінділерде мұндай сан жоқ.",
                    "person": "Сәйкес үзінділерде адам аталмаған.",
                    "organization": "Сәйкес үзінділерде компания не ұйым аталмаған.",
                    "place": "Сәйкес үзінділерде қайда екені айтылмаған.",
                    "agent": "Сәйкес үзінділерде кім екені айтылмаған."},
    },
}
NOT_IN_SPEECH = FRAMING["en"]["not"]


def framing(language: str) -> dict:
    """The reply's words in ``language`` (English for a language without its own):
    ``says``, ``not``, ``closest``, ``limited``.

    >>> framing("ru")["not"]
    'В выступлении об этом не говорится.'
    """
    return FRAMING.get(language, FRAMING["en"])


def unknown_note(names: Sequence[str], language: str) -> str:
    """The note for names the speech never uses. Russian and Kazakh quote each name as the
    question wrote it, so its case ending reads as a quotation, not as bad grammar.

    >>> unknown_note(["Mars"], "en"), unknown_note(["Монголии", "Марсе"], "ru")
    ('The speech does not mention Mars.', 'В выступлении не встречается: «Монголии», «Марсе».')
    """
    words = framing(language)
    return words["unknown"].format(names=", ".join(words.get("quote", "{}").format(n) for n in names))


@dataclass(frozen=True, kw_only=True)
class Candidate:
    """A ranked passage with a score for each of its sentences (same order as its spans)."""

    passage: Passage
    sentence_scores: tuple[float, ...]


def _escape_md(text: str) -> str:
    """Text that renders literally in Markdown (and never as HTML).

    >>> _escape_md("<b>*x*</b>")
    '&lt;b&gt;\\\\*x\\\\*&lt;/b&gt;'
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_{}\[\]#|~])", r"\\\1", text)


def _sentence(passage: Passage, i: int) -> str:
    s, e = passage.sentences[i]
    return passage.text[s - passage.start:e - passage.start]


def with_list(passage: Passage, picks: tuple[int, ...]) -> tuple[int, ...]:
    """``picks`` plus, when one of them introduces or belongs to a list, the whole list:
    a list question gets every item, not the one item that scored best.
    """
    n = len(passage.sentences)
    items = [i for i in range(n) if _LIST_ITEM.match(_sentence(passage, i))]
    if not items:
        return picks
    lead = [i for i in range(n) if i + 1 < n and i + 1 in items and i not in items
            and _sentence(passage, i).rstrip().endswith(":")]
    if any(p in items or p in lead for p in picks):
        return tuple(sorted(set(picks) | set(items) | set(lead)))
    return picks


def _quote(passage: Passage, picks: tuple[int, ...]) -> str:
    r"""The picked sentences as Markdown: prose runs on, list items go one per line.

    >>> p = Passage(source="a", text="Aims:\n- x;\n- y.", start=0, end=15, paragraph=1, last_paragraph=3,
    ...             sentences=((0, 5), (6, 10), (11, 15)), score=1.0)
    >>> _quote(p, (0, 1, 2))
    'Aims:\n- x;\n- y.'
    """
    out = ""
    for i in picks:
        text = _escape_md(_sentence(passage, i))
        if _LIST_ITEM.match(text):
            out += "\n" + text
        else:
            out += (" " if out else "") + text
    return out.strip()


def explains(question: str) -> bool:
    """Does the question ask why or how (for reasons, not a figure)?

    >>> explains("Why did it slow?"), explains("How is it changing?"), explains("How many came?")
    (True, True, False)
    """
    return bool(_EXPLAINS.search(question))


def with_reasons(passage: Passage, picks: tuple[int, ...], best: int) -> tuple[int, ...]:
    """``picks`` plus the sentence next to ``best`` that gives its reasons: the one after it
    when it names a reason or goes on about it ("It ...", "These ..."), else the one before
    it when that names a reason."""
    after, before = best + 1, best - 1
    if after < len(passage.sentences):
        text = _sentence(passage, after)
        if _REASON.search(text) or _GOES_ON.match(text):
            return tuple(sorted({*picks, after}))
    if before >= 0 and _REASON.search(_sentence(passage, before)):
        return tuple(sorted({*picks, before}))
    return picks


def _picks(cand: Candidate, share: float) -> tuple[tuple[int, ...], int]:
    """The sentences of ``cand`` scoring at least ``share`` of its best, and its best sentence."""
    scores = cand.sentence_scores
    top = max(scores) if scores else 0.0
    floor = top * share if top > 0 else top
    picks = tuple(i for i, s in enumerate(scores) if s >= floor) or (0,)
    return with_list(cand.passage, picks), (scores.index(top) if scores else 0)


def choose(candidates: list[Candidate], *, asks_for: str = "", why: bool = False,
           reply: Reply = Reply()) -> list[tuple[Candidate, tuple[int, ...]]]:
    """The passages to cite and, in each, the indices of the sentences that answer."""
    if not candidates:
        return []
    best = candidates[0].passage.score
    lead = max(candidates[0].sentence_scores, default=0.0)
    chosen = []
    for cand in candidates[:1 if asks_for else reply.max_cited]:
        if chosen and (best <= 0 or cand.passage.score < reply.passage_share * best
                       or max(cand.sentence_scores, default=0.0) < reply.cite_share * lead):
            continue
        picks, top = _picks(cand, reply.sentence_share)
        if why and not chosen:
            picks = with_reasons(cand.passage, picks, top)
        chosen.append((cand, picks))
    return chosen


def _quote_block(number: int, passage: Passage, spans: tuple[tuple[int, int], ...]) -> str:
    parts, pos = [], passage.start
    for s, e in spans:
        parts.append(_escape_md(passage.text[pos - passage.start:s - passage.start]))
        parts.append("**" + _escape_md(passage.text[s - passage.start:e - passage.start]) + "**")
        pos = e
    parts.append(_escape_md(passage.text[pos - passage.start:]))
    body = "".join(parts).replace("\n", "\n> ")
    return f"[{number}] {_escape_md(passage.citation)}\n> {body}"


def _head(notes: tuple[str, ...]) -> str:
    return "".join(f"_{_escape_md(n)}_\n\n" for n in notes)


def silence(question: str, nearest: tuple[Passage, ...], *, notes: tuple[str, ...] = (),
            language: str = "en", searched: str = "") -> Answer:
    """The reply when the speech does not answer: said plainly, then the closest passages,
    labelled as not answering. ``searched`` names what was searched when the corpus holds
    several documents: a document's label, or "4" for all of four."""
    words = framing(language)
    said = not_answered(words, searched)
    lines = [_head(notes) + _escape_md(said)]
    if nearest:
        lines += ["", words["closest"], ""] + [f"- {_escape_md(p.citation)}: {_escape_md(p.text)}" for p in nearest]
    return Answer(question=question, text="\n".join(lines), passages=nearest, abstained=True,
                  notes=notes, language=language, silence=said)


def not_answered(words: dict, searched: str) -> str:
    """ "The speech does not answer...", or naming what was searched.

    >>> not_answered(framing("en"), "4"), not_answered(framing("en"), "Kevin Rudd’s speech")
    ('None of the 4 documents answers this question.', 'Kevin Rudd’s speech does not answer this question.')
    """
    if not searched or "not_in" not in words:
        return words["not"]
    if searched.isdigit():
        return words["none_of"].format(n=searched)
    return words["not_in"].format(doc=searched)


def render(question: str, cited: list[tuple[Passage, tuple[int, ...]]], *, notes: tuple[str, ...] = (),
           language: str = "en") -> Answer:
    """The reply quoting, from each cited passage, the sentences ``picks`` (indices into its
    sentences) with a ``[n]`` marker, then the passages with those sentences in bold."""
    reply, blocks, highlights = [], [], []
    several = len({p.source for p, _ in cited}) > 1  # e.g. each document's author: say whose line is whose
    for number, (passage, picks) in enumerate(cited, start=1):
        spans = tuple(passage.sentences[i] for i in picks)
        whose = f"{_escape_md(passage.source)}: " if several else ""
        reply.append(f"{whose}{_quote(passage, picks)} [{number}]")
        blocks.append(_quote_block(number, passage, spans))
        highlights.append(tuple(Highlight(start=s, end=e) for s, e in spans))
    says = framing(language)["says"]
    text = _head(notes) + (f"{says}\n\n" if says else "") + "\n\n".join(reply) + "\n\n---\n\n" + "\n\n".join(blocks)
    return Answer(question=question, text=text, passages=tuple(p for p, _ in cited), abstained=False,
                  highlights=tuple(highlights), notes=notes, language=language)


def compose(question: str, candidates: list[Candidate], *, abstained: bool, notes: tuple[str, ...] = (),
            searched: str = "", asks_for: str = "", reply: Reply = Reply()) -> Answer:
    """The reply to an English ``question`` from ranked ``candidates``; ``asks_for`` is the
    kind of fact it asks for ("" for an explanation or a list); ``reply``: what to quote."""
    if abstained:
        return silence(question, tuple(c.passage for c in candidates[:reply.max_cited]), notes=notes,
                       searched=searched)
    chosen = choose(candidates, asks_for=asks_for, why=explains(question), reply=reply)
    return render(question, [(c.passage, picks) for c, picks in chosen], notes=notes)
