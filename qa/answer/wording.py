"""The reply to a question about the wording, from exact occurrences (``wording_answer`` finds
them in the documents in scope). No I/O.

The outcome comes first, in plain words: found verbatim / not verbatim, close wording exists /
not found for a quote; yes / no for a phrase or a mention; the number for a count. Every
occurrence is cited as its sentence, the occurrence in bold, highlighted by exact offsets.
The words of each reply live in ``WORDS``, one table per language.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from ..questions.wording import COUNT, MENTION, QUOTE, read_wording
from ..search import exact
from ..search.exact import Hit, Near
from ..search.routing import evidence_scope, resolve_scope
from ..types import Answer, Highlight, Passage, WordingResult
from .compose import _escape_md, _quote_block

if TYPE_CHECKING:
    from ..search.retrieval import Retriever

# At most this many sentences are cited; the count and ``Answer.wording`` keep every occurrence.
MAX_CITED = 60

WORDS = {
    "en": {
        "verbatim": "**Found verbatim** in {where}: “{term}” occurs {times}: {refs}.",
        "elided": "**Found verbatim** in {where}, with words left out where the quote has “…”: {refs}.",
        "close": "**Not verbatim — close wording exists.** The speech does not say it in those words: "
                 "“{term}” is not in {where}. The closest sentence, with the words that differ in bold: {refs}.",
        "negation": "**Careful:** {what} — the speech may say the opposite of the quote.",
        "missing": "Words of the quote it does not have: {words}.",
        "absent": "**Not found.** “{term}” is not in {where}, and no sentence in it comes close.",
        "phrase_yes": "**Yes.** The phrase “{term}” occurs in {where} {times}: {refs}.",
        "phrase_no": "**No.** The phrase “{term}” does not occur in {where}.",
        "mention_yes": "**Yes.** “{term}” is mentioned in {where} {times}: {refs}.",
        "mention_no": "**No.** “{term}” is not mentioned in {where}.",
        "count": "**{n}.** “{term}” is mentioned in {where} {times}.",
        "nearest": "The nearest wording, which is not the phrase: {refs}.",
        "how": "Counted: {counted}, as whole words in any case{not_counted}; the metadata lines at the "
               "top or end of a document are not part of its speech.",
        "not_counted": "; not {forms}",
        "cut": "The first {n} are cited.",
        "per_doc": "By document: {parts}.",
        "elsewhere": "Other documents that use these words (not counted here): {parts}.",
        "times": ("once", "{n} times"),
        "and": "and",
        "para": "¶{p}",
        "the_speech": "the speech",
        "docs": "the {n} documents searched",
    },
    "ru": {
        "verbatim": "**Найдено дословно** ({where}): «{term}» — {times}: {refs}.",
        "elided": "**Найдено дословно** ({where}), с пропусками там, где в цитате «…»: {refs}.",
        "close": "**Не дословно — есть близкая формулировка.** В выступлении этого не сказано этими словами: "
                 "«{term}» нет ({where}). Ближайшее предложение, отличающиеся слова выделены: {refs}.",
        "negation": "**Внимание:** {what} — выступление может говорить обратное цитате.",
        "missing": "Слова цитаты, которых там нет: {words}.",
        "absent": "**Не найдено.** «{term}» нет ({where}), и близких предложений тоже нет.",
        "phrase_yes": "**Да.** Фраза «{term}» встречается ({where}) {times}: {refs}.",
        "phrase_no": "**Нет.** Фразы «{term}» нет ({where}).",
        "mention_yes": "**Да.** «{term}» упоминается ({where}) {times}: {refs}.",
        "mention_no": "**Нет.** «{term}» не упоминается ({where}).",
        "count": "**{n}.** «{term}» упоминается ({where}) {times}.",
        "nearest": "Ближайшая формулировка (это не та фраза): {refs}.",
        "how": "Считались: {counted}, целые слова без учёта регистра{not_counted}; строки метаданных "
               "в начале или конце документа не часть выступления.",
        "not_counted": "; не считались: {forms}",
        "cut": "Приведены первые {n}.",
        "per_doc": "По документам: {parts}.",
        "elsewhere": "Другие документы с этими словами (здесь не посчитаны): {parts}.",
        "times": ("один раз", "{n} раз(а)"),
        "and": "и",
        "para": "абз. {p}",
        "the_speech": "выступление",
        "docs": "просмотрено документов: {n}",
    },
}


@dataclass(frozen=True, kw_only=True)
class Found:
    """What the exact search found, for the reply: every occurrence; for a quote or phrase not
    found, the closest sentence; for a count, the forms counted and the longer words not."""

    kind: str
    term: str
    hits: tuple[Hit, ...]
    near: Near | None = None
    counted: tuple[str, ...] = ()
    not_counted: tuple[str, ...] = ()
    elided: bool = False  # a quote with words left out ("…"), found part by part in one sentence


def _times(words: dict, n: int) -> str:
    once, many = words["times"]
    return once if n == 1 else many.format(n=n)


def _cited(found: Found, texts: dict[str, str]) -> tuple[list[Passage], list[tuple[Highlight, ...]]]:
    """One passage per sentence holding occurrences, the occurrences as its highlights."""
    groups: dict[tuple[str, int, int, int], list[Highlight]] = {}
    for h in found.hits:
        groups.setdefault((h.source, *h.sentence, h.paragraph), []).append(Highlight(start=h.start, end=h.end))
    passages, highlights = [], []
    for (source, s, e, p), marks in list(groups.items())[:MAX_CITED]:
        passages.append(_passage(source, texts[source], s, e, p))
        highlights.append(tuple(marks))
    return passages, highlights


def _passage(source: str, text: str, start: int, end: int, paragraph: int) -> Passage:
    return Passage(source=source, text=text[start:end], start=start, end=end, paragraph=paragraph,
                   last_paragraph=paragraph, sentences=((start, end),), score=1.0)


def _refs(words: dict, passages: Sequence[Passage], first: int = 1) -> str:
    """"¶2 [1], ¶5 [2]", or with the file names when the passages come from several documents."""
    several = len({p.source for p in passages}) > 1
    return ", ".join(f"{_escape_md(p.citation) if several else words['para'].format(p=p.paragraph)} [{i}]"
                     for i, p in enumerate(passages, start=first))


def reply(question: str, found: Found, texts: dict[str, str], *, where: str, language: str,
          labels: dict[str, str], notes: tuple[str, ...] = (), elsewhere: dict[str, int] | None = None) -> Answer:
    """The Answer: the outcome on top, every occurrence cited, ``wording`` filled in.
    ``elsewhere`` is how often documents outside the scope use the words (label -> count)."""
    words = WORDS.get(language, WORDS["en"])
    passages, highlights = _cited(found, texts)
    outcome, lines = _outcome(found, words, passages, where)
    if found.near is not None and not found.hits:
        near = found.near
        passages.append(_passage(near.source, texts[near.source], *near.sentence, near.paragraph))
        highlights.append(tuple(Highlight(start=a, end=b) for a, b in near.differing))
        lines += _near_lines(found, words, passages, where)
    if len(labels) > 1 and found.kind in ("count", "mention") and found.hits:
        lines.insert(1, _per_document(found, words, labels))
    if elsewhere:
        lines.insert(1, words["elsewhere"].format(parts="; ".join(f"{_escape_md(k)}: {v}" for k, v in elsewhere.items())))
    if len(found.hits) > MAX_CITED and found.kind != "quote":
        lines.append(words["cut"].format(n=len(passages)))
    blocks = [_quote_block(i, p, tuple((h.start, h.end) for h in marks))
              for i, (p, marks) in enumerate(zip(passages, highlights), start=1)]
    head = "".join(f"_{_escape_md(n)}_\n\n" for n in notes)
    text = head + "\n\n".join(lines) + ("\n\n---\n\n" + "\n\n".join(blocks) if blocks else "")
    result = _result(found, outcome)
    return Answer(question=question, text=text, passages=tuple(passages), abstained=False,
                  highlights=tuple(highlights), notes=notes, language=language, wording=result)


def _outcome(found: Found, words: dict, passages: list[Passage], where: str) -> tuple[str, list[str]]:
    n = len(found.hits)
    fill = dict(where=_escape_md(where), term=_escape_md(found.term), times=_times(words, n), refs=_refs(words, passages), n=n)
    if found.kind == "quote":
        if n and found.elided:
            return "verbatim", [words["elided"].format(**fill)]
        if n:
            return "verbatim", [words["verbatim"].format(**fill)]
        return ("close", []) if found.near else ("absent", [words["absent"].format(**fill)])
    if found.kind == "count":
        lines = [words["count"].format(**fill), _how(found, words)]
        return "count", lines + ([_refs(words, passages)] if passages else [])
    key = f"{found.kind}_{'yes' if n else 'no'}"
    return ("yes" if n else "no"), [words[key].format(**fill)]


def _per_document(found: Found, words: dict, labels: dict[str, str]) -> str:
    counts = {source: 0 for source in labels}
    for h in found.hits:
        counts[h.source] = counts.get(h.source, 0) + 1
    return words["per_doc"].format(parts="; ".join(f"{_escape_md(labels.get(s, s))}: {n}" for s, n in counts.items()))


def _listed(items: Sequence[str], words: dict) -> str:
    """“a”, “b” and “c”."""
    quoted = [f"“{_escape_md(i)}”" for i in items]
    return f" {words['and']} ".join([", ".join(quoted[:-1]), quoted[-1]]) if len(quoted) > 1 else "".join(quoted)


def _how(found: Found, words: dict) -> str:
    counted = _listed(found.counted, words) or f"“{_escape_md(found.term)}”"
    rest = _listed(found.not_counted, words)
    return words["how"].format(counted=counted, not_counted=words["not_counted"].format(forms=rest) if rest else "")


def _near_lines(found: Found, words: dict, passages: list[Passage], where: str) -> list[str]:
    near, ref = found.near, _refs(words, passages[-1:], first=len(passages))
    if found.kind != "quote":
        return [words["nearest"].format(refs=ref)]
    lines = [words["close"].format(where=_escape_md(where), term=_escape_md(found.term), refs=ref)]
    if near.negation:
        lines.append(words["negation"].format(what=_escape_md(near.negation)))
    if near.missing:
        lines.append(words["missing"].format(words=", ".join(f"“{_escape_md(w)}”" for w in near.missing)))
    return lines


def _result(found: Found, outcome: str) -> WordingResult:
    near = found.near
    return WordingResult(kind=found.kind, outcome=outcome, term=found.term,
                         count=len(found.hits) if found.kind == "count" else None,
                         occurrences=tuple((h.source, h.start, h.end) for h in found.hits),
                         closest=(near.source, *near.sentence) if near and not found.hits else None,
                         negation=near.negation if near and not found.hits else "", counted=found.counted)


def wording_answer(r: "Retriever", question: str, *, scope: tuple[str, ...], compare: bool,
                   history: Sequence[str], language: str, notes: tuple[str, ...],
                   documents: Sequence[str] = ()) -> tuple[Answer, tuple[str, ...]] | None:
    """For a question about the wording (a quote, a phrase, a mention, a count): the exact
    answer over the documents in scope, and that scope; None for any other question. A quote or
    a phrase is looked for in every document unless the question or the caller names some; a
    mention or a count, like other questions, in the document the evidence points to."""

    query = read_wording(question)
    if query is None:
        return None
    if query.quoted and not documents:  # the quoted words are looked up, they do not name a document
        scope, compare = resolve_scope(r, question.replace(query.term, " "), history, ())
    everywhere = exact.texts_of(r, r.chunks)
    if not exact.searchable(everywhere, query.term):
        return None
    elsewhere: dict[str, int] = {}
    if not scope and query.kind in (COUNT, MENTION) and len(r.documents) > 1:
        scope, elsewhere = _wording_scope(r, question, history, exact.find(everywhere, query.term),
                                          language=language, compare=compare)
    sources = set(scope or (d.source for d in r.documents))
    texts = [t for t in everywhere if t.source in sources]
    hits = tuple(exact.find(texts, query.term))
    elided = False
    if not hits and query.kind == QUOTE:  # "no model … as-is": the parts, in one sentence
        hits = tuple(exact.find_elided(texts, query.term))
        elided = bool(hits)
    near = None if hits or query.kind in (COUNT, MENTION) else exact.closest(texts, query.term, quotes=r.tuning.quotes)
    counted, longer = exact.forms(texts, query.term, hits) if query.kind == COUNT else ([], [])
    found = Found(kind=query.kind, term=query.term, hits=hits, near=near, counted=tuple(counted),
                  not_counted=tuple(longer), elided=elided)
    labels = {d.source: d.label for d in r.documents if d.source in sources}
    answer = reply(question, found, {t.source: t.text for t in texts}, where=_where(r, labels, language),
                   language=language, labels=labels, notes=notes,
                   elsewhere={_label(r, source): n for source, n in elsewhere.items()})
    return answer, tuple(sorted(sources, key=[d.source for d in r.documents].index))


def _wording_scope(r: "Retriever", question: str, history: Sequence[str], hits: Sequence, *, language: str,
                   compare: bool) -> tuple[tuple[str, ...], dict[str, int]]:
    """For a mention or a count that names no document, in a corpus of several: the document
    the evidence points to among those that use the words (all of them if none does), and how
    often each of the others uses them, so the reply can say so."""
    counts: dict[str, int] = {}
    for h in hits:
        counts[h.source] = counts.get(h.source, 0) + 1
    if len(counts) <= 1:
        return tuple(counts), {}
    part = r.for_documents(tuple(counts))
    scope = evidence_scope(part, question, history, language=language, compare=compare)
    return scope, {source: n for source, n in counts.items() if source not in scope}


def _label(r: "Retriever", source: str) -> str:
    return next((d.label for d in r.documents if d.source == source), source)


def _where(r: "Retriever", labels: dict[str, str], language: str) -> str:
    """How a wording reply names what it searched: the speech, a document, or N documents."""

    words = WORDS.get(language, WORDS["en"])
    if len(r.documents) < 2:
        return words["the_speech"]
    if len(labels) == 1:
        return next(iter(labels.values()))
    return words["docs"].format(n=len(labels))
